package perfetto

import (
	"io"
	"strconv"
	"unicode/utf8"
)

// jsonEncoder writes Chrome trace-event JSON: "X" (complete) events for
// slices, written when they end; "s"/"f" pairs for flows, written when
// they end; "i" instants; "C" counters; "M" metadata naming the tracks.
type jsonEncoder struct {
	w       io.Writer
	e       error
	out     []byte // output not yet written to w
	nEvents int64
}

//go:norace
func newJSONEncoder(w io.Writer, opts Options) *jsonEncoder {
	e := &jsonEncoder{w: w, out: make([]byte, 0, outSize+outSlack)}
	e.raw(`{"displayTimeUnit":"ns","otherData":{"generator":"gmp (github.com/gmplab/gmp)","clock":"virtual"},"traceEvents":[`)
	e.meta(PidPs, 0, "process_name", text("Ps"))
	e.meta(PidMs, 0, "process_name", text("Ms (threads)"))
	e.meta(PidScheduler, 0, "process_name", text("Scheduler"))
	e.metaInt(PidScheduler, 0, "process_sort_index", 0)
	e.metaInt(PidPs, 0, "process_sort_index", 1)
	e.metaInt(PidMs, 0, "process_sort_index", 2)
	if !opts.NoGoroutineTracks {
		e.meta(PidGoroutines, 0, "process_name", text("Goroutines"))
		e.metaInt(PidGoroutines, 0, "process_sort_index", 3)
	}
	return e
}

//go:norace
func (e *jsonEncoder) err() error { return e.e }

//go:norace
func (e *jsonEncoder) written() int64 { return e.nEvents }

// pid returns the JSON process and thread of a track.
//
//go:norace
func pid(tr trackRef) (int, int64) {
	switch tr.kind {
	case tP:
		return PidPs, tr.id
	case tM:
		return PidMs, tr.id
	case tG:
		return PidGoroutines, tr.id
	}
	return PidScheduler, 0
}

//go:norace
func (e *jsonEncoder) declare(tr trackRef, name label) {
	p, tid := pid(tr)
	e.meta(p, tid, "thread_name", name)
	if name.kind != lSysmon { // a rename keeps its place
		e.metaInt(p, tid, "thread_sort_index", tid)
	}
}

// begin writes the flows that end at the slice; the slice itself is
// written when it ends.
//
//go:norace
func (e *jsonEncoder) begin(tr trackRef, t int64, s *slice, flows *pendingFlows) {
	if flows == nil {
		return
	}
	p, tid := pid(tr)
	for i := range flows.n {
		f := flows.get(i)
		sp, stid := pid(f.src)
		b := e.begin0()
		b = append(b, `{"ph":"s","cat":"sched","name":`...)
		b = appendQuote(b, f.name)
		b = append(b, `,"id":`...)
		b = strconv.AppendUint(b, f.id, 10)
		b = appendWhere(b, sp, stid, f.ts)
		b = append(b, "},\n"...)
		b = append(b, `{"ph":"f","bp":"e","cat":"sched","name":`...)
		b = appendQuote(b, f.name)
		b = append(b, `,"id":`...)
		b = strconv.AppendUint(b, f.id, 10)
		b = appendWhere(b, p, tid, t)
		b = append(b, '}')
		e.end0(b, 2)
	}
}

// end writes the slice as an "X" event.
//
//go:norace
func (e *jsonEncoder) end(tr trackRef, t int64, s *slice, a arg) {
	p, tid := pid(tr)
	b := e.begin0()
	b = append(b, `{"ph":"X","name":`...)
	b = appendQuotedLabel(b, s.name)
	b = appendWhere(b, p, tid, s.start)
	b = append(b, `,"dur":`...)
	b = appendMicros(b, t-s.start)
	if s.goid != 0 || s.args[0].kind != aNone || a.kind != aNone {
		b = append(b, `,"args":{`...)
		sep := false
		if s.goid != 0 {
			b = append(b, `"goid":`...)
			b = strconv.AppendInt(b, s.goid, 10)
			sep = true
		}
		for _, x := range [3]arg{s.args[0], s.args[1], a} {
			if x.kind == aNone {
				continue
			}
			if sep {
				b = append(b, ',')
			}
			b = appendArg(b, x)
			sep = true
		}
		b = append(b, '}')
	}
	b = append(b, '}')
	e.end0(b, 1)
}

//go:norace
func (e *jsonEncoder) instant(tr trackRef, t int64, name label, args [2]arg) {
	p, tid := pid(tr)
	b := e.begin0()
	b = append(b, `{"ph":"i","s":"t","name":`...)
	b = appendQuotedLabel(b, name)
	b = appendWhere(b, p, tid, t)
	if args[0].kind != aNone {
		b = append(b, `,"args":{`...)
		b = appendArg(b, args[0])
		if args[1].kind != aNone {
			b = append(b, ',')
			b = appendArg(b, args[1])
		}
		b = append(b, '}')
	}
	b = append(b, '}')
	e.end0(b, 1)
}

// flowStart writes nothing: both ends of a flow are written where it
// ends, so that no arrow dangles.
//
//go:norace
func (e *jsonEncoder) flowStart(*flow) {}

// jsonCounters are the Scheduler's counters: a "C" event each, with its
// series as args.
var jsonCounters = [...]struct {
	name   string
	keys   []string
	series []int
}{
	{"global runq", []string{"len"}, []int{sGlobalRunq}},
	{"Ps", []string{"idle", "busy"}, []int{sIdlePs, sBusyPs}},
	{"spinning Ms", []string{"value"}, []int{sSpinning}},
	{"threads", []string{"total", "idle", "in syscall"}, []int{sThreads, sIdleThreads, sSyscallThreads}},
	{"goroutines", []string{"running", "runnable", "waiting", "syscall"}, []int{sGRunning, sGRunnable, sGWaiting, sGSyscall}},
}

