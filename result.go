package gmp

import (
	"time"

	"github.com/gmplab/gmp/internal/link"
	"github.com/gmplab/gmp/internal/rt"
	"github.com/gmplab/gmp/observe"
	"github.com/gmplab/gmp/observe/metrics"
)

// Result describes a finished simulation.
type Result struct {
	// VirtualTime is the virtual time at which the program ended.
	VirtualTime time.Duration
	// Seed is the seed the run used.
	Seed uint64
	// Stats are the runtime's counters.
	Stats Stats
	// Procs has one entry per P that existed at the end.
	Procs []ProcStats
	// Leaks lists the goroutines still alive when main returned (empty if
	// the program ended otherwise).
	Leaks []Leak
	// Metrics are the run's metrics, sorted by name: Go's runtime/metrics
	// names and units where Go has the metric (/sched/latencies:seconds,
	// /sched/goroutines:goroutines, …) and the simulator's own under /gmp/.
	// See package observe/metrics.
	Metrics []Metric
	// Races is the number of data races the race detector reported while
	// the run ran, in a binary built with -race (0 otherwise). The
	// reports are on standard error.
	Races int
}

// Metric is a named metric value, as runtime/metrics.Sample.
type Metric = metrics.Sample

// MetricValue is a metric's value, as runtime/metrics.Value.
type MetricValue = metrics.Value

// Metric returns the metric called name, and whether there is one.
//
//go:norace
func (r *Result) Metric(name string) (Metric, bool) {
	for _, m := range r.Metrics {
		if m.Name == name {
			return m, true
		}
	}
	return Metric{}, false
}

