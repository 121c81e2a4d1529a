// Package metrics reports a simulated run's counters the way package
// runtime/metrics reports a real program's: named samples whose names and
// units are Go's where Go has the metric (/sched/latencies:seconds,
// /sched/goroutines:goroutines, /sync/mutex/wait/total:seconds, …), plus the
// simulator's own under /gmp/ (steals, syscall hand-offs, preemptions,
// spinning threads, …).
//
// The values come from the counters the runtime keeps inline, not from the
// event stream, so they cost a run nothing. A finished run's metrics are in
// gmp.Result.Metrics, where gauges (/sched/goroutines:goroutines,
// /sched/gomaxprocs:threads, …) are read when the run ends and cumulative
// metrics cover the whole run; Read reads them during a run, as
// runtime/metrics.Read does in a real program.
package metrics

import (
	"encoding/json"
	"math/bits"
	"sort"

	"github.com/gmplab/gmp/internal/link"
	"github.com/gmplab/gmp/internal/rt"
	"github.com/gmplab/gmp/observe"
)

// Kind is the type of a metric's value (runtime/metrics.ValueKind).
type Kind int

// The kinds of value.
const (
	KindBad Kind = iota
	KindUint64
	KindFloat64
	KindFloat64Histogram
)

// Description describes a metric (runtime/metrics.Description).
type Description struct {
	// Name is the metric's name: a path, a colon and the unit
	// ("/sched/latencies:seconds").
	Name string
	// Description says what the metric measures.
	Description string
	// Kind is the kind of its Value.
	Kind Kind
	// Cumulative reports a metric that only grows during a run (a counter
	// or a histogram of events) rather than a gauge.
	Cumulative bool
}

// Float64Histogram is a distribution (runtime/metrics.Float64Histogram):
// Counts[i] values fell in [Buckets[i], Buckets[i+1]).
type Float64Histogram struct {
	// Counts are the buckets' counts.
	Counts []uint64 `json:"counts"`
	// Buckets are the bucket boundaries, one more than Counts, increasing.
	Buckets []float64 `json:"buckets"`
}

// Value is a metric's value (runtime/metrics.Value).
type Value struct {
	kind Kind
	u    uint64
	f    float64
	h    *Float64Histogram
}

// Kind returns the value's kind.
//
//go:norace
func (v Value) Kind() Kind { return v.kind }

// Uint64 returns a KindUint64 value; it panics for other kinds.
//
//go:norace
func (v Value) Uint64() uint64 {
	if v.kind != KindUint64 {
		panic("metrics: called Uint64 on a non-uint64 metric value")
	}
	return v.u
}

// Float64 returns a KindFloat64 value; it panics for other kinds.
//
//go:norace
func (v Value) Float64() float64 {
	if v.kind != KindFloat64 {
		panic("metrics: called Float64 on a non-float64 metric value")
	}
	return v.f
}

// Float64Histogram returns a KindFloat64Histogram value; it panics for
// other kinds.
//
//go:norace
func (v Value) Float64Histogram() *Float64Histogram {
	if v.kind != KindFloat64Histogram {
		panic("metrics: called Float64Histogram on a non-histogram metric value")
	}
	return v.h
}

// MarshalJSON writes a number, or {"counts": […], "buckets": […]} for a
// histogram.
//
//go:norace
func (v Value) MarshalJSON() ([]byte, error) {
	switch v.kind {
	case KindUint64:
		return json.Marshal(v.u)
	case KindFloat64:
		return json.Marshal(v.f)
	case KindFloat64Histogram:
		return json.Marshal(v.h)
	}
	return []byte("null"), nil
}

// Sample is a metric and its value (runtime/metrics.Sample).
type Sample struct {
	// Name is the metric's name (Description.Name).
	Name string
	// Value is its value.
	Value Value
}

// All returns the description of every metric Read reports, sorted by name.
//
//go:norace
func All() []Description {
	out := make([]Description, 0, len(table))
	for _, m := range table {
		out = append(out, m.Description)
	}
	return out
}

type metric struct {
	Description
	read func(r *rt.Result) Value
}

