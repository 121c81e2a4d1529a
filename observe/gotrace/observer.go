package gotrace

import (
	"io"
	"slices"
	"strings"

	"github.com/gmplab/gmp/internal/rt"
	"github.com/gmplab/gmp/observe"
	"github.com/gmplab/gmp/observe/internal/stacks"
)

// Observer writes the simulated runtime's event stream (package
// internal/rt) as a Go execution trace. It is an observe.StackObserver: attach it
// to a run (gmp.Config.Trace does) and the trace is complete when the run
// ends, however it ends — the last generation is written at the End event,
// or by Close.
//
// The mapping follows what Go's tracer emits at the same points of the
// runtime (runtime/traceruntime.go and its callers in proc.go):
//
//   - Ms are the trace's threads, Ps its procs, Gs its goroutines, with the
//     simulator's IDs; virtual nanoseconds are the trace's ticks.
//   - GoCreate names the new goroutine after its entry function; the main
//     goroutine is runtime.main, and the runtime's own goroutines show under
//     "runtime." (runtime.runtimeMain.func2, …) as Go's do.
//   - GoBlock and GoStop carry the runtime's reason strings ("chan receive",
//     "sync", "select", "sleep", "network", "runtime.Gosched", "preempted"),
//     which `go tool trace` sorts into its blocking profiles.
//   - Stacks are the simulated goroutine's real frames, without the
//     simulator's own (see observe/internal/stacks).
//   - A blocking syscall's P hand-off is GoSyscallBegin on the thread,
//     ProcSteal on the thread that takes the P (sysmon's retake, or another
//     thread leaving a syscall), then GoSyscallEndBlocked — preceded by
//     ProcStart if the thread gets a P back at once, as in exitsyscall.
//   - GOMAXPROCS is reported with ProcsChange (the reader's
//     /sched/gomaxprocs:threads metric) once a goroutine runs.
//
// Events the format has no place for (run queues, steals of goroutines,
// spinning, sysmon, netpoll, Work) are left to the Perfetto output.
type Observer struct {
	w   *Writer
	tab *stacks.Table

	stackIDs map[string]uint64  // raw PC stack → Writer stack ID
	entryIDs map[uintptr]uint64 // entry PC → one-frame stack ID
	frames   []stacks.Frame
	conv     []Frame

	// The last stacks seen: a loop repeats them, and comparing a few PCs
	// is cheaper than hashing them.
	recent    [4]recentStack
	recentPos int

	// regions are each goroutine's open regions, innermost last: an end
	// that does not match the innermost is left out, as the trace's
	// readers reject it (runtime/trace leaves that misuse to them).
	regions map[int64][]region

	started     bool
	procsChange int64 // GOMAXPROCS to report once a goroutine runs (0: none)
	events      int64 // events received
	closed      bool
}

// NewObserver returns an Observer that writes a trace to out. Options
// tune generation sizes (see Options); the zero value suits any run.
//
//go:norace
func NewObserver(out io.Writer, opts Options) *Observer {
	return &Observer{
		w:        NewWriter(out, opts),
		tab:      stacks.NewTable(),
		stackIDs: make(map[string]uint64),
		entryIDs: make(map[uintptr]uint64),
	}
}

// kinds are the events a trace is written from.
var kinds = observe.KindsOf(observe.GoCreate, observe.GoStart, observe.GoStop, observe.GoBlock,
	observe.GoUnblock, observe.GoDestroy, observe.GoSyscallBegin, observe.GoSyscallEnd,
	observe.GoSyscallEndBlocked, observe.ProcStart, observe.ProcStop, observe.ProcSteal,
	observe.ProcsChange, observe.UserLog, observe.End, observe.UserTaskBegin, observe.UserTaskEnd,
	observe.UserRegionBegin, observe.UserRegionEnd)

// Kinds implements observe.Subscriber: the Observer receives the kinds a
// Go execution trace has a place for.
//
//go:norace
func (o *Observer) Kinds() observe.KindSet { return kinds }

