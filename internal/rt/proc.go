package rt

import (
	"runtime"
	"unsafe"
)

// Goroutine scheduler, modelled on proc.go (go1.26).
//
// The design essay at the top of Go's proc.go applies unchanged: Ms are
// threads, Ps are the resource required to run Go code, Gs are goroutines;
// an M must hold a P to run a G. Spinning Ms look for work; at most half
// the busy Ps' worth may spin, and an M that finds work while spinning
// wakes another (resetspinning) so that parallelism ramps up one thread at
// a time. Submitting work = publish it, then check nmspinning; leaving the
// spinning state = drop nmspinning, then re-check every source. The
// simulator keeps those orderings even though it needs no barriers: the
// rechecks are where the real runtime's decisions come from.
//
// Everything below runs either on an M's g0 coroutine (scheduler code) or
// on the running G's coroutine (the parts Go runs on the user stack or via
// systemstack), never concurrently.

// Run-scoped state, reset by schedinit.
var (
	sched      schedt
	allp       []*p
	allm       *m // newest first, as Go's allm list
	allgs      []*g
	gomaxprocs int32
	now        int64 // virtual time, ns

	curg *g // the G whose coroutine is executing, nil on a g0
	curm *m // the M whose g0 or G is executing

	mainG       *g
	mainStarted bool
	m0          *m
	sysmonM     *m

	idlepMask  pMask
	timerpMask pMask
	stealOrder randomOrder

	costs CostModel
	steps int64

	done        bool   // the program has exited (or failed); the loop stops
	mainExited  bool   // main returned (its coroutine is at rest)
	exitErr     error  // why it failed, if it did
	tearingDown bool   // Run is unwinding what is left
	newprocs    int32  // GOMAXPROCS requested by the current STW
	stwWaiter   *m     // the M waiting in stopTheWorldWithSema
	version     int    // 24, 25 or 26: which runtime's syscall model
	asyncPreemt bool   // async preemption on (GODEBUG asyncpreemptoff=0)
	haveSysmon  bool   // false for the wasm preset
	stealCap    uint32 // 0: Go's half; otherwise at most this many per steal
)

// stackMin is the initial stack of a fresh G on linux/amd64 (stack.go).
const stackMin = 2048

// _GoidCacheBatch is the number of goroutine ids a P takes at once.
const _GoidCacheBatch = 16

// pMask is a bitmap with one bit per P (proc.go:pMask).
type pMask []uint32

//go:norace
func (pm pMask) read(id uint32) bool { return pm[id/32]&(1<<(id%32)) != 0 }

//go:norace
func (pm pMask) set(id int32) { pm[id/32] |= 1 << (uint32(id) % 32) }

//go:norace
func (pm pMask) clear(id int32) { pm[id/32] &^= 1 << (uint32(id) % 32) }

//go:norace
func (pm pMask) resize(nprocs int32) pMask {
	maskWords := (nprocs + 31) / 32
	if maskWords <= int32(cap(pm)) {
		return pm[:maskWords]
	}
	n := make(pMask, maskWords)
	copy(n, pm)
	return n
}

// getg returns the running goroutine. It panics unless the caller is that
// goroutine's own host coroutine: a runtime call from anywhere else — a
// goroutine the program started with the go statement, or one a watchdog
// abort abandoned — must not act on the simulation's state.
//
//go:norace
func getg() *g {
	if gp := curg; gp != nil && gp.co.hostg == hostg() {
		return gp
	}
	return getgSlow()
}

//go:noinline
//go:norace
func getgSlow() *g {
	if unwinding.Load() {
		runtime.Goexit() // a deferred call of a leaked goroutine, at teardown
	}
	me := hostg()
	if zombieCount.Load() > 0 && isZombie(me) {
		select {} // abandoned by a watchdog abort: never touch a later run
	}
	gp := curg
	if gp == nil || gp.co.hostg != me {
		outsideRun()
	}
	return gp
}

// funcPC returns the entry PC of a func value.
//
//go:norace
func funcPC(fn func()) uintptr {
	return **(**uintptr)(unsafe.Pointer(&fn))
}

// malg allocates a new G with a fresh stack (proc.go:malg).
//
//go:norace
func malg() *g {
	if n := len(gPool); n > 0 {
		// A G of an earlier run, whose coroutine waits at its reuse
		// point (teardown).
		gp := gPool[n-1]
		gPool = gPool[:n-1]
		*gp = g{co: gp.co, stackSize: stackMin}
		return gp
	}
	return &g{stackSize: stackMin}
}

// allgadd adds gp to allgs (proc.go:allgadd).
//
//go:norace
func allgadd(gp *g) {
	allgs = append(allgs, gp)
}

// newproc creates a G running fn and puts it on the current P's runnext,
// displacing the previous runnext to the tail of the local queue.
// Models runtime.newproc (proc.go).
//
//go:norace
func newproc(fn func(), callerpc uintptr) *g {
	gp := getg()
	charge(SiteGoCreate, costs.GoCreate)
	newg := newproc1(fn, gp, callerpc, false, waitReasonZero, false)
	if raceBuild {
		racegostart(newg)
	}
	pp := gp.m.p
	runqput(pp, newg, true)
	if mainStarted {
		wakep()
	}
	return newg
}

// newproc1 creates a G in _Grunnable (or _Gwaiting if parked) starting at
// fn. Models runtime.newproc1 (proc.go).
// Deviation: the G's stack is not allocated, only its size is tracked.
//
//go:norace
func newproc1(fn func(), callergp *g, callerpc uintptr, parked bool, reason waitReason, sys bool) *g {
	if fn == nil {
		fatal("go of nil func value")
	}
	pp := curm.p
	newg := gfget(pp)
	if newg == nil {
		if curg != nil {
			charge(SiteNewG, costs.NewG)
		}
		newg = malg()
		casgstatus(newg, _Gidle, _Gdead)
		allgadd(newg)
	}
	newg.fn = fn
	newg.race = raceCtx{}
	newg.sys, newg.harness = sys, false
	newg.gopc = callerpc
	newg.parentGoid = 0
	if callergp != nil {
		newg.parentGoid = callergp.goid
		newg.labels = callergp.labels
		newg.userData = callergp.userData
	}
	var status uint32 = _Grunnable
	if parked {
		status = _Gwaiting
		newg.waitreason = reason
		newg.waitsince = now
	}
	if pp.goidcache == pp.goidcacheend {
		// sched.goidgen is the last allocated id; this batch must be
		// [goidgen+1, goidgen+_GoidCacheBatch]. Main gets goid 1.
		sched.goidgen += _GoidCacheBatch
		pp.goidcache = sched.goidgen - (_GoidCacheBatch - 1)
		pp.goidcacheend = pp.goidcache + _GoidCacheBatch
	}
	newg.goid = pp.goidcache
	casgstatus(newg, _Gdead, status)
	pp.goidcache++
	if newg.sys {
		sched.ngsys++
	} else {
		stats.GoroutinesCreated++
		if n := gcount(); n > stats.GoroutinesMax {
			stats.GoroutinesMax = n
		}
	}
	if want(EvGoCreate) {
		evbuf.Target = 0
		if callergp != nil {
			evbuf.Target = callergp.goid
		}
		evbuf.Entry = funcPC(fn)
		if sys {
			evbuf.Arg = 1
		}
		if curg != nil {
			evbuf.Stack = callerStack(3)
		}
		emit(EvGoCreate, curm, newg)
	}
	return newg
}

