package rt

import "github.com/gmplab/gmp/observe"

// Read-only views of the scheduler for observers (schedtrace, traces).
// They may only be called where CanInspect holds: from a simulated
// goroutine, the scheduler, or an Observer's Event method.

// The snapshot types are package observe's.
type (
	SchedState = observe.SchedState
	PState     = observe.PState
	MState     = observe.MState
	GState     = observe.GState
)

// ReadSchedState returns the scheduler's state; with detailed, the
// per-M and per-G lists too. It may be called from an observer or from a
// simulated goroutine.
//
//go:norace
func ReadSchedState(detailed bool) SchedState {
	st := SchedState{
		Time:         now,
		Gomaxprocs:   gomaxprocs,
		Idleprocs:    sched.npidle,
		Threads:      mcount(),
		Spinning:     sched.nmspinning,
		NeedSpinning: sched.needspinning,
		IdleThreads:  sched.nmidle,
		Runqueue:     sched.runq.size,
		GCWaiting:    sched.gcwaiting,
		NMIdleLocked: sched.nmidlelocked,
		StopWait:     sched.stopwait,
		SysmonWait:   sched.sysmonwait,
	}
	for _, pp := range allp {
		ps := PState{ID: pp.id, Status: pp.status, Schedtick: pp.schedtick, Syscalltick: pp.syscalltick,
			M: -1, RunqSize: pp.runqtail - pp.runqhead, GFreeCnt: pp.gFree.size, TimersLen: len(pp.timers.heap)}
		if pp.m != nil {
			ps.M = pp.m.id
		}
		if pp.runnext != nil {
			ps.Runnext = pp.runnext.goid
		}
		for i := pp.runqhead; i != pp.runqtail; i++ {
			ps.Runq = append(ps.Runq, pp.runq[i%uint32(len(pp.runq))].goid)
		}
		st.Ps = append(st.Ps, ps)
	}
	for gp := sched.runq.head; gp != nil; gp = gp.schedlink {
		st.GlobalRunq = append(st.GlobalRunq, gp.goid)
	}
	if !detailed {
		return st
	}
	for mp := allm; mp != nil; mp = mp.alllink {
		ms := MState{ID: mp.id, P: -1, Locks: mp.locks, Spinning: mp.spinning, Blocked: mp.blocked,
			IsSysmon: mp.isSysmon, InNetpoll: mp.inNetpoll}
		if mp.p != nil {
			ms.P = mp.p.id
		}
		if mp.lockedg != nil {
			ms.LockedG = mp.lockedg.goid
		}
		if mp.curg != nil {
			ms.CurG = mp.curg.goid
			ms.InSyscall = readgstatus(mp.curg) == _Gsyscall
		}
		st.Ms = append(st.Ms, ms)
	}
	for _, gp := range allgs {
		gs := GState{Goid: gp.goid, Status: observe.GStatus(gp.atomicstatus), WaitReason: gp.waitreason.String(), M: -1, LockedM: -1, System: gp.sys}
		if gp.m != nil {
			gs.M = gp.m.id
		}
		if gp.lockedm != nil {
			gs.LockedM = gp.lockedm.id
		}
		st.Gs = append(st.Gs, gs)
	}
	return st
}

// Now returns the virtual time (for observers).
//
//go:norace
func Now() int64 { return now }