// WantStacks implements observe.StackObserver.
//
//go:norace
func (o *Observer) WantStacks() bool { return true }

// Writer returns the underlying trace Writer.
//
//go:norace
func (o *Observer) Writer() *Writer { return o.w }

// Events returns how many runtime events the Observer has received (the
// kinds it subscribes to).
//
//go:norace
func (o *Observer) Events() int64 { return o.events }

// Err returns the first error: an event the trace could not represent (a
// simulator bug; the trace stays valid but stops there) or a write error.
//
//go:norace
func (o *Observer) Err() error { return o.w.Err() }

// Close writes the last generation, if the End event has not already, and
// returns Err. It does not close the underlying io.Writer.
//
//go:norace
func (o *Observer) Close() error {
	if !o.closed {
		o.closed = true
		o.w.Close()
	}
	return o.w.Err()
}

// Event implements observe.Observer.
//
//go:norace
func (o *Observer) Event(ev *observe.Event) {
	o.events++
	if o.closed {
		return
	}
	if !o.started {
		o.started = true
		o.declare()
	}
	w, ts, m := o.w, ev.Time, ev.M
	switch ev.Kind {
	case observe.GoCreate:
		w.GoCreate(ts, m, ev.G, o.entry(ev), o.stack(ev.Stack))
	case observe.GoStart:
		w.GoStart(ts, m, ev.G)
		if o.procsChange > 0 {
			w.ProcsChange(ts, m, int(o.procsChange), 0)
			o.procsChange = 0
		}
	case observe.GoStop:
		w.GoStop(ts, m, ev.Reason, o.stack(ev.Stack))
	case observe.GoBlock:
		w.GoBlock(ts, m, ev.Reason, o.stack(ev.Stack))
	case observe.GoUnblock:
		w.GoUnblock(ts, m, ev.G, o.stack(ev.Stack))
	case observe.GoDestroy:
		w.GoDestroy(ts, m)
		delete(o.regions, ev.G)
	case observe.GoSyscallBegin:
		w.GoSyscallBegin(ts, m, o.stack(ev.Stack))
	case observe.GoSyscallEnd:
		w.GoSyscallEnd(ts, m)
	case observe.GoSyscallEndBlocked:
		w.GoSyscallEndBlocked(ts, m)
	case observe.ProcStart:
		o.procStart(ts, m, ev.P)
	case observe.ProcStop:
		w.ProcStop(ts, m)
	case observe.ProcSteal:
		victim := ev.Arg
		if st, holder, ok := w.Proc(int32(ev.Arg2)); victim < 0 && ok && st == ProcSyscall {
			victim = holder // ≤go1.25 retake of a P whose last M is unknown
		}
		w.ProcSteal(ts, m, int32(ev.Arg2), victim)
	case observe.ProcsChange:
		if _, _, gs := w.Thread(m); gs == GoRunning {
			w.ProcsChange(ts, m, int(ev.Arg), o.stack(ev.Stack))
			o.procsChange = 0
		} else {
			// Go reports it from a goroutine; at start-up none runs yet.
			o.procsChange = ev.Arg
		}
	case observe.UserLog:
		w.UserTaskLog(ts, m, uint64(ev.Arg), ev.Reason, ev.Text, o.stack(ev.Stack))
	case observe.UserTaskBegin:
		w.UserTaskBegin(ts, m, uint64(ev.Arg), uint64(ev.Arg2), ev.Reason, o.stack(ev.Stack))
	case observe.UserTaskEnd:
		w.UserTaskEnd(ts, m, uint64(ev.Arg), o.stack(ev.Stack))
	case observe.UserRegionBegin:
		if o.regions == nil {
			o.regions = make(map[int64][]region)
		}
		o.regions[ev.G] = append(o.regions[ev.G], region{ev.Arg, ev.Reason})
		w.UserRegionBegin(ts, m, uint64(ev.Arg), ev.Reason, o.stack(ev.Stack))
	case observe.UserRegionEnd:
		open := o.regions[ev.G]
		if len(open) == 0 || open[len(open)-1] != (region{ev.Arg, ev.Reason}) {
			return
		}
		o.regions[ev.G] = open[:len(open)-1]
		w.UserRegionEnd(ts, m, uint64(ev.Arg), ev.Reason, o.stack(ev.Stack))
	case observe.End:
		o.Close()
	}
}