// gfput puts gp on the P's free list, moving a batch to the global lists
// if the local one is long. Models runtime.gfput (proc.go).
//
//go:norace
func gfput(pp *p, gp *g) {
	if readgstatus(gp) != _Gdead {
		throw("gfput: bad status (not Gdead)")
	}
	pp.gFree.push(gp)
	if pp.gFree.size >= 64 {
		var stackQ, noStackQ gQueue
		for pp.gFree.size >= 32 {
			gp := pp.gFree.pop()
			if gp.stackSize == 0 {
				noStackQ.push(gp)
			} else {
				stackQ.push(gp)
			}
		}
		sched.gFree.noStack.pushAll(noStackQ)
		sched.gFree.stack.pushAll(stackQ)
	}
}

// gfget takes a G from the P's free list, refilling it from the global
// lists first if it is empty. Models runtime.gfget (proc.go).
//
//go:norace
func gfget(pp *p) *g {
	if pp.gFree.empty() && (!sched.gFree.stack.empty() || !sched.gFree.noStack.empty()) {
		for pp.gFree.size < 32 {
			gp := sched.gFree.stack.pop()
			if gp == nil {
				gp = sched.gFree.noStack.pop()
				if gp == nil {
					break
				}
			}
			pp.gFree.push(gp)
		}
	}
	gp := pp.gFree.pop()
	if gp == nil {
		return nil
	}
	if gp.stackSize == 0 {
		gp.stackSize = stackMin
	}
	return gp
}

// ready marks gp runnable and puts it on the current P's run queue (in
// runnext if next), then wakes a P if one is idle. Models runtime.ready
// (proc.go); goready is ready(gp, next=true).
//
//go:norace
func ready(gp *g, next bool) {
	if readgstatus(gp) != _Gwaiting {
		badready(gp)
	}
	casgstatus(gp, _Gwaiting, _Grunnable)
	if want(EvGoUnblock) {
		if curg != nil {
			evbuf.Target = curg.goid
			evbuf.Stack = callerStack(2)
		}
		emit(EvGoUnblock, curm, gp)
	}
	runqput(curm.p, gp, next)
	wakep()
}

//go:noinline
//go:norace
func badready(gp *g) {
	throwf("bad g->status in ready: goroutine %d status %d", gp.goid, gp.atomicstatus)
}

// goready wakes gp into the current P's runnext.
//
//go:norace
func goready(gp *g) {
	charge(SiteReady, costs.Ready)
	ready(gp, true)
}

// mReserveID returns the next M id; the new M counts as running for
// checkdead from now on. Models runtime.mReserveID (proc.go).
//
//go:norace
func mReserveID() int64 {
	id := sched.mnext
	sched.mnext++
	checkmcount()
	return id
}

// checkmcount throws if the program has more threads than allowed.
// Models runtime.checkmcount (proc.go).
//
//go:norace
func checkmcount() {
	if mcount() > sched.maxmcount {
		fatalMsg("runtime: program exceeds "+itoa(int64(sched.maxmcount))+"-thread limit\n", "thread exhaustion")
	}
}

//go:norace
func mcount() int32 { return int32(sched.mnext - sched.nmfreed) }

// allocm creates an M with the given id (proc.go:allocm + mcommoninit).
//
//go:norace
func allocm(id int64) *m {
	mp := &m{id: id}
	mp.ev.index = -1
	mp.alllink = allm
	allm = mp
	if n := int64(mcount()); n > stats.ThreadsMax {
		stats.ThreadsMax = n
	}
	return mp
}

// newm creates a new thread that will start by running fn (if non-nil)
// and then schedule on pp. Models runtime.newm (proc.go).
//
//go:norace
func newm(fn func(), pp *p, id int64) *m {
	if id < 0 {
		id = mReserveID()
	}
	mp := allocm(id)
	mp.nextp = pp
	newmcoro(mp, fn)
	if want(EvMStart) {
		evbuf.Arg = 0
		if fn != nil && funcPC(fn) == funcPC(mspinning) {
			evbuf.Arg = 1 // not sysmon, which also starts with a function
		}
		emit(EvMStart, mp, nil)
	}
	wakeAt(mp, addTime(now, duration(SiteMCreate, costs.MCreate, nil)))
	return mp
}

// mstart is the body of every M's g0 coroutine (proc.go:mstart1, then
// schedule's loop): it runs fn, acquires the P it was started for, and then
// does whatever its Gs leave to it — a continuation that may block the
// thread, and the full schedule — each time one of them asks (see
// schedInline).
//
//go:norace
func mstart(mp *m, fn func()) {
	curm = mp
	if fn != nil {
		fn()
		if done {
			mpark(mp)
		}
	}
	if mp.nextp != nil {
		acquirep(mp.nextp)
		mp.nextp = nil
	}
	for {
		if done {
			target = nil
		} else {
			g0run(mp)
		}
		if !coswitch(mp.g0) {
			panic(errTeardown)
		}
		curm = mp
	}
}

// g0run carries out the request a G left for g0 (g0request), then
// schedules.
//
//go:norace
func g0run(mp *m) {
	kind, gp := mp.g0req, mp.g0reqG
	mp.g0req, mp.g0reqG = mcallNone, nil
	switch kind {
	case mcallNone:
	case mcallPark:
		if park_m(gp) {
			execute(gp, true) // unlockf said no: run it again at once
			gogo(gp)
			return
		}
	case mcallExitsyscall:
		if exitsyscallNoP(gp) {
			gogo(gp)
			return
		}
	default:
		throwf("g0: unexpected request %d from goroutine %d", kind, gp.goid)
	}
	schedule(mp)
}

