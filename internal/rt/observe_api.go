package rt

import "github.com/gmplab/gmp/observe"

// Read-only hooks for observers (execution traces, Perfetto JSON, pprof,
// metrics) beyond the event stream itself. Like ReadSchedState, they may
// only be called from an Observer's Event method, or (EndState) by Run.
// Nothing here changes the scheduler's state, and nothing here runs unless
// an observer calls it: the hot path pays nothing for these hooks.

// GoroutineSnapshot describes one live goroutine (observe.Goroutine).
type GoroutineSnapshot = observe.Goroutine

// Goroutines returns every live goroutine (user and runtime-internal) in
// creation order of their G structs, with their stacks if stacks is set.
// Stacks of suspended goroutines are captured by resuming each coroutine
// just long enough to look at itself (see probeStack), so ask for them
// only where a goroutine dump would be taken: at the end of a run or at a
// deadlock.
//
//go:norace
func Goroutines(stacks bool) []GoroutineSnapshot {
	var out []GoroutineSnapshot
	for _, gp := range allgs {
		s := readgstatus(gp)
		if s == _Gdead || s == _Gidle {
			continue
		}
		gs := GoroutineSnapshot{Goid: gp.goid, Status: observe.GStatus(s), M: -1, Parent: gp.parentGoid, GoPC: gp.gopc, System: gp.sys}
		if s == _Gwaiting {
			gs.WaitReason = gp.waitreason.String()
		}
		if s == _Gwaiting || s == _Gsyscall {
			gs.WaitSince = gp.waitsince
		}
		if gp.m != nil {
			gs.M = gp.m.id
		}
		if gp.fn != nil {
			gs.Entry = funcPC(gp.fn)
		} else if stacks {
			if cur != nil && gp.co == cur {
				var buf [maxEventStack]uintptr
				gs.Stack = append([]uintptr(nil), buf[:fpcallers(buf[:])]...)
			} else {
				gs.Stack = probeStack(gp)
			}
		}
		out = append(out, gs)
	}
	return out
}

// SchedCounters are the scheduler's queue lengths and thread counts: what
// a counter track plots. ReadSchedCounters fills one without allocating
// once Runq has room for every P.
type SchedCounters struct {
	Gomaxprocs  int32
	Idleprocs   int32
	Threads     int32 // Ms that exist (mcount)
	IdleThreads int32 // Ms parked on the idle list
	Spinning    int32 // Ms spinning in search of work
	GlobalRunq  int32
	Runq        []int32 // per P: local run queue length, runnext included
}

// ReadSchedCounters reads the current counters into c.
//
//go:norace
func ReadSchedCounters(c *SchedCounters) {
	c.Gomaxprocs = gomaxprocs
	c.Idleprocs = sched.npidle
	c.Threads = mcount()
	c.IdleThreads = sched.nmidle
	c.Spinning = sched.nmspinning
	c.GlobalRunq = sched.runq.size
	c.Runq = c.Runq[:0]
	for _, pp := range allp {
		n := int32(pp.runqtail - pp.runqhead)
		if pp.runnext != nil {
			n++
		}
		c.Runq = append(c.Runq, n)
	}
}

// EndState is the scheduler's state when a run ends: the gauges of
// runtime/metrics (/sched/goroutines:goroutines and friends).
type EndState struct {
	Gomaxprocs int32
	Threads    int32 // Ms that exist (/sched/threads/total:threads)
	// User goroutines alive, and how many of them are in each state.
	Goroutines int64
	Running    int64
	Runnable   int64
	Waiting    int64
	Syscall    int64
}

// readEndState counts the live user goroutines by status.
//
//go:norace
func readEndState() EndState {
	st := EndState{Gomaxprocs: gomaxprocs, Threads: mcount()}
	for _, gp := range allgs {
		if gp.sys {
			continue
		}
		switch readgstatus(gp) {
		case _Grunning:
			st.Running++
		case _Grunnable:
			st.Runnable++
		case _Gwaiting, _Gpreempted:
			st.Waiting++
		case _Gsyscall:
			st.Syscall++
		default:
			continue
		}
		st.Goroutines++
	}
	return st
}

// ReadResult returns the running simulation's counters as a Result — what
// Run returns when the run ends — for readers of metrics during a run
// (metrics.Read). Leaked and Exited are left zero. It may only be called
// where CanInspect holds.
//
//go:norace
func ReadResult() *Result {
	res := &Result{Stats: stats, End: readEndState()}
	res.Stats.VirtualNS = now
	for _, pp := range allp {
		busy := pp.busyNS
		if pp.status == _Prunning {
			busy += now - pp.busySince
		}
		res.Procs = append(res.Procs, ProcStats{ID: pp.id, WorkNS: pp.workNS, Executed: pp.executed, Schedtick: pp.schedtick, BusyNS: busy, Steals: pp.steals, Stolen: pp.stolen})
	}
	return res
}
