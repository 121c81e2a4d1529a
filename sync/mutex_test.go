package sync_test

import (
	"errors"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/gmplab/gmp"
	"github.com/gmplab/gmp/sync"
)

// mutexHandoff: four goroutines queue on a locked mutex; an unlocker
// wakes the first and at once takes the mutex back (barging), so the woken
// waiter fails and re-queues — at the front (LIFO), so it is still the
// next one woken.
func mutexHandoff(w *world) {
	mu, c, done := w.Mutex(), w.Chan(), w.WaitGroup()
	mu.Lock()
	waiter := func(i int) func() {
		return func() {
			defer done.Done()
			w.Log("w%d lock", i)
			mu.Lock()
			w.Log("w%d got", i)
			mu.Unlock()
		}
	}
	done.Add(6)
	w.GoInOrder(
		waiter(0), waiter(1), waiter(2), waiter(3),
		func() {
			defer done.Done()
			w.Log("T unlock")
			mu.Unlock() // wakes w0 into runnext
			mu.Lock()   // barges in before w0 runs
			w.Log("T relocked")
			c.Recv() // w0 runs, fails and re-queues; then U wakes us
			w.Log("T unlock")
			mu.Unlock()
		},
		func() {
			defer done.Done()
			w.Log("U send")
			c.Send()
		},
	)
	done.Wait()
}

func TestMutexHandoffOrder(t *testing.T) {
	res := sameAsNative(t, mutexHandoff, []string{
		"w0 lock", "w1 lock", "w2 lock", "w3 lock",
		"T unlock", "T relocked", "U send", "T unlock",
		"w0 got", "w1 got", "w2 got", "w3 got",
	})
	if s := res.Stats; s.MutexSpins != 0 || s.MutexStarvation != 0 || s.SemaHandoffs != 0 {
		t.Errorf("one P, short waits: want no spins, starvation or hand-offs; got spins=%d starvation=%d handoffs=%d", s.MutexSpins, s.MutexStarvation, s.SemaHandoffs)
	}
}

// mutexStarvation: four goroutines queue on a mutex main holds for hold;
// main then unlocks (waking w0) and barges back in while w0 runs, so w0
// fails after having waited hold. Then main unlocks and re-locks.
//
// With a short hold the mutex stays in normal mode: main's re-lock barges
// in ahead of the woken waiter. With hold > 1ms, w0 switches the mutex to
// starvation mode: every Unlock hands it to the waiter at the front and
// yields, main's re-lock queues behind them all, and the last waiter
// switches the mutex back to normal mode.
func mutexStarvation(hold time.Duration) func(w *world) {
	return func(w *world) {
		mu, c, done := w.Mutex(), w.Chan(), w.WaitGroup()
		mu.Lock()
		waiter := func(i int) func() {
			return func() {
				defer done.Done()
				mu.Lock()
				w.Log("w%d", i)
				w.Work(10 * time.Microsecond)
				mu.Unlock()
			}
		}
		done.Add(4)
		w.GoInOrder(waiter(0), waiter(1), waiter(2), waiter(3), c.Send, c.Send)
		c.Recv() // the waiters queue; the first c.Send wakes us
		w.Work(hold)
		mu.Unlock() // normal mode: wakes w0
		mu.Lock()   // … and barges in
		c.Recv()    // w0 runs, fails, re-queues at the front; c.Send wakes us
		mu.Unlock()
		mu.Lock()
		w.Log("main")
		mu.Unlock()
		done.Wait()
	}
}

func TestMutexNormalModeBarging(t *testing.T) {
	res := sameAsNative(t, mutexStarvation(100*time.Microsecond), []string{"main", "w0", "w1", "w2", "w3"})
	if res.Stats.MutexStarvation != 0 || res.Stats.SemaHandoffs != 0 {
		t.Errorf("waits < 1ms: want no starvation mode and no hand-offs, got %d entries, %d hand-offs", res.Stats.MutexStarvation, res.Stats.SemaHandoffs)
	}
}