// mspinning marks the new M spinning; startm's caller counted it in
// nmspinning. Models runtime.mspinning.
//
//go:norace
func mspinning() {
	curm.spinning = true
	if want(EvMSpin) {
		evbuf.Arg = 1
		emit(EvMSpin, curm, nil)
	}
}

// becomeSpinning models m.becomeSpinning.
//
//go:norace
func (mp *m) becomeSpinning() {
	mp.spinning = true
	sched.nmspinning++
	sched.needspinning = 0
	if sched.nmspinning > stats.SpinningMsMax {
		stats.SpinningMsMax = sched.nmspinning
	}
	if want(EvMSpin) {
		evbuf.Arg = 1
		emit(EvMSpin, mp, nil)
	}
}

//go:norace
func (mp *m) stopSpinningEvent() {
	if want(EvMSpin) {
		evbuf.Arg = 0
		emit(EvMSpin, mp, nil)
	}
}

// stopm stops the current M until new work is available, then acquires
// the P that startm handed it. Models runtime.stopm (proc.go).
//
//go:norace
func stopm() {
	mp := curm
	if mp.p != nil {
		throw("stopm holding p")
	}
	if mp.spinning {
		throw("stopm spinning")
	}
	mput(mp)
	if done {
		mpark(mp) // checkdead ended the program: never resumed
	}
	if want(EvMPark) {
		emit(EvMPark, mp, nil)
	}
	mp.blocked = true
	mp.parkedSince = now
	mpark(mp) // notesleep(&mp.park)
	mp.blocked = false
	acquirep(mp.nextp)
	mp.nextp = nil
}

// notewakeup wakes an M parked in stopm.
//
//go:norace
func notewakeup(mp *m) {
	if want(EvMUnpark) {
		emit(EvMUnpark, mp, nil)
	}
	wakeAt(mp, addTime(now, duration(SiteMWakeup, costs.MWakeup, nil)))
}

// startm schedules some M to run pp, creating one if necessary. If pp is
// nil it takes an idle P, or does nothing if there is none. If spinning is
// set, the caller has incremented nmspinning and the new M will spin.
// Models runtime.startm (proc.go).
//
//go:norace
func startm(pp *p, spinning bool) {
	if pp == nil {
		if spinning {
			throw("startm: P required for spinning=true")
		}
		pp = pidleget()
		if pp == nil {
			return
		}
	}
	nmp := mget()
	if nmp == nil {
		id := mReserveID()
		var fn func()
		if spinning {
			fn = mspinning
		}
		newm(fn, pp, id)
		return
	}
	if nmp.spinning {
		throw("startm: m is spinning")
	}
	if nmp.nextp != nil {
		throw("startm: m has p")
	}
	if spinning && !runqempty(pp) {
		throw("startm: p has runnable gs")
	}
	nmp.spinning = spinning
	if spinning && observing {
		evbuf.Arg = 1
		emit(EvMSpin, nmp, nil)
	}
	nmp.nextp = pp
	notewakeup(nmp)
}

// handoffp hands off pp from a syscalling or locked M. It must start an M
// in any situation where findRunnable would return a G to run on pp
// (the conditions in both must agree). Models runtime.handoffp (proc.go).
//
//go:norace
func handoffp(pp *p) {
	// If it has local work, start it straight away.
	if !runqempty(pp) || !sched.runq.empty() {
		startm(pp, false)
		return
	}
	// No local work: check that there are no spinning/idle Ms, otherwise
	// our help is not required.
	if sched.nmspinning+sched.npidle == 0 {
		sched.nmspinning++ // CAS 0 → 1
		sched.needspinning = 0
		startm(pp, true)
		return
	}
	if sched.gcwaiting {
		pp.status = _Pgcstop
		sched.stopwait--
		if sched.stopwait == 0 {
			stwNotify()
		}
		return
	}
	if !sched.runq.empty() {
		startm(pp, false)
		return
	}
	// If this is the last running P and nobody is polling the network,
	// wake up another M to poll.
	if sched.npidle == gomaxprocs-1 && sched.lastpoll != 0 {
		startm(pp, false)
		return
	}
	when := pp.timers.wakeTime()
	pidleput(pp)
	if when != 0 {
		wakeNetPoller(when)
	}
}

// wakep tries to add one more P to execute Gs: it starts a spinning M on
// an idle P, unless an M is already spinning. Called when a G is made
// runnable. Models runtime.wakep (proc.go).
//
//go:norace
func wakep() {
	if !haveSysmon && curm != nil && curm.p != nil {
		// Single-threaded preset: there is no other thread to wake.
		return
	}
	// Be conservative about spinning threads: only start one if none
	// exist already.
	if sched.nmspinning != 0 {
		return
	}
	sched.nmspinning++ // CAS 0 → 1
	pp := pidlegetSpinning()
	if pp == nil {
		sched.nmspinning--
		return
	}
	startm(pp, true)
}

// execute schedules gp to run on the current M. If inheritTime is true,
// gp inherits the remaining time in the current time slice; otherwise it
// starts a new one. Models runtime.execute (proc.go).
//
//go:norace
func execute(gp *g, inheritTime bool) {
	mp := curm
	mp.curg = gp
	gp.m = mp
	casgstatus(gp, _Grunnable, _Grunning)
	gp.waitsince = 0
	gp.preempt = false
	if !inheritTime {
		mp.p.schedtick++
	}
	mp.p.executed++
	stats.ContextSwitches++
	if want(EvGoStart) {
		emit(EvGoStart, mp, gp)
	}
}

