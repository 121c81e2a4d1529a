// Package perfetto writes a simulated run for the Perfetto UI
// (ui.perfetto.dev). It shows what a Go execution trace cannot carry: the
// run queues, stealing, spinning threads and idle Ps.
//
// # Formats
//
// Two encodings of the same tracks, slices, flows and counters:
//
//   - Proto (the default): Perfetto's own protobuf trace format, a stream of
//     TracePackets holding TrackDescriptors and TrackEvents, with interned
//     names and delta-encoded timestamps. It is compact (spawn100k: 27
//     bytes per runtime event without the goroutine tracks, 45 with them)
//     and Perfetto loads it fast. Only Perfetto reads it.
//   - JSON: Chrome trace-event JSON, which chrome://tracing and Go's own
//     trace viewer also open, and any JSON tool can read; it is about five
//     times larger, slower to write and to load.
//
// Options.Format chooses; FormatFor picks JSON for a file name ending in
// ".json" and Proto for any other, as gmp.Config.PerfettoFile and `gmp
// run --perfetto` do.
//
// # Tracks
//
// The file has four groups of tracks (a "process" each in the JSON):
//
//   - Ps: a track per P. A slice "M3" spans each time a thread holds the P,
//     and inside it a slice per goroutine run ("G12 main.worker", with the
//     reason it stopped) and per syscall made while holding the P. Each P
//     also has a counter of its local run queue (runnext included).
//   - Ms: a track per thread: the goroutine it runs, "syscall",
//     "spinning" (looking for work), "idle" (parked in stopm).
//   - Goroutines: a track per goroutine with its states: runnable,
//     running, waiting (named by the block reason: "chan receive",
//     "sync", "sleep", …) and syscall. Options.NoGoroutineTracks drops them.
//   - Scheduler: counters of the global run queue, idle Ps, spinning Ms,
//     threads (total, idle, in a syscall) and goroutines by state, and
//     instants for GOMAXPROCS changes and the end of the run.
//
// Flow arrows lead from a go statement to the new goroutine's first run,
// from the goroutine (or thread) that readied a goroutine to its next run,
// and from the P a goroutine was stolen from to its run on the thief.
// Instants mark steals, run queue overflows, preemption requests, timers,
// network polls, P hand-offs (ProcSteal) and user logs.
//
// Counters are written once per virtual instant: when several events
// happen at one time (a GoStop, a runqput and a GoStart at the same
// nanosecond), a counter shows the value at the end of that instant.
//
// Times are virtual nanoseconds (the JSON's microseconds are virtual
// microseconds, with nanosecond decimals). The output is streamed (a slice
// is written when it starts or ends), so memory does not grow with the
// length of the run, and it is deterministic: the same run writes the same
// bytes.
package perfetto

import (
	"io"
	"path/filepath"
	"strconv"
	"strings"

	"github.com/gmplab/gmp/internal/rt"
	"github.com/gmplab/gmp/observe"
	"github.com/gmplab/gmp/observe/internal/gtab"
	"github.com/gmplab/gmp/observe/internal/stacks"
)

// Track groups: the JSON's "pid"s.
const (
	PidPs         = 1
	PidMs         = 2
	PidGoroutines = 3
	PidScheduler  = 4
)

// Format is an output encoding.
type Format uint8

// The formats.
const (
	// Proto is Perfetto's protobuf trace format (the default).
	Proto Format = iota
	// JSON is Chrome trace-event JSON.
	JSON
)

//go:norace
func (f Format) String() string {
	if f == JSON {
		return "json"
	}
	return "proto"
}

// FormatFor returns the format for a file name: JSON if it ends in
// ".json" (in any case), Proto otherwise (".pftrace", ".perfetto-trace",
// anything).
//
//go:norace
func FormatFor(name string) Format {
	if strings.EqualFold(filepath.Ext(name), ".json") {
		return JSON
	}
	return Proto
}

// Options tunes the output. The zero value writes everything, as Proto.
type Options struct {
	// Format is the encoding (Proto or JSON).
	Format Format
	// NoGoroutineTracks leaves out the track per goroutine (for runs with
	// very many goroutines).
	NoGoroutineTracks bool
}