// Stats are the runtime's counters for a run. Each field's comment is its
// definition; the JSON names are the keys of `gmp run --stats`. The
// runtime's own goroutines and channels (runtime.main's gcenable and the
// background goroutines it starts) are not counted, except where a field
// says so.
type Stats struct {
	// VirtualNS is the virtual time at which the run ended, in ns.
	VirtualNS int64 `json:"virtual_ns"`
	// GoroutinesCreated counts the goroutines created: the main goroutine
	// and every gmp.Go (or timer function) after it.
	GoroutinesCreated int64 `json:"goroutines_created"`
	// GoroutinesMax is the largest number of goroutines alive at once.
	GoroutinesMax int64 `json:"goroutines_max"`
	// ContextSwitches counts the times a goroutine was switched onto a
	// thread to run (execute), the runtime's own goroutines included.
	ContextSwitches int64 `json:"context_switches"`
	// Steals counts the successful steals of goroutines from another P's
	// run queue (runqsteal).
	Steals int64 `json:"steals"`
	// StolenGs counts the goroutines those steals moved.
	StolenGs int64 `json:"stolen_gs"`
	// GlobalRunqGets counts the takes from the global run queue that
	// returned a goroutine.
	GlobalRunqGets int64 `json:"global_runq_gets"`
	// RunnextHits counts the goroutines a P took from its runnext slot
	// rather than its queue.
	RunnextHits int64 `json:"runnext_hits"`
	// RunqOverflows counts the times a full local run queue moved half its
	// goroutines to the global queue (runqputslow).
	RunqOverflows int64 `json:"runq_overflows"`
	// SpinningMsMax is the largest number of threads spinning in search of
	// work at once.
	SpinningMsMax int32 `json:"spinning_ms_max"`
	// ThreadsMax is the largest number of threads (Ms) at once.
	ThreadsMax int64 `json:"threads_max"`
	// SchedLatencyNS summarises the scheduling latencies: for each time a
	// goroutine ran, how long it had been runnable. SchedLatency has the
	// whole histogram.
	SchedLatencyNS Latency `json:"sched_latency_ns"`
	// Syscalls counts the blocking system calls (gmp.Syscall).
	Syscalls int64 `json:"syscalls"`
	// SyscallHandoffs counts the Ps sysmon took from threads blocked in a
	// system call (retake), to hand them to other threads.
	SyscallHandoffs int64 `json:"syscall_handoffs"`
	// ExitsyscallFast counts the system calls whose goroutine went on
	// running at once on its return, with its own P or an idle one.
	ExitsyscallFast int64 `json:"exitsyscall_fast"`
	// ExitsyscallSlow counts the system calls whose goroutine found no P on
	// its return and was queued, its thread stopping.
	ExitsyscallSlow int64 `json:"exitsyscall_slow"`
	// Preemptions counts the times a goroutine stopped because sysmon
	// asked it to (it ran for 10ms).
	Preemptions int64 `json:"preemptions"`
	// SysmonWakeups counts the times sysmon woke from its sleep.
	SysmonWakeups int64 `json:"sysmon_wakeups"`
	// NetpollReady counts the goroutines the network poller made runnable.
	NetpollReady int64 `json:"netpoll_ready"`
	// TimersFired counts the timers that fired: sleeps, timers, tickers
	// (each tick), AfterFuncs and context deadlines.
	TimersFired int64 `json:"timers_fired"`
	// ChanSends counts the values sent on channels: every Send, TrySend
	// or select send case that completed (the value went to a receiver or
	// into the buffer), and every value a timer or ticker delivered to its
	// channel. An attempt that did not complete (a TrySend on a full
	// channel, a case select did not choose, a send that panicked) is not
	// counted.
	ChanSends int64 `json:"chan_sends"`
	// ChanRecvs counts the values received from channels: every Recv,
	// Recv2, TryRecv, range iteration or select receive case that took a
	// value from a sender or the buffer. A receive that found the channel
	// closed, and so got the zero value, is not counted; nor is an attempt
	// that did not complete.
	ChanRecvs int64 `json:"chan_recvs"`
	// ChanBlocks counts the channel operations and selects that parked
	// their goroutine, whether they later completed or not: blocking on a
	// nil channel and select {} count too.
	ChanBlocks int64 `json:"chan_blocks"`
	// SelectCalls counts the calls of gmp.Select, whatever their cases;
	// the channel operations they make are counted in ChanSends, ChanRecvs
	// and ChanBlocks as well.
	SelectCalls int64 `json:"select_calls"`
	// MutexSpins counts the active spins (procyield rounds) of contended
	// sync.Mutex and RWMutex locks.
	MutexSpins int64 `json:"mutex_spins"`
	// MutexStarvation counts the times a sync.Mutex entered starvation
	// mode.
	MutexStarvation int64 `json:"mutex_starvation_entries"`
	// MutexWaitNS is the virtual time goroutines spent blocked on
	// sync.Mutex and RWMutex, in ns (/sync/mutex/wait/total).
	MutexWaitNS int64 `json:"mutex_wait_ns"`
	// SemaHandoffs counts the semaphore releases that handed the semaphore
	// straight to a waiter (a starving Mutex's Unlock).
	SemaHandoffs int64 `json:"sema_handoffs"`
	// Deadlock reports that the run ended in Go's deadlock error.
	Deadlock bool `json:"deadlock"`
	// LeakedGoroutines counts the goroutines alive when main returned
	// (Result.Leaks).
	LeakedGoroutines int `json:"leaked_goroutines"`

	schedLatency observe.Histogram
}

// Latency summarises a latency distribution, in ns.
type Latency struct {
	// P50 is the median.
	P50 int64 `json:"p50"`
	// P99 is the 99th percentile.
	P99 int64 `json:"p99"`
	// Max is the largest value.
	Max int64 `json:"max"`
	// Count is the number of values.
	Count int64 `json:"count"`
}

// SchedLatency returns the histogram of scheduling latencies (ns): for
// each time a goroutine ran, how long it had been runnable.
//
//go:norace
func (s *Stats) SchedLatency() *observe.Histogram { return &s.schedLatency }

