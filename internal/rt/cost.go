package rt

// CostModel is the virtual time, in nanoseconds, that the simulated runtime
// charges for its own operations. User code between runtime calls costs
// nothing unless it calls Work. Every field may be zero (an ideal machine).
//
// The defaults (DefaultCosts) were measured on the real runtime; see the
// table there and internal/calibrate for the benchmarks.
type CostModel struct {
	// Goroutines and scheduling.
	GoCreate     int64 // newproc: the go statement, on the creating G
	NewG         int64 // newproc1 when no free G exists: malg allocates a G and its stack
	GoExit       int64 // goexit0: a body returning
	Schedule     int64 // one schedule() round that finds a G locally, plus execute/gogo
	Gosched      int64 // Gosched's extra cost (global queue lock, requeue)
	Park         int64 // gopark: mcall + park_m
	Ready        int64 // goready: waking a G (status CAS + runqput + wakep check)
	StealAttempt int64 // one runqsteal probe of a victim P in stealWork
	// RunnextBackoff is runqgrab's usleep(3) before stealing a running
	// P's runnext (proc.go). Go asks for 3 µs.
	RunnextBackoff int64

	// Threads.
	MWakeup int64 // notewakeup → the woken thread running (futex wake latency)
	MCreate int64 // newm → the new thread running (clone + start)

	// Syscalls, the netpoller and timers.
	SyscallEnter int64 // entersyscall
	SyscallExit  int64 // exitsyscall fast path
	Netpoll      int64 // one non-blocking netpoll (epoll_wait with timeout 0)
	// TimerSlack delays every timed wakeup of a sleeping thread (epoll_wait
	// or usleep with a timeout) — Linux's default timer_slack_ns is 50 µs.
	TimerSlack int64

	// Preemption.
	PreemptSignal int64 // preemptM: SIGURG delivery until asyncPreempt runs

	// Channels and select.
	ChanSend   int64 // chansend that does not block
	ChanRecv   int64 // chanrecv that does not block
	ChanClose  int64
	Select     int64 // selectgo, per call (plus per-case cost below)
	SelectCase int64 // selectgo, per case

	// sync.
	MutexLock   int64 // uncontended Lock+Unlock pair is 2× this
	MutexSpin   int64 // one active-spin iteration: procyield(30)
	SemaAcquire int64 // semacquire slow path (excluding the park)
	SemaRelease int64 // semrelease slow path (excluding the ready)
	Atomic      int64 // one atomic read-modify-write in a sync fast path

	// Timers.
	TimerOp int64 // adding, resetting or stopping a timer
}

// DefaultCosts returns the default cost model: the median cost of each
// operation on the real runtime (go1.26.8, linux/amd64, a 2-vCPU AMD EPYC
// Zen 4 KVM guest), from `go test ./internal/calibrate -bench .`. The
// table, the method and the raw output are in internal/calibrate/RESULTS.md;
// the comment on each entry names its benchmark there.
//
// The thread entries (MWakeup, MCreate) are dominated by the hypervisor
// waking an idle vCPU and vary 2–4× between runs; bare metal is typically
// 2–5 µs for a futex wake. Set them lower to model such a machine.
//
//go:norace
func DefaultCosts() CostModel {
	return CostModel{
		GoCreate:       66,     // GoCreate/procs=1 (G from the free list)
		NewG:           1_934,  // malg: a fresh G and stack (~2 µs in all)
		GoExit:         27,     // GoCreate run+exit × goexit share
		Schedule:       19,     // schedule pass with a local runq hit
		Gosched:        43,     // Gosched/pair 62 − Schedule 19
		Park:           13,     // ParkReady profile: gopark/park_m
		Ready:          30,     // ParkReady profile: goready
		StealAttempt:   35,     // CacheLineTransfer + StealAttemptEmulated
		RunnextBackoff: 3_000,  // runqgrab's usleep(3); timer slack is added
		MWakeup:        17_500, // FutexWake
		MCreate:        40_500, // ThreadCreate
		SyscallEnter:   15,     // Syscall/syscall − Syscall/raw = 31, split
		SyscallExit:    16,
		Netpoll:        156,    // a trivial syscall (Syscall/raw): epoll_wait(0)
		TimerSlack:     50_000, // Linux's default timer_slack_ns
		PreemptSignal:  2_000,  // est.: SIGURG delivery to a running thread
		ChanSend:       12,     // ChanBuffered (ns/send)
		ChanRecv:       12,     // ChanBuffered (ns/recv)
		ChanClose:      9,      // ChanClose/close
		Select:         30,     // ChanSelect/closed 46 for two cases
		SelectCase:     8,
		MutexLock:      2,   // Mutex: Lock+Unlock 4.6
		MutexSpin:      760, // Procyield/n=30
		SemaAcquire:    31,  // est. as ChanRecvBlock: lock, sudog, enqueue
		SemaRelease:    23,  // est. as ChanSendHandoff: lock, dequeue
		Atomic:         2,   // RWMutexRead 4.4 per pair; WaitGroup 7.5
		TimerOp:        85,  // NewTimerStop 171 per pair
	}
}
