package html

import (
	"strings"

	"github.com/gmplab/gmp/internal/rt"
	"github.com/gmplab/gmp/observe"
	"github.com/gmplab/gmp/observe/internal/stacks"
	"github.com/gmplab/gmp/observe/schedtrace"
)

// Slice kinds on the lanes.
const (
	KindRun     = 0 // a goroutine runs (P and M lanes)
	KindSyscall = 1 // a goroutine is in a system call (M lane), or holds the P in one (P lane)
	KindSpin    = 2 // the thread spins in search of work (M lane)
)

// Lane is one P's or M's row of slices, columnar (start times delta
// encoded: each is the distance from the previous slice's start) to keep
// the page small.
type Lane struct {
	ID    int64   `json:"id"` // the P's or M's number
	Start []int64 `json:"t"`  // delta-encoded start, ns
	Dur   []int64 `json:"d"`  // duration, ns
	G     []int64 `json:"g"`  // the goroutine (0 for a spinning thread)
	Kind  []uint8 `json:"k"`  // base64 in the JSON, as encoding/json writes bytes

	last int64 // the last start, for the delta
}

//go:norace
func (l *Lane) add(start, end, g int64, kind uint8) {
	if end < start {
		end = start
	}
	l.Start = append(l.Start, start-l.last)
	l.last = start
	l.Dur = append(l.Dur, end-start)
	l.G = append(l.G, g)
	if l.Kind == nil {
		l.Kind = []uint8{}
	}
	l.Kind = append(l.Kind, kind)
}

// Counters are the plots under the lanes, sampled when they change.
type Counters struct {
	T        []int64 `json:"t"`        // delta-encoded time, ns
	Running  []int32 `json:"running"`  // goroutines running
	Runnable []int32 `json:"runnable"` // goroutines waiting for a P
	Waiting  []int32 `json:"waiting"`  // goroutines blocked
	Syscall  []int32 `json:"syscall"`  // goroutines in a system call
	LocalQ   []int32 `json:"localq"`   // goroutines in the Ps' local run queues (runnext included)
	GlobalQ  []int32 `json:"globalq"`  // goroutines in the global run queue
	Threads  []int32 `json:"threads"`  // threads (Ms) that exist

	last int64
}

// Arrows are the unblock edges: goroutine G was made runnable at From on
// P FromP (-1: no P, e.g. a timer or netpoll) by goroutine By, and next
// ran at To on P ToP.
type Arrows struct {
	From  []int64 `json:"from"`  // when it was readied, ns
	FromP []int32 `json:"fromp"` // on which P
	By    []int64 `json:"by"`    // by which goroutine (0: the scheduler)
	To    []int64 `json:"to"`    // when it next ran, ns
	ToP   []int32 `json:"top"`   // on which P
	G     []int64 `json:"g"`     // the goroutine
}

// SchedLines are the schedtrace lines and the virtual times they were
// printed at.
type SchedLines struct {
	T     []int64  `json:"t"`     // virtual time of each line, ns
	Lines []string `json:"lines"` // the lines, as schedtrace prints them
}

// Timeline is what the report draws of one simulation.
type Timeline struct {
	Label  string `json:"label"`  // the simulation's name
	Procs  int32  `json:"procs"`  // the most Ps it had
	Config string `json:"config"` // its configuration in words
	End    int64  `json:"end"`    // virtual ns at the end
	Events int64  `json:"events"` // runtime events received

	Funcs []string `json:"funcs"` // goroutines' entry functions; a slice's colour is its function's index
	GIDs  []int64  `json:"gids"`  // goroutines, with
	GFunc []int32  `json:"gfunc"` // their function's index

	Ps       []*Lane    `json:"ps"`              // a lane per P
	Ms       []*Lane    `json:"ms"`              // a lane per thread
	Counters Counters   `json:"counters"`        // the plots
	Arrows   Arrows     `json:"arrows"`          // the unblock edges
	Sched    SchedLines `json:"sched"`           // the schedtrace lines
	Tasks    []string   `json:"tasks,omitempty"` // user task/region latencies, as text
}

type open struct {
	start, g int64
	kind     uint8
	p        int32
	ok       bool
}

type pending struct {
	t, by int64
	p     int32
}

// Collector is an observer that records a simulation's timeline for the
// report. Attach it to one run (gmp.Config.Observers); Timeline returns
// the result once the run has ended.
type Collector struct {
	tl Timeline

	ps, ms   []open // the open slice of each P and M
	pLane    []*Lane
	mLane    []*Lane
	funcIdx  map[string]int32
	entryIdx map[entryKey]int32
	tab      *stacks.Table
	wake     map[int64]pending
	status   [16]int32
	counters rt.SchedCounters
	lastC    [7]int32
	sched    *schedtrace.Writer
	schedBuf strings.Builder
	ended    bool
}