func TestMutexStarvationMode(t *testing.T) {
	for _, preempt := range []gmp.PreemptMode{gmp.PreemptAsync, gmp.PreemptCooperative} {
		t.Run(fmt.Sprint("preempt", preempt), func(t *testing.T) {
			log, res := runSim(t, gmp.Config{Procs: 1, Preempt: preempt}, mutexStarvation(2*time.Millisecond))
			// FIFO hand-off: main, which barged in normal mode, now queues
			// behind every waiter.
			if want := []string{"w0", "w1", "w2", "w3", "main"}; !slices.Equal(log, want) {
				t.Errorf("lock order %q, want %q", log, want)
			}
			if res.Stats.MutexStarvation != 1 {
				t.Errorf("mutex_starvation_entries = %d, want 1", res.Stats.MutexStarvation)
			}
			// main→w0, w0→w1, w1→w2, w2→w3; w3, the last waiter, switches
			// back to normal mode and its Unlock hands off nothing.
			if res.Stats.SemaHandoffs != 4 {
				t.Errorf("sema_handoffs = %d, want 4", res.Stats.SemaHandoffs)
			}
		})
	}
}

// TestMutexStarvationState follows the state word through starvation
// mode: set by a woken waiter that waited more than 1ms and still found
// the mutex locked, kept while waiters that also starved take their turn,
// cleared by the last waiter.
func TestMutexStarvationState(t *testing.T) {
	var states []string
	record := func(what string, mu *sync.Mutex) { states = append(states, what+" "+sync.MutexState(mu)) }
	_, err := gmp.Run(gmp.Config{Procs: 1}, func() {
		var mu sync.Mutex
		var wg sync.WaitGroup
		c := gmp.MakeChan[int](0)
		mu.Lock()
		waiter := func(i int) func() {
			return func() {
				mu.Lock()
				record(fmt.Sprintf("w%d", i), &mu)
				mu.Unlock()
			}
		}
		// Run order once main blocks: w0, w1, w2, the observer, the
		// trigger (the last one started runs first).
		wg.Go(waiter(1))
		wg.Go(waiter(2))
		gmp.Go(func() { record("queued", &mu); c.Send(0) })
		gmp.Go(func() { c.Send(0) })
		wg.Go(waiter(0))
		c.Recv()
		gmp.Work(2 * time.Millisecond)
		mu.Unlock() // normal mode: wakes w0 into runnext
		mu.Lock()   // and barges in
		record("barged", &mu)
		c.Recv() // w0 fails and starves; the trigger wakes us
		record("starving", &mu)
		mu.Unlock() // hands off to w0 and yields
		wg.Wait()
		record("end", &mu)
	})
	if err != nil {
		t.Fatal(err)
	}
	want := []string{
		"queued locked waiters=3",
		"barged locked|woken waiters=2",
		"starving locked|starving waiters=3",
		"w0 locked|starving waiters=2",
		"w1 locked|starving waiters=1",
		"w2 locked waiters=0",
		"end unlocked waiters=0",
	}
	if !slices.Equal(states, want) {
		t.Errorf("states:\n%s\nwant:\n%s", strings.Join(states, "\n"), strings.Join(want, "\n"))
	}
}

// contended runs n goroutines that each lock mu iters times, holding it
// for hold and working for work outside it.
func contended(n, iters int, hold, work time.Duration) func() {
	return func() {
		var mu sync.Mutex
		var wg sync.WaitGroup
		counter := 0
		for range n {
			wg.Go(func() {
				for range iters {
					mu.Lock()
					counter++
					gmp.Work(hold)
					mu.Unlock()
					gmp.Work(work)
				}
			})
		}
		wg.Wait()
		if counter != n*iters {
			panic(fmt.Sprintf("counter = %d, want %d: mutual exclusion broken", counter, n*iters))
		}
	}
}

