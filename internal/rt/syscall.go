package rt

// Blocking system calls, modelled on entersyscall/exitsyscall (proc.go).
//
// go1.26 (the default): the P stays _Prunning and wired to the M during
// the call; "this P is in a syscall" means its M's curg is _Gsyscall.
// sysmon (retake) or another thread leaving a syscall (exitsyscallTryGetP)
// takes the P by unwiring it. On exit the G keeps its P if it still has
// it, else steals its old P back from another syscalling thread, else
// takes an idle P, else goes to the global queue and its M stops.
//
// ≤go1.25 (Config.Version 24 or 25, the model the seed article draws): the
// P is detached into _Psyscall with p.m = nil and m.oldp = p; exitsyscall
// CASes oldp back from _Psyscall, else takes an idle P, else
// exitsyscall0 queues the G globally.

// syscall performs a blocking syscall of virtual duration d on the current
// goroutine.
//
//go:norace
func syscall(d int64) {
	gp := getg()
	preemptOp(gp, OpSyscall, 0)
	if d < 0 {
		d = 0
	}
	d = duration(SiteSyscall, d, gp)
	entersyscall(gp)
	if d > 0 {
		gsleep(addTime(now, d))
	}
	exitsyscall(gp)
}

// entersyscall moves gp into _Gsyscall. Models runtime.reentersyscall.
//
//go:norace
func entersyscall(gp *g) {
	charge(SiteSyscallEnter, costs.SyscallEnter)
	mp := gp.m
	pp := mp.p
	mp.locks++
	mp.syscalltick = pp.syscalltick
	mp.oldp = pp
	stats.Syscalls++
	if want(EvGoSyscallBegin) {
		evbuf.Stack = callerStack(2)
		emit(EvGoSyscallBegin, mp, gp)
	}
	if sched.gcwaiting && version >= 26 {
		entersyscallHandleGCWait(mp)
	}
	casgstatus(gp, _Grunning, _Gsyscall)
	gp.waitsince = now
	if version < 26 && mp.p != nil {
		pp.m = nil
		mp.p = nil
		pp.status = _Psyscall
		if sched.gcwaiting {
			// entersyscall_gcwait: CAS _Psyscall → _Pgcstop.
			if want(EvProcSteal) {
				// Go traces this as the thread stealing its own P.
				evbuf.Arg, evbuf.Arg2 = mp.id, int64(pp.id)
				emit(EvProcSteal, mp, nil)
			}
			pp.status = _Pgcstop
			pp.syscalltick++
			sched.stopwait--
			if sched.stopwait == 0 {
				stwNotify()
			}
		}
	}
	if sched.sysmonwait {
		sysmonwake()
	}
	mp.locks--
}

// entersyscallHandleGCWait gives the P to a pending stop-the-world at once
// (go1.26). Models runtime.entersyscallHandleGCWait.
//
//go:norace
func entersyscallHandleGCWait(mp *m) {
	if sched.stopwait > 0 {
		pp := mp.p
		if want(EvProcStop) {
			emit(EvProcStop, mp, nil) // Go traces it as ProcStop
		}
		pp.m = nil
		mp.p = nil
		pp.status = _Pgcstop
		pp.syscalltick++
		sched.stopwait--
		if sched.stopwait == 0 {
			stwNotify()
		}
	}
}

// exitsyscall is called when gp returns from its syscall: it gets a P back
// and returns, or queues gp and stops the M. Models runtime.exitsyscall.
//
//go:norace
func exitsyscall(gp *g) {
	mp := gp.m
	mp.locks++
	gp.waitsince = 0
	if version < 26 {
		exitsyscall125(gp)
		return
	}
	// Optimistically move to _Grunning: sysmon or STW act instantly in
	// the simulator, so there is no scan bit to spin on.
	casgstatus(gp, _Gsyscall, _Grunning)
	oldp := mp.oldp
	mp.oldp = nil
	pp := mp.p
	if pp != nil {
		charge(SiteSyscallExit, costs.SyscallExit)
		stats.ExitsyscallFast++
		if want(EvGoSyscallEnd) {
			emit(EvGoSyscallEnd, mp, gp)
		}
	} else if pp = exitsyscallTryGetP(oldp); pp != nil {
		acquirep(pp)
		stats.ExitsyscallFast++
		if want(EvGoStart) || want(EvGoSyscallBlock) {
			evbuf.Arg = 1
			emit(EvGoSyscallBlock, mp, gp)
			emit(EvGoStart, mp, gp)
		}
	}
	if pp != nil {
		pp.syscalltick++
		mp.locks--
		return
	}
	mp.locks--
	stats.ExitsyscallSlow++
	mcall(mcallExitsyscall)
	gp.m.p.syscalltick++
}