// findRunnable finds a runnable goroutine to execute: local queue, global
// queue, netpoll, then stealing; if there is none it releases the P and
// parks the M (or blocks it in netpoll) until there is.
// Models runtime.findRunnable (proc.go); the order of checks is Go's.
// Deviation: no trace reader, GC workers, finalizer or cleanup wakeups.
//
//go:norace
func findRunnable() (gp *g, inheritTime bool) {
	mp := curm
top:
	pp := mp.p
	if sched.gcwaiting {
		gcstopm()
		goto top
	}
	tnow, pollUntil, _ := pp.timers.check(0)
	_ = tnow

	if gp, inheritTime := findRunnableQueues(mp, pp); gp != nil {
		return gp, inheritTime
	}

	// Poll network. This netpoll is only an optimization before we
	// resort to stealing; only one thread polls at a time.
	if netpollinited() && netpollWaiters > 0 && sched.lastpoll != 0 && !sched.pollingNet {
		sched.pollingNet = true
		list := netpoll(0)
		sched.pollingNet = false
		if !list.empty() {
			gp := list.pop()
			injectglist(&list)
			casgstatus(gp, _Gwaiting, _Grunnable)
			if want(EvGoUnblock) {
				emit(EvGoUnblock, mp, gp)
			}
			return gp, false
		}
	}

	// Spinning Ms: steal work from other Ps. Limit the number of
	// spinning Ms to half the number of busy Ps.
	if mp.spinning || 2*sched.nmspinning < gomaxprocs-sched.npidle {
		if !mp.spinning {
			mp.becomeSpinning()
		}
		gp, inheritTime, w, newWork := stealWork()
		if gp != nil {
			return gp, inheritTime
		}
		if newWork {
			goto top
		}
		if w != 0 && (pollUntil == 0 || w < pollUntil) {
			pollUntil = w
		}
	}

	// We have nothing to do. Return P and block.
	allpSnapshot := allp
	idlepMaskSnapshot := append(pMask(nil), idlepMask...)
	timerpMaskSnapshot := append(pMask(nil), timerpMask...)

	if sched.gcwaiting {
		goto top
	}
	if !sched.runq.empty() {
		gp, q := globrunqgetbatch(int32(len(pp.runq)) / 2)
		stats.GlobalRunqGets++
		globalGetEvent(mp, gp, q.size+1)
		if runqputbatch(pp, &q); !q.empty() {
			throw("Couldn't put Gs into empty local runq")
		}
		return gp, false
	}
	if !mp.spinning && sched.needspinning == 1 {
		// See "Delicate dance" below.
		mp.becomeSpinning()
		goto top
	}
	if releasep() != pp {
		throw("findRunnable: wrong p")
	}
	pidleput(pp)

	// Delicate dance: the thread transitions from spinning to non-spinning
	// state, potentially concurrently with submission of new work. Drop
	// nmspinning first, then check all sources again.
	wasSpinning := mp.spinning
	if mp.spinning {
		mp.spinning = false
		sched.nmspinning--
		if sched.nmspinning < 0 {
			throw("findRunnable: negative nmspinning")
		}
		mp.stopSpinningEvent()

		// Check global and P runqueues again.
		if !sched.runq.empty() {
			pp := pidlegetSpinning()
			if pp != nil {
				gp, q := globrunqgetbatch(int32(len(pp.runq)) / 2)
				if gp == nil {
					throw("global runq empty with non-zero runqsize")
				}
				acquirep(pp)
				stats.GlobalRunqGets++
				globalGetEvent(mp, gp, q.size+1)
				if runqputbatch(pp, &q); !q.empty() {
					throw("Couldn't put Gs into empty local runq")
				}
				mp.becomeSpinning()
				return gp, false
			}
		}

		if pp := checkRunqsNoP(allpSnapshot, idlepMaskSnapshot); pp != nil {
			acquirep(pp)
			mp.becomeSpinning()
			goto top
		}

		// Finally, check for timer creation or expiry concurrently with
		// transitioning from spinning to non-spinning.
		pollUntil = checkTimersNoP(allpSnapshot, timerpMaskSnapshot, pollUntil)
	}

	// Poll network until next timer.
	if netpollinited() && (netpollWaiters > 0 || pollUntil != 0) && sched.lastpoll != 0 {
		sched.lastpoll = 0 // Swap(0)
		sched.pollUntil = pollUntil
		if mp.p != nil {
			throw("findRunnable: netpoll with p")
		}
		if mp.spinning {
			throw("findRunnable: netpoll with spinning")
		}
		delay := int64(-1)
		if pollUntil != 0 {
			delay = max(pollUntil-now, 0)
		}
		list := netpoll(delay) // block until new work is available
		if done {
			mpark(mp)
		}
		sched.pollUntil = 0
		sched.lastpoll = now
		pp := pidleget()
		if pp == nil {
			injectglist(&list)
		} else {
			acquirep(pp)
			if !list.empty() {
				gp := list.pop()
				injectglist(&list)
				casgstatus(gp, _Gwaiting, _Grunnable)
				if want(EvGoUnblock) {
					emit(EvGoUnblock, mp, gp)
				}
				return gp, false
			}
			if wasSpinning {
				mp.becomeSpinning()
			}
			goto top
		}
	} else if pollUntil != 0 && netpollinited() {
		pollerPollUntil := sched.pollUntil
		if pollerPollUntil == 0 || pollerPollUntil > pollUntil {
			netpollBreak()
		}
	}
	stopm()
	goto top
}

// findRunnableQueues is the part of findRunnable that looks at the run
// queues: the global one once in 61 schedticks, the local one, then the
// global one again. It changes nothing if it finds nothing, so that
// scheduleFast can try it before handing schedule to g0.
//
//go:norace
func findRunnableQueues(mp *m, pp *p) (gp *g, inheritTime bool) {
	if exploreAbstract && chooser != nil {
		if gp, inheritTime, ok := findRunnableAbstract(pp); ok {
			return gp, inheritTime
		}
	}
	// Check the global runnable queue once in a while to ensure fairness.
	// Otherwise two goroutines can completely occupy the local runqueue by
	// constantly respawning each other.
	if pp.schedtick%61 == 0 && !sched.runq.empty() {
		if gp := globrunqget(); gp != nil {
			stats.GlobalRunqGets++
			stats.GlobalRunqFairness++
			globalGetEvent(mp, gp, 1)
			return gp, false
		}
	}

	// local runq
	if gp, inheritTime := runqget(pp); gp != nil {
		return gp, inheritTime
	}

	// global runq
	if !sched.runq.empty() {
		gp, q := globrunqgetbatch(int32(len(pp.runq)) / 2)
		if gp != nil {
			stats.GlobalRunqGets++
			globalGetEvent(mp, gp, q.size+1)
			if runqputbatch(pp, &q); !q.empty() {
				throw("Couldn't put Gs into empty local runq")
			}
			return gp, false
		}
	}
	return nil, false
}

// keepAbstractBuf clears gs and keeps it for the next
// findRunnableAbstract.
//
//go:norace
func keepAbstractBuf(gs []*g) {
	for i := range gs {
		gs[i] = nil
	}
	abstractBuf = gs[:0]
}