//go:norace
func u64(f func(r *rt.Result) int64) func(r *rt.Result) Value {
	return func(r *rt.Result) Value { return Value{kind: KindUint64, u: uint64(max(f(r), 0))} }
}

//go:norace
func seconds(f func(r *rt.Result) int64) func(r *rt.Result) Value {
	return func(r *rt.Result) Value { return Value{kind: KindFloat64, f: float64(f(r)) / 1e9} }
}

//go:norace
func gauge(name, desc string, f func(r *rt.Result) int64) metric {
	return metric{Description{Name: name, Description: desc, Kind: KindUint64}, u64(f)}
}

//go:norace
func counter(name, desc string, f func(r *rt.Result) int64) metric {
	return metric{Description{Name: name, Description: desc, Kind: KindUint64, Cumulative: true}, u64(f)}
}

//go:norace
func cpuSeconds(name, desc string, f func(r *rt.Result) int64) metric {
	return metric{Description{Name: name, Description: desc, Kind: KindFloat64, Cumulative: true}, seconds(f)}
}

// table lists the metrics, sorted by name.
var table = func() []metric {
	t := []metric{
		// Go's metrics (runtime/metrics/description.go, go1.26).
		cpuSeconds("/cpu/classes/idle:cpu-seconds",
			"Virtual CPU time the Ps were available but not held by any thread (no goroutine to run).",
			func(r *rt.Result) int64 {
				var idle int64
				for _, p := range r.Procs {
					idle += max(r.Stats.VirtualNS-p.BusyNS, 0)
				}
				return idle
			}),
		cpuSeconds("/cpu/classes/total:cpu-seconds",
			"Available virtual CPU time: GOMAXPROCS (at the end) integrated over the run's virtual time.",
			func(r *rt.Result) int64 { return int64(len(r.Procs)) * r.Stats.VirtualNS }),
		cpuSeconds("/cpu/classes/user:cpu-seconds",
			"Virtual CPU time spent running user code: the sum of every gmp.Work.",
			func(r *rt.Result) int64 {
				var w int64
				for _, p := range r.Procs {
					w += p.WorkNS
				}
				return w
			}),
		gauge("/sched/gomaxprocs:threads", "The GOMAXPROCS setting at the end of the run.",
			func(r *rt.Result) int64 { return int64(r.End.Gomaxprocs) }),
		counter("/sched/goroutines-created:goroutines", "Count of goroutines created since program start.",
			func(r *rt.Result) int64 { return r.Stats.GoroutinesCreated }),
		gauge("/sched/goroutines/not-in-go:goroutines", "Goroutines in a system call at the end of the run.",
			func(r *rt.Result) int64 { return r.End.Syscall }),
		gauge("/sched/goroutines/runnable:goroutines", "Goroutines ready to execute, but not executing, at the end of the run.",
			func(r *rt.Result) int64 { return r.End.Runnable }),
		gauge("/sched/goroutines/running:goroutines", "Goroutines executing at the end of the run.",
			func(r *rt.Result) int64 { return r.End.Running }),
		gauge("/sched/goroutines/waiting:goroutines", "Goroutines waiting on a resource (I/O or sync primitives) at the end of the run.",
			func(r *rt.Result) int64 { return r.End.Waiting }),
		gauge("/sched/goroutines:goroutines", "Count of live goroutines at the end of the run.",
			func(r *rt.Result) int64 { return r.End.Goroutines }),
		{Description{Name: "/sched/latencies:seconds", Kind: KindFloat64Histogram, Cumulative: true,
			Description: "Distribution of the time goroutines have spent in the scheduler in a runnable state before actually running."},
			func(r *rt.Result) Value {
				return Value{kind: KindFloat64Histogram, h: histogram(&r.Stats.SchedLatency)}
			}},
		gauge("/sched/threads/total:threads", "The count of threads (Ms) at the end of the run.",
			func(r *rt.Result) int64 { return int64(r.End.Threads) }),
		{Description{Name: "/sync/mutex/wait/total:seconds", Kind: KindFloat64, Cumulative: true,
			Description: "Cumulative virtual time goroutines have spent blocked on a sync.Mutex or sync.RWMutex."},
			seconds(func(r *rt.Result) int64 { return r.Stats.MutexWaitNS })},

		// The simulator's own.
		counter("/gmp/chan/blocks:events", "Channel operations and selects of the program that parked their goroutine (gmp.Stats.ChanBlocks).",
			func(r *rt.Result) int64 { return r.Stats.ChanBlocks }),
		counter("/gmp/chan/recvs:calls", "Values the program received from channels (gmp.Stats.ChanRecvs).",
			func(r *rt.Result) int64 { return r.Stats.ChanRecvs }),
		counter("/gmp/chan/selects:calls", "Calls of gmp.Select (gmp.Stats.SelectCalls).",
			func(r *rt.Result) int64 { return r.Stats.SelectCalls }),
		counter("/gmp/chan/sends:calls", "Values sent on the program's channels, by the program or its timers (gmp.Stats.ChanSends).",
			func(r *rt.Result) int64 { return r.Stats.ChanSends }),
		counter("/gmp/netpoll/ready:goroutines", "Goroutines made ready by the network poller.",
			func(r *rt.Result) int64 { return r.Stats.NetpollReady }),
		counter("/gmp/sched/context-switches:events", "Goroutines switched onto a thread (execute).",
			func(r *rt.Result) int64 { return r.Stats.ContextSwitches }),
		counter("/gmp/sched/global-runq-gets:events", "Takes from the global run queue that returned a goroutine.",
			func(r *rt.Result) int64 { return r.Stats.GlobalRunqGets }),
		counter("/gmp/sched/global-runq-gets/fairness:events", "Of those, takes by the schedtick%61 fairness check.",
			func(r *rt.Result) int64 { return r.Stats.GlobalRunqFairness }),
		gauge("/gmp/sched/goroutines/max:goroutines", "Most goroutines alive at once.",
			func(r *rt.Result) int64 { return r.Stats.GoroutinesMax }),
		counter("/gmp/sched/preemptions:events", "Goroutines that stopped for a preemption request.",
			func(r *rt.Result) int64 { return r.Stats.Preemptions }),
		counter("/gmp/sched/preemptions/requests:events", "Preemption requests sysmon made (preemptone).",
			func(r *rt.Result) int64 { return r.Stats.PreemptRequests }),
		counter("/gmp/sched/runnext-hits:events", "Goroutines taken from runnext rather than the ring.",
			func(r *rt.Result) int64 { return r.Stats.RunnextHits }),
		counter("/gmp/sched/runq-overflows:events", "Local run queues that overflowed half their goroutines to the global queue (runqputslow).",
			func(r *rt.Result) int64 { return r.Stats.RunqOverflows }),
		gauge("/gmp/sched/spinning-threads/max:threads", "Most threads spinning in search of work at once.",
			func(r *rt.Result) int64 { return int64(r.Stats.SpinningMsMax) }),
		counter("/gmp/sched/steals/goroutines:goroutines", "Goroutines moved by work stealing.",
			func(r *rt.Result) int64 { return r.Stats.StolenGs }),
		counter("/gmp/sched/steals:events", "Successful steals from another P's run queue (runqsteal).",
			func(r *rt.Result) int64 { return r.Stats.Steals }),
		counter("/gmp/sched/sysmon-wakeups:events", "Times sysmon woke up.",
			func(r *rt.Result) int64 { return r.Stats.SysmonWakeups }),
		gauge("/gmp/sched/threads/max:threads", "Most threads (Ms) alive at once.",
			func(r *rt.Result) int64 { return r.Stats.ThreadsMax }),
		counter("/gmp/sync/mutex/spins:events", "Active spins of sync.Mutex.Lock.",
			func(r *rt.Result) int64 { return r.Stats.MutexSpins }),
		counter("/gmp/sync/mutex/starvation:events", "Times a sync.Mutex entered starvation mode.",
			func(r *rt.Result) int64 { return r.Stats.MutexStarvationEnters }),
		counter("/gmp/sync/sema-handoffs:events", "Semaphore releases that handed the semaphore straight to a waiter.",
			func(r *rt.Result) int64 { return r.Stats.SemaHandoffs }),
		counter("/gmp/syscalls/exit-fast:calls", "Syscalls whose goroutine got a P back without queueing.",
			func(r *rt.Result) int64 { return r.Stats.ExitsyscallFast }),
		counter("/gmp/syscalls/exit-slow:calls", "Syscalls whose goroutine had to queue for a P (its thread stopped).",
			func(r *rt.Result) int64 { return r.Stats.ExitsyscallSlow }),
		counter("/gmp/syscalls/handoffs:events", "Ps that sysmon retook from threads blocked in a syscall (the hand-off).",
			func(r *rt.Result) int64 { return r.Stats.SyscallHandoffs }),
		counter("/gmp/syscalls:calls", "Blocking system calls (gmp.Syscall).", func(r *rt.Result) int64 { return r.Stats.Syscalls }),
		counter("/gmp/time/timers-fired:events", "Timers that fired.", func(r *rt.Result) int64 { return r.Stats.TimersFired }),
		{Description{Name: "/gmp/time/virtual:seconds", Kind: KindFloat64, Cumulative: true,
			Description: "Virtual time at the end of the run."},
			seconds(func(r *rt.Result) int64 { return r.Stats.VirtualNS })},
	}
	sort.Slice(t, func(i, j int) bool { return t[i].Name < t[j].Name })
	return t
}()