// Observer is an observe.Subscriber that writes the run.
type Observer struct {
	enc  encoder
	opts Options
	tab  *stacks.Table

	ps    []*pTrack
	ms    []*mTrack
	gs    gtab.Table[gTrack]
	names map[uintptr]string // entry PC → function name

	cnt counterState

	// Goroutines by state, and threads in a syscall: counted here, as the
	// runtime has no counter of them.
	gRunning, gRunnable int64
	gWaiting, gSyscall  int64
	mSyscall            int64

	gtracks bool // !opts.NoGoroutineTracks
	flows   uint64
	started bool
	closed  bool
	now     int64
}

// A slice is an open slice on a track.
type slice struct {
	open  bool
	name  label
	start int64
	goid  int64 // a "goid" argument if not 0
	args  [2]arg
}

type pTrack struct {
	id    int32
	hold  slice // a thread holds the P
	inner slice // a goroutine or syscall inside the hold
	heldM int64
}

type mTrack struct {
	sysmon bool
	act    slice
}

type gTrack struct {
	fn      string // entry function, "" if the goroutine predates the observer
	named   bool   // its track was declared
	iid     uint64 // Proto: the interned name, 0 until first used
	sysIID  uint64 // Proto: the interned "syscall G<n>"
	state   slice
	pending pendingFlows
}

// pendingFlows are arrows that end where a goroutine next runs. Most
// goroutines have one or two at a time: they live inline.
type pendingFlows struct {
	n    int
	fl   [2]flow
	more []flow
}

//go:norace
func (p *pendingFlows) add(f flow) {
	if p.n < len(p.fl) {
		p.fl[p.n] = f
	} else {
		p.more = append(p.more, f)
	}
	p.n++
}

//go:norace
func (p *pendingFlows) get(i int) *flow {
	if i < len(p.fl) {
		return &p.fl[i]
	}
	return &p.more[i-len(p.fl)]
}

//go:norace
func (p *pendingFlows) clear() {
	p.n = 0
	p.more = p.more[:0]
}

// A flow is an arrow from a track at a time to where a goroutine next runs.
type flow struct {
	id   uint64
	name string
	ts   int64
	src  trackRef
}

// trackKind and trackRef name a track.
type trackKind uint8

const (
	tSched trackKind = iota // the Scheduler's instants (id 0)
	tP                      // P id
	tM                      // thread id
	tG                      // goroutine id
)

type trackRef struct {
	kind trackKind
	id   int64
}

// A label is the name of a track, slice or instant: fixed text, or a
// number in a template, rendered only when written.
type label struct {
	kind labelKind
	n    int64
	text string
	iid  *uint64 // where Proto caches the interned name, or nil
}

type labelKind uint8

const (
	lNone      labelKind = iota
	lText                // text
	lGoroutine           // "G<n> <text>", or "G<n>" if text is ""
	lThread              // "M<n>"
	lSysmon              // "M<n> (sysmon)"
	lProc                // "P<n>"
	lRunq                // "P<n> runq"
	lSyscall             // "syscall G<n>"
	lTakeP               // "take P<n>"
	lProcs               // "GOMAXPROCS=<n>"
	lEnd                 // "end: <text>"
)

//go:norace
func text(s string) label { return label{kind: lText, text: s} }

// appendLabel appends l's text to b, its text parts through esc.
//
//go:norace
func appendLabel(b []byte, l label, esc func([]byte, string) []byte) []byte {
	switch l.kind {
	case lText:
		return esc(b, l.text)
	case lGoroutine:
		b = appendInt(append(b, 'G'), l.n)
		if l.text != "" {
			b = esc(append(b, ' '), l.text)
		}
		return b
	case lThread:
		return appendInt(append(b, 'M'), l.n)
	case lSysmon:
		return append(appendInt(append(b, 'M'), l.n), " (sysmon)"...)
	case lProc:
		return appendInt(append(b, 'P'), l.n)
	case lRunq:
		return append(appendInt(append(b, 'P'), l.n), " runq"...)
	case lSyscall:
		return appendInt(append(b, "syscall G"...), l.n)
	case lTakeP:
		return appendInt(append(b, "take P"...), l.n)
	case lProcs:
		return appendInt(append(b, "GOMAXPROCS="...), l.n)
	case lEnd:
		return esc(append(b, "end: "...), l.text)
	}
	return b
}

// appendRaw is appendLabel's esc for text taken as is.
//
//go:norace
func appendRaw(b []byte, s string) []byte { return append(b, s...) }

// An arg is an argument of a slice or instant.
type arg struct {
	key  argKey
	kind argKind
	n    int64
	s    string
}

type argKind uint8