// findRunnableAbstract is abstract mode's findRunnableQueues: the Chooser
// picks any goroutine in the P's runnext, its ring or the global queue —
// an order Go never promises, though its scheduler would not produce it.
// The default is the one findRunnableQueues would take. It reports false
// when there is no choice to make.
//
//go:norace
func findRunnableAbstract(pp *p) (gp *g, inheritTime bool, ok bool) {
	cand := decision.Gs[:0]
	var gs []*g
	gs = abstractBuf[:0]
	if pp.runnext != nil {
		gs = append(gs, pp.runnext)
	}
	for i := pp.runqhead; i != pp.runqtail; i++ {
		gs = append(gs, pp.runq[i%uint32(len(pp.runq))])
	}
	local := len(gs)
	for gp := sched.runq.head; gp != nil; gp = gp.schedlink {
		gs = append(gs, gp)
	}
	defer keepAbstractBuf(gs)
	if len(gs) < 2 {
		return nil, false, false
	}
	def := 0 // runnext, else the ring's head, else the global head
	if pp.schedtick%61 == 0 && len(gs) > local {
		def = local
	}
	for _, gp := range gs {
		cand = append(cand, gp.goid)
	}
	decision.Gs = cand
	c := int(choose(ChoiceRunnable, SiteQueue, int64(len(gs)), int64(def), nil))
	gp = gs[c]
	switch {
	case gp == pp.runnext:
		pp.runnext = nil
		return gp, true, true
	case c < local:
		// Take it out of the ring, keeping the others' order.
		k := pp.runqhead + uint32(c) - btou(pp.runnext != nil)
		for i := k; i != pp.runqhead; i-- {
			pp.runq[i%uint32(len(pp.runq))] = pp.runq[(i-1)%uint32(len(pp.runq))]
		}
		pp.runq[pp.runqhead%uint32(len(pp.runq))] = nil
		pp.runqhead++
		return gp, false, true
	default:
		sched.runq.remove(gp)
		return gp, false, true
	}
}

var abstractBuf []*g

//go:norace
func btou(b bool) uint32 {
	if b {
		return 1
	}
	return 0
}

//go:norace
func globalGetEvent(mp *m, gp *g, n int32) {
	if want(EvGlobalRunqGet) {
		evbuf.Arg = int64(n)
		evbuf.Target = gp.goid
		emit(EvGlobalRunqGet, mp, nil)
	}
}

// stealWork attempts to steal a runnable goroutine or timer from any P.
// If newWork is true, new work may have been readied.
// Models runtime.stealWork (proc.go).
//
//go:norace
func stealWork() (gp *g, inheritTime bool, pollUntil int64, newWork bool) {
	pp := curm.p
	ranTimer := false
	const stealTries = 4
	for i := 0; i < stealTries; i++ {
		stealTimersOrRunNextG := i == stealTries-1
		for enum := stealOrder.start(cheaprand(SiteSteal)); !enum.done(); enum.next() {
			if sched.gcwaiting {
				// GC work may be available.
				return nil, false, pollUntil, true
			}
			p2 := allp[enum.position()]
			if pp == p2 {
				continue
			}
			// Steal timers from p2, once, on the last pass before
			// checking runnext.
			if stealTimersOrRunNextG && timerpMask.read(enum.position()) {
				_, w, ran := p2.timers.check(now)
				if w != 0 && (pollUntil == 0 || w < pollUntil) {
					pollUntil = w
				}
				if ran {
					// Running the timers may have made Gs ready into
					// our own queue.
					if gp, inheritTime := runqget(pp); gp != nil {
						return gp, inheritTime, pollUntil, ranTimer
					}
					ranTimer = true
				}
			}
			// Don't bother to attempt to steal if p2 is idle.
			if !idlepMask.read(enum.position()) {
				charge(SiteStealAttempt, costs.StealAttempt)
				if curm.p != pp {
					throw("stealWork: lost P")
				}
				if gp := runqsteal(pp, p2, stealTimersOrRunNextG); gp != nil {
					return gp, false, pollUntil, ranTimer
				}
			}
		}
	}
	// No goroutines found to steal. Regardless, running a timer may have
	// made some goroutine ready that we missed.
	return nil, false, pollUntil, ranTimer
}

// checkRunqsNoP checks all non-idle Ps for a runnable G. If one has work
// and an idle P is available, it returns that P for the caller to acquire.
// Models runtime.checkRunqsNoP (proc.go).
//
//go:norace
func checkRunqsNoP(allpSnapshot []*p, idlepMaskSnapshot pMask) *p {
	for id, p2 := range allpSnapshot {
		if !idlepMaskSnapshot.read(uint32(id)) && !runqempty(p2) {
			return pidlegetSpinning()
		}
	}
	return nil
}

// checkTimersNoP returns the earliest timer wake time over all Ps that may
// have timers, or pollUntil if that is earlier.
// Models runtime.checkTimersNoP (proc.go).
//
//go:norace
func checkTimersNoP(allpSnapshot []*p, timerpMaskSnapshot pMask, pollUntil int64) int64 {
	for id, p2 := range allpSnapshot {
		if timerpMaskSnapshot.read(uint32(id)) {
			w := p2.timers.wakeTime()
			if w != 0 && (pollUntil == 0 || w < pollUntil) {
				pollUntil = w
			}
		}
	}
	return pollUntil
}

// wakeNetPoller wakes the thread sleeping in the network poller if it
// isn't going to wake up before when; or wakes an idle P to service timers
// and the network poller if there isn't one already.
// Models runtime.wakeNetPoller (proc.go).
//
//go:norace
func wakeNetPoller(when int64) {
	if sched.lastpoll == 0 {
		pollerPollUntil := sched.pollUntil
		if pollerPollUntil == 0 || pollerPollUntil > when {
			netpollBreak()
		}
	} else {
		wakep()
	}
}

// resetspinning is called by a spinning M that found work: it stops
// spinning and, if it was the last spinner, wakes another.
// Models runtime.resetspinning (proc.go).
//
//go:norace
func resetspinning() {
	mp := curm
	if !mp.spinning {
		throw("resetspinning: not a spinning m")
	}
	mp.spinning = false
	sched.nmspinning--
	if sched.nmspinning < 0 {
		throw("findRunnable: negative nmspinning")
	}
	mp.stopSpinningEvent()
	wakep()
}