// Read fills in the Value of each sample with the metric of that name,
// read from the running simulation at this instant, as runtime/metrics.Read
// does for a real program; a name Read does not know (see All) gets a
// KindBad value. Read must be called inside gmp.Run — from a simulated
// goroutine or an observer — and panics anywhere else.
//
//go:norace
func Read(m []Sample) {
	if !rt.CanInspect() {
		panic("metrics.Read: called outside gmp.Run (call it from a simulated goroutine or an observer)")
	}
	r := rt.ReadResult()
	for i := range m {
		m[i].Value = Value{}
		j := sort.Search(len(table), func(j int) bool { return table[j].Name >= m[i].Name })
		if j < len(table) && table[j].Name == m[i].Name {
			m[i].Value = table[j].read(r)
		}
	}
}

// readAll returns every metric of a finished run, sorted by name: package
// gmp fills Result.Metrics with it (through link.Metrics).
//
//go:norace
func readAll(r *rt.Result) []Sample {
	out := make([]Sample, 0, len(table))
	for _, m := range table {
		out = append(out, Sample{Name: m.Name, Value: m.read(r)})
	}
	return out
}

//go:norace
func init() { link.Metrics = readAll }

// histSubBits is the resolution of the exported histogram: four buckets per
// power of two, as the runtime's time histograms have
// (runtime/histogram.go: timeHistSubBucketBits).
const histSubBits = 2

