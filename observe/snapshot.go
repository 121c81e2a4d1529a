package observe

// SchedState is a snapshot of the scheduler: the fields Go's
// GODEBUG=schedtrace and scheddetail print (proc.go:schedtrace), plus the
// contents of the run queues. gmp.Sched returns one.
type SchedState struct {
	// Time is the virtual time of the snapshot, in ns since the run started.
	Time int64
	// Gomaxprocs is the number of Ps.
	Gomaxprocs int32
	// Idleprocs is the number of Ps on the idle list (sched.npidle).
	Idleprocs int32
	// Threads is the number of threads (Ms) that exist (mcount).
	Threads int32
	// Spinning is the number of threads spinning in search of work
	// (sched.nmspinning).
	Spinning int32
	// NeedSpinning is 1 if a thread should start spinning once one stops
	// (sched.needspinning).
	NeedSpinning int32
	// IdleThreads is the number of threads parked on the idle list
	// (sched.nmidle).
	IdleThreads int32
	// Runqueue is the length of the global run queue.
	Runqueue int32
	// GCWaiting reports a stop-the-world in progress (sched.gcwaiting).
	GCWaiting bool
	// NMIdleLocked is the number of idle threads locked to a goroutine
	// (sched.nmidlelocked).
	NMIdleLocked int32
	// StopWait is the number of Ps a stop-the-world still waits for
	// (sched.stopwait).
	StopWait int32
	// SysmonWait reports that sysmon sleeps until there is work
	// (sched.sysmonwait).
	SysmonWait bool
	// Ps has one entry per P, in P order.
	Ps []PState
	// Ms has one entry per thread, newest first (allm order). Only in a
	// detailed snapshot.
	Ms []MState
	// Gs has one entry per goroutine struct, dead ones included, in the
	// order they were allocated (allgs order). Only in a detailed snapshot.
	Gs []GState
	// GlobalRunq lists the goroutines in the global run queue, head first.
	GlobalRunq []int64
}

// PState is one P in a SchedState: a line of scheddetail.
type PState struct {
	// ID is the P's number.
	ID int32
	// Status is Go's P status: 0 _Pidle, 1 _Prunning, 2 _Psyscall (the
	// go1.24/go1.25 models only), 3 _Pgcstop, 4 _Pdead.
	Status uint32
	// Schedtick counts the goroutines scheduled on the P (not counting
	// those that inherited a time slice).
	Schedtick uint32
	// Syscalltick counts the system calls made on the P.
	Syscalltick uint32
	// M is the thread holding the P, -1 for none.
	M int64
	// RunqSize is the length of the local run queue, runnext not included.
	RunqSize uint32
	// Runnext is the goroutine in the runnext slot, 0 for none.
	Runnext int64
	// Runq lists the goroutines in the local run queue, head first.
	Runq []int64
	// GFreeCnt is the number of dead goroutines cached on the P for reuse.
	GFreeCnt int32
	// TimersLen is the number of timers in the P's heap.
	TimersLen int
}

// MState is one thread in a SchedState: a line of scheddetail.
type MState struct {
	// ID is the thread's number.
	ID int64
	// P is the P it holds, -1 for none.
	P int32
	// CurG is the goroutine it runs, 0 for none.
	CurG int64
	// Locks is its lock count (m.locks).
	Locks int32
	// Spinning reports that it looks for work.
	Spinning bool
	// Blocked reports that it is parked (m.blocked).
	Blocked bool
	// LockedG is the goroutine locked to it (LockOSThread), 0 for none.
	LockedG int64
	// InSyscall reports that its goroutine is in a system call.
	InSyscall bool
	// IsSysmon reports that it is sysmon's thread.
	IsSysmon bool
	// InNetpoll reports that it is blocked in the network poller.
	InNetpoll bool
	// Preemptoff is the reason preemption is off on it, "" if it is not.
	Preemptoff string
}

// GState is one goroutine in a SchedState: a line of scheddetail.
type GState struct {
	// Goid is the goroutine's id.
	Goid int64
	// Status is its status.
	Status GStatus
	// WaitReason is Go's text for why it waits ("chan receive"); it keeps
	// the last reason after the goroutine wakes, as Go's does.
	WaitReason string
	// M is the thread running it, -1 for none.
	M int64
	// LockedM is the thread it is locked to, -1 for none.
	LockedM int64
	// System reports one of the runtime's own goroutines.
	System bool
}

// Goroutine describes one live goroutine: what a goroutine profile or a
// dump needs. gmp.Goroutines returns them.
type Goroutine struct {
	// Goid is the goroutine's id.
	Goid int64
	// Status is its status.
	Status GStatus
	// WaitReason is Go's text for why it waits while Status is Gwaiting,
	// else "".
	WaitReason string
	// WaitSince is the virtual time (ns) when it parked or entered its
	// system call, 0 if it is not waiting.
	WaitSince int64
	// M is the thread running it (or in whose system call it is), -1 for
	// none.
	M int64
	// Parent is the goid of the goroutine that created it, 0 for the
	// runtime.
	Parent int64
	// GoPC is the PC of the go statement that created it.
	GoPC uintptr
	// System reports one of the runtime's own goroutines.
	System bool
	// Entry is the entry PC of its function if it has not started yet,
	// else 0.
	Entry uintptr
	// Stack is where it is stopped, as return PCs innermost first, if
	// stacks were asked for and it has started. Like Event.Stack it begins
	// with the simulator's frames; Frames drops them.
	Stack []uintptr
}
