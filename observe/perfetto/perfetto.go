// Package perfetto writes a simulated run as Chrome trace-event JSON, the
// format the Perfetto UI (ui.perfetto.dev), chrome://tracing and Go's own
// trace viewer open. It shows what a Go execution trace cannot carry: the
// run queues, stealing, spinning threads and idle Ps.
//
// The file has four groups of tracks ("processes" in the format):
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
// Times are virtual: the JSON's microseconds are virtual microseconds, with
// nanosecond decimals. The output is streamed (a slice is written when it
// ends), so memory does not grow with the length of the run, and it is
// deterministic.
package perfetto

import (
	"bufio"
	"io"
	"slices"
	"strconv"
	"unicode/utf8"

	"github.com/gmplab/gmp/internal/rt"
	"github.com/gmplab/gmp/observe"
	"github.com/gmplab/gmp/observe/internal/stacks"
)

// Track groups ("pid" in the JSON).
const (
	PidPs         = 1
	PidMs         = 2
	PidGoroutines = 3
	PidScheduler  = 4
)

// Options tunes the output. The zero value writes everything.
type Options struct {
	// NoGoroutineTracks leaves out the track per goroutine (for runs with
	// very many goroutines).
	NoGoroutineTracks bool
}

// Observer is an observe.Observer that writes the JSON.
type Observer struct {
	bw   *bufio.Writer
	err  error
	opts Options
	tab  *stacks.Table

	ps    []*pTrack
	ms    []*mTrack
	gs    map[int64]*gTrack
	names map[uintptr]string // entry PC → function name

	// Counters: the last values written, and the goroutines by state.
	cur, last            rt.SchedCounters
	lastSet              bool
	lastRunq             []int32
	gRunning, gRunnable  int64
	gWaiting, gSyscall   int64
	lastG                [4]int64
	mSyscall, lastMSys   int32
	lastThreads, lastIdl int32

	flows   uint64
	started bool
	closed  bool
	now     int64
	buf     []byte
	nEvents int64
}

// slice is an open slice on a track.
type slice struct {
	open  bool
	name  string
	start int64
	goid  int64
	arg   string // extra "args" members, already JSON
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
	name    string
	named   bool
	state   slice
	pending []flow
}

type flow struct {
	id   uint64
	name string
	ts   int64
	pid  int
	tid  int64
}

// New returns an Observer that writes to w. Call Close (or let the run's
// End event do it) to finish the JSON; Close does not close w.
func New(w io.Writer, opts Options) *Observer {
	o := &Observer{
		bw:    bufio.NewWriterSize(w, 64<<10),
		opts:  opts,
		tab:   stacks.NewTable(),
		gs:    make(map[int64]*gTrack),
		names: make(map[uintptr]string),
	}
	o.raw(`{"displayTimeUnit":"ns","otherData":{"generator":"gmp (github.com/gmplab/gmp)","clock":"virtual"},"traceEvents":[`)
	o.meta(PidPs, 0, "process_name", "Ps")
	o.meta(PidMs, 0, "process_name", "Ms (threads)")
	o.meta(PidScheduler, 0, "process_name", "Scheduler")
	o.metaInt(PidScheduler, 0, "process_sort_index", 0)
	o.metaInt(PidPs, 0, "process_sort_index", 1)
	o.metaInt(PidMs, 0, "process_sort_index", 2)
	if !opts.NoGoroutineTracks {
		o.meta(PidGoroutines, 0, "process_name", "Goroutines")
		o.metaInt(PidGoroutines, 0, "process_sort_index", 3)
	}
	return o
}

// Err returns the first write error.
func (o *Observer) Err() error { return o.err }

// Events returns the number of JSON events written so far.
func (o *Observer) Events() int64 { return o.nEvents }

// Close ends every open slice at the time of the last event, finishes the
// JSON and flushes it. It is safe to call more than once.
func (o *Observer) Close() error {
	if o.closed {
		return o.err
	}
	o.closed = true
	o.finish(o.now)
	o.raw("\n]}\n")
	if err := o.bw.Flush(); err != nil && o.err == nil {
		o.err = err
	}
	return o.err
}