// injectglist adds each runnable G on the list to some run queue. If there
// is no current P, they go to the global queue and up to npidle Ms are
// started; otherwise one G per idle P goes to the global queue (with an M
// started for each) and the rest to the local queue.
// Models runtime.injectglist (proc.go).
//
//go:norace
func injectglist(glist *gList) {
	if glist.empty() {
		return
	}
	var q gQueue
	for gp := glist.head; gp != nil; {
		next := gp.schedlink
		casgstatus(gp, _Gwaiting, _Grunnable)
		if want(EvGoUnblock) {
			emit(EvGoUnblock, curm, gp)
		}
		q.pushBack(gp)
		gp = next
	}
	*glist = gList{}

	startIdle := func(n int32) {
		for ; n > 0; n-- {
			pp := pidlegetSpinning()
			if pp == nil {
				break
			}
			startm(pp, false)
		}
	}

	pp := curm.p
	if pp == nil {
		n := q.size
		globrunqputbatch(&q)
		startIdle(n)
		return
	}

	var globq gQueue
	npidle := sched.npidle
	for ; npidle > 0 && !q.empty(); npidle-- {
		globq.pushBack(q.pop())
	}
	if !globq.empty() {
		n := globq.size
		globrunqputbatch(&globq)
		startIdle(n)
	}
	if runqputbatch(pp, &q); !q.empty() {
		globrunqputbatch(&q)
	}
	wakep()
}

// schedule finds a runnable goroutine, blocking the thread until there is
// one, and makes it the next to run (target). It runs on g0; schedInline
// runs its common case on the leaving G's coroutine instead (scheduleFast),
// and the two must make the same decisions. Models runtime.schedule
// (proc.go).
//
//go:norace
func schedule(mp *m) {
	for !done {
		if mp.lockedg != nil {
			// The M is locked to a G: wait until that G is runnable
			// again, handing our P to another M meanwhile.
			stoplockedm()
			gp := mp.lockedg
			execute(gp, false)
			gogo(gp)
			return
		}
		pp := mp.p
		pp.preempt = false
		// Safety check: if we are spinning, the run queue should be empty.
		if mp.spinning && (pp.runnext != nil || pp.runqhead != pp.runqtail) {
			throw("schedule: spinning with local work")
		}
		gp, inheritTime := findRunnable() // blocks until work is available
		// This thread is going to run a goroutine and is not spinning
		// anymore, so if it was marked as spinning we need to reset it
		// now and potentially start a new spinning M.
		if mp.spinning {
			resetspinning()
		}
		if gp.lockedm != nil {
			// Hands off own P to the locked M, then blocks waiting for
			// a new P.
			startlockedm(gp)
			continue
		}
		charge(SiteSchedule, costs.Schedule)
		execute(gp, inheritTime)
		gogo(gp)
		return
	}
	target = nil
}

// scheduleFast is schedule's common case, run by schedInline on the
// coroutine of the G that just left mp: no lock, no stop-the-world, no
// timer due, and a G in the local or global run queue. It reports false,
// having changed nothing, if schedule must run on g0 instead. The cost of
// the switch is paid as schedule pays it, except that where the thread
// would block, it records the G it picked (contExecute) and lets the
// event loop run it when its time comes.
//
//go:norace
func scheduleFast(mp *m) bool {
	if mp.lockedg != nil || nlockedg > 0 || sched.gcwaiting || mp.spinning {
		return false
	}
	pp := mp.p
	if ts := &pp.timers; ts.minWhenHeap != 0 || ts.minWhenModified != 0 {
		// timers.check(0) would do more than look.
		if next := ts.wakeTime(); now >= next || int(ts.zombies) > len(ts.heap)/4 {
			return false
		}
	}
	gp, inheritTime := findRunnableQueues(mp, pp)
	if gp == nil {
		return false
	}
	pp.preempt = false
	// charge(SiteSchedule, …), without blocking on this coroutine.
	if d := cost(SiteSchedule, costs.Schedule); d > 0 {
		t := addTime(now, d)
		if !fits(d) && !mayRunTo(t) {
			mp.nextg, mp.nextInherit = gp, inheritTime
			sleepAt(mp, t)
			mp.cont = contExecute
			target = nil
			return true
		}
		now = t
	}
	execute(gp, inheritTime)
	gogo(gp)
	return true
}

// stoplockedm stops execution of the current M, which is locked to a G,
// until that G is runnable again; it returns with a P acquired.
// Models runtime.stoplockedm (proc.go).
//
//go:norace
func stoplockedm() {
	mp := curm
	if mp.lockedg == nil || mp.lockedg.lockedm != mp {
		throw("stoplockedm: inconsistent locking")
	}
	if mp.p != nil {
		// Schedule another M to run this P.
		pp := releasep()
		handoffp(pp)
	}
	incidlelocked(1)
	// Wait until another thread schedules lockedg again.
	if want(EvMPark) {
		emit(EvMPark, mp, nil)
	}
	mp.blocked = true
	mpark(mp)
	mp.blocked = false
	if readgstatus(mp.lockedg) != _Grunnable {
		throwf("stoplockedm: not runnable (goroutine %d status %d)", mp.lockedg.goid, mp.lockedg.atomicstatus)
	}
	acquirep(mp.nextp)
	mp.nextp = nil
}

// startlockedm schedules the locked M to run the locked G: it hands the
// current P straight to that M and stops the current M.
// Models runtime.startlockedm (proc.go).
//
//go:norace
func startlockedm(gp *g) {
	mp := gp.lockedm
	if mp == curm {
		throw("startlockedm: locked to me")
	}
	if mp.nextp != nil {
		throw("startlockedm: m has p")
	}
	// Directly hand off the current P to the locked M.
	incidlelocked(-1)
	pp := releasep()
	mp.nextp = pp
	notewakeup(mp)
	stopm()
}

// lockOSThread wires the current goroutine to its M (dolockOSThread).
//
//go:norace
func lockOSThread() {
	gp := curg
	if gp.lockedm == nil {
		nlockedg++
	}
	gp.m.lockedg = gp
	gp.lockedm = gp.m
}

// nlockedg counts the Gs locked to an M: while there are any, every
// schedule runs on g0 (scheduleFast does not handle locked Gs).
var nlockedg int

// unlockOSThread undoes lockOSThread (dounlockOSThread).
//
//go:norace
func unlockOSThread() {
	gp := curg
	if gp.lockedm != nil {
		nlockedg--
	}
	gp.m.lockedg = nil
	gp.lockedm = nil
}

// dropg removes the association between the current M and its G.
//
//go:norace
func dropg() {
	mp := curm
	if mp.curg != nil {
		mp.curg.m = nil
		mp.curg = nil
	}
}

// gopark puts the current goroutine into a waiting state and switches to
// the scheduler. If unlockf returns false when called on g0 after the
// switch, the goroutine is resumed at once. Models runtime.gopark
// (proc.go).
//
//go:norace
func gopark(unlockf func(*g, any) bool, lock any, reason waitReason, br blockReason) {
	// The caller has published nothing that a waker could find before the
	// G is parked (it does that in unlockf), so the cost of parking can be
	// paid here.
	charge(SitePark, costs.Park)
	goparkCharged(unlockf, lock, reason, br)
}

