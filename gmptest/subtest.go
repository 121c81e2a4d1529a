package gmptest

import (
	"fmt"
	"runtime"
	"strconv"
	"strings"
	"testing"

	"github.com/gmplab/gmp"
	"github.com/gmplab/gmp/context"
	"github.com/gmplab/gmp/internal/rt"
	"github.com/gmplab/gmp/sync"
)

// harness is the state of the running simulated test. Only simulated
// goroutines touch it (one at a time), except abort, which runs after the
// simulation.
type harness struct {
	tests    map[*testing.T]*tstate
	active   []*tstate // subtests whose host side waits (creation order)
	rootGoid int64
	sem      gmp.Chan[struct{}] // -test.parallel slots for parallel subtests
}

// cur is the harness of the simulation that is running (one per process).
var cur *harness

// tstate is a test's simulated side: what std's common and tRunner keep
// for it, with simulated channels.
type tstate struct {
	h        *harness
	t        *testing.T
	parent   *tstate
	goid     int64
	cleanups []func()
	ctx      context.Context
	cancel   context.CancelFunc
	parallel bool
	barrier  gmp.Chan[struct{}] // closed when the body returns: parallel subtests go on
	subs     sync.WaitGroup     // parallel subtests still running
	finished gmp.Chan[struct{}] // closed when the test is over, or paused by Parallel
	ok       bool

	// The host side of a subtest: std's t.Run runs on a host goroutine
	// whose function waits on done; ret receives t.Run's result.
	done     chan any // closed when the body is over; or a panic to raise there
	ret      chan bool
	complete bool
}

//go:norace
func (h *harness) newState(t *testing.T, parent *tstate) *tstate {
	st := &tstate{h: h, t: t, parent: parent, barrier: gmp.MakeChan[struct{}](0)}
	h.tests[t] = st
	return st
}

//go:norace
func (h *harness) state(t testing.TB) *tstate {
	tt, ok := t.(*testing.T)
	if !ok || h == nil {
		return nil
	}
	return h.tests[tt]
}

// run is tRunner: it runs the test's body on the current goroutine and
// then finishes the test, whether the body returned, called
// runtime.Goexit (t.FailNow, t.SkipNow) or panicked.
//
//go:norace
func (st *tstate) run(body func(*testing.T)) {
	st.goid = gmp.Goid()
	returned := false
	defer func() {
		if !returned && panicking() {
			// A panicking test takes the program down, as in Go; its
			// cleanups run first (testing's doPanic). The panic is not
			// recovered, so that the report shows the panicking frames.
			st.runCleanups()
			return
		}
		st.finish()
	}()
	body(st.t)
	returned = true
}

// panicking reports whether the deferred function calling it runs
// because of a panic (called by runtime.gopanic) rather than
// runtime.Goexit. recover would tell too, but a recovered and re-raised
// panic loses the frames that panicked.
//
//go:norace
func panicking() bool {
	var pcs [8]uintptr
	n := runtime.Callers(3, pcs[:])
	frames := runtime.CallersFrames(pcs[:n])
	for {
		f, more := frames.Next()
		switch f.Function {
		case "runtime.gopanic", "runtime.panicmem", "runtime.panicdivide", "runtime.sigpanic":
			return true
		case "runtime.Goexit":
			return false
		}
		if !more {
			return false
		}
	}
}

// finish waits for the parallel subtests, runs the cleanups and reports
// the test over to its parent (and to std, for a subtest).
//
//go:norace
func (st *tstate) finish() {
	if st.parallel {
		// Give up the -test.parallel slot while the parallel subtests
		// run, as tRunner does: they need slots of their own.
		st.h.sem.Recv()
	}
	st.barrier.Close()
	st.subs.Wait()
	if st.cancel != nil {
		st.cancel()
	}
	defer st.completeTest()
	st.runCleanups()
}

//go:norace
func (st *tstate) completeTest() {
	if st.parent == nil {
		st.finished.Close()
		return
	}
	// Let std finish the subtest (its own cleanups, the --- PASS line),
	// with the simulation standing still so that the output is in
	// simulation order.
	st.complete = true
	st.h.remove(st)
	close(st.done)
	st.ok = <-st.ret
	if st.parallel {
		st.parent.subs.Done()
		return
	}
	st.finished.Close()
}

//go:norace
func (h *harness) remove(st *tstate) {
	for i, a := range h.active {
		if a == st {
			h.active = append(h.active[:i], h.active[i+1:]...)
			return
		}
	}
}

