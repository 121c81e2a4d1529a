package sync_test

import (
	"fmt"
	"hash/fnv"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/gmplab/gmp"
	"github.com/gmplab/gmp/observe"
	"github.com/gmplab/gmp/sync"
)

// TestMutexWaitNS checks mutex_wait_ns (Go's /sync/mutex/wait/total) by
// hand on an ideal machine (a zero cost model), where every goroutine
// below parks at virtual time 0 and is readied exactly when main releases
// what it waits for. Like Go's, the metric counts the time goroutines
// spend blocked in sync.Mutex.Lock, sync.RWMutex.RLock and
// sync.RWMutex.Lock — from the park to the wakeup, not the time runnable
// afterwards — and not WaitGroup or Cond waits.
func TestMutexWaitNS(t *testing.T) {
	const ms = time.Millisecond
	zero := gmp.CostModel{}
	res, err := gmp.Run(gmp.Config{Procs: 1, Costs: &zero}, func() {
		var mu sync.Mutex
		var rw, rw2 sync.RWMutex
		var wg, done sync.WaitGroup
		cond := sync.NewCond(new(sync.Mutex))
		c := gmp.MakeChan[int](0)
		mu.Lock()
		rw.Lock()
		rw2.RLock()
		wg.Add(1)
		block := func(f func()) func() { return func() { f(); done.Done() } }
		done.Add(5)
		// Run order once main blocks: the five waiters, then the trigger.
		gmp.Go(block(rw.RLock))                                               // 1ms + 0.5ms
		gmp.Go(block(rw2.Lock))                                               // 3ms
		gmp.Go(block(wg.Wait))                                                // not a mutex wait
		gmp.Go(block(func() { cond.L.Lock(); cond.Wait(); cond.L.Unlock() })) // not either
		gmp.Go(func() { c.Send(0) })
		gmp.Go(block(mu.Lock)) // 1ms
		c.Recv()
		if now := gmp.Since(gmp.Epoch); now != 0 {
			panic(fmt.Sprintf("waiters parked at %v, want 0 on an ideal machine", now))
		}
		gmp.Work(1 * ms)
		mu.Unlock() // at 1ms
		gmp.Work(ms / 2)
		rw.Unlock() // at 1.5ms
		gmp.Work(ms / 2)
		wg.Done() // at 2ms
		gmp.Work(1 * ms)
		rw2.RUnlock() // at 3ms
		cond.Broadcast()
		gmp.Work(1 * ms) // the woken ones are runnable meanwhile: not counted
		done.Wait()
	})
	if err != nil {
		t.Fatal(err)
	}
	if want := int64(1*ms + 3*ms/2 + 3*ms); res.Stats.MutexWaitNS != want {
		t.Errorf("mutex_wait_ns = %v, want %v", time.Duration(res.Stats.MutexWaitNS), time.Duration(want))
	}
}

// TestMutexWaitNSDefaultCosts: with the default cost model the wait is the
// time between the blocked Lock and the Unlock that wakes it, corrected by
// the runtime's charges on either side: the waiter parks after Lock's fast
// path, semacquire's slow path and gopark; it is readied after Unlock's
// fast path, semrelease's slow path and goready.
func TestMutexWaitNSDefaultCosts(t *testing.T) {
	costs := gmp.DefaultCosts()
	for _, procs := range []int{1, 2} {
		t.Run(fmt.Sprint("procs", procs), func(t *testing.T) {
			var lockAt, unlockAt time.Duration
			res, err := gmp.Run(gmp.Config{Procs: procs}, func() {
				var mu sync.Mutex
				var done sync.WaitGroup
				mu.Lock()
				done.Go(func() {
					lockAt = gmp.Since(gmp.Epoch)
					mu.Lock()
					//lint:ignore SA2001 waiting for the lock is what is measured
					mu.Unlock()
				})
				for sync.MutexState(&mu) != "locked waiters=1" {
					gmp.Gosched() // until it has parked
				}
				gmp.Work(700 * time.Microsecond)
				unlockAt = gmp.Since(gmp.Epoch)
				mu.Unlock()
				done.Wait()
			})
			if err != nil {
				t.Fatal(err)
			}
			parked := lockAt + time.Duration(costs.MutexLock+costs.SemaAcquire+costs.Park)
			readied := unlockAt + time.Duration(costs.MutexLock+costs.SemaRelease+costs.Ready)
			got, want := time.Duration(res.Stats.MutexWaitNS), readied-parked
			if procs == 1 && got != want {
				t.Errorf("mutex_wait_ns = %v, want %v (Unlock at %v, Lock at %v)", got, want, unlockAt, lockAt)
			}
			// With a second P the waiter may spin first (canSpin): it
			// parks up to four spins later.
			if d := want - got; procs > 1 && (d < 0 || d > 4*time.Duration(costs.MutexSpin)) {
				t.Errorf("mutex_wait_ns = %v, want %v minus at most 4 spins", got, want)
			}
		})
	}
}

type checksum struct {
	h interface {
		Write([]byte) (int, error)
		Sum64() uint64
	}
}

