package rt

import (
	"errors"
	"runtime"
)

// Coroutines: how simulated code runs on the host.
//
// Every simulated G runs its body in a host coroutine (iter.Pull), and
// every simulated M has a g0 coroutine for the parts of the scheduler that
// can block the thread (stealing, stopm, netpoll, sysmon's sleeps). Exactly
// one coroutine executes at any moment, so the runtime's state needs no
// locks.
//
// Go runs the scheduler on the same thread as the goroutine that leaves it:
// mcall switches to g0's stack and calls park_m, gosched_m or goexit0, then
// schedule, then gogo into the next G — one context switch. The simulator
// does the same wherever it can: when a G leaves its M (mcall), the
// continuation and the common case of schedule — a G from the local or
// global run queue — run right there, on the leaving G's host coroutine,
// and control goes straight to the next G's coroutine. The part of
// schedule that may block the thread (findRunnable beyond the run queues)
// runs on the M's g0 coroutine instead, because a blocked thread's frames
// must not sit on a goroutine's stack: that goroutine may be wanted by
// another M before this one wakes. Whatever blocks the thread — on g0 or
// with a G running — records how the thread continues (m.cont) and returns
// control to the event loop (run.go), which resumes it when its time comes.
//
// Coroutines are asymmetric (iter.Pull): a coroutine leaves only by
// returning to whoever resumed it. So control moves along a short chain —
// the event loop resumes one coroutine (depth 1), which may resume one more
// (depth 2) — steered by target, the coroutine that must run next:
//
//	event loop ──resume──▶ depth 1 ──resume──▶ depth 2
//	           ◀──yield───         ◀──yield───
//
// A coroutine that wants another to run sets target and calls coswitch. At
// depth 1 it resumes target directly; at depth 2 it yields to its parent,
// which runs target itself if it is the target, or resumes it. So two
// goroutines that hand the P to each other (Gosched, an unbuffered channel
// ping-pong, a mutex hand-off) switch with one coroutine switch each, and
// no switch ever takes more than two. A coroutine in the chain below the
// top is suspended inside a resume and cannot be resumed again until its
// child yields; the event loop only runs once the chain has unwound, so
// everything it resumes is suspended at a yield.
//
// A G's coroutine outlives the goroutine: when the body returns, the
// coroutine waits at its reuse point and the G struct goes to the free
// list, exactly like Go's G structs, so the next go statement that gets
// this G from gfget reuses the host coroutine too.

// mcallKind is what a G asks of the scheduler when it switches away (the
// function Go's mcall runs on g0).
type mcallKind uint8