// goparkCharged is gopark for callers that paid the cost of parking
// themselves, before making the G findable by a waker (a sudog on a
// channel queue): a G must never be readied while it is still running.
//
//go:norace
func goparkCharged(unlockf func(*g, any) bool, lock any, reason waitReason, br blockReason) {
	gp := getg()
	gp.waitreason = reason
	gp.waitunlockf = unlockf
	gp.waitlock = lock
	gp.blockReason = br
	if wantStacks {
		parkedStack = parkStack()
	}
	if raceBuild {
		racepark(gp)
	}
	mcall(mcallPark)
	if raceBuild {
		racewake(gp)
	}
}

// park_m is gopark's continuation on g0; it reports whether gp must run
// again at once (its unlock function refused to park).
// Models runtime.park_m (proc.go).
//
//go:norace
func park_m(gp *g) bool {
	mp := curm
	if want(EvGoBlock) {
		evbuf.Reason = gp.blockReason.String()
		evbuf.Arg = int64(gp.waitreason)
		evbuf.Stack = parkedStack
		parkedStack = nil
		emit(EvGoBlock, mp, gp)
	}
	casgstatus(gp, _Grunning, _Gwaiting)
	gp.waitsince = now
	dropg()
	if fn := gp.waitunlockf; fn != nil {
		ok := fn(gp, gp.waitlock)
		gp.waitunlockf = nil
		gp.waitlock = nil
		gp.waitunlockcost = 0
		if !ok {
			casgstatus(gp, _Gwaiting, _Grunnable)
			if want(EvGoUnblock) {
				emit(EvGoUnblock, mp, gp)
			}
			mp.curg = gp
			gp.m = mp
			return true
		}
	}
	return false
}

// goschedImpl puts gp on the global run queue (Gosched and preemption).
// Models runtime.goschedImpl (proc.go).
//
//go:norace
func goschedImpl(gp *g, preempted bool) {
	pp := curm.p
	if readgstatus(gp) != _Grunning {
		throw("bad g status")
	}
	if want(EvGoStop) {
		if preempted {
			evbuf.Reason = "preempted"
		} else {
			evbuf.Reason = "runtime.Gosched"
		}
		evbuf.Stack = parkedStack
		parkedStack = nil
		emit(EvGoStop, curm, gp)
	}
	casgstatus(gp, _Grunning, _Grunnable)
	dropg()
	if preempted && sched.gcwaiting && version >= 26 {
		// If preempted for STW, keep the G on the local P in runnext so
		// it can keep running immediately after the STW (go1.26).
		runqput(pp, gp, true)
	} else {
		globrunqput(gp)
	}
	if mainStarted {
		wakep()
	}
}

// goyield_m puts gp on the tail of the local run queue (the semaphore
// hand-off path). Models runtime.goyield_m (proc.go).
//
//go:norace
func goyield_m(gp *g) {
	pp := curm.p
	if want(EvGoStop) {
		evbuf.Reason = "preempted"
		emit(EvGoStop, curm, gp)
	}
	casgstatus(gp, _Grunning, _Grunnable)
	dropg()
	runqput(pp, gp, false)
}

// goexit0 finishes a goroutine that returned or called Goexit.
// Models runtime.goexit0 + gdestroy (proc.go).
// Deviation: the G pays CostModel.GoExit before it leaves (gbody), because
// the thread may only block while a G holds it.
//
//go:norace
func goexit0(gp *g) {
	mp := curm
	pp := mp.p
	if want(EvGoDestroy) {
		emit(EvGoDestroy, mp, gp)
	}
	casgstatus(gp, _Grunning, _Gdead)
	if gp.sys {
		sched.ngsys--
	}
	gp.m = nil
	gp.preempt = false
	gp.waitreason = waitReasonZero
	gp.param = nil
	gp.labels = nil
	gp.userData = nil
	gp.timer = nil
	dropg()
	gfput(pp, gp)
	if settling && !gp.sys && liveUserGs() == 0 {
		mainExit() // the last goroutine that outlived main is done
	}
}

// liveUserGs counts the user goroutines that exist (gcount without its
// floor of 1).
//
//go:norace
func liveUserGs() int64 {
	n := int64(len(allgs)) - int64(sched.gFree.stack.size) - int64(sched.gFree.noStack.size) - int64(sched.ngsys)
	for _, pp := range allp {
		n -= int64(pp.gFree.size)
	}
	return n
}

// gosched yields the processor, putting the current goroutine on the
// global queue. Models runtime.Gosched + gosched_m.
//
//go:norace
func gosched() {
	getg()
	charge(SiteGosched, costs.Gosched)
	if wantStacks {
		parkedStack = parkStack()
	}
	mcall(mcallGosched)
}

// gopreempt_m is the preemption path: requeue on the global queue.
//
//go:norace
func gopreempt() {
	stats.Preemptions++
	if wantStacks {
		parkedStack = parkStack()
	}
	mcall(mcallPreempt)
}

// goyield is like Gosched but puts the G on the local run queue.
//
//go:norace
func goyield() {
	mcall(mcallYield)
}

// preemptCheck is the function-prologue check: a G asked to stop by
// sysmon does so at its next runtime call (cooperative preemption).
//
//go:norace
func preemptCheck() {
	if gp := curg; gp != nil && (gp.preempt || chooser != nil) {
		preemptNow(gp)
	}
}

// preemptNow honours a preemption request, or, under a Chooser, asks
// whether the goroutine is preempted here: at a function prologue Go's
// asynchronous preemption (sysmon's, the GC's) can stop any goroutine.
//
//go:noinline
//go:norace
func preemptNow(gp *g) {
	if !canPreemptM(gp.m) {
		return
	}
	if gp.preempt || choosePreempt(gp, OpOther, 0) {
		gopreempt()
	}
}

// canPreemptM reports whether the G on mp can be preempted now.
//
//go:norace
func canPreemptM(mp *m) bool {
	return mp.locks == 0 && mp.p != nil && mp.p.status == _Prunning
}

// gcount returns the number of live user goroutines (proc.go:gcount).
//
//go:norace
func gcount() int64 {
	n := int64(len(allgs)) - int64(sched.gFree.stack.size) - int64(sched.gFree.noStack.size) - int64(sched.ngsys)
	for _, pp := range allp {
		n -= int64(pp.gFree.size)
	}
	if n < 1 {
		n = 1
	}
	return n
}

