package rt

// Stop-the-world and procresize, for GOMAXPROCS (proc.go, debug.go).

// pPool keeps the P structs of finished runs (a P is a few KiB, most of it
// the run queue): a run that starts soon after another takes them from
// here, zeroed, instead of allocating.
var pPool []*p

//go:norace
func newP() *p {
	if n := len(pPool); n > 0 {
		pp := pPool[n-1]
		pPool = pPool[:n-1]
		return pp
	}
	return new(p)
}

// freeAllP returns the run's Ps to pPool. Nothing of a finished run refers
// to its Ps (results copy what they report).
//
//go:norace
func freeAllP() {
	for _, pp := range allp[:cap(allp)] {
		if pp != nil && len(pPool) < 1024 {
			*pp = p{}
			pPool = append(pPool, pp)
		}
	}
}

// initP initialises a new P (proc.go:p.init).
//
//go:norace
func (pp *p) init(id int32) {
	pp.id = id
	pp.status = _Pgcstop
	// This P may get timers when it starts running.
	timerpMask.set(id)
	idlepMask.clear(id)
}

// destroy moves pp's runnable Gs to the head of the global queue (ring
// first, then runnext, so they keep their order), its timers to the
// current P and its free Gs to the global lists, and marks it _Pdead.
// Models runtime.(*p).destroy.
//
//go:norace
func (pp *p) destroy() {
	for pp.runqhead != pp.runqtail {
		pp.runqtail--
		i := pp.runqtail % uint32(len(pp.runq))
		globrunqputhead(pp.runq[i])
		pp.runq[i] = nil
	}
	if pp.runnext != nil {
		globrunqputhead(pp.runnext)
		pp.runnext = nil
	}
	curm.p.timers.take(&pp.timers)
	gfpurge(pp)
	pp.status = _Pdead
}

// gfpurge moves all of pp's free Gs to the global lists (proc.go:gfpurge).
//
//go:norace
func gfpurge(pp *p) {
	for !pp.gFree.empty() {
		gp := pp.gFree.pop()
		if gp.stackSize == 0 {
			sched.gFree.noStack.push(gp)
		} else {
			sched.gFree.stack.push(gp)
		}
	}
}

// procresize changes the number of Ps to nprocs with the world stopped and
// returns the list of Ps with local work, which the caller must start Ms
// for. Models runtime.procresize (proc.go, go1.26: a P with work prefers
// the M that ran it last).
//
//go:norace
func procresize(nprocs int32) *p {
	old := gomaxprocs
	if old < 0 || nprocs <= 0 {
		throw("procresize: invalid arg")
	}
	if want(EvProcsChange) {
		evbuf.Arg = int64(nprocs)
		emit(EvProcsChange, curm, curg)
	}
	// Grow allp if necessary.
	if nprocs > int32(len(allp)) {
		if nprocs <= int32(cap(allp)) {
			allp = allp[:nprocs]
		} else {
			nallp := make([]*p, nprocs)
			copy(nallp, allp[:cap(allp)])
			allp = nallp
		}
		idlepMask = idlepMask.resize(nprocs)
		timerpMask = timerpMask.resize(nprocs)
	}
	// Initialize new Ps.
	for i := old; i < nprocs; i++ {
		pp := allp[i]
		if pp == nil {
			pp = newP()
		}
		pp.init(i)
		allp[i] = pp
	}

	mp := curm
	if mp.p != nil && mp.p.id < nprocs {
		// Continue to use the current P.
		mp.p.status = _Prunning
	} else {
		// Release the current P and acquire allp[0].
		if mp.p != nil {
			if want(EvGoStop) || want(EvProcStop) {
				// As Go's tracer does: pretend the caller was
				// descheduled and scheduled again, to keep the
				// trace consistent.
				evbuf.Reason = "runtime.Gosched"
				emit(EvGoStop, mp, curg)
				emit(EvProcStop, mp, nil)
			}
			mp.p.m = nil
			mp.p.busyNS += now - mp.p.busySince
		}
		mp.p = nil
		pp := allp[0]
		pp.m = nil
		pp.status = _Pidle
		acquirep(pp)
		if want(EvGoStart) && curg != nil {
			emit(EvGoStart, mp, curg)
		}
	}

	// Release resources from unused Ps.
	for i := nprocs; i < old; i++ {
		allp[i].destroy()
	}
	// Trim allp.
	if int32(len(allp)) != nprocs {
		allp = allp[:nprocs]
		idlepMask = idlepMask.resize(nprocs)
		timerpMask = timerpMask.resize(nprocs)
	}

	// Assign Ms to Ps with runnable goroutines, preferring each P's
	// previous M.
	var runnablePs, runnablePsNeedM, idlePs *p
	for i := nprocs - 1; i >= 0; i-- {
		pp := allp[i]
		if mp.p == pp {
			continue
		}
		pp.status = _Pidle
		if runqempty(pp) {
			pp.link = idlePs
			idlePs = pp
			continue
		}
		var nmp *m
		if oldm := pp.oldm; oldm != nil && version >= 26 {
			nmp = mgetSpecific(oldm)
		}
		if nmp == nil {
			pp.link = runnablePsNeedM
			runnablePsNeedM = pp
			continue
		}
		pp.m = nmp
		pp.link = runnablePs
		runnablePs = pp
	}
	for runnablePsNeedM != nil {
		pp := runnablePsNeedM
		runnablePsNeedM = pp.link
		pp.m = mget()
		pp.link = runnablePs
		runnablePs = pp
	}
	// Finally, any remaining Ps are truly idle.
	for idlePs != nil {
		pp := idlePs
		idlePs = pp.link
		pp.link = nil
		pidleput(pp)
	}
	stealOrder.reset(uint32(nprocs))
	gomaxprocs = nprocs
	return runnablePs
}