const (
	aNone    argKind = iota
	aInt             // n
	aBool            // n != 0
	aStr             // s, one of few strings (Proto interns it)
	aText            // s, free text
	aTakenBy         // "taken by M<n>"
)

// argKey names an argument: argKeys[key].
type argKey uint8

const (
	kGoid argKey = iota
	kEnd
	kP
	kM
	kAfter
	kWaitreason
	kFromP
	kGoroutines
	kToGlobal
	kG
	kSignal
	kReady
	kCategory
	kMessage
	kFromM
	numKeys
)

var argKeys = [numKeys]string{
	kGoid: "goid", kEnd: "end", kP: "P", kM: "M", kAfter: "after", kWaitreason: "waitreason",
	kFromP: "from P", kGoroutines: "goroutines", kToGlobal: "to global", kG: "G", kSignal: "signal",
	kReady: "ready", kCategory: "category", kMessage: "message", kFromM: "from M",
}

//go:norace
func intArg(key argKey, n int64) arg { return arg{key: key, kind: aInt, n: n} }

//go:norace
func strArg(key argKey, s string) arg { return arg{key: key, kind: aStr, s: s} }

//go:norace
func boolArg(key argKey, b bool) arg { return arg{key: key, kind: aBool, n: b2i(b)} }

//go:norace
func textArg(key argKey, s string) arg { return arg{key: key, kind: aText, s: s} }

//go:norace
func args2(a, b arg) [2]arg { return [2]arg{a, b} }

//go:norace
func args1(a arg) [2]arg { return [2]arg{a} }

//go:norace
func endArg(reason string) arg { return strArg(kEnd, reason) }

//go:norace
func b2i(b bool) int64 {
	if b {
		return 1
	}
	return 0
}

// gLabel is goroutine id's name: "G12 main.worker".
//
//go:norace
func (o *Observer) gLabel(id int64, g *gTrack) label {
	return label{kind: lGoroutine, n: id, text: g.fn, iid: &g.iid}
}

// encoder writes the model's tracks, slices, instants, flows and counters
// in one format. Calls come in time order.
type encoder interface {
	// declare names a P, M or goroutine track (again, to rename it).
	declare(tr trackRef, name label)
	// begin writes that slice s opens on tr at t, with the flows that end
	// there (on a P's goroutine slice).
	begin(tr trackRef, t int64, s *slice, flows *pendingFlows)
	// end writes that slice s on tr closes at t, with an argument.
	end(tr trackRef, t int64, s *slice, a arg)
	instant(tr trackRef, t int64, name label, args [2]arg)
	// flowStart writes the source of flow f (Proto writes it at once,
	// JSON with its end).
	flowStart(f *flow)
	// counters writes the counters whose value changed at t.
	counters(t int64, cur, last []int64)
	// close finishes the output and flushes it.
	close() error
	err() error
	written() int64
}

// New returns an Observer that writes to w in opts.Format. Call Close (or
// let the run's End event do it) to finish the output; Close does not
// close w.
//
//go:norace
func New(w io.Writer, opts Options) *Observer {
	o := &Observer{
		opts:    opts,
		gtracks: !opts.NoGoroutineTracks,
		tab:     stacks.NewTable(),
		names:   make(map[uintptr]string),
	}
	if opts.Format == JSON {
		o.enc = newJSONEncoder(w, opts)
	} else {
		o.enc = newProtoEncoder(w, opts)
	}
	return o
}

// kinds are the events the output is drawn from: the scheduler's, not
// GoStatus (the goroutine tracks follow the scheduler events), Work (CPU
// time within a run) or SchedTrace. The queue events are there for the
// counters: each is a moment a run queue's length changes.
var kinds = observe.KindsOf(observe.GoCreate, observe.GoStart, observe.GoStop, observe.GoBlock,
	observe.GoUnblock, observe.GoDestroy, observe.GoSyscallBegin, observe.GoSyscallEnd,
	observe.GoSyscallEndBlocked, observe.ProcStart, observe.ProcStop, observe.ProcSteal,
	observe.ProcsChange, observe.MStart, observe.MPark, observe.MUnpark, observe.MSpin,
	observe.Steal, observe.RunqOverflow, observe.GlobalRunqGet, observe.Preempt,
	observe.TimerFire, observe.Netpoll, observe.SysmonWake, observe.UserLog, observe.End,
	observe.RunqPut, observe.GlobalRunqPut)