// exitsyscallTryGetP tries to get a P for the current M leaving a
// syscall: its old P, stolen back from another syscalling thread, or an
// idle P. Models runtime.exitsyscallTryGetP (go1.26).
//
//go:norace
func exitsyscallTryGetP(oldp *p) *p {
	if oldp != nil && inSyscall(oldp) {
		takeP(oldp)
		return oldp
	}
	if sched.pidle != nil {
		pp := pidleget()
		if pp != nil && sched.sysmonwait {
			sysmonwake()
		}
		if pp != nil {
			return pp
		}
	}
	return nil
}

// exitsyscallNoP runs on g0 when gp left its syscall without a P: it puts
// gp on the global queue (or runs it on an idle P) and stops the M. It
// reports whether the M now runs gp. Models runtime.exitsyscallNoP
// (go1.26) and exitsyscall0 (≤go1.25).
//
//go:norace
func exitsyscallNoP(gp *g) bool {
	mp := curm
	if version < 26 {
		casgstatus(gp, _Gsyscall, _Grunnable)
	} else {
		casgstatus(gp, _Grunning, _Grunnable)
	}
	if want(EvGoSyscallBlock) {
		evbuf.Arg = 0
		emit(EvGoSyscallBlock, mp, gp)
	}
	dropg()
	pp := pidleget()
	if pp == nil {
		globrunqput(gp)
	} else if sched.sysmonwait {
		sysmonwake()
	}
	if pp != nil {
		acquirep(pp)
		execute(gp, false)
		return true
	}
	stopm()
	return false
}

// exitsyscall125 is exitsyscall for the ≤go1.25 model.
//
//go:norace
func exitsyscall125(gp *g) {
	mp := gp.m
	oldp := mp.oldp
	mp.oldp = nil
	if exitsyscallfast(oldp) {
		casgstatus(gp, _Gsyscall, _Grunning)
		charge(SiteSyscallExit, costs.SyscallExit)
		stats.ExitsyscallFast++
		if want(EvGoStart) || want(EvGoSyscallBlock) || want(EvGoSyscallEnd) {
			if mp.p == oldp && oldp.syscalltick == mp.syscalltick {
				emit(EvGoSyscallEnd, mp, gp)
			} else {
				evbuf.Arg = 1
				emit(EvGoSyscallBlock, mp, gp)
				emit(EvGoStart, mp, gp)
			}
		}
		mp.p.syscalltick++
		mp.locks--
		return
	}
	mp.locks--
	stats.ExitsyscallSlow++
	mcall(mcallExitsyscall)
	gp.m.p.syscalltick++
}

// exitsyscallfast re-acquires oldp if it is still in _Psyscall (even if
// another thread's syscall holds it now), else any idle P.
// Models runtime.exitsyscallfast (≤go1.25).
//
//go:norace
func exitsyscallfast(oldp *p) bool {
	if oldp != nil && oldp.status == _Psyscall {
		// CAS _Psyscall → _Pidle, then wirep.
		if prev := oldp.m; prev != nil {
			prev.p = nil
		}
		oldp.m = nil
		oldp.status = _Pidle
		wirep(oldp)
		holder := oldp.oldm
		oldp.oldm = curm
		if curm.syscalltick != oldp.syscalltick {
			// The P was retaken and is in another thread's syscall now:
			// Go's tracer reports taking it from that syscall
			// (exitsyscallfast_reacquired). Otherwise the P never left
			// this thread, as far as the tracer is concerned.
			if want(EvProcStart) || want(EvProcSteal) {
				evbuf.Arg, evbuf.Arg2 = -1, int64(oldp.id)
				if holder != nil {
					evbuf.Arg = holder.id
				}
				emit(EvProcSteal, curm, nil)
				emit(EvProcStart, curm, nil)
			}
			oldp.syscalltick++
		}
		return true
	}
	if sched.pidle != nil {
		if pp := pidleget(); pp != nil {
			if sched.sysmonwait {
				sysmonwake()
			}
			acquirep(pp)
			return true
		}
	}
	return false
}