// TestMutexSpinning: a Mutex spins only when Go's canSpin allows it,
// which needs another running P: never with one P.
func TestMutexSpinning(t *testing.T) {
	for _, procs := range []int{1, 2, 4} {
		t.Run(fmt.Sprint("procs", procs), func(t *testing.T) {
			// One goroutine per P (spinning needs an empty local run
			// queue), each needing the lock two thirds of the time.
			n := max(procs, 2)
			res, err := gmp.Run(gmp.Config{Procs: procs, Seed: 1}, contended(n, 200, 2*time.Microsecond, time.Microsecond))
			if err != nil {
				t.Fatal(err)
			}
			spins := res.Stats.MutexSpins
			if procs == 1 && spins != 0 {
				t.Errorf("mutex_spins = %d with one P, want 0", spins)
			}
			if procs > 1 && spins == 0 {
				t.Errorf("mutex_spins = 0 with %d Ps, want > 0", procs)
			}
			if procs == 4 && res.Stats.MutexWaitNS == 0 {
				t.Errorf("mutex_wait_ns = 0 with four goroutines contending")
			}
			t.Logf("procs=%d spins=%d starvation=%d handoffs=%d wait=%v virtual=%v", procs, spins, res.Stats.MutexStarvation, res.Stats.SemaHandoffs, time.Duration(res.Stats.MutexWaitNS), res.VirtualTime)
		})
	}
}

// TestMutexContendedStarvation: goroutines on several Ps that re-lock at
// once after unlocking barge in ahead of the waiter they woke, which
// fails and re-queues; after 1ms of that it switches the mutex to
// starvation mode. Mutual exclusion holds throughout (contended panics
// otherwise).
func TestMutexContendedStarvation(t *testing.T) {
	res, err := gmp.Run(gmp.Config{Procs: 4, Seed: 3}, contended(4, 50, 200*time.Microsecond, 0))
	if err != nil {
		t.Fatal(err)
	}
	if res.Stats.MutexStarvation == 0 || res.Stats.SemaHandoffs == 0 {
		t.Errorf("want starvation mode and hand-offs, got %d entries, %d hand-offs", res.Stats.MutexStarvation, res.Stats.SemaHandoffs)
	}
}

func TestMutexTryLock(t *testing.T) {
	_, err := gmp.Run(gmp.Config{Procs: 1}, func() {
		var mu sync.Mutex
		if !mu.TryLock() {
			t.Error("TryLock of an unlocked mutex failed")
		}
		if mu.TryLock() {
			t.Error("TryLock of a locked mutex succeeded")
		}
		mu.Unlock()
		mu.Lock()
		//lint:ignore SA2001 taking the lock again is what the test checks
		mu.Unlock()
	})
	if err != nil {
		t.Fatal(err)
	}
}

func TestMutexUnlockOfUnlocked(t *testing.T) {
	for _, tc := range []struct {
		name string
		f    func()
		msg  string
	}{
		{"Mutex", func() { var mu sync.Mutex; mu.Unlock() }, "sync: unlock of unlocked mutex"},
		//lint:ignore SA2001 the test is the second Unlock
		{"MutexTwice", func() { var mu sync.Mutex; mu.Lock(); mu.Unlock(); mu.Unlock() }, "sync: unlock of unlocked mutex"},
		{"RWMutex.Unlock", func() { var rw sync.RWMutex; rw.Unlock() }, "sync: Unlock of unlocked RWMutex"},
		{"RWMutex.RUnlock", func() { var rw sync.RWMutex; rw.RUnlock() }, "sync: RUnlock of unlocked RWMutex"},
		{"RWMutex.RUnlockAfterLock", func() { var rw sync.RWMutex; rw.Lock(); rw.RUnlock() }, "sync: RUnlock of unlocked RWMutex"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			recoveredIt := false
			_, err := gmp.Run(gmp.Config{Procs: 1}, func() {
				defer func() {
					// A fatal error cannot be recovered: this deferred call
					// never runs (the program is over).
					if recover() != nil {
						recoveredIt = true
					}
				}()
				tc.f()
			})
			var f *gmp.FatalError
			if !errors.As(err, &f) {
				t.Fatalf("err = %v (%T), want a *gmp.FatalError", err, err)
			}
			if want := "fatal error: " + tc.msg; !strings.HasPrefix(err.Error(), want) {
				t.Errorf("err = %q, want prefix %q", err.Error(), want)
			}
			if f.Msg != tc.msg || gmp.IsDeadlock(err) {
				t.Errorf("Msg = %q (deadlock=%v), want %q", f.Msg, gmp.IsDeadlock(err), tc.msg)
			}
			if !strings.Contains(f.Dump, "goroutine 1 [running]:") {
				t.Errorf("dump does not show the running goroutine:\n%s", f.Dump)
			}
			if recoveredIt {
				t.Error("the fatal error was recovered")
			}
		})
	}
}