// maxGOMAXPROCS is the most Ps a simulation may have (Config.Procs has
// the same bound).
const maxGOMAXPROCS = 1 << 16

// gomaxprocsSet sets GOMAXPROCS to n (if n > 0) and returns the previous
// setting. Models runtime.GOMAXPROCS (debug.go): a stop-the-world whose
// start procresizes.
//
//go:norace
func gomaxprocsSet(n int) int {
	gp := getg()
	preemptCheck()
	ret := int(gomaxprocs)
	if n <= 0 {
		return ret
	}
	if !haveSysmon && n > 1 {
		n = 1 // like wasm: no threads, so only one P
	}
	if n > maxGOMAXPROCS {
		// Deviation: Go has no limit; each simulated P costs the host a
		// few KiB, so a program asking for millions would exhaust it.
		fatal("GOMAXPROCS(" + itoa(int64(n)) + ") is above the simulator's limit of " + itoa(maxGOMAXPROCS))
		mcall(mcallFatal)
		return ret
	}
	sched.customGOMAXPROCS = true
	if n == ret {
		return ret
	}
	stopTheWorld(gp)
	newprocs = int32(n)
	startTheWorld(gp)
	return ret
}

// stopTheWorld stops all Ps: it asks every running G to stop, takes the Ps
// of syscalling threads and idle Ps, and waits, re-preempting every 100 µs,
// until the running Ps stop themselves in gcstopm. The calling G waits in
// _Gwaiting("stopping the world") meanwhile.
// Models runtime.stopTheWorld + stopTheWorldWithSema (proc.go).
//
//go:norace
func stopTheWorld(gp *g) {
	mp := gp.m
	gp.waitreason = waitReasonStoppingTheWorld // casGToWaitingForSuspendG sets it first
	casgstatus(gp, _Grunning, _Gwaiting)
	sched.stopwait = gomaxprocs
	sched.gcwaiting = true
	preemptall()
	// Stop the current P.
	mp.p.status = _Pgcstop
	sched.stopwait--
	// Take the Ps of threads in syscalls.
	for _, pp := range allp {
		switch {
		case version >= 26 && inSyscall(pp):
			smp := pp.m
			if want(EvProcSteal) {
				evbuf.Arg = smp.id
				evbuf.Arg2 = int64(pp.id)
				emit(EvProcSteal, curm, curg)
			}
			pp.m = nil
			smp.p = nil
			pp.status = _Pgcstop
			pp.syscalltick++
			sched.stopwait--
		case version < 26 && pp.status == _Psyscall:
			if want(EvProcSteal) {
				evbuf.Arg = -1
				if pp.oldm != nil {
					evbuf.Arg = pp.oldm.id
				}
				evbuf.Arg2 = int64(pp.id)
				emit(EvProcSteal, curm, curg)
			}
			pp.status = _Pgcstop
			pp.syscalltick++
			sched.stopwait--
		}
	}
	// Stop idle Ps.
	for {
		pp := pidleget()
		if pp == nil {
			break
		}
		pp.status = _Pgcstop
		sched.stopwait--
	}
	// Wait for the remaining Ps to stop voluntarily.
	for sched.stopwait > 0 {
		stwWaiter = mp
		gsleep(addTime(now, 100*1000)) // notetsleep(&sched.stopnote, 100µs)
		stwWaiter = nil
		if sched.stopwait > 0 {
			preemptall()
		}
	}
	for _, pp := range allp {
		if pp.status != _Pgcstop {
			throwf("stopTheWorld: not stopped (p%d status=%d)", pp.id, pp.status)
		}
	}
}

// stwNotify wakes the thread waiting for the world to stop
// (notewakeup(&sched.stopnote)).
//
//go:norace
func stwNotify() {
	if stwWaiter != nil {
		wakeEarlier(stwWaiter, addTime(now, duration(SiteMWakeup, costs.MWakeup, nil)))
	}
}

// startTheWorld restarts the world, applying a pending GOMAXPROCS change.
// Models runtime.startTheWorldWithSema (proc.go).
//
//go:norace
func startTheWorld(gp *g) {
	if netpollinited() {
		list := netpoll(0)
		injectglist(&list)
	}
	procs := gomaxprocs
	if newprocs != 0 {
		procs = newprocs
		newprocs = 0
	}
	p1 := procresize(procs)
	sched.gcwaiting = false
	if sched.sysmonwait {
		sysmonwake()
	}
	for p1 != nil {
		pp := p1
		p1 = p1.link
		pp.link = nil
		if pp.m != nil {
			nmp := pp.m
			pp.m = nil
			if nmp.nextp != nil {
				throw("startTheWorld: inconsistent mp->nextp")
			}
			nmp.nextp = pp
			notewakeup(nmp)
		} else {
			// Start M to run P.
			newm(nil, pp, -1)
		}
	}
	casgstatus(gp, _Gwaiting, _Grunning)
	gp.waitreason = waitReasonZero
	// Wake up an additional proc in case we have excessive runnable
	// goroutines in local queues or in the global queue.
	wakep()
}

// gcstopm stops the current M for a stop-the-world, giving up its P.
// Models runtime.gcstopm (proc.go).
//
//go:norace
func gcstopm() {
	mp := curm
	if !sched.gcwaiting {
		throw("gcstopm: not waiting for gc")
	}
	if mp.spinning {
		mp.spinning = false
		sched.nmspinning--
		mp.stopSpinningEvent()
	}
	pp := releasep()
	pp.status = _Pgcstop
	sched.stopwait--
	if sched.stopwait == 0 {
		stwNotify()
	}
	stopm()
}
