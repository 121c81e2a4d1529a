package rt

import "github.com/gmplab/gmp/observe"

// Stats are the runtime's counters for one run. They are kept inline (as
// Go keeps its sched statistics and runtime/metrics), not derived from the
// event stream, so they cost nothing when nobody observes.
type Stats struct {
	VirtualNS          int64
	GoroutinesCreated  int64
	GoroutinesMax      int64
	ContextSwitches    int64 // execute calls: a G switched onto an M
	Steals             int64 // successful runqsteal calls
	StolenGs           int64 // Gs moved by them
	GlobalRunqGets     int64 // takes from the global queue that returned a G
	GlobalRunqFairness int64 // of which by the schedtick%61 check
	RunnextHits        int64 // runqget returning runnext
	RunqOverflows      int64 // runqputslow batches
	SpinningMsMax      int32
	ThreadsMax         int64
	SchedLatency       Histogram // runnable → running, ns

	Syscalls        int64
	SyscallHandoffs int64 // Ps retaken by sysmon from syscalls
	ExitsyscallFast int64 // exitsyscall got a P without switching to g0
	ExitsyscallSlow int64 // exitsyscall queued the G (exitsyscallNoP/exitsyscall0)
	Preemptions     int64 // Gs that actually stopped for a preemption request
	PreemptRequests int64 // preemptone calls that set a request
	SysmonWakeups   int64
	NetpollReady    int64 // Gs made ready by netpoll
	TimersFired     int64

	ChanSends             int64
	ChanRecvs             int64
	ChanBlocks            int64 // channel operations (incl. select) that parked
	SelectCalls           int64
	MutexSpins            int64
	MutexStarvationEnters int64
	MutexWaitNS           int64 // /sync/mutex/wait/total
	SemaHandoffs          int64

	coroutinesCreated int64
	coroutinesReused  int64
}

var stats Stats

//go:norace
func (s *Stats) recordSchedLatency(ns int64) {
	s.SchedLatency.Record(ns)
}

// Histogram is the histogram type of Stats (observe.Histogram).
type Histogram = observe.Histogram