// NewCollector returns a Collector; label and config name the simulation
// in the report.
//
//go:norace
func NewCollector(label, config string) *Collector {
	c := &Collector{funcIdx: map[string]int32{}, entryIdx: map[entryKey]int32{}, tab: stacks.NewTable(), wake: map[int64]pending{}}
	c.tl.Label, c.tl.Config = label, config
	c.sched = &schedtrace.Writer{W: &c.schedBuf}
	c.tl.Arrows = Arrows{From: []int64{}, FromP: []int32{}, By: []int64{}, To: []int64{}, ToP: []int32{}, G: []int64{}}
	c.tl.Sched = SchedLines{T: []int64{}, Lines: []string{}}
	return c
}

var collectKinds = observe.KindsOf(observe.GoCreate, observe.GoStart, observe.GoStop, observe.GoBlock,
	observe.GoUnblock, observe.GoDestroy, observe.GoSyscallBegin, observe.GoSyscallEnd,
	observe.GoSyscallEndBlocked, observe.ProcStop, observe.ProcSteal, observe.MSpin, observe.MStart,
	observe.GoStatus, observe.RunqPut, observe.GlobalRunqPut, observe.SchedTrace, observe.End)

// Kinds implements observe.Subscriber.
//
//go:norace
func (c *Collector) Kinds() observe.KindSet { return collectKinds }

//go:norace
func grow[T any](s []T, n int) []T {
	for len(s) <= n {
		var z T
		s = append(s, z)
	}
	return s
}

//go:norace
func (c *Collector) lane(lanes *[]*Lane, id int) *Lane {
	*lanes = grow(*lanes, id)
	if (*lanes)[id] == nil {
		(*lanes)[id] = &Lane{ID: int64(id), Start: []int64{}, Dur: []int64{}, G: []int64{}, Kind: []uint8{}}
	}
	return (*lanes)[id]
}

//go:norace
func (c *Collector) openP(p int32, t, g int64, kind uint8) {
	if p < 0 {
		return
	}
	c.closeP(p, t)
	c.ps = grow(c.ps, int(p))
	c.ps[p] = open{start: t, g: g, kind: kind, ok: true}
}

//go:norace
func (c *Collector) closeP(p int32, t int64) {
	if p < 0 || int(p) >= len(c.ps) || !c.ps[p].ok {
		return
	}
	o := c.ps[p]
	c.lane(&c.pLane, int(p)).add(o.start, t, o.g, o.kind)
	c.ps[p].ok = false
}

//go:norace
func (c *Collector) openM(m int64, p int32, t, g int64, kind uint8) {
	if m < 0 {
		return
	}
	c.closeM(m, t)
	c.ms = grow(c.ms, int(m))
	c.ms[m] = open{start: t, g: g, kind: kind, p: p, ok: true}
}

//go:norace
func (c *Collector) closeM(m int64, t int64) {
	if m < 0 || int(m) >= len(c.ms) || !c.ms[m].ok {
		return
	}
	o := c.ms[m]
	c.lane(&c.mLane, int(m)).add(o.start, t, o.g, o.kind)
	c.ms[m].ok = false
}

// Event implements observe.Observer.
//
//go:norace
func (c *Collector) Event(ev *observe.Event) {
	if c.ended {
		return
	}
	c.tl.Events++
	t := ev.Time
	switch ev.Kind {
	case observe.GoCreate:
		c.goCreate(ev)
	case observe.GoStart:
		c.openP(ev.P, t, ev.G, KindRun)
		c.openM(ev.M, ev.P, t, ev.G, KindRun)
		if w, ok := c.wake[ev.G]; ok {
			a := &c.tl.Arrows
			a.From, a.FromP, a.By = append(a.From, w.t), append(a.FromP, w.p), append(a.By, w.by)
			a.To, a.ToP, a.G = append(a.To, t), append(a.ToP, ev.P), append(a.G, ev.G)
			delete(c.wake, ev.G)
		}
		c.sample(t)
	case observe.GoStop, observe.GoBlock, observe.GoDestroy:
		c.closeP(ev.P, t)
		c.closeM(ev.M, t)
	case observe.GoUnblock:
		c.wake[ev.G] = pending{t: t, by: ev.Target, p: ev.P}
	case observe.GoSyscallBegin:
		c.openM(ev.M, ev.P, t, ev.G, KindSyscall)
		c.openP(ev.P, t, ev.G, KindSyscall)
	case observe.GoSyscallEnd:
		c.openM(ev.M, ev.P, t, ev.G, KindRun)
		c.openP(ev.P, t, ev.G, KindRun)
	case observe.GoSyscallEndBlocked:
		if int(ev.M) < len(c.ms) && c.ms[ev.M].ok {
			c.closeP(c.ms[ev.M].p, t) // ≤go1.25: the P waited in _Psyscall
		}
		c.closeM(ev.M, t)
	case observe.ProcSteal:
		c.closeP(int32(ev.Arg2), t)
	case observe.ProcStop:
		c.closeP(ev.P, t)
	case observe.MSpin:
		if ev.Arg == 1 {
			c.openM(ev.M, ev.P, t, 0, KindSpin)
		} else if int(ev.M) < len(c.ms) && c.ms[ev.M].ok && c.ms[ev.M].kind == KindSpin {
			c.closeM(ev.M, t)
		}
	case observe.MStart:
		c.sample(t)
	case observe.GoStatus:
		if from := ev.Arg; from >= 0 && from < 16 {
			c.status[from]--
		}
		if to := ev.Arg2; to >= 0 && to < 16 {
			c.status[to]++
		}
		c.sample(t)
	case observe.RunqPut, observe.GlobalRunqPut:
		c.sample(t)
	case observe.SchedTrace:
		c.schedBuf.Reset()
		c.sched.Event(ev)
		for _, l := range strings.Split(strings.TrimRight(c.schedBuf.String(), "\n"), "\n") {
			c.tl.Sched.T = append(c.tl.Sched.T, t)
			c.tl.Sched.Lines = append(c.tl.Sched.Lines, l)
		}
	case observe.End:
		c.finish(t)
	}
}