// counters writes a "C" event for each counter with a changed series:
// the Ps' run queues, then the Scheduler's.
//
//go:norace
func (e *jsonEncoder) counters(t int64, cur, last []int64) {
	for i := numSched; i < len(cur); i++ {
		if cur[i] == last[i] {
			continue
		}
		b := e.begin0()
		b = append(b, `{"ph":"C","name":`...)
		b = appendQuotedLabel(b, label{kind: lRunq, n: int64(i - numSched)})
		b = appendWhere(b, PidPs, 0, t)
		b = append(b, `,"args":{"len":`...)
		b = strconv.AppendInt(b, cur[i], 10)
		b = append(b, "}}"...)
		e.end0(b, 1)
	}
	for _, c := range jsonCounters {
		changed := false
		for _, s := range c.series {
			changed = changed || cur[s] != last[s]
		}
		if !changed {
			continue
		}
		b := e.begin0()
		b = append(b, `{"ph":"C","name":`...)
		b = appendQuote(b, c.name)
		b = appendWhere(b, PidScheduler, 0, t)
		b = append(b, `,"args":{`...)
		for i, s := range c.series {
			if i > 0 {
				b = append(b, ',')
			}
			b = appendQuote(b, c.keys[i])
			b = append(b, ':')
			b = strconv.AppendInt(b, cur[s], 10)
		}
		b = append(b, "}}"...)
		e.end0(b, 1)
	}
}

//go:norace
func (e *jsonEncoder) close() error {
	e.raw("\n]}\n")
	e.flush()
	return e.e
}

//go:norace
func (e *jsonEncoder) flush() {
	if len(e.out) > 0 && e.e == nil {
		if _, err := e.w.Write(e.out); err != nil {
			e.e = err
		}
	}
	e.out = e.out[:0]
}

//go:norace
func (e *jsonEncoder) meta(pid int, tid int64, what string, name label) {
	b := e.begin0()
	b = append(b, `{"ph":"M","name":"`...)
	b = append(b, what...)
	b = append(b, `","pid":`...)
	b = strconv.AppendInt(b, int64(pid), 10)
	b = append(b, `,"tid":`...)
	b = strconv.AppendInt(b, tid, 10)
	b = append(b, `,"args":{"name":`...)
	b = appendQuotedLabel(b, name)
	b = append(b, "}}"...)
	e.end0(b, 1)
}

//go:norace
func (e *jsonEncoder) metaInt(pid int, tid int64, what string, v int64) {
	b := e.begin0()
	b = append(b, `{"ph":"M","name":"`...)
	b = append(b, what...)
	b = append(b, `","pid":`...)
	b = strconv.AppendInt(b, int64(pid), 10)
	b = append(b, `,"tid":`...)
	b = strconv.AppendInt(b, tid, 10)
	b = append(b, `,"args":{"sort_index":`...)
	b = strconv.AppendInt(b, v, 10)
	b = append(b, "}}"...)
	e.end0(b, 1)
}

//go:norace
func appendWhere(b []byte, pid int, tid, t int64) []byte {
	b = append(b, `,"pid":`...)
	b = strconv.AppendInt(b, int64(pid), 10)
	b = append(b, `,"tid":`...)
	b = strconv.AppendInt(b, tid, 10)
	b = append(b, `,"ts":`...)
	return appendMicros(b, t)
}

// appendArg appends `"key":value`.
//
//go:norace
func appendArg(b []byte, a arg) []byte {
	b = appendQuote(b, argKeys[a.key])
	b = append(b, ':')
	switch a.kind {
	case aInt:
		return strconv.AppendInt(b, a.n, 10)
	case aBool:
		return strconv.AppendBool(b, a.n != 0)
	case aTakenBy:
		b = append(b, `"taken by M`...)
		b = strconv.AppendInt(b, a.n, 10)
		return append(b, '"')
	}
	return appendQuote(b, a.s)
}

// begin0 starts an event in the output buffer; end0 completes it.
//
//go:norace
func (e *jsonEncoder) begin0() []byte {
	b := e.out
	if e.nEvents > 0 {
		b = append(b, ",\n"...)
	} else {
		b = append(b, '\n')
	}
	return b
}

//go:norace
func (e *jsonEncoder) end0(b []byte, n int64) {
	e.out = b
	e.nEvents += n
	if len(b) >= outSize {
		e.flush()
	}
}

//go:norace
func (e *jsonEncoder) raw(s string) {
	e.out = append(e.out, s...)
}

// appendMicros appends ns as microseconds with three decimals.
//
//go:norace
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

// appendQuotedLabel appends l's text as a JSON string.
//
//go:norace
func appendQuotedLabel(b []byte, l label) []byte {
	b = append(b, '"')
	b = appendLabel(b, l, appendEscaped)
	return append(b, '"')
}

// appendQuote appends s as a JSON string.
//
//go:norace
func appendQuote(b []byte, s string) []byte {
	b = append(b, '"')
	b = appendEscaped(b, s)
	return append(b, '"')
}

// appendEscaped appends s escaped for a JSON string, without the quotes.
//
//go:norace
func appendEscaped(b []byte, s string) []byte {
	const hex = "0123456789abcdef"
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
	return b
}