// Event implements observe.Observer.
func (o *Observer) Event(ev *observe.Event) {
	if o.closed {
		return
	}
	o.now = ev.Time
	if !o.started {
		o.started = true
		o.declare()
	}
	t := ev.Time
	switch ev.Kind {
	case observe.GoCreate:
		g := &gTrack{name: "G" + strconv.FormatInt(ev.G, 10) + " " + o.entryName(ev)}
		o.gs[ev.G] = g
		o.gState(ev.G, g, t, "runnable", "")
		o.gRunnable++
		if ev.Target != 0 {
			o.addFlow(g, "go", t, ev.P, ev.M)
		}
	case observe.GoStart:
		g := o.g(ev.G)
		if p := o.p(ev.P); p != nil {
			o.closeInner(p, t, "")
			p.inner = slice{open: true, name: g.name, start: t, goid: ev.G}
		}
		o.mAct(ev.M, t, g.name, ev.G, "")
		o.gState(ev.G, g, t, "running", `"P":`+strconv.Itoa(int(ev.P))+`,"M":`+strconv.FormatInt(ev.M, 10))
		for _, f := range g.pending {
			o.flowEvents(f, t, ev.P)
		}
		g.pending = g.pending[:0]
		o.gRunnable--
		o.gRunning++
	case observe.GoStop, observe.GoBlock, observe.GoDestroy:
		reason := ev.Reason
		if ev.Kind == observe.GoDestroy {
			reason = "exit"
		}
		end := `"end":` + quote(reason)
		if p := o.p(ev.P); p != nil {
			o.closeInner(p, t, end)
		}
		o.mAct(ev.M, t, "", 0, end)
		o.gRunning--
		g := o.g(ev.G)
		switch ev.Kind {
		case observe.GoStop:
			o.gState(ev.G, g, t, "runnable", `"after":`+quote(reason))
			o.gRunnable++
		case observe.GoBlock:
			o.gState(ev.G, g, t, reason, `"waitreason":`+quote(observe.WaitReason(ev.Arg).String()))
			o.gWaiting++
		default:
			if !o.opts.NoGoroutineTracks && g.state.open {
				o.complete(PidGoroutines, ev.G, &g.state, t, "")
			}
			delete(o.gs, ev.G)
		}
	case observe.GoUnblock:
		g := o.g(ev.G)
		o.gState(ev.G, g, t, "runnable", "")
		o.gWaiting--
		o.gRunnable++
		if ev.Target != 0 {
			o.addFlow(g, "unblock", t, ev.P, ev.M)
		} else {
			o.addFlow(g, "ready", t, -1, ev.M)
		}
	case observe.GoSyscallBegin:
		g := o.g(ev.G)
		name := "syscall G" + strconv.FormatInt(ev.G, 10)
		if p := o.p(ev.P); p != nil {
			o.closeInner(p, t, `"end":"syscall"`)
			p.inner = slice{open: true, name: name, start: t, goid: ev.G}
		}
		o.mAct(ev.M, t, name, ev.G, `"end":"syscall"`)
		o.gState(ev.G, g, t, "syscall", "")
		o.gRunning--
		o.gSyscall++
		o.mSyscall++
	case observe.GoSyscallEnd:
		g := o.g(ev.G)
		if p := o.p(ev.P); p != nil {
			o.closeInner(p, t, "")
			p.inner = slice{open: true, name: g.name, start: t, goid: ev.G}
		}
		o.mAct(ev.M, t, g.name, ev.G, "")
		o.gState(ev.G, g, t, "running", "")
		o.gSyscall--
		o.gRunning++
		o.mSyscall--
	case observe.GoSyscallEndBlocked:
		g := o.g(ev.G)
		o.mAct(ev.M, t, "", 0, `"end":"lost its P"`)
		o.gState(ev.G, g, t, "runnable", `"after":"syscall"`)
		o.gSyscall--
		o.gRunnable++
		o.mSyscall--
	case observe.ProcStart:
		o.procStart(t, ev.M, ev.P)
	case observe.ProcStop:
		if p := o.p(ev.P); p != nil {
			o.release(p, t, "")
		}
	case observe.ProcSteal:
		pid := int32(ev.Arg2)
		if p := o.p(pid); p != nil {
			o.release(p, t, `"end":"taken by M`+strconv.FormatInt(ev.M, 10)+`"`)
		}
		o.instant(PidMs, ev.M, t, "take P"+strconv.Itoa(int(pid)),
			`"P":`+strconv.Itoa(int(pid))+`,"from M":`+strconv.FormatInt(ev.Arg, 10))
	case observe.ProcsChange:
		for id := range int32(ev.Arg) {
			o.p(id) // a track for every P, used or not
		}
		o.instant(PidScheduler, 0, t, "GOMAXPROCS="+strconv.FormatInt(ev.Arg, 10), "")
	case observe.MStart:
		o.m(ev.M)
	case observe.MPark:
		o.mAct(ev.M, t, "idle", 0, "")
	case observe.MUnpark:
		if m := o.m(ev.M); m.act.open && m.act.name == "idle" {
			o.mAct(ev.M, t, "", 0, "")
		}
	case observe.MSpin:
		if ev.Arg == 1 {
			o.mAct(ev.M, t, "spinning", 0, "")
		} else if m := o.m(ev.M); m.act.open && m.act.name == "spinning" {
			o.mAct(ev.M, t, "", 0, "")
		}
	case observe.Steal:
		from := int32(ev.Arg2)
		o.instant(PidPs, int64(ev.P), t, "steal", `"from P":`+strconv.Itoa(int(from))+`,"goroutines":`+strconv.FormatInt(ev.Arg, 10))
		if g := o.gs[ev.Target]; g != nil {
			o.addFlow(g, "steal", t, from, -1)
		}
	case observe.RunqOverflow:
		o.instant(PidPs, int64(ev.P), t, "runq overflow", `"to global":`+strconv.FormatInt(ev.Arg, 10))
	case observe.Preempt:
		o.instant(PidPs, int64(ev.P), t, "preempt request", `"G":`+strconv.FormatInt(ev.G, 10)+`,"signal":`+strconv.FormatBool(ev.Arg == 1))
	case observe.TimerFire:
		o.instant(PidPs, int64(ev.P), t, "timer", "")
	case observe.Netpoll:
		if ev.Arg > 0 {
			o.instant(PidMs, ev.M, t, "netpoll", `"ready":`+strconv.FormatInt(ev.Arg, 10))
		}
	case observe.SysmonWake:
		if m := o.m(ev.M); !m.sysmon {
			m.sysmon = true
			o.meta(PidMs, ev.M, "thread_name", "M"+strconv.FormatInt(ev.M, 10)+" (sysmon)")
		}
	case observe.UserLog:
		o.instant(PidPs, int64(ev.P), t, "log", `"category":`+quote(ev.Reason)+`,"message":`+quote(ev.Text))
	case observe.End:
		o.instant(PidScheduler, 0, t, "end: "+ev.Reason, "")
		o.counters(t)
		o.Close()
		return
	}
	o.counters(t)
}

