// Package pprof builds pprof profiles (profile.proto, as `go tool pprof`
// reads them) of a simulated run from the runtime's event stream:
//
//   - cpu.pb.gz: virtual CPU time by call stack — every gmp.Work, charged
//     to the function that called it;
//   - block.pb.gz: virtual time goroutines spent blocked in channel
//     operations, select and the sync primitives, by the stack where they
//     blocked (Go's block profile);
//   - mutex.pb.gz: time goroutines waited for a sync.Mutex or RWMutex, by
//     the stack of the Unlock that woke them (Go's mutex profile);
//   - goroutine.pb.gz: every goroutine alive when the run ended — at exit,
//     or at a deadlock — by stack and state (Go's goroutine profile);
//   - schedlat.pb.gz: scheduling latency (runnable → running) by where the
//     goroutine was created: its entry function, then the go statement's
//     stack.
//
// Samples are aggregated by stack, as Go's profiles are: memory does not
// grow with the number of goroutines a run creates. They carry the label
// "P" (the processor the goroutine was on), so `go tool pprof -tagroot=P`
// or `-tagfocus=P=0` slice them, and the goroutine profile's carry
// "state" (running, runnable, a wait reason). Stacks are the simulated
// goroutines' real frames without the simulator's own (see
// observe/internal/stacks); the mapping says so, and pprof does not try
// to symbolize.
//
// Values are virtual nanoseconds, so the profiles are deterministic: the
// same run writes the same bytes.
package pprof

import (
	"io"
	"runtime"
	"strconv"
	"strings"
	"time"

	"github.com/google/pprof/profile"

	"github.com/gmplab/gmp/internal/rt"
	"github.com/gmplab/gmp/observe"
	"github.com/gmplab/gmp/observe/internal/gtab"
	"github.com/gmplab/gmp/observe/internal/stacks"
)

// Kind is one of the profiles.
type Kind int

// The profiles, in the order Kinds lists them.
const (
	CPU Kind = iota
	Block
	Mutex
	Goroutine
	SchedLatency
	numKinds
)

var kindFiles = [numKinds]string{
	CPU: "cpu.pb.gz", Block: "block.pb.gz", Mutex: "mutex.pb.gz",
	Goroutine: "goroutine.pb.gz", SchedLatency: "schedlat.pb.gz",
}

// Kinds lists every profile.
//
//go:norace
func Kinds() []Kind { return []Kind{CPU, Block, Mutex, Goroutine, SchedLatency} }

// File returns the profile's file name, e.g. "cpu.pb.gz".
//
//go:norace
func (k Kind) File() string { return kindFiles[k] }

// Epoch is the wall-clock time the profiles say the run started at: gmp's
// virtual clock starts there (gmp.Epoch).
var Epoch = time.Date(2009, time.November, 10, 23, 0, 0, 0, time.UTC)

// Observer accumulates the profiles. It is an observe.Subscriber and an
// observe.StackObserver.
type Observer struct {
	tab *stacks.Table

	// Interned stacks: frames by ID, and the caches that map captured
	// stacks to IDs (raw for the stack as shown, trimmed for CPU samples).
	frames  [][]stacks.Frame
	raw     map[string]int32
	trimmed map[string]int32
	sites   map[siteKey]int32
	scratch []stacks.Frame

	gs gtab.Table[gInfo] // live goroutines

	prof [numKinds]agg
	end  int64 // virtual time of the last event
	done bool  // the goroutine profile has been taken

	// The previous event, to recognize procresize's pretend deschedule
	// (GoStop then ProcStop on one thread), which is no scheduling delay.
	prevKind observe.Kind
	prevM    int64
	prevG    int64
}

type gInfo struct {
	site          int32 // schedlat stack: entry function, then creator's stack
	runnable      bool
	runnableSince int64
	blockSince    int64
	blockStack    int32
	blockP        int32
	blocked       int8 // 0: not blocked, 1: a block-profile block, 2: also a mutex wait
}

type siteKey struct {
	entry   uintptr
	creator int32
	mainG   bool
}

// agg aggregates samples by key, in first-seen order (for determinism).
type agg struct {
	index map[sampleKey]int
	rows  []row
}