// Kinds implements observe.Subscriber.
//
//go:norace
func (o *Observer) Kinds() observe.KindSet { return kinds }

// Err returns the first write error.
//
//go:norace
func (o *Observer) Err() error { return o.enc.err() }

// Events returns the number of events (JSON events, or TracePackets)
// written so far.
//
//go:norace
func (o *Observer) Events() int64 { return o.enc.written() }

// Close ends every open slice at the time of the last event, finishes the
// output and flushes it. It is safe to call more than once.
//
//go:norace
func (o *Observer) Close() error {
	if o.closed {
		return o.enc.err()
	}
	o.closed = true
	o.cnt.flush(o.enc)
	o.finish(o.now)
	return o.enc.close()
}

// Event implements observe.Observer.
//
//go:norace
func (o *Observer) Event(ev *observe.Event) {
	if o.closed {
		return
	}
	if ev.Time != o.cnt.at {
		// A new instant: the counters' values at the last one are final.
		o.cnt.flush(o.enc)
	}
	o.now = ev.Time
	if !o.started {
		o.started = true
		o.declare()
	}
	t := ev.Time
	switch ev.Kind {
	case observe.GoCreate:
		g := o.gs.Add(ev.G)
		*g = gTrack{fn: o.entryName(ev)}
		if o.gtracks {
			o.gState(ev.G, g, t, text("runnable"), [2]arg{})
		}
		o.gRunnable++
		if ev.Target != 0 {
			o.addFlow(g, "go", t, ev.P, ev.M)
		}
	case observe.GoStart:
		g := o.g(ev.G)
		name := o.gLabel(ev.G, g)
		if p := o.p(ev.P); p != nil {
			o.closeInner(p, t, arg{})
			p.inner = slice{open: true, name: name, start: t, goid: ev.G}
			o.enc.begin(trackRef{tP, int64(p.id)}, t, &p.inner, &g.pending)
		}
		o.mAct(ev.M, t, name, ev.G, arg{})
		if o.gtracks {
			o.gState(ev.G, g, t, text("running"), args2(intArg(kP, int64(ev.P)), intArg(kM, ev.M)))
		}
		g.pending.clear()
		o.gRunnable--
		o.gRunning++
	case observe.GoStop, observe.GoBlock, observe.GoDestroy:
		reason := ev.Reason
		if ev.Kind == observe.GoDestroy {
			reason = "exit"
		}
		if p := o.p(ev.P); p != nil {
			o.closeInner(p, t, endArg(reason))
		}
		o.mAct(ev.M, t, label{}, 0, endArg(reason))
		o.gRunning--
		g := o.g(ev.G)
		switch ev.Kind {
		case observe.GoStop:
			if o.gtracks {
				o.gState(ev.G, g, t, text("runnable"), args1(strArg(kAfter, reason)))
			}
			o.gRunnable++
		case observe.GoBlock:
			if o.gtracks {
				o.gState(ev.G, g, t, text(reason), args1(strArg(kWaitreason, observe.WaitReason(ev.Arg).String())))
			}
			o.gWaiting++
		default:
			if !o.opts.NoGoroutineTracks && g.state.open {
				o.endSlice(trackRef{tG, ev.G}, &g.state, t, arg{})
			}
			o.gs.Delete(ev.G)
		}
	case observe.GoUnblock:
		g := o.g(ev.G)
		if o.gtracks {
			o.gState(ev.G, g, t, text("runnable"), [2]arg{})
		}
		o.gWaiting--
		o.gRunnable++
		if ev.Target != 0 {
			o.addFlow(g, "unblock", t, ev.P, ev.M)
		} else {
			o.addFlow(g, "ready", t, -1, ev.M)
		}
	case observe.GoSyscallBegin:
		g := o.g(ev.G)
		name := label{kind: lSyscall, n: ev.G, iid: &g.sysIID}
		if p := o.p(ev.P); p != nil {
			o.closeInner(p, t, endArg("syscall"))
			p.inner = slice{open: true, name: name, start: t, goid: ev.G}
			o.enc.begin(trackRef{tP, int64(p.id)}, t, &p.inner, nil)
		}
		o.mAct(ev.M, t, name, ev.G, endArg("syscall"))
		if o.gtracks {
			o.gState(ev.G, g, t, text("syscall"), [2]arg{})
		}
		o.gRunning--
		o.gSyscall++
		o.mSyscall++
	case observe.GoSyscallEnd:
		g := o.g(ev.G)
		name := o.gLabel(ev.G, g)
		if p := o.p(ev.P); p != nil {
			o.closeInner(p, t, arg{})
			p.inner = slice{open: true, name: name, start: t, goid: ev.G}
			o.enc.begin(trackRef{tP, int64(p.id)}, t, &p.inner, nil)
		}
		o.mAct(ev.M, t, name, ev.G, arg{})
		if o.gtracks {
			o.gState(ev.G, g, t, text("running"), [2]arg{})
		}
		o.gSyscall--
		o.gRunning++
		o.mSyscall--
	case observe.GoSyscallEndBlocked:
		g := o.g(ev.G)
		o.mAct(ev.M, t, label{}, 0, endArg("lost its P"))
		if o.gtracks {
			o.gState(ev.G, g, t, text("runnable"), args1(strArg(kAfter, "syscall")))
		}
		o.gSyscall--
		o.gRunnable++
		o.mSyscall--
	case observe.ProcStart:
		o.procStart(t, ev.M, ev.P)
	case observe.ProcStop:
		if p := o.p(ev.P); p != nil {
			o.release(p, t, arg{})
		}
	case observe.ProcSteal:
		id := int32(ev.Arg2)
		if p := o.p(id); p != nil {
			o.release(p, t, arg{key: kEnd, kind: aTakenBy, n: ev.M})
		}
		o.instant(trackRef{tM, ev.M}, t, label{kind: lTakeP, n: int64(id)},
			args2(intArg(kP, int64(id)), intArg(kFromM, ev.Arg)))
	case observe.ProcsChange:
		for id := range int32(ev.Arg) {
			o.p(id) // a track for every P, used or not
		}
		o.instant(trackRef{tSched, 0}, t, label{kind: lProcs, n: ev.Arg}, [2]arg{})
	case observe.MStart:
		o.m(ev.M)
	case observe.MPark:
		o.mAct(ev.M, t, text("idle"), 0, arg{})
	case observe.MUnpark:
		if m := o.m(ev.M); m != nil && m.act.open && m.act.name == text("idle") {
			o.mAct(ev.M, t, label{}, 0, arg{})
		}
	case observe.MSpin:
		if ev.Arg == 1 {
			o.mAct(ev.M, t, text("spinning"), 0, arg{})
		} else if m := o.m(ev.M); m != nil && m.act.open && m.act.name == text("spinning") {
			o.mAct(ev.M, t, label{}, 0, arg{})
		}
	case observe.Steal:
		from := int32(ev.Arg2)
		o.instant(trackRef{tP, int64(ev.P)}, t, text("steal"),
			args2(intArg(kFromP, int64(from)), intArg(kGoroutines, ev.Arg)))
		if g := o.gs.Get(ev.Target); g != nil {
			o.addFlow(g, "steal", t, from, -1)
		}
	case observe.RunqOverflow:
		o.instant(trackRef{tP, int64(ev.P)}, t, text("runq overflow"), args1(intArg(kToGlobal, ev.Arg)))
	case observe.Preempt:
		o.instant(trackRef{tP, int64(ev.P)}, t, text("preempt request"),
			args2(intArg(kG, ev.G), boolArg(kSignal, ev.Arg == 1)))
	case observe.TimerFire:
		o.instant(trackRef{tP, int64(ev.P)}, t, text("timer"), [2]arg{})
	case observe.Netpoll:
		if ev.Arg > 0 {
			o.instant(trackRef{tM, ev.M}, t, text("netpoll"), args1(intArg(kReady, ev.Arg)))
		}
	case observe.SysmonWake:
		if m := o.m(ev.M); m != nil && !m.sysmon {
			m.sysmon = true
			o.enc.declare(trackRef{tM, ev.M}, label{kind: lSysmon, n: ev.M})
		}
	case observe.UserLog:
		o.instant(trackRef{tP, int64(ev.P)}, t, text("log"),
			args2(textArg(kCategory, ev.Reason), textArg(kMessage, ev.Text)))
	case observe.End:
		o.instant(trackRef{tSched, 0}, t, label{kind: lEnd, text: ev.Reason}, [2]arg{})
		o.cnt.sample(t, o)
		o.Close()
		return
	}
	o.cnt.sample(t, o)
}