// TestLockOrderInversion: two goroutines take two mutexes in opposite
// orders. The run ends with Go's deadlock error and a dump showing both
// blocked in sync.Mutex.Lock with their stacks, and main in
// sync.WaitGroup.Wait.
func TestLockOrderInversion(t *testing.T) {
	for _, procs := range []int{1, 4} {
		t.Run(fmt.Sprint("procs", procs), func(t *testing.T) {
			_, err := gmp.Run(gmp.Config{Procs: procs}, lockOrderInversion)
			if !gmp.IsDeadlock(err) {
				t.Fatalf("err = %v, want a deadlock", err)
			}
			msg := err.Error()
			if !strings.HasPrefix(msg, "fatal error: all goroutines are asleep - deadlock!\n\ngoroutine 1 [sync.WaitGroup.Wait]:\n") {
				t.Errorf("report does not start with the deadlock and main's header:\n%s", msg)
			}
			blocks := strings.Split(msg, "\n\n")
			var locked []string
			for _, b := range blocks {
				if strings.Contains(strings.SplitN(b, "\n", 2)[0], "[sync.Mutex.Lock]") {
					locked = append(locked, b)
				}
			}
			if len(locked) != 2 {
				t.Fatalf("want 2 goroutines in [sync.Mutex.Lock], got %d:\n%s", len(locked), msg)
			}
			for i, b := range locked {
				for _, frame := range []string{
					"github.com/gmplab/gmp/sync.(*Mutex).lockSlow(...)",
					"github.com/gmplab/gmp/sync.(*Mutex).Lock(...)",
					"github.com/gmplab/gmp/sync_test.lockOrderInversion.func",
					"created by github.com/gmplab/gmp/sync.(*WaitGroup).Go in goroutine 1",
				} {
					if !strings.Contains(b, frame) {
						t.Errorf("goroutine %d's stack lacks %q:\n%s", i, frame, b)
					}
				}
			}
			if !strings.Contains(msg, "github.com/gmplab/gmp/sync.(*WaitGroup).Wait(...)") {
				t.Errorf("main's stack lacks WaitGroup.Wait:\n%s", msg)
			}
		})
	}
}

func lockOrderInversion() {
	var a, b sync.Mutex
	var both, wg sync.WaitGroup
	both.Add(2)
	wg.Go(func() {
		a.Lock()
		both.Done()
		both.Wait() // both hold their first mutex
		b.Lock()
	})
	wg.Go(func() {
		b.Lock()
		both.Done()
		both.Wait()
		a.Lock()
	})
	wg.Wait()
}

var (
	_ sync.Locker = (*sync.Mutex)(nil)
	_ sync.Locker = (*sync.RWMutex)(nil)
	_ sync.Locker = new(sync.RWMutex).RLocker()
)

// TestOutsideRun: the primitives work only on simulated goroutines.
func TestOutsideRun(t *testing.T) {
	for name, f := range map[string]func(){
		"Mutex.Lock":     func() { new(sync.Mutex).Lock() },
		"RWMutex.RLock":  func() { new(sync.RWMutex).RLock() },
		"WaitGroup.Add":  func() { new(sync.WaitGroup).Add(1) },
		"WaitGroup.Wait": func() { new(sync.WaitGroup).Wait() },
		"Once.Do":        func() { new(sync.Once).Do(func() {}) },
		"Cond.Wait":      func() { sync.NewCond(new(sync.Mutex)).Wait() },
	} {
		r := recovered(f)
		if s, _ := r.(string); !strings.Contains(s, "outside gmp.Run") {
			t.Errorf("%s outside gmp.Run: panic %v, want one saying so", name, r)
		}
	}
}