// declare names the Ps that exist before the first event and counts the
// goroutines that do.
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
		o.gs[g.Goid] = &gTrack{name: "G" + strconv.FormatInt(g.Goid, 10)}
	}
}

func (o *Observer) entryName(ev *observe.Event) string {
	if n, ok := o.names[ev.Entry]; ok {
		return n
	}
	n := o.tab.GoroutineEntry(ev.Entry, ev.Target == 0 && ev.Arg == 0).Func
	o.names[ev.Entry] = n
	return n
}

func (o *Observer) g(id int64) *gTrack {
	g := o.gs[id]
	if g == nil {
		g = &gTrack{name: "G" + strconv.FormatInt(id, 10)}
		o.gs[id] = g
	}
	return g
}

// p returns P id's track, naming it on first use; nil for no P.
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
		o.meta(PidPs, int64(id), "thread_name", "P"+strconv.Itoa(int(id)))
		o.metaInt(PidPs, int64(id), "thread_sort_index", int64(id))
	}
	return p
}

func (o *Observer) m(id int64) *mTrack {
	if id < 0 {
		return &mTrack{}
	}
	for int(id) >= len(o.ms) {
		o.ms = append(o.ms, nil)
	}
	m := o.ms[id]
	if m == nil {
		m = &mTrack{}
		o.ms[id] = m
		o.meta(PidMs, id, "thread_name", "M"+strconv.FormatInt(id, 10))
		o.metaInt(PidMs, id, "thread_sort_index", id)
	}
	return m
}

