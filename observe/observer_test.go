package observe_test

import (
	"strings"
	"testing"

	"github.com/gmplab/gmp"
	"github.com/gmplab/gmp/observe"
	"github.com/gmplab/gmp/sync"
	"github.com/gmplab/gmp/time"
)

// blockedTime is an observer as a user would write one outside the module,
// with nothing but the public API: it adds up, per goroutine and per wait
// reason, the virtual time goroutines spent blocked, and names the function
// of the program's that blocked, from the event's stack.
type blockedTime struct {
	since  map[int64]blockStart
	byG    map[int64]map[string]int64 // goid → wait reason → ns
	byFunc map[string]int64           // the program's innermost function → ns
	chan_  int                        // channel blocks in the program's code
	starts int                        // GoStart events received
}

type blockStart struct {
	at     int64
	reason string
	fn     string
}

func newBlockedTime() *blockedTime {
	return &blockedTime{since: map[int64]blockStart{}, byG: map[int64]map[string]int64{}, byFunc: map[string]int64{}}
}

// Kinds subscribes to the events it needs, and no others.
func (b *blockedTime) Kinds() observe.KindSet {
	return observe.KindsOf(observe.GoBlock, observe.GoUnblock)
}

// WantStacks asks for stacks, to name the blocking function.
func (b *blockedTime) WantStacks() bool { return true }

func (b *blockedTime) Event(ev *observe.Event) {
	switch ev.Kind {
	case observe.GoBlock:
		fn := ""
		for _, f := range observe.Frames(ev.Stack) {
			// The innermost frame of the program's own, past gmp's
			// public API (gmp/sync.(*Mutex).Lock, gmp.Chan[…].Recv).
			if !strings.HasPrefix(f.Function, "github.com/gmplab/gmp.") && !strings.HasPrefix(f.Function, "github.com/gmplab/gmp/sync.") {
				fn = f.Function
				break
			}
		}
		reason := observe.WaitReason(ev.Arg).String()
		b.since[ev.G] = blockStart{ev.Time, reason, fn}
		switch ev.Reason {
		case "chan receive", "chan send", "select", "forever":
			if fn != "" { // a block in the runtime's own code has no frame of the program's
				b.chan_++
			}
		}
	case observe.GoUnblock:
		s, ok := b.since[ev.G]
		if !ok {
			return
		}
		delete(b.since, ev.G)
		if b.byG[ev.G] == nil {
			b.byG[ev.G] = map[string]int64{}
		}
		b.byG[ev.G][s.reason] += ev.Time - s.at
		b.byFunc[s.fn] += ev.Time - s.at
	case observe.GoStart:
		b.starts++
	}
}

// total returns the time blocked for any of reasons, over all goroutines.
func (b *blockedTime) total(reasons ...string) int64 {
	var n int64
	for _, m := range b.byG {
		for _, r := range reasons {
			n += m[r]
		}
	}
	return n
}

//go:noinline
func lockAndHold(mu *sync.Mutex, d time.Duration) {
	mu.Lock()
	gmp.Work(d)
	time.Sleep(d)
	mu.Unlock()
}

// TestExternalObserver runs an observer written against the public API only
// and checks what it computes against Stats, which the runtime keeps on its
// own: the time blocked on mutexes is Stats.MutexWaitNS to the nanosecond,
// the channel blocks in the program's code are Stats.ChanBlocks, and the
// blocked time lands on the function that called Lock.
func TestExternalObserver(t *testing.T) {
	for _, procs := range []int{1, 4} {
		obs := newBlockedTime()
		res, err := gmp.Run(gmp.Config{Procs: procs, Seed: 7, Observers: []observe.Observer{obs}}, func() {
			var mu sync.Mutex
			var wg sync.WaitGroup
			work := gmp.MakeChan[int](0)
			for i := range 6 {
				wg.Go(func() {
					for range 5 {
						lockAndHold(&mu, time.Duration(i+1)*100*time.Microsecond)
						work.Send(i)
					}
				})
			}
			gmp.Go(func() {
				for range 30 {
					work.Recv()
					time.Sleep(50 * time.Microsecond)
				}
			})
			wg.Wait()
		})
		if err != nil {
			t.Fatal(err)
		}
		s := res.Stats
		mutex := obs.total("sync.Mutex.Lock", "sync.RWMutex.Lock", "sync.RWMutex.RLock")
		if mutex == 0 || mutex != s.MutexWaitNS {
			t.Errorf("procs %d: the observer saw %d ns blocked on mutexes, Stats.MutexWaitNS = %d", procs, mutex, s.MutexWaitNS)
		}
		if int64(obs.chan_) != s.ChanBlocks || s.ChanBlocks == 0 {
			t.Errorf("procs %d: the observer saw %d channel blocks in the program, Stats.ChanBlocks = %d", procs, obs.chan_, s.ChanBlocks)
		}
		const holder = "github.com/gmplab/gmp/observe_test.lockAndHold"
		if got := obs.byFunc[holder]; got != mutex {
			t.Errorf("procs %d: %d ns blocked in %s, of %d on mutexes in all (by function: %v)", procs, got, holder, mutex, obs.byFunc)
		}
		if obs.starts != 0 {
			t.Errorf("procs %d: a Subscriber of GoBlock and GoUnblock received %d GoStart events", procs, obs.starts)
		}
	}
}

// schedPeek calls gmp.Sched and gmp.Goroutines from inside an observer.
type schedPeek struct {
	t        *testing.T
	maxRunq  int
	peeks    int
	atEnd    []observe.Goroutine
	endPanic any
}

func (p *schedPeek) Kinds() observe.KindSet {
	return observe.KindsOf(observe.GoCreate, observe.End)
}

func (p *schedPeek) Event(ev *observe.Event) {
	switch ev.Kind {
	case observe.GoCreate:
		st := gmp.Sched()
		p.peeks++
		for _, pp := range st.Ps {
			p.maxRunq = max(p.maxRunq, len(pp.Runq))
		}
		if st.Time != ev.Time {
			p.t.Errorf("Sched().Time = %d in an event at %d", st.Time, ev.Time)
		}
	case observe.End:
		func() {
			defer func() { p.endPanic = recover() }()
			p.atEnd = gmp.Goroutines(false)
		}()
	}
}

// TestSchedFromObserver: an observer may look at the scheduler with
// gmp.Sched and gmp.Goroutines, during the run and at its end.
func TestSchedFromObserver(t *testing.T) {
	p := &schedPeek{t: t}
	_, err := gmp.Run(gmp.Config{Procs: 1, Observers: []observe.Observer{p}}, func() {
		block := gmp.MakeChan[int](0)
		for range 10 {
			gmp.Go(func() { block.Recv() })
		}
		gmp.Gosched()
	})
	if err != nil {
		t.Fatal(err)
	}
	if p.peeks < 10 || p.maxRunq < 8 {
		t.Errorf("%d peeks, longest local run queue seen %d", p.peeks, p.maxRunq)
	}
	if p.endPanic != nil {
		t.Fatalf("gmp.Goroutines at End: %v", p.endPanic)
	}
	waiting := 0
	for _, g := range p.atEnd {
		if !g.System && g.Status == observe.Gwaiting && g.WaitReason == "chan receive" {
			waiting++
		}
	}
	if waiting != 10 {
		t.Errorf("at End, %d user goroutines wait on a channel, want 10: %+v", waiting, p.atEnd)
	}
}