// declare names the Ps that exist before the first event and counts the
// goroutines that do.
//
//go:norace
func (o *Observer) declare() {
	st := rt.ReadSchedState(true)
	for _, p := range st.Ps {
		o.p(p.ID)
	}
	for _, g := range st.Gs {
		switch g.Status {
		case observe.Grunnable:
			o.gRunnable++
		case observe.Grunning:
			o.gRunning++
		case observe.Gsyscall:
			o.gSyscall++
		case observe.Gwaiting, observe.Gpreempted:
			o.gWaiting++
		default:
			continue
		}
		o.gs.Add(g.Goid)
	}
}

//go:norace
func (o *Observer) entryName(ev *observe.Event) string {
	if n, ok := o.names[ev.Entry]; ok {
		return n
	}
	n := o.tab.GoroutineEntry(ev.Entry, ev.Target == 0 && ev.Arg == 0).Func
	o.names[ev.Entry] = n
	return n
}

// g returns goroutine id's state, adding it if the observer has not seen it.
//
//go:norace
func (o *Observer) g(id int64) *gTrack { return o.gs.Add(id) }

// p returns P id's track, declaring it on first use; nil for no P.
//
//go:norace
func (o *Observer) p(id int32) *pTrack {
	if id < 0 {
		return nil
	}
	for int(id) >= len(o.ps) {
		o.ps = append(o.ps, nil)
	}
	p := o.ps[id]
	if p == nil {
		p = &pTrack{id: id, heldM: -1}
		o.ps[id] = p
		o.enc.declare(trackRef{tP, int64(id)}, label{kind: lProc, n: int64(id)})
	}
	return p
}