// procStart starts a hold of P p by thread m.
func (o *Observer) procStart(t, m int64, id int32) {
	p := o.p(id)
	if p == nil {
		return
	}
	if p.hold.open {
		if p.heldM == m {
			return // ≤go1.25: re-wired straight from _Psyscall by its own thread
		}
		o.release(p, t, `"end":"taken by M`+strconv.FormatInt(m, 10)+`"`)
	}
	p.hold = slice{open: true, name: "M" + strconv.FormatInt(m, 10), start: t}
	p.heldM = m
}

// release ends P p's current hold.
func (o *Observer) release(p *pTrack, t int64, arg string) {
	o.closeInner(p, t, arg)
	if p.hold.open {
		o.complete(PidPs, int64(p.id), &p.hold, t, "")
	}
	p.heldM = -1
}

func (o *Observer) closeInner(p *pTrack, t int64, arg string) {
	if p.inner.open {
		o.complete(PidPs, int64(p.id), &p.inner, t, arg)
	}
}

// mAct ends thread m's current activity and, if name is set, starts another.
func (o *Observer) mAct(id, t int64, name string, goid int64, arg string) {
	if id < 0 {
		return
	}
	m := o.m(id)
	if m.act.open {
		o.complete(PidMs, id, &m.act, t, arg)
	}
	if name != "" {
		m.act = slice{open: true, name: name, start: t, goid: goid}
	}
}

// gState ends goroutine id's current state slice and starts the next.
func (o *Observer) gState(id int64, g *gTrack, t int64, name, arg string) {
	if o.opts.NoGoroutineTracks {
		return
	}
	if !g.named {
		g.named = true
		o.meta(PidGoroutines, id, "thread_name", g.name)
		o.metaInt(PidGoroutines, id, "thread_sort_index", id)
	}
	if g.state.open {
		o.complete(PidGoroutines, id, &g.state, t, "")
	}
	g.state = slice{open: true, name: name, start: t, arg: arg}
}

// addFlow records the start of an arrow that ends where g next runs. It is
// written then, so no arrow dangles: from P p's track if p >= 0, else from
// thread m's.
func (o *Observer) addFlow(g *gTrack, name string, t int64, p int32, m int64) {
	f := flow{name: name, ts: t, pid: PidPs, tid: int64(p)}
	if p < 0 {
		if m < 0 {
			return
		}
		f.pid, f.tid = PidMs, m
	}
	o.flows++
	f.id = o.flows
	g.pending = append(g.pending, f)
}

func (o *Observer) flowEvents(f flow, t int64, p int32) {
	b := o.begin()
	b = append(b, `{"ph":"s","cat":"sched","name":`...)
	b = appendQuote(b, f.name)
	b = append(b, `,"id":`...)
	b = strconv.AppendUint(b, f.id, 10)
	b = o.appendWhere(b, f.pid, f.tid, f.ts)
	b = append(b, "},\n"...)
	b = append(b, `{"ph":"f","bp":"e","cat":"sched","name":`...)
	b = appendQuote(b, f.name)
	b = append(b, `,"id":`...)
	b = strconv.AppendUint(b, f.id, 10)
	b = o.appendWhere(b, PidPs, int64(p), t)
	b = append(b, '}')
	o.end(b, 2)
}