// histogram converts a histogram of nanoseconds into seconds, merging its
// buckets to histSubBits resolution (each of observe.Histogram's buckets
// lies in one coarse bucket) and filling the gaps between non-empty buckets
// with empty ones, so that the buckets are contiguous.
//
//go:norace
func histogram(h *observe.Histogram) *Float64Histogram {
	out := &Float64Histogram{}
	var lastLo, lastHi int64 = -1, -1
	for bk := range h.Buckets() {
		count := bk.Count
		clo, chi := coarse(bk.Lo)
		switch {
		case clo == lastLo:
			out.Counts[len(out.Counts)-1] += uint64(count)
			continue
		case lastHi < 0:
			out.Buckets = append(out.Buckets, float64(clo)/1e9)
		case clo > lastHi:
			out.Counts = append(out.Counts, 0)
			out.Buckets = append(out.Buckets, float64(clo)/1e9)
		}
		out.Counts = append(out.Counts, uint64(count))
		out.Buckets = append(out.Buckets, float64(chi)/1e9)
		lastLo, lastHi = clo, chi
	}
	if len(out.Counts) == 0 {
		out.Buckets, out.Counts = []float64{0}, []uint64{}
	}
	return out
}

// coarse returns the bounds of the coarse bucket holding v.
//
//go:norace
func coarse(v int64) (lo, hi int64) {
	if v < 1<<histSubBits {
		return v, v + 1
	}
	e := bits.Len64(uint64(v)) - 1
	shift := e - histSubBits
	lo = v >> shift << shift
	return lo, lo + 1<<shift
}
