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

// DefaultCosts returns the default cost model.
//
// Measured with `go test ./internal/calibrate -bench .` (go1.26.8,
// linux/amd64); see internal/calibrate/RESULTS.md for the table, the
// machine and the method. Entries marked "est." could not be isolated by a
// benchmark and are reasoned from the code path; the reason is given there.
func DefaultCosts() CostModel {
	return CostModel{
		GoCreate:       250,
		GoExit:         60,
		Schedule:       60,
		Gosched:        40,
		Park:           40,
		Ready:          30,
		StealAttempt:   30,
		RunnextBackoff: 3_000,
		MWakeup:        5_000,
		MCreate:        30_000,
		SyscallEnter:   40,
		SyscallExit:    40,
		Netpoll:        300,
		TimerSlack:     50_000,
		PreemptSignal:  2_000,
		ChanSend:       30,
		ChanRecv:       30,
		ChanClose:      40,
		Select:         50,
		SelectCase:     10,
		MutexLock:      10,
		MutexSpin:      300,
		SemaAcquire:    40,
		SemaRelease:    40,
		Atomic:         5,
		TimerOp:        40,
	}
}