// counters writes the counters that changed.
func (o *Observer) counters(t int64) {
	rt.ReadSchedCounters(&o.cur)
	c, l := &o.cur, &o.last
	first := !o.lastSet
	o.lastSet = true
	for i, n := range c.Runq {
		if i >= len(o.lastRunq) {
			o.lastRunq = append(o.lastRunq, -1)
		}
		if n != o.lastRunq[i] {
			o.lastRunq[i] = n
			o.counter(PidPs, "P"+strconv.Itoa(i)+" runq", t, "len", int64(n))
		}
	}
	if first || c.GlobalRunq != l.GlobalRunq {
		o.counter(PidScheduler, "global runq", t, "len", int64(c.GlobalRunq))
	}
	if first || c.Idleprocs != l.Idleprocs || c.Gomaxprocs != l.Gomaxprocs {
		o.counter2(PidScheduler, "Ps", t, "idle", int64(c.Idleprocs), "busy", int64(c.Gomaxprocs-c.Idleprocs))
	}
	if first || c.Spinning != l.Spinning {
		o.counter(PidScheduler, "spinning Ms", t, "value", int64(c.Spinning))
	}
	if first || c.Threads != o.lastThreads || c.IdleThreads != o.lastIdl || o.mSyscall != o.lastMSys {
		o.lastThreads, o.lastIdl, o.lastMSys = c.Threads, c.IdleThreads, o.mSyscall
		b := o.begin()
		b = append(b, `{"ph":"C","name":"threads"`...)
		b = o.appendWhere(b, PidScheduler, 0, t)
		b = append(b, `,"args":{"total":`...)
		b = strconv.AppendInt(b, int64(c.Threads), 10)
		b = append(b, `,"idle":`...)
		b = strconv.AppendInt(b, int64(c.IdleThreads), 10)
		b = append(b, `,"in syscall":`...)
		b = strconv.AppendInt(b, int64(o.mSyscall), 10)
		b = append(b, "}}"...)
		o.end(b, 1)
	}
	gs := [4]int64{o.gRunning, o.gRunnable, o.gWaiting, o.gSyscall}
	if first || gs != o.lastG {
		o.lastG = gs
		b := o.begin()
		b = append(b, `{"ph":"C","name":"goroutines"`...)
		b = o.appendWhere(b, PidScheduler, 0, t)
		b = append(b, `,"args":{"running":`...)
		b = strconv.AppendInt(b, gs[0], 10)
		b = append(b, `,"runnable":`...)
		b = strconv.AppendInt(b, gs[1], 10)
		b = append(b, `,"waiting":`...)
		b = strconv.AppendInt(b, gs[2], 10)
		b = append(b, `,"syscall":`...)
		b = strconv.AppendInt(b, gs[3], 10)
		b = append(b, "}}"...)
		o.end(b, 1)
	}
	l.GlobalRunq, l.Idleprocs, l.Gomaxprocs, l.Spinning = c.GlobalRunq, c.Idleprocs, c.Gomaxprocs, c.Spinning
}

func (o *Observer) counter(pid int, name string, t int64, key string, v int64) {
	o.counter2(pid, name, t, key, v, "", 0)
}

// counter2 writes a counter event with one series (k2 == "") or two.
func (o *Observer) counter2(pid int, name string, t int64, k1 string, v1 int64, k2 string, v2 int64) {
	b := o.begin()
	b = append(b, `{"ph":"C","name":`...)
	b = appendQuote(b, name)
	b = o.appendWhere(b, pid, 0, t)
	b = append(b, `,"args":{`...)
	b = appendQuote(b, k1)
	b = append(b, ':')
	b = strconv.AppendInt(b, v1, 10)
	if k2 != "" {
		b = append(b, ',')
		b = appendQuote(b, k2)
		b = append(b, ':')
		b = strconv.AppendInt(b, v2, 10)
	}
	b = append(b, "}}"...)
	o.end(b, 1)
}

// complete writes an open slice as an "X" event ending at t and closes it.
func (o *Observer) complete(pid int, tid int64, s *slice, t int64, arg string) {
	s.open = false
	b := o.begin()
	b = append(b, `{"ph":"X","name":`...)
	b = appendQuote(b, s.name)
	b = o.appendWhere(b, pid, tid, s.start)
	b = append(b, `,"dur":`...)
	b = appendMicros(b, t-s.start)
	if s.goid != 0 || s.arg != "" || arg != "" {
		b = append(b, `,"args":{`...)
		sep := false
		if s.goid != 0 {
			b = append(b, `"goid":`...)
			b = strconv.AppendInt(b, s.goid, 10)
			sep = true
		}
		for _, a := range [2]string{s.arg, arg} {
			if a == "" {
				continue
			}
			if sep {
				b = append(b, ',')
			}
			b = append(b, a...)
			sep = true
		}
		b = append(b, '}')
	}
	b = append(b, '}')
	o.end(b, 1)
}

func (o *Observer) instant(pid int, tid, t int64, name, args string) {
	if tid < 0 {
		return
	}
	switch pid {
	case PidPs:
		o.p(int32(tid))
	case PidMs:
		o.m(tid)
	}
	b := o.begin()
	b = append(b, `{"ph":"i","s":"t","name":`...)
	b = appendQuote(b, name)
	b = o.appendWhere(b, pid, tid, t)
	if args != "" {
		b = append(b, `,"args":{`...)
		b = append(b, args...)
		b = append(b, '}')
	}
	b = append(b, '}')
	o.end(b, 1)
}