func (c *checksum) Event(ev *observe.Event) {
	fmt.Fprintf(c.h, "%v %d %d %d %d %d %d %d %d %s|", ev.Kind, ev.Time, ev.M, ev.P, ev.G, ev.Target, ev.Arg, ev.Arg2, ev.Arg3, ev.Reason)
}

// TestDeterminism: the same program and seed give the same event stream
// and the same stats, with spinning, parking, starvation and hand-offs in
// play; another seed gives another schedule.
func TestDeterminism(t *testing.T) {
	run := func(seed uint64) (uint64, gmp.Stats) {
		cs := &checksum{h: fnv.New64a()}
		res, err := gmp.Run(gmp.Config{Procs: 4, Seed: seed, Observers: []observe.Observer{cs}}, func() {
			contended(6, 60, 150*time.Microsecond, 3*time.Microsecond)()
			var rw sync.RWMutex
			var wg sync.WaitGroup
			for i := range 8 {
				wg.Go(func() {
					for range 20 {
						if i%4 == 0 {
							rw.Lock()
							gmp.Work(20 * time.Microsecond)
							rw.Unlock()
						} else {
							rw.RLock()
							gmp.Work(10 * time.Microsecond)
							rw.RUnlock()
						}
					}
				})
			}
			wg.Wait()
		})
		if err != nil {
			t.Fatal(err)
		}
		return cs.h.Sum64(), res.Stats
	}
	sum1, st1 := run(7)
	sum2, st2 := run(7)
	if sum1 != sum2 || !reflect.DeepEqual(st1, st2) {
		t.Errorf("same seed, different runs:\n%+v\n%+v", st1, st2)
	}
	if st1.MutexSpins == 0 || st1.MutexStarvation == 0 || st1.SemaHandoffs == 0 || st1.MutexWaitNS == 0 {
		t.Errorf("the workload should spin, starve and hand off: %+v", st1)
	}
	sum3, st3 := run(8)
	if sum3 == sum1 && reflect.DeepEqual(st1, st3) {
		t.Errorf("seeds 7 and 8 gave the same run")
	}
}

// TestWaitReasons: goroutines blocked in each primitive show Go's wait
// reason and the gmp/sync frame they block in, both in the leak report
// when main returns and in a deadlock dump.
func TestWaitReasons(t *testing.T) {
	want := map[string]string{ // wait reason → innermost gmp/sync frame
		"sync.Mutex.Lock":     "github.com/gmplab/gmp/sync.(*Mutex).lockSlow(...)",
		"sync.RWMutex.RLock":  "github.com/gmplab/gmp/sync.(*RWMutex).RLock(...)",
		"sync.RWMutex.Lock":   "github.com/gmplab/gmp/sync.(*RWMutex).Lock(...)",
		"sync.WaitGroup.Wait": "github.com/gmplab/gmp/sync.(*WaitGroup).Wait(...)",
		"sync.Cond.Wait":      "github.com/gmplab/gmp/sync.(*Cond).Wait(...)",
	}
	blockAll := func() {
		var mu sync.Mutex
		var rw, rw2 sync.RWMutex
		var wg sync.WaitGroup
		cond := sync.NewCond(new(sync.Mutex))
		mu.Lock()
		rw.Lock()
		rw2.RLock()
		wg.Add(1)
		gmp.Go(mu.Lock)
		gmp.Go(rw.RLock)
		gmp.Go(rw2.Lock)
		gmp.Go(wg.Wait)
		gmp.Go(func() { cond.L.Lock(); cond.Wait() })
		gmp.Gosched() // they all run and block
	}
	res, err := gmp.Run(gmp.Config{Procs: 1}, blockAll)
	if err != nil {
		t.Fatal(err)
	}
	seen := map[string]bool{}
	for _, l := range res.Leaks {
		frame, ok := want[l.Status]
		if !ok {
			t.Errorf("leaked goroutine %d has status %q", l.Goid, l.Status)
			continue
		}
		seen[l.Status] = true
		if header := fmt.Sprintf("goroutine %d [%s]:\n", l.Goid, l.Status); !strings.HasPrefix(l.Dump, header) || !strings.Contains(l.Dump, frame) {
			t.Errorf("dump of goroutine %d lacks %q or %q:\n%s", l.Goid, header, frame, l.Dump)
		}
	}
	if len(seen) != len(want) {
		t.Errorf("leaks %v, want one of each of %v", seen, want)
	}

	_, err = gmp.Run(gmp.Config{Procs: 1}, func() {
		blockAll()
		var wg sync.WaitGroup
		wg.Add(1)
		wg.Wait()
	})
	if !gmp.IsDeadlock(err) {
		t.Fatalf("err = %v, want a deadlock", err)
	}
	for reason, frame := range want {
		if !strings.Contains(err.Error(), "["+reason+"]:\n"+frame) {
			t.Errorf("deadlock dump lacks a goroutine in [%s] blocked at %s:\n%s", reason, frame, err)
		}
	}
}