// m returns thread id's track, declaring it on first use; nil for no
// thread.
//
//go:norace
func (o *Observer) m(id int64) *mTrack {
	if id < 0 {
		return nil
	}
	for int(id) >= len(o.ms) {
		o.ms = append(o.ms, nil)
	}
	m := o.ms[id]
	if m == nil {
		m = &mTrack{}
		o.ms[id] = m
		o.enc.declare(trackRef{tM, id}, label{kind: lThread, n: id})
	}
	return m
}

// procStart starts a hold of P p by thread m.
//
//go:norace
func (o *Observer) procStart(t, m int64, id int32) {
	p := o.p(id)
	if p == nil {
		return
	}
	if p.hold.open {
		if p.heldM == m {
			return // ≤go1.25: re-wired straight from _Psyscall by its own thread
		}
		o.release(p, t, arg{key: kEnd, kind: aTakenBy, n: m})
	}
	p.hold = slice{open: true, name: label{kind: lThread, n: m}, start: t}
	p.heldM = m
	o.enc.begin(trackRef{tP, int64(id)}, t, &p.hold, nil)
}

// release ends P p's current hold.
//
//go:norace
func (o *Observer) release(p *pTrack, t int64, a arg) {
	o.closeInner(p, t, a)
	if p.hold.open {
		o.endSlice(trackRef{tP, int64(p.id)}, &p.hold, t, arg{})
	}
	p.heldM = -1
}

//go:norace
func (o *Observer) closeInner(p *pTrack, t int64, a arg) {
	if p.inner.open {
		o.endSlice(trackRef{tP, int64(p.id)}, &p.inner, t, a)
	}
}

//go:norace
func (o *Observer) endSlice(tr trackRef, s *slice, t int64, a arg) {
	s.open = false
	o.enc.end(tr, t, s, a)
}

// mAct ends thread id's current activity and, if name is set, starts
// another.
//
//go:norace
func (o *Observer) mAct(id, t int64, name label, goid int64, a arg) {
	m := o.m(id)
	if m == nil {
		return
	}
	tr := trackRef{tM, id}
	if m.act.open {
		o.endSlice(tr, &m.act, t, a)
	}
	if name.kind != lNone {
		m.act = slice{open: true, name: name, start: t, goid: goid}
		o.enc.begin(tr, t, &m.act, nil)
	}
}

// gState ends goroutine id's current state slice and starts the next. Its
// callers check o.gtracks first, to build no arguments for nothing.
//
//go:norace
func (o *Observer) gState(id int64, g *gTrack, t int64, name label, args [2]arg) {
	tr := trackRef{tG, id}
	if !g.named {
		g.named = true
		o.enc.declare(tr, label{kind: lGoroutine, n: id, text: g.fn})
	}
	if g.state.open {
		o.endSlice(tr, &g.state, t, arg{})
	}
	g.state = slice{open: true, name: name, start: t, args: args}
	o.enc.begin(tr, t, &g.state, nil)
}

