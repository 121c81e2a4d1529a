package rt

import (
	"iter"
	"runtime"
	"strconv"
	"sync"
	"sync/atomic"
)

// Coroutines: how simulated code runs on the host.
//
// Every simulated G runs its body in a host coroutine (iter.Pull), and so
// does every simulated M's g0, which runs the scheduler. Exactly one of
// them executes at any moment, so the runtime's state needs no locks:
//
//	event loop (run.go) ──resume──▶ M's g0 coroutine ──resume──▶ G coroutine
//	                    ◀──mpark───                 ◀──mcall────
//
// A G leaves its M only through mcall, as in Go: it records what the M
// should do next (park it, requeue it, sleep for a while, destroy it) and
// switches to the M's g0, which acts on the request and picks the next G.
// An M leaves for the event loop only through mpark, when it has nothing
// to do until some virtual time or until another M wakes it.
//
// A G's coroutine outlives the goroutine: when the body returns, the
// coroutine waits at its reuse point and the G struct goes to the free
// list, exactly like Go's G structs, so the next go statement that gets
// this G from gfget reuses the host coroutine too.

// mcallKind is what a G asks its M's g0 to do when it switches away.
type mcallKind uint8

const (
	mcallNone        mcallKind = iota
	mcallWait                  // sleep until m.waitUntil, then resume the same G
	mcallPark                  // park_m: the G blocks (gopark)
	mcallGosched               // gosched_m: Gosched
	mcallPreempt               // gopreempt_m: preempted by sysmon
	mcallYield                 // goyield_m: requeue on the local run queue
	mcallExit                  // goexit0: the body returned
	mcallGoexit                // goexit0 after runtime.Goexit: the coroutine is dying
	mcallPanic                 // an unrecovered panic: the program dies
	mcallMainExit              // main returned: the program exits
	mcallExitsyscall           // exitsyscallNoP (go1.26) / exitsyscall0 (≤go1.25)
	mcallFatal                 // a fatal error ended the program
)

type gcoro struct {
	resume func() (struct{}, bool)
	stop   func()
	yield  func(struct{}) bool

	// host is the id of the host goroutine running the coroutine and goid
	// the simulated goroutine it runs now: the watchdog (another host
	// goroutine) uses them to name a goroutine stuck outside the
	// simulator.
	host int64
	goid atomic.Int64
}

// coroHosts maps host goroutine ids to live G coroutines.
var coroHosts sync.Map

// newgcoro creates the host coroutine that runs gp's bodies.
func newgcoro(gp *g) *gcoro {
	c := &gcoro{}
	c.resume, c.stop = iter.Pull(func(yield func(struct{}) bool) {
		c.yield = yield
		c.host = hostGoroutineID()
		coroHosts.Store(c.host, c)
		defer coroHosts.Delete(c.host)
		for {
			c.goid.Store(gp.goid)
			if gbody(gp) {
				return // the program ended while the body had returned
			}
			stats.coroutinesReused++
		}
	})
	stats.coroutinesCreated++
	return c
}

// gbody runs one goroutine body on gp's coroutine and reports whether the
// coroutine should end (teardown) rather than wait to be reused.
func gbody(gp *g) (stop bool) {
	fn := gp.fn
	gp.fn = nil
	returned := false
	defer func() {
		if returned {
			return
		}
		stop = true
		if r := recover(); r != nil {
			if f, ok := r.(*Fatal); ok {
				panic(f) // the simulator's own throw: not the program's panic
			}
			recordPanic(gp, r)
			// The program is over: this only returns at teardown, and
			// every user frame has already unwound.
			mcallResumable(mcallPanic)
			return
		}
		// runtime.Goexit (gmp.Goexit is runtime.Goexit): every deferred
		// call has run. The M destroys the G and stops this coroutine,
		// which then finishes unwinding.
		mcallResumable(mcallGoexit)
	}()
	fn()
	returned = true
	if gp == mainG {
		// runtime.main: main returned, the program exits.
		return !mcallResumable(mcallMainExit)
	}
	return !mcallResumable(mcallExit)
}

// mcall switches from the running G to its M's g0, asking it to act on
// kind. It returns when the G is next resumed.
func mcall(kind mcallKind) {
	gp := curg
	if !mcallResumable(kind) {
		if gp.sys {
			return // a background goroutine: it ends its own loop
		}
		// The simulation was torn down while this goroutine was suspended
		// with user frames on its stack; they must not run again.
		select {}
	}
}

// mcallResumable is mcall for the two points where the G has no user
// frames left (the reuse point): it reports false at teardown instead of
// blocking, so the coroutine can end normally.
func mcallResumable(kind mcallKind) bool {
	if zombieCount.Load() > 0 {
		freezeZombie()
	}
	if tearingDown {
		return false
	}
	gp := curg
	gp.m.mcall = kind
	for {
		if !gp.co.yield(struct{}{}) {
			return false
		}
		if probing == nil {
			return true
		}
		probing(gp)
	}
}

// gogo switches the current M's g0 to gp's coroutine and returns when gp
// mcalls back.
func gogo(gp *g) {
	if gp.co == nil {
		gp.co = newgcoro(gp)
	}
	curg = gp
	steps++
	if steps&7 == 0 {
		// The watchdog only needs to see progress, not every step; an
		// atomic store per switch would cost a locked instruction.
		progress.Store(steps)
	}
	gp.co.resume()
	curg = nil
}

type mcoro struct {
	resume func() (struct{}, bool)
	stop   func()
	yield  func(struct{}) bool
}

// newmcoro creates the host coroutine that runs mp's g0.
func newmcoro(mp *m, fn func()) {
	c := &mcoro{}
	c.resume, c.stop = iter.Pull(func(yield func(struct{}) bool) {
		c.yield = yield
		mstart(mp, fn)
	})
	mp.co = c
}

// mpark switches from mp's g0 back to the event loop. It returns when the
// loop resumes mp (its wakeup time has come, see clock.go).
func mpark(mp *m) {
	if !mp.co.yield(struct{}{}) {
		runtime.Goexit() // teardown: unwind the scheduler frames
	}
}

// probing, when set, is run by a suspended G that is resumed only to look
// at itself (goroutine dumps capture stacks this way, at no cost on the
// hot path); the G then suspends again.
var probing func(gp *g)

// probeStack resumes gp (which must be suspended in mcall) just long enough
// to capture its stack.
func probeStack(gp *g) []uintptr {
	if gp.co == nil {
		return nil
	}
	var pcs []uintptr
	saved := curg
	probing = func(gp *g) {
		buf := make([]uintptr, 64)
		n := runtime.Callers(1, buf)
		pcs = buf[:n]
	}
	curg = gp
	gp.co.resume()
	curg = saved
	probing = nil
	return pcs
}

// hostGoroutineID returns the id of the calling host goroutine, from the
// first line of its stack trace ("goroutine 123 [running]:").
func hostGoroutineID() int64 {
	var buf [64]byte
	n := runtime.Stack(buf[:], false)
	b := buf[len("goroutine "):n]
	for i, c := range b {
		if c == ' ' {
			id, _ := strconv.ParseInt(string(b[:i]), 10, 64)
			return id
		}
	}
	return 0
}