// sampleKey is what samples are aggregated by: the stack and labels.
type sampleKey struct {
	stack int32
	p     int32
	state string
}

type row struct {
	key    sampleKey
	values [2]int64
}

//go:norace
func (a *agg) add(k sampleKey, v0, v1 int64) {
	if a.index == nil {
		a.index = make(map[sampleKey]int)
	}
	i, ok := a.index[k]
	if !ok {
		i = len(a.rows)
		a.index[k] = i
		a.rows = append(a.rows, row{key: k})
	}
	a.rows[i].values[0] += v0
	a.rows[i].values[1] += v1
}

// New returns an empty Observer.
//
//go:norace
func New() *Observer {
	return &Observer{
		tab:     stacks.NewTable(),
		raw:     make(map[string]int32),
		trimmed: make(map[string]int32),
		sites:   make(map[siteKey]int32),
	}
}

// WantStacks implements observe.StackObserver.
//
//go:norace
func (o *Observer) WantStacks() bool { return true }

// kinds are the events the profiles are built from. RunqPut and
// GlobalRunqPut are there for Event's test of the event before a
// ProcStop: a GoStop right before it, on its thread, is procresize moving
// the goroutine calling GOMAXPROCS, while a goroutine a stop-the-world
// stopped goes on a run queue first (and waits there).
var kinds = observe.KindsOf(observe.GoCreate, observe.GoStart, observe.GoStop, observe.GoBlock,
	observe.GoUnblock, observe.GoDestroy, observe.GoSyscallEndBlocked, observe.ProcStop,
	observe.Work, observe.End, observe.RunqPut, observe.GlobalRunqPut)

// Kinds implements observe.Subscriber.
//
//go:norace
func (o *Observer) Kinds() observe.KindSet { return kinds }

// Event implements observe.Observer.
//
//go:norace
func (o *Observer) Event(ev *observe.Event) {
	o.end = ev.Time
	prevKind, prevM, prevG := o.prevKind, o.prevM, o.prevG
	o.prevKind, o.prevM, o.prevG = ev.Kind, ev.M, ev.G
	switch ev.Kind {
	case observe.ProcStop:
		if prevKind == observe.GoStop && prevM == ev.M {
			// GOMAXPROCS moved the goroutine calling it to another P
			// (procresize): it never waited in a run queue.
			o.g(prevG).runnable = false
		}
	case observe.Work:
		o.prof[CPU].add(sampleKey{stack: o.stack(ev.Stack, true), p: ev.P}, 1, ev.Arg)
	case observe.GoCreate:
		creator := o.stack(ev.Stack, false)
		k := siteKey{entry: ev.Entry, creator: creator, mainG: ev.Target == 0 && ev.Arg == 0}
		site, ok := o.sites[k]
		if !ok {
			fr := []stacks.Frame{o.tab.GoroutineEntry(ev.Entry, k.mainG)}
			if creator >= 0 {
				fr = append(fr, stacks.TrimAPI(o.frames[creator])...)
			}
			site = o.intern(fr)
			o.sites[k] = site
		}
		*o.gs.Add(ev.G) = gInfo{site: site, runnable: true, runnableSince: ev.Time}
	case observe.GoStart:
		g := o.g(ev.G)
		if g.runnable {
			o.prof[SchedLatency].add(sampleKey{stack: g.site, p: ev.P}, 1, ev.Time-g.runnableSince)
			g.runnable = false
		}
	case observe.GoStop:
		o.runnable(ev)
	case observe.GoSyscallEndBlocked:
		if ev.Arg == 0 { // Arg 1: it got a P at once and keeps running
			o.runnable(ev)
		}
	case observe.GoBlock:
		g := o.g(ev.G)
		g.blocked = 0
		switch ev.Reason {
		case "chan receive", "chan send", "select", "sync", "sync.(*Cond).Wait":
			g.blocked = 1
			switch observe.WaitReason(ev.Arg).String() {
			case "sync.Mutex.Lock", "sync.RWMutex.RLock", "sync.RWMutex.Lock":
				g.blocked = 2
			}
			g.blockSince, g.blockStack, g.blockP = ev.Time, o.stack(ev.Stack, false), ev.P
		}
	case observe.GoUnblock:
		g := o.g(ev.G)
		if g.blocked != 0 {
			d := ev.Time - g.blockSince
			o.prof[Block].add(sampleKey{stack: g.blockStack, p: g.blockP}, 1, d)
			if g.blocked == 2 {
				// Go charges the wait to the Unlock that ended it.
				o.prof[Mutex].add(sampleKey{stack: o.stack(ev.Stack, false), p: ev.P}, 1, d)
			}
			g.blocked = 0
		}
		o.runnable(ev)
	case observe.GoDestroy:
		o.gs.Delete(ev.G)
	case observe.End:
		o.takeGoroutines()
	}
}