// mput puts mp on the idle list and checks for deadlock.
// Models runtime.mput (proc.go).
//
//go:norace
func mput(mp *m) {
	mp.schedlink = sched.midle
	sched.midle = mp
	mp.onMidle = true
	sched.nmidle++
	checkdead()
}

// mget takes an M off the idle list (LIFO). Models runtime.mget.
//
//go:norace
func mget() *m {
	mp := sched.midle
	if mp != nil {
		sched.midle = mp.schedlink
		mp.schedlink = nil
		mp.onMidle = false
		sched.nmidle--
	}
	return mp
}

// mgetSpecific takes mp off the idle list if it is there.
// Models runtime.mgetSpecific (proc.go, go1.26).
//
//go:norace
func mgetSpecific(mp *m) *m {
	if !mp.onMidle {
		return nil
	}
	prev := &sched.midle
	for x := sched.midle; x != nil; x = x.schedlink {
		if x == mp {
			*prev = x.schedlink
			x.schedlink = nil
			x.onMidle = false
			sched.nmidle--
			return x
		}
		prev = &x.schedlink
	}
	return nil
}

// pidleput puts pp on the idle P list. Models runtime.pidleput.
//
//go:norace
func pidleput(pp *p) {
	if !runqempty(pp) {
		throw("pidleput: P has non-empty run queue")
	}
	if len(pp.timers.heap) == 0 {
		timerpMask.clear(pp.id)
	}
	idlepMask.set(pp.id)
	pp.link = sched.pidle
	sched.pidle = pp
	sched.npidle++
	pp.idleSince = now
}

// pidleget takes a P off the idle list (LIFO). Models runtime.pidleget.
//
//go:norace
func pidleget() *p {
	pp := sched.pidle
	if pp != nil {
		timerpMask.set(pp.id)
		idlepMask.clear(pp.id)
		sched.pidle = pp.link
		sched.npidle--
		pp.link = nil
	}
	return pp
}

// pidlegetSpinning is pidleget for callers that found work they cannot
// take without a P: if none is available, it sets needspinning so that an
// M about to drop its P spins instead. Models runtime.pidlegetSpinning.
//
//go:norace
func pidlegetSpinning() *p {
	pp := pidleget()
	if pp == nil {
		sched.needspinning = 1
	}
	return pp
}

// acquirep associates pp with the current M. Models runtime.acquirep.
//
//go:norace
func acquirep(pp *p) {
	wirep(pp)
	pp.oldm = curm
	if want(EvProcStart) {
		emit(EvProcStart, curm, nil)
	}
}

// wirep is the first step of acquirep (proc.go:wirep).
//
//go:norace
func wirep(pp *p) {
	mp := curm
	if mp.p != nil {
		throw("wirep: already in go")
	}
	if pp.m != nil || pp.status != _Pidle {
		throwf("wirep: invalid p state: p%d status=%d", pp.id, pp.status)
	}
	mp.p = pp
	pp.m = mp
	pp.status = _Prunning
	pp.busySince = now
}

// releasep disassociates the current M from its P. Models runtime.releasep.
//
//go:norace
func releasep() *p {
	mp := curm
	if mp.p == nil {
		throw("releasep: invalid arg")
	}
	pp := mp.p
	if pp.m != mp || pp.status != _Prunning {
		throwf("releasep: invalid p state: p%d status=%d", pp.id, pp.status)
	}
	if want(EvProcStop) {
		emit(EvProcStop, mp, nil)
	}
	mp.p = nil
	pp.m = nil
	pp.status = _Pidle
	pp.busyNS += now - pp.busySince
	return pp
}

// checkdead checks for deadlock: no M is running, so nothing can ever
// happen again. Models runtime.checkdead (proc.go).
//
//go:norace
func checkdead() {
	if done {
		return
	}
	run := mcount() - sched.nmidle - sched.nmidlelocked - sched.nmsys
	if run > 0 {
		return
	}
	if run < 0 {
		throwf("checkdead: inconsistent counts: nmidle=%d nmidlelocked=%d mcount=%d nmsys=%d", sched.nmidle, sched.nmidlelocked, mcount(), sched.nmsys)
	}
	if settling {
		// Main has returned and no thread can ever run again: what is
		// left is blocked for good — leaked, not deadlocked (unless a
		// timer will wake one of them).
		for _, pp := range allp {
			if len(pp.timers.heap) > 0 {
				return
			}
		}
		mainExit()
		return
	}
	grunning := 0
	for _, gp := range allgs {
		if gp.sys {
			continue
		}
		switch readgstatus(gp) {
		case _Gwaiting, _Gpreempted:
			grunning++
		case _Grunnable, _Grunning, _Gsyscall:
			throwf("checkdead: runnable g: goroutine %d in status %d", gp.goid, gp.atomicstatus)
		}
	}
	if grunning == 0 { // possible if main goroutine calls runtime.Goexit()
		fatal("no goroutines (main called runtime.Goexit) - deadlock!")
		return
	}
	// There are no goroutines running, so we can look at the Ps.
	for _, pp := range allp {
		if len(pp.timers.heap) > 0 {
			return
		}
	}
	fatal("all goroutines are asleep - deadlock!")
}

// randomOrder and randomEnum enumerate all Ps in pseudo-random orders
// without repetition: if X and GOMAXPROCS are coprime, (i + X) % GOMAXPROCS
// visits every P. Models proc.go:randomOrder.
type randomOrder struct {
	count    uint32
	coprimes []uint32
}

type randomEnum struct {
	i     uint32
	count uint32
	pos   uint32
	inc   uint32
}

//go:norace
func (ord *randomOrder) reset(count uint32) {
	ord.count = count
	ord.coprimes = ord.coprimes[:0]
	for i := uint32(1); i <= count; i++ {
		if gcd(i, count) == 1 {
			ord.coprimes = append(ord.coprimes, i)
		}
	}
}

//go:norace
func (ord *randomOrder) start(i uint32) randomEnum {
	return randomEnum{
		count: ord.count,
		pos:   i % ord.count,
		inc:   ord.coprimes[i/ord.count%uint32(len(ord.coprimes))],
	}
}

//go:norace
func (enum *randomEnum) done() bool { return enum.i == enum.count }

//go:norace
func (enum *randomEnum) next() {
	enum.i++
	enum.pos = (enum.pos + enum.inc) % enum.count
}

//go:norace
func (enum *randomEnum) position() uint32 { return enum.pos }

//go:norace
func gcd(a, b uint32) uint32 {
	for b != 0 {
		a, b = b, a%b
	}
	return a
}