// runCleanups runs the registered cleanups, last first. A cleanup that
// calls runtime.Goexit (t.FailNow) or panics does not stop the others.
//
//go:norace
func (st *tstate) runCleanups() {
	for len(st.cleanups) > 0 {
		f := st.cleanups[len(st.cleanups)-1]
		st.cleanups = st.cleanups[:len(st.cleanups)-1]
		func() {
			normal := false
			defer func() {
				if !normal {
					st.runCleanups()
				}
			}()
			f()
			normal = true
		}()
	}
}

// Run runs f as a subtest of t called name, inside the simulation, and
// reports whether it succeeded (t.Run). Outside a simulation it is t.Run.
//
//go:norace
func Run(t *testing.T, name string, f func(t *testing.T)) bool {
	h := cur
	parent := h.state(t)
	if !rt.InRun() || parent == nil {
		return t.Run(name, f)
	}
	start := make(chan *testing.T, 1)
	ret := make(chan bool, 1)
	done := make(chan any, 1)
	go func() {
		ret <- t.Run(name, func(sub *testing.T) {
			start <- sub
			if v := <-done; v != nil {
				panic(v) // the simulated program panicked: std reports it
			}
		})
	}()
	// Host channels: the simulation stands still while std sets up the
	// subtest (or filters it out with -run).
	var sub *testing.T
	select {
	case sub = <-start:
	case ok := <-ret:
		return ok
	}
	st := h.newState(sub, parent)
	st.done, st.ret = done, ret
	st.finished = gmp.MakeChan[struct{}](0)
	h.active = append(h.active, st)
	gmp.Go(func() { st.run(f) })
	st.finished.Recv()
	if st.parallel {
		return true
	}
	return st.ok
}

// Parallel signals that t is to be run in parallel with its parallel
// siblings: it returns once the parent's body has returned and one of the
// -test.parallel slots is free (t.Parallel). For a top-level test it does
// nothing: each test is a simulation of its own.
//
//go:norace
func Parallel(t *testing.T) {
	h := cur
	st := h.state(t)
	if !rt.InRun() || st == nil {
		t.Parallel()
		return
	}
	if st.parent == nil {
		return
	}
	if st.parallel {
		panic("testing: t.Parallel called multiple times")
	}
	st.parallel = true
	st.parent.subs.Add(1)
	st.finished.Close() // the parent's t.Run returns
	st.parent.barrier.Recv()
	if h.sem.IsNil() {
		h.sem = gmp.MakeChan[struct{}](parallelFlag())
	}
	h.sem.Send(struct{}{})
}

//go:norace
func parallelFlag() int {
	if v := lookupFlag("test.parallel"); v != "" {
		if n, err := strconv.Atoi(v); err == nil && n > 0 {
			return n
		}
	}
	return gmp.GOMAXPROCS(0)
}

// Cleanup registers f to run when t and its subtests are done (t.Cleanup);
// inside a simulation it runs there, on the test's goroutine.
//
//go:norace
func Cleanup(t testing.TB, f func()) {
	st := cur.state(t)
	if !rt.InRun() || st == nil {
		t.Cleanup(f)
		return
	}
	st.cleanups = append(st.cleanups, f)
}

// Context returns a context canceled just before t's cleanups run
// (t.Context), a gmp context living in t's simulation.
//
//go:norace
func Context(t testing.TB) context.Context {
	st := cur.state(t)
	if st == nil {
		panic(fmt.Sprintf("gmptest: %s.Context called outside its simulation", t.Name()))
	}
	if st.ctx == nil {
		st.ctx, st.cancel = context.WithCancel(context.Background())
	}
	return st.ctx
}

// abort ends the host side of the subtests still waiting after the
// simulation stopped on err. After a panic, the innermost subtest's host
// goroutine panics with it, as the panicking test would natively: std
// prints the --- FAIL lines and the process dies (true is returned if so;
// it does not return then). Otherwise the innermost gets the message and
// fails, and each returns.
//
//go:norace
func (h *harness) abort(err error, crash bool) bool {
	printed := false
	for i := len(h.active) - 1; i >= 0; i-- {
		st := h.active[i]
		if crash {
			st.done <- simPanic{err}
			select {} // the process is going down
		}
		if !printed {
			fmt.Fprintf(st.t.Output(), "%s\n", strings.TrimRight(err.Error(), "\n"))
			printed = true
		}
		st.t.Fail()
		close(st.done)
		<-st.ret
	}
	h.active = nil
	return printed
}

// simPanic is a simulated goroutine's unrecovered panic, raised again on
// the host so that go test reports it as Go does; it prints as the panic
// value followed by the simulated goroutine's stack.
type simPanic struct{ err error }

//go:norace
func (p simPanic) Error() string {
	return strings.TrimPrefix(strings.TrimRight(p.err.Error(), "\n"), "panic: ") + "\n\n[the simulated goroutine's stack is above; the host's follows]"
}