// g returns the state of a goroutine, creating it for one that existed
// before the observer did.
//
//go:norace
func (o *Observer) g(id int64) *gInfo {
	g := o.gs.Get(id)
	if g == nil {
		g = o.gs.Add(id)
		g.site = -1
	}
	return g
}

//go:norace
func (o *Observer) runnable(ev *observe.Event) {
	g := o.g(ev.G)
	g.runnable, g.runnableSince = true, ev.Time
}

// takeGoroutines records the goroutine profile: every live user goroutine
// with the stack it is stopped at.
//
//go:norace
func (o *Observer) takeGoroutines() {
	if o.done {
		return
	}
	o.done = true
	for _, gs := range rt.Goroutines(true) {
		if gs.System {
			continue
		}
		var stack int32
		if gs.Entry != 0 {
			stack = o.intern([]stacks.Frame{o.tab.Entry(gs.Entry)})
		} else {
			stack = o.stack(gs.Stack, false)
		}
		state := gs.WaitReason
		if state == "" {
			state = strings.TrimPrefix(gs.Status.String(), "_G")
		}
		o.prof[Goroutine].add(sampleKey{stack: stack, p: -1, state: state}, 1, 0)
	}
}

// stack interns a captured stack; -1 if it has no visible frames.
//
//go:norace
func (o *Observer) stack(pcs []uintptr, trim bool) int32 {
	if len(pcs) == 0 {
		return -1
	}
	cache := o.raw
	if trim {
		cache = o.trimmed
	}
	if id, ok := cache[stacks.Key(pcs)]; ok {
		return id
	}
	o.scratch = o.tab.Append(o.scratch[:0], pcs)
	fr := o.scratch
	if trim {
		fr = stacks.TrimAPI(fr)
	}
	id := int32(-1)
	if len(fr) > 0 {
		id = o.intern(append([]stacks.Frame(nil), fr...))
	}
	cache[strings.Clone(stacks.Key(pcs))] = id
	return id
}

//go:norace
func (o *Observer) intern(fr []stacks.Frame) int32 {
	o.frames = append(o.frames, fr)
	return int32(len(o.frames) - 1)
}