// region is an open user region: its task and type.
type region struct {
	task int64
	typ  string
}

// procStart binds P p to thread m. In the ≤go1.25 model a thread leaving
// a syscall re-wires its P straight from _Psyscall: if the trace still has
// the P in this thread's syscall there is nothing to start (Go emits no
// event), and if another thread's syscall holds it the thread steals it
// first (exitsyscallfast_reacquired's ProcSteal).
//
//go:norace
func (o *Observer) procStart(ts, m int64, p int32) {
	if st, holder, ok := o.w.Proc(p); ok && st == ProcSyscall {
		if holder == m {
			return
		}
		o.w.ProcSteal(ts, m, p, holder)
	}
	o.w.ProcStart(ts, m, p)
}

// declare tells the Writer about the Ps, threads and goroutines that exist
// before the first event. A run observed from its start has only idle Ps;
// the rest is for an observer attached to a run already going.
//
//go:norace
func (o *Observer) declare() {
	st := rt.ReadSchedState(true)
	for _, mp := range st.Ms {
		if mp.P < 0 {
			continue
		}
		status := ProcRunning
		if mp.InSyscall {
			status = ProcSyscall
		}
		o.w.ProcExists(mp.P, status, mp.ID)
	}
	for _, pp := range st.Ps {
		if pp.M < 0 {
			o.w.ProcExists(pp.ID, ProcIdle, -1)
		}
	}
	for _, gp := range st.Gs {
		var status GoStatus
		m := int64(-1)
		switch gp.Status {
		case observe.Grunnable:
			status = GoRunnable
		case observe.Grunning:
			status, m = GoRunning, gp.M
		case observe.Gsyscall:
			status, m = GoSyscall, gp.M
		case observe.Gwaiting, observe.Gpreempted:
			status = GoWaiting
		default:
			continue
		}
		o.w.GoroutineExists(gp.Goid, status, m, 0)
	}
}

type recentStack struct {
	pcs []uintptr
	id  uint64
}

// stack returns the Writer's ID for a captured stack.
//
//go:norace
func (o *Observer) stack(pcs []uintptr) uint64 {
	if len(pcs) == 0 {
		return 0
	}
	for i := range o.recent {
		if r := &o.recent[i]; slices.Equal(r.pcs, pcs) {
			return r.id
		}
	}
	id, ok := o.stackIDs[stacks.Key(pcs)]
	if !ok {
		o.frames = o.tab.Append(o.frames[:0], pcs)
		id = o.w.Stack(o.convert(o.frames))
		o.stackIDs[strings.Clone(stacks.Key(pcs))] = id
	}
	r := &o.recent[o.recentPos]
	o.recentPos = (o.recentPos + 1) % len(o.recent)
	r.pcs, r.id = append(r.pcs[:0], pcs...), id
	return id
}

// entry returns the one-frame stack that names a new goroutine.
//
//go:norace
func (o *Observer) entry(ev *observe.Event) uint64 {
	if id, ok := o.entryIDs[ev.Entry]; ok {
		return id
	}
	// The main goroutine is the one the runtime, not a system goroutine,
	// creates.
	f := o.tab.GoroutineEntry(ev.Entry, ev.Target == 0 && ev.Arg == 0)
	id := o.w.Stack(o.convert([]stacks.Frame{f}))
	o.entryIDs[ev.Entry] = id
	return id
}

//go:norace
func (o *Observer) convert(frames []stacks.Frame) []Frame {
	o.conv = o.conv[:0]
	for _, f := range frames {
		o.conv = append(o.conv, Frame{PC: uint64(f.PC), Func: f.Func, File: f.File, Line: f.Line})
	}
	return o.conv
}