//go:norace
func (c *Collector) goCreate(ev *observe.Event) {
	// Named as the execution trace names them: the main goroutine is
	// runtime.main, the runtime's own goroutines are runtime.….
	key := entryKey{ev.Entry, ev.Target == 0 && ev.Arg == 0}
	idx, ok := c.entryIdx[key]
	if !ok {
		name := c.tab.GoroutineEntry(ev.Entry, key.main).Func
		idx, ok = c.funcIdx[name]
		if !ok {
			idx = int32(len(c.tl.Funcs))
			c.tl.Funcs = append(c.tl.Funcs, name)
			c.funcIdx[name] = idx
		}
		c.entryIdx[key] = idx
	}
	c.tl.GIDs = append(c.tl.GIDs, ev.G)
	c.tl.GFunc = append(c.tl.GFunc, idx)
}

type entryKey struct {
	pc   uintptr
	main bool
}

// sample records the counters at t if they changed; several changes at
// one instant keep the last.
//
//go:norace
func (c *Collector) sample(t int64) {
	rt.ReadSchedCounters(&c.counters)
	c.tl.Procs = max(c.tl.Procs, c.counters.Gomaxprocs)
	var local int32
	for _, n := range c.counters.Runq {
		local += n
	}
	now := [7]int32{
		c.status[observe.Grunning], c.status[observe.Grunnable],
		c.status[observe.Gwaiting], c.status[observe.Gsyscall],
		local, c.counters.GlobalRunq, c.counters.Threads,
	}
	if now == c.lastC && len(c.tl.Counters.T) > 0 {
		return
	}
	k := &c.tl.Counters
	if n := len(k.T); n > 0 && c.tl.Counters.last == t {
		k.Running[n-1], k.Runnable[n-1], k.Waiting[n-1], k.Syscall[n-1] = now[0], now[1], now[2], now[3]
		k.LocalQ[n-1], k.GlobalQ[n-1], k.Threads[n-1] = now[4], now[5], now[6]
	} else {
		k.T = append(k.T, t-k.last)
		k.last = t
		k.Running, k.Runnable, k.Waiting, k.Syscall = append(k.Running, now[0]), append(k.Runnable, now[1]), append(k.Waiting, now[2]), append(k.Syscall, now[3])
		k.LocalQ, k.GlobalQ, k.Threads = append(k.LocalQ, now[4]), append(k.GlobalQ, now[5]), append(k.Threads, now[6])
	}
	c.lastC = now
}

//go:norace
func (c *Collector) finish(t int64) {
	for p := range c.ps {
		c.closeP(int32(p), t)
	}
	for m := range c.ms {
		c.closeM(int64(m), t)
	}
	c.tl.End = t
	c.ended = true
}

// Timeline returns the recorded timeline. Call it after the run.
//
//go:norace
func (c *Collector) Timeline() *Timeline {
	tl := c.tl
	for p := range tl.Procs {
		c.lane(&c.pLane, int(p)) // a P that never ran anything still has its lane
	}
	for _, l := range c.pLane {
		if l != nil {
			tl.Ps = append(tl.Ps, l)
		}
	}
	for _, l := range c.mLane {
		if l != nil {
			tl.Ms = append(tl.Ms, l)
		}
	}
	if tl.Ps == nil {
		tl.Ps = []*Lane{}
	}
	if tl.Ms == nil {
		tl.Ms = []*Lane{}
	}
	return &tl
}