// addFlow starts an arrow that ends where g next runs: from P p's track
// if p >= 0, else from thread m's.
//
//go:norace
func (o *Observer) addFlow(g *gTrack, name string, t int64, p int32, m int64) {
	src := trackRef{tP, int64(p)}
	if p < 0 {
		if m < 0 {
			return
		}
		src = trackRef{tM, m}
		o.m(m)
	} else {
		o.p(p)
	}
	o.flows++
	g.pending.add(flow{id: o.flows, name: name, ts: t, src: src})
	o.enc.flowStart(g.pending.get(g.pending.n - 1))
}

//go:norace
func (o *Observer) instant(tr trackRef, t int64, name label, args [2]arg) {
	switch tr.kind {
	case tP:
		if o.p(int32(tr.id)) == nil {
			return
		}
	case tM:
		if o.m(tr.id) == nil {
			return
		}
	}
	o.enc.instant(tr, t, name, args)
}

// finish ends every open slice at t.
//
//go:norace
func (o *Observer) finish(t int64) {
	for _, p := range o.ps {
		if p != nil {
			o.closeInner(p, t, endArg("end of run"))
			if p.hold.open {
				o.endSlice(trackRef{tP, int64(p.id)}, &p.hold, t, arg{})
			}
		}
	}
	for i, m := range o.ms {
		if m != nil && m.act.open {
			o.endSlice(trackRef{tM, int64(i)}, &m.act, t, endArg("end of run"))
		}
	}
	if !o.opts.NoGoroutineTracks {
		for id, g := range o.gs.All() { // in goroutine ID order, for determinism
			if g.state.open {
				o.endSlice(trackRef{tG, id}, &g.state, t, arg{})
			}
		}
	}
}

// The counter series: the Scheduler's, then one run queue length per P.
const (
	sGlobalRunq = iota
	sIdlePs
	sBusyPs
	sSpinning
	sThreads
	sIdleThreads
	sSyscallThreads
	sGRunning
	sGRunnable
	sGWaiting
	sGSyscall
	numSched
)

// unset marks a series never written.
const unset = -1 << 63

// counterState samples the counters after every event and writes those
// that changed once per instant.
type counterState struct {
	rc        rt.SchedCounters
	cur, last []int64
	at        int64 // time of the samples in cur
	sampled   bool
	nps       int // Ps whose track is declared
}

// sample reads the counters after an event at t.
//
//go:norace
func (c *counterState) sample(t int64, o *Observer) {
	rt.ReadSchedCounters(&c.rc)
	n := numSched + len(c.rc.Runq)
	for len(c.cur) < n {
		c.cur = append(c.cur, 0)
	}
	for len(c.last) < n {
		c.last = append(c.last, unset)
	}
	c.cur = c.cur[:n]
	v := c.cur
	v[sGlobalRunq] = int64(c.rc.GlobalRunq)
	v[sIdlePs] = int64(c.rc.Idleprocs)
	v[sBusyPs] = int64(c.rc.Gomaxprocs - c.rc.Idleprocs)
	v[sSpinning] = int64(c.rc.Spinning)
	v[sThreads] = int64(c.rc.Threads)
	v[sIdleThreads] = int64(c.rc.IdleThreads)
	v[sSyscallThreads] = o.mSyscall
	v[sGRunning] = o.gRunning
	v[sGRunnable] = o.gRunnable
	v[sGWaiting] = o.gWaiting
	v[sGSyscall] = o.gSyscall
	for i, q := range c.rc.Runq {
		v[numSched+i] = int64(q)
	}
	for ; c.nps < len(c.rc.Runq); c.nps++ {
		o.p(int32(c.nps)) // a track for every P, before its counter
	}
	c.at, c.sampled = t, true
}

// flush writes the series that changed since the last flush.
//
//go:norace
func (c *counterState) flush(enc encoder) {
	if !c.sampled {
		return
	}
	c.sampled = false
	changed := false
	for i, v := range c.cur {
		if v != c.last[i] {
			changed = true
			break
		}
	}
	if !changed {
		return
	}
	enc.counters(c.at, c.cur, c.last[:len(c.cur)])
	copy(c.last, c.cur)
}

// appendInt appends n in decimal.
//
//go:norace
func appendInt(b []byte, n int64) []byte {
	if n >= 0 && n < 10 {
		return append(b, byte('0'+n))
	}
	return strconv.AppendInt(b, n, 10)
}
