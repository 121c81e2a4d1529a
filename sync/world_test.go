package sync_test

import (
	"fmt"
	"runtime"
	"runtime/debug"
	"slices"
	stdsync "sync"
	"testing"
	"time"

	"github.com/gmplab/gmp"
	"github.com/gmplab/gmp/sync"
)

// The tests run one program twice: natively, on the real runtime with
// GOMAXPROCS=1 and the standard sync package, and on the simulator with
// Procs 1 and gmp/sync, and compare what the programs log. A program is
// written once against a world, which supplies the go statement, the sync
// types and an unbuffered channel for hand-shakes.
//
// On one P the real runtime's order is deterministic as long as nothing
// goes through the global run queue, whose every-61st-schedtick check
// depends on the process's history: the programs never call Gosched (which
// queues there) and never run long enough for sysmon to preempt them, and
// the garbage collector is off while they run natively.

type locker interface {
	Lock()
	Unlock()
}

type rwlocker interface {
	locker
	RLock()
	RUnlock()
	TryLock() bool
	TryRLock() bool
}

type waitGroup interface {
	Add(int)
	Done()
	Wait()
	Go(func())
}

type cond interface {
	Wait()
	Signal()
	Broadcast()
}

type once interface{ Do(func()) }

type channel interface {
	Send()
	Recv()
}

// A world is the set of primitives a program runs on.
type world struct {
	name      string
	Go        func(func())
	Work      func(time.Duration) // virtual CPU time in the simulator; nothing natively
	Mutex     func() locker
	RWMutex   func() rwlocker
	WaitGroup func() waitGroup
	Cond      func(locker) cond
	Once      func() once
	Chan      func() channel

	mu     stdsync.Mutex // guards events (never contended: see above)
	events []string
}

// Log records an event of the program.
func (w *world) Log(format string, args ...any) {
	w.mu.Lock()
	w.events = append(w.events, fmt.Sprintf(format, args...))
	w.mu.Unlock()
}

// GoInOrder starts fns so that, on one P, once the caller blocks they run
// in the order given: the last goroutine started sits in runnext and runs
// first, the others wait in the local run queue in FIFO order. So fns[0]
// is started last.
func (w *world) GoInOrder(fns ...func()) {
	for _, f := range fns[1:] {
		w.Go(f)
	}
	w.Go(fns[0])
}

type nativeChan chan struct{}

func (c nativeChan) Send() { c <- struct{}{} }
func (c nativeChan) Recv() { <-c }

func nativeWorld() *world {
	return &world{
		name:      "native",
		Go:        func(f func()) { go f() },
		Work:      func(time.Duration) {},
		Mutex:     func() locker { return new(stdsync.Mutex) },
		RWMutex:   func() rwlocker { return new(stdsync.RWMutex) },
		WaitGroup: func() waitGroup { return new(stdsync.WaitGroup) },
		Cond:      func(l locker) cond { return stdsync.NewCond(l) },
		Once:      func() once { return new(stdsync.Once) },
		Chan:      func() channel { return make(nativeChan) },
	}
}

type simChan struct{ c gmp.Chan[struct{}] }

func (c simChan) Send() { c.c.Send(struct{}{}) }
func (c simChan) Recv() { c.c.Recv() }

func simWorld() *world {
	return &world{
		name:      "sim",
		Go:        gmp.Go,
		Work:      gmp.Work,
		Mutex:     func() locker { return new(sync.Mutex) },
		RWMutex:   func() rwlocker { return new(sync.RWMutex) },
		WaitGroup: func() waitGroup { return new(sync.WaitGroup) },
		Cond:      func(l locker) cond { return sync.NewCond(l) },
		Once:      func() once { return new(sync.Once) },
		Chan:      func() channel { return simChan{gmp.MakeChan[struct{}](0)} },
	}
}

// runNative runs prog on the real runtime with GOMAXPROCS=1 and returns
// its log.
func runNative(prog func(w *world)) []string {
	defer debug.SetGCPercent(debug.SetGCPercent(-1))
	defer runtime.GOMAXPROCS(runtime.GOMAXPROCS(1))
	w := nativeWorld()
	prog(w)
	return w.events
}

// runSim runs prog on the simulator and returns its log and result.
func runSim(t *testing.T, cfg gmp.Config, prog func(w *world)) ([]string, *gmp.Result) {
	t.Helper()
	w := simWorld()
	res, err := gmp.Run(cfg, func() { prog(w) })
	if err != nil {
		t.Fatalf("simulation failed: %v", err)
	}
	return w.events, res
}

// sameAsNative runs prog both ways on one P, checks that the logs agree,
// and, if want is not nil, that they are want (which documents the
// order). It returns the simulation's result.
//
// Under the race detector the real runtime schedules at random, so only
// the simulation runs (and is checked against want).
func sameAsNative(t *testing.T, prog func(w *world), want []string) *gmp.Result {
	t.Helper()
	sim, res := runSim(t, gmp.Config{Procs: 1}, prog)
	if raceEnabled {
		if want != nil && !slices.Equal(sim, want) {
			t.Errorf("simulated log is not the expected one\n got: %q\nwant: %q", sim, want)
		}
		return res
	}
	native := runNative(prog)
	if !slices.Equal(native, sim) {
		t.Errorf("simulated log differs from the real runtime's\nnative: %q\n   sim: %q", native, sim)
	}
	if want != nil && !slices.Equal(native, want) {
		t.Errorf("real runtime's log is not the expected one\n got: %q\nwant: %q", native, want)
	}
	return res
}

// recovered runs f and returns the value it panicked with, or nil.
func recovered(f func()) (r any) {
	defer func() { r = recover() }()
	f()
	return nil
}

func stdOnceFunc(f func()) func()          { return stdsync.OnceFunc(f) }
func stdOnceValue(f func() int) func() int { return stdsync.OnceValue(f) }
