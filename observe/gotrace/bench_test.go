package gotrace_test

import (
	"testing"
	"time"

	"github.com/gmplab/gmp/observe/gotrace"
)

// recording is a sim's calls, kept so the benchmark times only the Writer.
type recording struct {
	ops    []op
	frames [][]gotrace.Frame
	events int // event calls (not declarations or stacks)
}

type op struct {
	kind      string
	ts, m, g  int64
	p         int32
	n         int
	s1, s2    uint64
	str, str2 string
}

func (r *recording) add(o op) {
	r.ops = append(r.ops, o)
	r.events++
}

func (r *recording) Stack(f []gotrace.Frame) uint64 {
	r.frames = append(r.frames, f) // sims intern each stack once, so IDs count up
	return uint64(len(r.frames))
}
func (r *recording) ProcsChange(ts, m int64, n int, s uint64) {
	r.add(op{kind: "ProcsChange", ts: ts, m: m, n: n, s1: s})
}
func (r *recording) ProcStart(ts, m int64, p int32) { r.add(op{kind: "ProcStart", ts: ts, m: m, p: p}) }
func (r *recording) ProcStop(ts, m int64)           { r.add(op{kind: "ProcStop", ts: ts, m: m}) }
func (r *recording) ProcSteal(ts, m int64, p int32, v int64) {
	r.add(op{kind: "ProcSteal", ts: ts, m: m, p: p, g: v})
}
func (r *recording) GoCreate(ts, m, g int64, s1, s2 uint64) {
	r.add(op{kind: "GoCreate", ts: ts, m: m, g: g, s1: s1, s2: s2})
}
func (r *recording) GoStart(ts, m, g int64) { r.add(op{kind: "GoStart", ts: ts, m: m, g: g}) }
func (r *recording) GoStop(ts, m int64, reason string, s uint64) {
	r.add(op{kind: "GoStop", ts: ts, m: m, str: reason, s1: s})
}
func (r *recording) GoBlock(ts, m int64, reason string, s uint64) {
	r.add(op{kind: "GoBlock", ts: ts, m: m, str: reason, s1: s})
}
func (r *recording) GoUnblock(ts, m, g int64, s uint64) {
	r.add(op{kind: "GoUnblock", ts: ts, m: m, g: g, s1: s})
}
func (r *recording) GoDestroy(ts, m int64)    { r.add(op{kind: "GoDestroy", ts: ts, m: m}) }
func (r *recording) GoSyscallEnd(ts, m int64) { r.add(op{kind: "GoSyscallEnd", ts: ts, m: m}) }
func (r *recording) GoSyscallBegin(ts, m int64, s uint64) {
	r.add(op{kind: "GoSyscallBegin", ts: ts, m: m, s1: s})
}
func (r *recording) GoSyscallEndBlocked(ts, m int64) {
	r.add(op{kind: "GoSyscallEndBlocked", ts: ts, m: m})
}
func (r *recording) UserLog(ts, m int64, c, msg string, s uint64) {
	r.add(op{kind: "UserLog", ts: ts, m: m, str: c, str2: msg, s1: s})
}
func (r *recording) GoroutineExists(g int64, st gotrace.GoStatus, m int64, s uint64) {
	r.ops = append(r.ops, op{kind: "GoroutineExists", g: g, n: int(st), m: m, s1: s})
}
func (r *recording) ProcExists(p int32, st gotrace.ProcStatus, m int64) {
	r.ops = append(r.ops, op{kind: "ProcExists", p: p, n: int(st), m: m})
}

func (r *recording) replay(w *gotrace.Writer) {
	for _, f := range r.frames {
		w.Stack(f)
	}
	for i := range r.ops {
		o := &r.ops[i]
		switch o.kind {
		case "ProcsChange":
			w.ProcsChange(o.ts, o.m, o.n, o.s1)
		case "ProcStart":
			w.ProcStart(o.ts, o.m, o.p)
		case "ProcStop":
			w.ProcStop(o.ts, o.m)
		case "ProcSteal":
			w.ProcSteal(o.ts, o.m, o.p, o.g)
		case "GoCreate":
			w.GoCreate(o.ts, o.m, o.g, o.s1, o.s2)
		case "GoStart":
			w.GoStart(o.ts, o.m, o.g)
		case "GoStop":
			w.GoStop(o.ts, o.m, o.str, o.s1)
		case "GoBlock":
			w.GoBlock(o.ts, o.m, o.str, o.s1)
		case "GoUnblock":
			w.GoUnblock(o.ts, o.m, o.g, o.s1)
		case "GoDestroy":
			w.GoDestroy(o.ts, o.m)
		case "GoSyscallBegin":
			w.GoSyscallBegin(o.ts, o.m, o.s1)
		case "GoSyscallEnd":
			w.GoSyscallEnd(o.ts, o.m)
		case "GoSyscallEndBlocked":
			w.GoSyscallEndBlocked(o.ts, o.m)
		case "UserLog":
			w.UserLog(o.ts, o.m, o.str, o.str2, o.s1)
		case "GoroutineExists":
			w.GoroutineExists(o.g, gotrace.GoStatus(o.n), o.m, o.s1)
		case "ProcExists":
			w.ProcExists(o.p, gotrace.ProcStatus(o.n), o.m)
		}
	}
}

type countWriter struct{ n int }

func (c *countWriter) Write(p []byte) (int, error) { c.n += len(p); return len(p), nil }

// BenchmarkWriter replays a recorded random schedule of 8 threads (about
// 200k events) and reports the Writer's cost and output size per event
// call, tables and statuses included.
func BenchmarkWriter(b *testing.B) {
	rec := &recording{}
	s := newSim(rec, 1, 8)
	for range 300_000 {
		s.step()
	}
	for _, bc := range []struct {
		name string
		opts gotrace.Options
	}{{"default", gotrace.Options{}}, {"gen=10k", gotrace.Options{GenerationEvents: 10_000}}} {
		b.Run(bc.name, func(b *testing.B) {
			var out countWriter
			start := time.Now()
			for b.Loop() {
				out.n = 0
				w := gotrace.NewWriter(&out, bc.opts)
				rec.replay(w)
				if err := w.Close(); err != nil {
					b.Fatal(err)
				}
			}
			events := float64(b.N * rec.events)
			b.ReportMetric(float64(time.Since(start).Nanoseconds())/events, "ns/event")
			b.ReportMetric(float64(out.n)/float64(rec.events), "bytes/event")
		})
	}
}

// TestRecordingReplays checks the benchmark's input is a valid trace.
func TestRecordingReplays(t *testing.T) {
	rec := &recording{}
	s := newSim(rec, 1, 8)
	for range 20_000 {
		s.step()
	}
	var out countWriter
	w := gotrace.NewWriter(&out, gotrace.Options{})
	rec.replay(w)
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
}
