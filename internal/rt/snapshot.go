package rt

// Read-only views of the scheduler for observers (schedtrace, traces).
// They may only be called from an Observer's Event method.

// SchedState is what schedtrace/scheddetail print (proc.go:schedtrace).
type SchedState struct {
	Time         int64 // virtual ns
	Gomaxprocs   int32
	Idleprocs    int32
	Threads      int32
	Spinning     int32
	NeedSpinning int32
	IdleThreads  int32
	Runqueue     int32
	GCWaiting    bool
	NMIdleLocked int32
	StopWait     int32
	SysmonWait   bool
	Ps           []PState
	Ms           []MState // allm order: newest first
	Gs           []GState // allgs order (creation order of G structs)
	GlobalRunq   []int64  // goids in the global queue, head first
}

// PState is one P's line in scheddetail.
type PState struct {
	ID          int32
	Status      uint32
	Schedtick   uint32
	Syscalltick uint32
	M           int64 // -1: nil
	RunqSize    uint32
	Runnext     int64   // goid in runnext, 0: none
	Runq        []int64 // goids in the local ring, head first
	GFreeCnt    int32
	TimersLen   int
}

// MState is one M's line in scheddetail.
type MState struct {
	ID         int64
	P          int32 // -1: nil
	CurG       int64 // 0: nil
	Locks      int32
	Spinning   bool
	Blocked    bool
	LockedG    int64 // 0: nil
	InSyscall  bool
	IsSysmon   bool
	InNetpoll  bool
	Preemptoff string
}

// GState is one G's line in scheddetail.
type GState struct {
	Goid       int64
	Status     uint32
	WaitReason string
	M          int64 // -1: nil
	LockedM    int64 // -1: nil
	System     bool
}

// ReadSchedState returns the scheduler's state; with detailed, the
// per-M and per-G lists too. It may be called from an observer or from a
// simulated goroutine.
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
		gs := GState{Goid: gp.goid, Status: gp.atomicstatus, WaitReason: gp.waitreason.String(), M: -1, LockedM: -1, System: gp.sys}
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

// GoroutineInfo describes one goroutine, for observers that name them.
type GoroutineInfo struct {
	Goid   int64
	Entry  uintptr // entry PC (0 if unknown)
	Parent int64
	GoPC   uintptr
	System bool
}

// Now returns the virtual time (for observers).
func Now() int64 { return now }

// Gomaxprocs returns the current number of Ps (for observers).
func Gomaxprocs() int32 { return gomaxprocs }