// finish ends every open slice at t.
func (o *Observer) finish(t int64) {
	for i, p := range o.ps {
		if p != nil {
			if p.inner.open {
				o.complete(PidPs, int64(i), &p.inner, t, `"end":"end of run"`)
			}
			if p.hold.open {
				o.complete(PidPs, int64(i), &p.hold, t, "")
			}
		}
	}
	for i, m := range o.ms {
		if m != nil && m.act.open {
			o.complete(PidMs, int64(i), &m.act, t, `"end":"end of run"`)
		}
	}
	if !o.opts.NoGoroutineTracks {
		// In goroutine ID order, for determinism.
		ids := make([]int64, 0, len(o.gs))
		for id, g := range o.gs {
			if g.state.open {
				ids = append(ids, id)
			}
		}
		slices.Sort(ids)
		for _, id := range ids {
			o.complete(PidGoroutines, id, &o.gs[id].state, t, "")
		}
	}
}

func (o *Observer) meta(pid int, tid int64, what, name string) {
	b := o.begin()
	b = append(b, `{"ph":"M","name":"`...)
	b = append(b, what...)
	b = append(b, `","pid":`...)
	b = strconv.AppendInt(b, int64(pid), 10)
	b = append(b, `,"tid":`...)
	b = strconv.AppendInt(b, tid, 10)
	b = append(b, `,"args":{"name":`...)
	b = appendQuote(b, name)
	b = append(b, "}}"...)
	o.end(b, 1)
}

func (o *Observer) metaInt(pid int, tid int64, what string, v int64) {
	b := o.begin()
	b = append(b, `{"ph":"M","name":"`...)
	b = append(b, what...)
	b = append(b, `","pid":`...)
	b = strconv.AppendInt(b, int64(pid), 10)
	b = append(b, `,"tid":`...)
	b = strconv.AppendInt(b, tid, 10)
	b = append(b, `,"args":{"sort_index":`...)
	b = strconv.AppendInt(b, v, 10)
	b = append(b, "}}"...)
	o.end(b, 1)
}

func (o *Observer) appendWhere(b []byte, pid int, tid, t int64) []byte {
	b = append(b, `,"pid":`...)
	b = strconv.AppendInt(b, int64(pid), 10)
	b = append(b, `,"tid":`...)
	b = strconv.AppendInt(b, tid, 10)
	b = append(b, `,"ts":`...)
	return appendMicros(b, t)
}

// begin starts an event in the scratch buffer; end writes it.
func (o *Observer) begin() []byte {
	b := o.buf[:0]
	if o.nEvents > 0 {
		b = append(b, ",\n"...)
	} else {
		b = append(b, '\n')
	}
	return b
}

func (o *Observer) end(b []byte, n int64) {
	o.buf = b
	o.nEvents += n
	if o.err == nil {
		if _, err := o.bw.Write(b); err != nil {
			o.err = err
		}
	}
}

func (o *Observer) raw(s string) {
	if o.err == nil {
		if _, err := o.bw.WriteString(s); err != nil {
			o.err = err
		}
	}
}

// appendMicros appends ns as microseconds with three decimals.
func appendMicros(b []byte, ns int64) []byte {
	if ns < 0 {
		b = append(b, '-')
		ns = -ns
	}
	b = strconv.AppendInt(b, ns/1000, 10)
	if r := ns % 1000; r != 0 {
		b = append(b, '.', byte('0'+r/100), byte('0'+r/10%10), byte('0'+r%10))
	}
	return b
}

func quote(s string) string { return string(appendQuote(nil, s)) }

// appendQuote appends s as a JSON string.
func appendQuote(b []byte, s string) []byte {
	const hex = "0123456789abcdef"
	b = append(b, '"')
	for i := 0; i < len(s); {
		c := s[i]
		if c >= 0x20 && c != '"' && c != '\\' && c < utf8.RuneSelf {
			b = append(b, c)
			i++
			continue
		}
		if c < utf8.RuneSelf {
			switch c {
			case '"', '\\':
				b = append(b, '\\', c)
			case '\n':
				b = append(b, '\\', 'n')
			case '\t':
				b = append(b, '\\', 't')
			default:
				b = append(b, '\\', 'u', '0', '0', hex[c>>4], hex[c&0xf])
			}
			i++
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		if r == utf8.RuneError && size == 1 {
			b = append(b, `\ufffd`...)
		} else {
			b = append(b, s[i:i+size]...)
		}
		i += size
	}
	return append(b, '"')
}