const (
	mcallNone        mcallKind = iota
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

// mcont is how a blocked thread continues when the event loop resumes it.
type mcont uint8

const (
	contNone    mcont = iota
	contG             // its G was running (Work, a syscall, a charged cost): resume the G
	contG0            // its g0 was in the scheduler (stopm, netpoll, a steal): resume g0
	contExecute       // it had picked m.nextg and was paying for the switch: run it
)

// A coro is a host coroutine: a G's (gp set) or an M's g0 (mp set).
type coro struct {
	resume func() (struct{}, bool)
	stop   func()
	yield  func(struct{}) bool
	// spawn, under -race, hands the coroutine to a host goroutine just
	// started with go CoroutineEntry(): whoever ran that go statement is
	// its creator for the detector (see Go).
	spawn func()
	hostg uintptr // the host goroutine running it (see hostg)
	gp    *g
	mp    *m
	fn    func() // a g0's start function (mstart's)
	// loopOnly marks the targets that ask the event loop to act (newCoro,
	// loopWorkCoro): a coroutine never resumes them.
	loopOnly bool
	// started is set while a g0 runs an M's scheduler (from g0body's
	// start until it has unwound): one that has not started waits at its
	// first yield or its pool point, and needs no unwinding.
	started bool
}

var (
	// target is the coroutine that must run next; nil means the event
	// loop (a thread blocked and another must be picked).
	target *coro
	// cur is the coroutine executing now, nil while the event loop runs;
	// d1 is the one the event loop resumed (cur or its parent).
	cur, d1 *coro
	// teardownPanic is the value g0 coroutines unwind with at teardown.
	errTeardown = errors.New("gmp: teardown")
	// nestedPanic holds a panic that escaped a coroutine resumed by
	// another (depth 2): the event loop re-raises it, so that it never
	// unwinds through the user frames of the coroutine in between.
	nestedPanic any
)

// coswitch transfers control from the running coroutine me to target and
// returns when me is the target again. It reports false at teardown: the
// coroutine must then end without touching the runtime's state.
//
//go:norace
func coswitch(me *coro) bool {
	for target != me {
		if t := target; t != nil && !t.loopOnly && me == d1 && nesting {
			cur = t
			nest(t) // a panic escaping t makes the event loop the target
			cur = me
			continue
		}
		if !me.yield(struct{}{}) || tearingDown {
			return false
		}
		for probing != nil {
			// Resumed only to look at this goroutine's stack.
			probing(me.gp)
			if !me.yield(struct{}{}) {
				return false
			}
		}
	}
	return true
}

// nest resumes t from the depth-1 coroutine until t yields. A panic that
// escapes t (a simulator bug, or a throw) is handed to the event loop
// rather than unwinding the resumer's frames.
//
//go:norace
func nest(t *coro) (ok bool) {
	defer func() {
		// A function literal is instrumented under -race even inside a
		// //go:norace function: it only hands r to one that is not.
		if !ok {
			if r := recover(); r != nil {
				endNested(r)
			}
		}
	}()
	t.resume()
	return true
}

// endNested ends the run with the simulator's panic r, from a coroutine
// below the event loop (nest, schedInline).
//
//go:norace
func endNested(r any) {
	nestedPanic = r
	done = true
	target = nil
}

// nesting is whether a depth-1 coroutine may resume the next one itself.
const nesting = true

// newgcoro creates the host coroutine that runs gp's bodies.
//
//go:norace
func newgcoro(gp *g) *coro {
	c := &coro{gp: gp}
	c.resume, c.stop, c.spawn = newCoroutine(c, gcoroMain)
	stats.coroutinesCreated++
	return c
}

// gcoroMain is the body of a G's coroutine: the goroutine bodies of the G
// struct it serves, one after another. (A function, not a closure: under
// -race a closure's frame would show in the detector's stacks.)
//
//go:norace
func gcoroMain(c *coro, yield func(struct{}) bool) {
	c.yield = yield
	c.hostg = hostg()
	for {
		if gbody(c.gp) {
			return // teardown: the body had returned, or the program ended
		}
		stats.coroutinesReused++
	}
}

// gbody runs one goroutine body on gp's coroutine and reports whether the
// coroutine should end (teardown) rather than wait to be reused.
//
//go:norace
func gbody(gp *g) (stop bool) {
	fn := gp.fn
	gp.fn = nil
	if raceBuild {
		racegoentry(gp)
	}
	returned := false
	defer func() {
		if returned {
			return
		}
		stop = true
		freezeZombie()
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
		// call has run. The G is destroyed and this coroutine, which must
		// finish unwinding, is stopped from a host goroutine of its own.
		if !tearingDown {
			charge(SiteGoExit, costs.GoExit)
		}
		mcallResumable(mcallGoexit)
	}()
	fn()
	returned = true
	freezeZombie()
	if gp == mainG {
		// runtime.main: main returned, the program exits.
		return !mcallResumable(mcallMainExit)
	}
	// goexit1: the G pays for its own destruction before it leaves the
	// M (Go's goexit0 runs on g0 right after; nothing can tell the two
	// apart, and here the thread may only block while a G holds it).
	if tearingDown {
		return true // a background goroutine ending its loop
	}
	charge(SiteGoExit, costs.GoExit)
	if raceBuild {
		// Under -race a host goroutine carries the clock of everything
		// it ran: a new goroutine must not inherit the dead one's, so the
		// coroutine ends with its goroutine, as after Goexit.
		return !mcallResumable(mcallGoexit)
	}
	return !mcallResumable(mcallExit)
}

// freezeZombie blocks the calling coroutine forever if a watchdog abort
// abandoned it: a body that was stuck outside the simulator and gets
// unstuck must not run into a later run's state. (Runtime calls catch such
// a goroutine in getg; this is for the points where a body ends.)
//
//go:norace
func freezeZombie() {
	if zombieCount.Load() > 0 && isZombie(hostg()) {
		select {}
	}
}

// mcall switches from the running G to the scheduler, which acts on kind
// (Go's mcall(fn): park_m, gosched_m, …) and runs the next G. It returns
// when the G runs again.
//
//go:norace
func mcall(kind mcallKind) {
	gp := curg
	if tearingDown {
		gteardown(gp)
		return
	}
	if raceBuild && haltOnRace && kind != mcallFatal {
		racecheck(gp)
	}
	curg = nil
	schedInline(gp.m, gp, kind)
	gswitch(gp)
}

// gswitch switches away from gp's coroutine to target and returns when gp
// runs again.
//
//go:norace
func gswitch(gp *g) {
	if !coswitch(gp.co) {
		gteardown(gp)
	}
}

// gteardown is where a goroutine with user frames on its stack ends up at
// teardown: it unwinds with runtime.Goexit (see teardown).
//
//go:norace
func gteardown(gp *g) {
	if gp.sys {
		return // a background goroutine: it ends its own loop
	}
	runtime.Goexit()
}

// mcallResumable is mcall that reports false at teardown instead of
// blocking, for the two points where the G has no user frames left (the
// reuse point).
//
//go:norace
func mcallResumable(kind mcallKind) bool {
	if tearingDown {
		return false
	}
	gp := curg
	me := gp.co
	curg = nil
	schedInline(gp.m, gp, kind)
	return coswitch(me)
}

// schedInline runs what Go's mcall would run on g0 for kind — the
// continuation, then schedule — on the calling coroutine, and sets target
// to what runs next: a G, the M's g0 for the parts that may block, or the
// event loop. A panic in here is the simulator's, never the program's: it
// must not unwind through the user frames below, so it ends the run.
//
//go:norace
func schedInline(mp *m, gp *g, kind mcallKind) {
	defer func() {
		if r := recover(); r != nil {
			endNested(r)
		}
	}()
	switch kind {
	case mcallPark:
		if gp.waitunlockcost > 0 && (chooser != nil || !fits(gp.waitunlockcost)) {
			// The unlock function spends time that another thread's
			// wakeup may fall into (with a Chooser, how long is only
			// known when it is charged): park on g0, where the thread
			// may block.
			g0request(mp, gp, kind)
			return
		}
		if park_m(gp) {
			execute(gp, true) // unlockf said no: run it again at once
			gogo(gp)
			return
		}
	case mcallGosched:
		goschedImpl(gp, false)
	case mcallPreempt:
		goschedImpl(gp, true)
	case mcallYield:
		goyield_m(gp)
	case mcallExit:
		goexit0(gp)
	case mcallGoexit:
		goexit0(gp)
		stopCoroLater(gp)
	case mcallPanic:
		fatalpanic(gp)
		target = nil
		return
	case mcallMainExit:
		if settleNS <= 0 || liveUserGs() <= 1 {
			mainExit()
			target = nil
			return
		}
		// Config.Settle: main has returned, and the others get the time
		// to finish before their goroutines count as leaked. Main
		// leaves its M as any goroutine that returns does.
		settling = true
		settleDeadline = addTime(now, settleNS)
		mainExited = true
		mainG = nil
		goexit0(gp)
	case mcallFatal:
		// fatal has already recorded the error and stopped the loop.
		target = nil
		return
	case mcallExitsyscall:
		g0request(mp, gp, kind) // exitsyscallNoP may stop the thread
		return
	default:
		badmcall(gp)
	}
	if done {
		target = nil
		return
	}
	if !scheduleFast(mp) {
		g0request(mp, nil, mcallNone)
	}
}

//go:noinline
//go:norace
func badmcall(gp *g) {
	throwf("mcall: goroutine %d switched to the scheduler without a request", gp.goid)
}

// g0request hands the rest of the scheduling on mp to its g0 coroutine:
// kind's continuation for gp (if kind is not mcallNone), then schedule.
//
//go:norace
func g0request(mp *m, gp *g, kind mcallKind) {
	mp.g0req, mp.g0reqG = kind, gp
	target = mp.g0
}

// gogo makes gp the next coroutine to run, on its M (Go's gogo). The caller
// has called execute, or gp was already running (its M blocked while it
// held it).
//
//go:norace
func gogo(gp *g) {
	if maxSteps > 0 && steps >= maxSteps {
		fail(&LimitError{What: "steps", Limit: maxSteps, At: now})
		target = nil
		return
	}
	steps++
	if now != stepsClock {
		stepsClock, stepsAtClock = now, 0
	} else if stepsAtClock++; stepsAtClock >= maxStepsAtInstant {
		fail(&LimitError{What: "stalled clock", Limit: maxStepsAtInstant, At: now})
		target = nil
		return
	}
	if steps&7 == 0 {
		// The watchdog only needs to see progress, not every step; an
		// atomic store per switch would cost a locked instruction.
		// (Under -race an atomic is a synchronisation the detector
		// must not see: it would order goroutines that never met.)
		raceDisable()
		progress.Store(steps)
		raceEnable()
	}
	curg = gp
	curm = gp.m
	if gp.co == nil {
		// A G's first run needs a host coroutine. The event loop makes
		// it: creating one allocates, deep in the host runtime, and this
		// may be running on a goroutine's own stack, which must stay
		// small (a coroutine's stack is a goroutine's: 2 KiB to start).
		target = &newCoro
		return
	}
	target = gp.co
}

// maxStepsAtInstant bounds the goroutine switches a run may make without
// virtual time moving: a loop that spends no virtual time (for { Gosched() }
// with a zero cost model) would otherwise run forever, out of MaxTime's
// reach and, since it keeps switching, of the watchdog's.
const maxStepsAtInstant = 10_000_000

// stepsClock is the virtual time of the last switch, and stepsAtClock the
// switches made at it.
var stepsClock, stepsAtClock int64

// newCoro is the target that asks the event loop for curg's coroutine.
var newCoro = coro{loopOnly: true}

// loopWorkCoro is the target that asks the event loop to run loopWork and
// then resume loopWorkFor (atLoop).
var (
	loopWorkCoro = coro{loopOnly: true}
	loopWork     func()
	loopWorkFor  *g
)

// atLoop runs fn on the event loop's goroutine — where every coroutine is
// suspended at a yield, so any goroutine's stack can be read — and then
// resumes the calling goroutine at the same virtual instant: nothing is
// scheduled and no time passes. (A dump of every goroutine from inside a
// run, runtime.Stack(buf, true), needs this.)
//
//go:norace
func atLoop(fn func()) {
	gp := getg()
	loopWork, loopWorkFor = fn, gp
	curg = nil
	target = &loopWorkCoro
	gswitch(gp)
}

// loopCallCoro is the target that asks the event loop to run loopCall
// and then resume loopCallBack (onLoop).
var (
	loopCallCoro = coro{loopOnly: true}
	loopCall     func()
	loopCallBack *coro
)

// onLoop runs fn on the event loop's goroutine and returns: nothing is
// scheduled and no time passes, and the coroutine that called it carries
// on with the same curg and curm. Under -race every observer and Chooser
// is called this way, so that their state — touched by one host
// goroutine only — is never what the detector sees simulated goroutines
// share (and they never lend a goroutine's clock to another).
//
//go:norace
func onLoop(fn func()) {
	me := cur
	if me == nil || tearingDown {
		fn() // the event loop itself, or the run's caller
		return
	}
	gp, mp := curg, curm
	loopCall, loopCallBack = fn, me
	target = &loopCallCoro
	coswitch(me)
	curg, curm = gp, mp
}

// newmcoro creates mp's g0 coroutine, which starts by running mstart.
//
//go:norace
func newmcoro(mp *m, fn func()) {
	var c *coro
	if n := len(g0Pool); n > 0 {
		c = g0Pool[n-1]
		g0Pool = g0Pool[:n-1]
	} else {
		c = &coro{}
		c.resume, c.stop, c.spawn = newCoroutine(c, g0coroMain)
		stats.coroutinesCreated++
	}
	c.mp, c.fn = mp, fn
	mp.g0 = c
	mp.cont = contG0
}

// g0coroMain is the body of an M's g0 coroutine.
//
//go:norace
func g0coroMain(c *coro, yield func(struct{}) bool) {
	c.yield = yield
	c.hostg = hostg()
	for {
		g0body(c)
		// Unwound at teardown: wait here to be some later run's M (see
		// teardown).
		c.mp, c.fn = nil, nil
		if !yield(struct{}{}) {
			return
		}
	}
}

// g0body runs an M's scheduler until teardown, when its frames unwind with
// errTeardown; anything else that unwinds them is a simulator bug that the
// resumer must see.
//
//go:norace
func g0body(c *coro) {
	c.started = true
	defer func() {
		c.stopped()
		if r := recover(); r != nil && r != errTeardown {
			panic(r)
		}
	}()
	mstart(c.mp, c.fn)
}

// stopped notes that c's body has returned or unwound (g0body).
//
//go:norace
func (c *coro) stopped() { c.started = false }

// Host coroutines outlive runs: a goroutine's that waits at its reuse
// point and an M's g0 (unwound at teardown) are kept here for the next run,
// as Gs are kept on free lists within one, so that a run starts without
// creating a host goroutine (and growing its stack) for each.
var (
	gPool  []*g // dead Gs with their suspended coroutines
	g0Pool []*coro
)

// maxPool bounds what the pools keep across runs.
const maxPool = 1024

// mpark blocks the current M's g0 until the event loop resumes it (its
// wakeup time has come, see clock.go).
//
//go:norace
func mpark(mp *m) {
	if cur != mp.g0 || mp.g0 == nil {
		throw("mpark: not on g0")
	}
	mp.cont = contG0
	target = nil
	if !coswitch(mp.g0) {
		panic(errTeardown) // unwind the scheduler frames
	}
	curm = mp
}

// probing, when set, is run by a suspended G that is resumed only to look
// at itself (goroutine dumps capture stacks this way, at no cost on the
// hot path); the G then suspends again.
var probing func(gp *g)

// probeStack resumes gp (which must be suspended at a yield: only the
// event loop's goroutine calls this, once every coroutine has returned to
// it) just long enough to capture its stack.
//
//go:norace
func probeStack(gp *g) []uintptr {
	if gp.co == nil || d1 != nil {
		return nil
	}
	probing = probeSelf
	gp.co.resume()
	probing = nil
	pcs := probed
	probed = nil
	return pcs
}

// probed is what probeSelf read.
var probed []uintptr

// probeSelf reads the calling coroutine's stack into probed.
//
//go:norace
func probeSelf(*g) {
	buf := make([]uintptr, 64)
	n := runtime.Callers(1, buf)
	probed = buf[:n]
}

// stopCoroLater lets gp's dying coroutine (after runtime.Goexit) finish
// unwinding on a host goroutine of its own once it has yielded: its
// unwinding propagates Goexit to whoever stops it, which must not be the
// scheduler.
//
//go:norace
func stopCoroLater(gp *g) {
	c := gp.co
	gp.co = nil
	dying = append(dying, c)
}

// dying are coroutines of goroutines that called runtime.Goexit; the event
// loop stops them once they have yielded.
var dying []*coro

// stopDying stops the coroutines in dying (see stopCoroLater).
//
//go:norace
func stopDying() {
	for _, c := range dying {
		janitor.Add(1)
		go func() {
			defer janitor.Done()
			c.stop()
		}()
		janitor.Wait()
	}
	dying = dying[:0]
}