// Profile builds profile k from what has been observed so far.
//
//go:norace
func (o *Observer) Profile(k Kind) *profile.Profile {
	if k == Goroutine && !o.done {
		// No End event yet (e.g. the run is still going): take it now.
		o.takeGoroutines()
	}
	b := newBuilder()
	p := &profile.Profile{
		Mapping:       []*profile.Mapping{b.mapping},
		TimeNanos:     Epoch.UnixNano(),
		DurationNanos: o.end,
		Period:        1,
	}
	switch k {
	case CPU:
		p.SampleType = []*profile.ValueType{{Type: "samples", Unit: "count"}, {Type: "cpu", Unit: "nanoseconds"}}
		p.DefaultSampleType = "cpu"
		p.PeriodType = &profile.ValueType{Type: "cpu", Unit: "nanoseconds"}
		p.Comments = []string{"gmp: virtual CPU time (gmp.Work) by call stack"}
	case Block:
		p.SampleType = []*profile.ValueType{{Type: "contentions", Unit: "count"}, {Type: "delay", Unit: "nanoseconds"}}
		p.DefaultSampleType = "delay"
		p.PeriodType = &profile.ValueType{Type: "contentions", Unit: "count"}
		p.Comments = []string{"gmp: virtual time blocked on channels, select and sync, by where the goroutine blocked"}
	case Mutex:
		p.SampleType = []*profile.ValueType{{Type: "contentions", Unit: "count"}, {Type: "delay", Unit: "nanoseconds"}}
		p.DefaultSampleType = "delay"
		p.PeriodType = &profile.ValueType{Type: "contentions", Unit: "count"}
		p.Comments = []string{"gmp: virtual time waiting for sync.Mutex/RWMutex, by the Unlock that ended the wait"}
	case Goroutine:
		p.SampleType = []*profile.ValueType{{Type: "goroutine", Unit: "count"}}
		p.PeriodType = &profile.ValueType{Type: "goroutine", Unit: "count"}
		p.Comments = []string{"gmp: goroutines alive at the end of the run"}
	case SchedLatency:
		p.SampleType = []*profile.ValueType{{Type: "schedules", Unit: "count"}, {Type: "delay", Unit: "nanoseconds"}}
		p.DefaultSampleType = "delay"
		p.PeriodType = &profile.ValueType{Type: "delay", Unit: "nanoseconds"}
		p.Comments = []string{"gmp: scheduling latency (runnable to running) by the goroutine's entry function and where it was created"}
	}
	for _, r := range o.prof[k].rows {
		s := &profile.Sample{Label: map[string][]string{}}
		if r.key.stack >= 0 {
			s.Location = b.locations(o.frames[r.key.stack])
		}
		if k == Goroutine {
			s.Value = []int64{r.values[0]}
		} else {
			s.Value = []int64{r.values[0], r.values[1]}
		}
		if r.key.p >= 0 {
			s.Label["P"] = []string{strconv.Itoa(int(r.key.p))}
		}
		if r.key.state != "" {
			s.Label["state"] = []string{r.key.state}
		}
		p.Sample = append(p.Sample, s)
	}
	p.Location, p.Function = b.locs, b.funcs
	return p
}

// Write writes profile k, gzip-compressed, to w, after checking it.
//
//go:norace
func (o *Observer) Write(k Kind, w io.Writer) error {
	p := o.Profile(k)
	if err := p.CheckValid(); err != nil {
		return err
	}
	return p.Write(w)
}

// builder interns a profile's functions and locations. Locations are
// logical frames (inlined calls included), keyed by function, file and
// line; they have no address, and the mapping says the symbols are all
// there.
type builder struct {
	mapping *profile.Mapping
	locs    []*profile.Location
	funcs   []*profile.Function
	locIdx  map[stacks.Frame]*profile.Location
	funcIdx map[[2]string]*profile.Function
}

//go:norace
func newBuilder() *builder {
	return &builder{
		mapping: &profile.Mapping{ID: 1, File: "gmp (virtual)", HasFunctions: true, HasFilenames: true,
			HasLineNumbers: true, HasInlineFrames: true},
		locIdx:  make(map[stacks.Frame]*profile.Location),
		funcIdx: make(map[[2]string]*profile.Function),
	}
}

//go:norace
func (b *builder) locations(frames []stacks.Frame) []*profile.Location {
	out := make([]*profile.Location, 0, len(frames))
	for _, f := range frames {
		k := stacks.Frame{Func: f.Func, File: f.File, Line: f.Line}
		loc := b.locIdx[k]
		if loc == nil {
			loc = &profile.Location{ID: uint64(len(b.locs) + 1), Mapping: b.mapping,
				Line: []profile.Line{{Function: b.function(f), Line: int64(f.Line)}}}
			b.locs = append(b.locs, loc)
			b.locIdx[k] = loc
		}
		out = append(out, loc)
	}
	return out
}

//go:norace
func (b *builder) function(f stacks.Frame) *profile.Function {
	k := [2]string{f.Func, f.File}
	fn := b.funcIdx[k]
	if fn == nil {
		fn = &profile.Function{ID: uint64(len(b.funcs) + 1), Name: f.Func, SystemName: f.Func, Filename: f.File}
		if f.Entry != 0 {
			if rf := runtime.FuncForPC(f.Entry); rf != nil {
				_, line := rf.FileLine(f.Entry)
				fn.StartLine = int64(line)
			}
		}
		b.funcs = append(b.funcs, fn)
		b.funcIdx[k] = fn
	}
	return fn
}