// ProcStats are one P's counters.
type ProcStats struct {
	// ID is the P's number.
	ID int32 `json:"id"`
	// Work is the virtual CPU time goroutines burned in Work on this P.
	Work time.Duration `json:"work_ns"`
	// Executed counts the goroutines scheduled on it (execute).
	Executed int64 `json:"executed"`
	// Schedtick is its schedtick, as scheddetail prints it: Executed less
	// the goroutines that inherited a time slice.
	Schedtick uint32 `json:"schedtick"`
	// Busy is the virtual time it was held by a thread.
	Busy time.Duration `json:"busy_ns"`
	// Steals counts its successful steals from other Ps.
	Steals int64 `json:"steals"`
	// Stolen counts the goroutines it stole.
	Stolen int64 `json:"stolen"`
}

// Leak is a goroutine still alive when main returned.
type Leak struct {
	// Goid is the goroutine's id.
	Goid int64 `json:"goid"`
	// Status is what a dump's header says of it: its wait reason ("chan
	// receive") or its status ("runnable").
	Status string `json:"status"`
	// Waiting is how long it had been blocked, 0 if it was not.
	Waiting time.Duration `json:"waiting_ns"`
	// CreatedBy is the "created by" line of its traceback.
	CreatedBy string `json:"created_by"`
	// Dump is its traceback, in Go's format.
	Dump string `json:"dump"`
}

// newResult builds a run's Result; a lean one (an explored run's, see
// Config.lean) has no Metrics, which cost a few µs to compute and no
// explorer reads.
//
//go:norace
func newResult(r *rt.Result, err error, seed uint64, lean bool) *Result {
	s := &r.Stats
	res := &Result{
		VirtualTime: time.Duration(s.VirtualNS),
		Seed:        seed,
		Races:       r.Races,
		Stats: Stats{
			VirtualNS:         s.VirtualNS,
			GoroutinesCreated: s.GoroutinesCreated,
			GoroutinesMax:     s.GoroutinesMax,
			ContextSwitches:   s.ContextSwitches,
			Steals:            s.Steals,
			StolenGs:          s.StolenGs,
			GlobalRunqGets:    s.GlobalRunqGets,
			RunnextHits:       s.RunnextHits,
			RunqOverflows:     s.RunqOverflows,
			SpinningMsMax:     s.SpinningMsMax,
			ThreadsMax:        s.ThreadsMax,
			SchedLatencyNS: Latency{
				P50:   s.SchedLatency.Quantile(0.5),
				P99:   s.SchedLatency.Quantile(0.99),
				Max:   s.SchedLatency.Max(),
				Count: s.SchedLatency.Count(),
			},
			Syscalls:         s.Syscalls,
			SyscallHandoffs:  s.SyscallHandoffs,
			ExitsyscallFast:  s.ExitsyscallFast,
			ExitsyscallSlow:  s.ExitsyscallSlow,
			Preemptions:      s.Preemptions,
			SysmonWakeups:    s.SysmonWakeups,
			NetpollReady:     s.NetpollReady,
			TimersFired:      s.TimersFired,
			ChanSends:        s.ChanSends,
			ChanRecvs:        s.ChanRecvs,
			ChanBlocks:       s.ChanBlocks,
			SelectCalls:      s.SelectCalls,
			MutexSpins:       s.MutexSpins,
			MutexStarvation:  s.MutexStarvationEnters,
			MutexWaitNS:      s.MutexWaitNS,
			SemaHandoffs:     s.SemaHandoffs,
			Deadlock:         IsDeadlock(err),
			LeakedGoroutines: len(r.Leaked),
			schedLatency:     *s.SchedLatency.Clone(),
		},
	}
	if !lean {
		res.Metrics = link.Metrics.(func(*rt.Result) []metrics.Sample)(r)
	}
	for _, p := range r.Procs {
		res.Procs = append(res.Procs, ProcStats{ID: p.ID, Work: time.Duration(p.WorkNS), Executed: p.Executed, Schedtick: p.Schedtick, Busy: time.Duration(p.BusyNS), Steals: p.Steals, Stolen: p.Stolen})
	}
	for _, l := range r.Leaked {
		res.Leaks = append(res.Leaks, Leak{Goid: l.Goid, Status: l.Status, Waiting: time.Duration(l.WaitNS), CreatedBy: l.CreatedBy, Dump: l.Dump})
	}
	return res
}
