package rt

import "math/bits"

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

func (s *Stats) recordSchedLatency(ns int64) {
	s.SchedLatency.Record(ns)
}

// Histogram is a log-linear histogram of non-negative int64 values with a
// relative error below 1/128 (each power of two is split into 128
// buckets); the maximum is exact.
type Histogram struct {
	Count int64
	Sum   int64
	Max   int64
	Min   int64
	// groups holds the buckets 128 (one power of two) at a time, each
	// allocated when a value first falls in it: a run's latencies span a
	// few powers of two, and a run must not pay for the others.
	groups [64]*[1 << histSub]int64
}

const histSub = 7 // 2^7 sub-buckets per power of two

func histIndex(v int64) int {
	if v < 1<<histSub {
		return int(v)
	}
	e := bits.Len64(uint64(v)) - 1 // v in [2^e, 2^(e+1))
	sub := int(uint64(v)>>(e-histSub)) & (1<<histSub - 1)
	return (e-histSub+1)<<histSub + sub
}

// histLower returns the smallest value in bucket i.
func histLower(i int) int64 {
	if i < 1<<histSub {
		return int64(i)
	}
	e := i>>histSub + histSub - 1
	sub := int64(i & (1<<histSub - 1))
	return (1<<histSub + sub) << (e - histSub)
}

// Record adds v (negative values count as 0).
func (h *Histogram) Record(v int64) {
	if v < 0 {
		v = 0
	}
	i := histIndex(v)
	g := h.groups[i>>histSub]
	if g == nil {
		g = h.newGroup(i >> histSub)
	}
	g[i&(1<<histSub-1)]++
	if h.Count == 0 || v < h.Min {
		h.Min = v
	}
	h.Count++
	h.Sum += v
	if v > h.Max {
		h.Max = v
	}
}

//go:noinline
func (h *Histogram) newGroup(k int) *[1 << histSub]int64 {
	g := new([1 << histSub]int64)
	h.groups[k] = g
	return g
}

// Quantile returns an estimate of the q-quantile (0 ≤ q ≤ 1): the lower
// bound of the bucket holding it, clamped to [Min, Max].
func (h *Histogram) Quantile(q float64) int64 {
	if h.Count == 0 {
		return 0
	}
	if q <= 0 {
		return h.Min
	}
	if q >= 1 {
		return h.Max
	}
	rank := int64(q*float64(h.Count-1)) + 1 // 1-based rank of the nearest-rank quantile
	var seen int64
	for gi, g := range h.groups {
		if g == nil {
			continue
		}
		for j, c := range g {
			seen += c
			if seen >= rank {
				v := histLower(gi<<histSub + j)
				return min(max(v, h.Min), h.Max)
			}
		}
	}
	return h.Max
}

// Buckets calls f for each non-empty bucket with its bounds [lo, hi) and
// count, in increasing order.
func (h *Histogram) Buckets(f func(lo, hi, count int64)) {
	for gi, g := range h.groups {
		if g == nil {
			continue
		}
		for j, c := range g {
			if c != 0 {
				i := gi<<histSub + j
				f(histLower(i), histLower(i+1), c)
			}
		}
	}
}
