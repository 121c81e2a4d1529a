package gmp

import (
	"time"

	"github.com/gmplab/gmp/internal/rt"
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
}

// Metric is a named metric value, as runtime/metrics.Sample.
type Metric = metrics.Sample

// MetricValue is a metric's value, as runtime/metrics.Value.
type MetricValue = metrics.Value

// Metric returns the metric called name, and whether there is one.
func (r *Result) Metric(name string) (Metric, bool) {
	for _, m := range r.Metrics {
		if m.Name == name {
			return m, true
		}
	}
	return Metric{}, false
}

// Stats are the runtime's counters for a run. The JSON names are the keys
// of `gmp run --stats`.
type Stats struct {
	VirtualNS         int64   `json:"virtual_ns"`
	GoroutinesCreated int64   `json:"goroutines_created"`
	GoroutinesMax     int64   `json:"goroutines_max"`
	ContextSwitches   int64   `json:"context_switches"`
	Steals            int64   `json:"steals"`
	StolenGs          int64   `json:"stolen_gs"`
	GlobalRunqGets    int64   `json:"global_runq_gets"`
	RunnextHits       int64   `json:"runnext_hits"`
	RunqOverflows     int64   `json:"runq_overflows"`
	SpinningMsMax     int32   `json:"spinning_ms_max"`
	ThreadsMax        int64   `json:"threads_max"`
	SchedLatencyNS    Latency `json:"sched_latency_ns"`
	Syscalls          int64   `json:"syscalls"`
	SyscallHandoffs   int64   `json:"syscall_handoffs"`
	ExitsyscallFast   int64   `json:"exitsyscall_fast"`
	ExitsyscallSlow   int64   `json:"exitsyscall_slow"`
	Preemptions       int64   `json:"preemptions"`
	SysmonWakeups     int64   `json:"sysmon_wakeups"`
	NetpollReady      int64   `json:"netpoll_ready"`
	TimersFired       int64   `json:"timers_fired"`
	ChanSends         int64   `json:"chan_sends"`
	ChanRecvs         int64   `json:"chan_recvs"`
	ChanBlocks        int64   `json:"chan_blocks"`
	SelectCalls       int64   `json:"select_calls"`
	MutexSpins        int64   `json:"mutex_spins"`
	MutexStarvation   int64   `json:"mutex_starvation_entries"`
	MutexWaitNS       int64   `json:"mutex_wait_ns"`
	SemaHandoffs      int64   `json:"sema_handoffs"`
	Deadlock          bool    `json:"deadlock"`
	LeakedGoroutines  int     `json:"leaked_goroutines"`
	schedLatencyHist  rt.Histogram
}

// Latency summarises a latency distribution in ns.
type Latency struct {
	P50   int64 `json:"p50"`
	P99   int64 `json:"p99"`
	Max   int64 `json:"max"`
	Count int64 `json:"count"`
}

// SchedLatency returns the histogram of runnable→running delays (ns) of
// every goroutine scheduling in the run.
func (s *Stats) SchedLatency() *rt.Histogram { return &s.schedLatencyHist }

// ProcStats are one P's counters.
type ProcStats struct {
	ID        int32         `json:"id"`
	Work      time.Duration `json:"work_ns"`  // virtual CPU burned in Work on this P
	Executed  int64         `json:"executed"` // goroutines scheduled on it
	Schedtick uint32        `json:"schedtick"`
	Busy      time.Duration `json:"busy_ns"` // time it was held by an M
	Steals    int64         `json:"steals"`  // successful steals by this P
	Stolen    int64         `json:"stolen"`  // goroutines it stole
}

// Leak is a goroutine still alive when main returned.
type Leak struct {
	Goid      int64         `json:"goid"`
	Status    string        `json:"status"` // wait reason or status, as in a dump
	Waiting   time.Duration `json:"waiting_ns"`
	CreatedBy string        `json:"created_by"`
	Dump      string        `json:"dump"` // its traceback in Go's format
}

func newResult(r *rt.Result, err error, seed uint64) *Result {
	s := &r.Stats
	res := &Result{
		VirtualTime: time.Duration(s.VirtualNS),
		Seed:        seed,
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
				Max:   s.SchedLatency.Max,
				Count: s.SchedLatency.Count,
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
			schedLatencyHist: s.SchedLatency,
		},
	}
	res.Metrics = metrics.Read(r)
	for _, p := range r.Procs {
		res.Procs = append(res.Procs, ProcStats{ID: p.ID, Work: time.Duration(p.WorkNS), Executed: p.Executed, Schedtick: p.Schedtick, Busy: time.Duration(p.BusyNS), Steals: p.Steals, Stolen: p.Stolen})
	}
	for _, l := range r.Leaked {
		res.Leaks = append(res.Leaks, Leak{Goid: l.Goid, Status: l.Status, Waiting: time.Duration(l.WaitNS), CreatedBy: l.CreatedBy, Dump: l.Dump})
	}
	return res
}
