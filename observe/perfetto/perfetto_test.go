package perfetto_test

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"sort"
	"strconv"
	"strings"
	"testing"

	"github.com/gmplab/gmp"
	"github.com/gmplab/gmp/internal/rt"
	"github.com/gmplab/gmp/observe"
	"github.com/gmplab/gmp/observe/internal/testprog"
	"github.com/gmplab/gmp/observe/perfetto"
	"github.com/gmplab/gmp/scenarios"
)

// event is one trace event, with times in exact nanoseconds.
type event struct {
	Ph, Name, Cat, Bp string
	Pid               int
	Tid               int64
	Ts, Dur           int64
	ID                uint64
	Args              map[string]any
}

// parse decodes the JSON and checks its framing.
func parse(t *testing.T, data []byte) []event {
	t.Helper()
	// One Unmarshal of the whole document: Ts and Dur as json.Number so
	// that their decimals convert to exact nanoseconds.
	var doc struct {
		DisplayTimeUnit string `json:"displayTimeUnit"`
		TraceEvents     []struct {
			Ph, Name, Cat, Bp string
			Pid               int
			Tid               int64
			Ts, Dur           json.Number
			ID                uint64
			Args              map[string]any
		} `json:"traceEvents"`
	}
	if err := json.Unmarshal(data, &doc); err != nil {
		t.Fatalf("invalid JSON (%d bytes): %v; it ends with %q", len(data), err, tail(data))
	}
	out := make([]event, 0, len(doc.TraceEvents))
	for _, e := range doc.TraceEvents {
		out = append(out, event{Ph: e.Ph, Name: e.Name, Cat: e.Cat, Bp: e.Bp, Pid: e.Pid, Tid: e.Tid,
			Ts: nanos(t, e.Ts), Dur: nanos(t, e.Dur), ID: e.ID, Args: e.Args})
	}
	return out
}

func tail(b []byte) []byte { return b[max(0, len(b)-40):] }

// nanos converts a JSON microsecond count with up to 3 decimals to ns
// exactly.
func nanos(t *testing.T, n json.Number) int64 {
	s := string(n)
	if s == "" {
		return 0
	}
	whole, frac, _ := strings.Cut(s, ".")
	if len(frac) > 3 {
		t.Fatalf("time %s has more than ns precision", s)
	}
	frac += strings.Repeat("0", 3-len(frac))
	w, err1 := strconv.ParseInt(whole, 10, 64)
	f, err2 := strconv.ParseInt(frac, 10, 64)
	if err1 != nil || err2 != nil {
		t.Fatalf("bad time %q", s)
	}
	return w*1000 + f
}

type track struct {
	pid int
	tid int64
}

// checkStructure checks what a viewer relies on: slices on a track nest,
// every flow has both ends, and the ends bind to a slice.
func checkStructure(t *testing.T, label string, evs []event) (names map[track]string, counters map[string]int) {
	t.Helper()
	names = map[track]string{}
	counters = map[string]int{}
	slices := map[track][]event{}
	flows := map[uint64][2]*event{}
	for i := range evs {
		e := &evs[i]
		switch e.Ph {
		case "M":
			if e.Name == "thread_name" {
				names[track{e.Pid, e.Tid}] = e.Args["name"].(string)
			}
			if e.Name == "process_name" {
				names[track{e.Pid, -1}] = e.Args["name"].(string)
			}
		case "X":
			if e.Dur < 0 {
				t.Fatalf("%s: negative duration: %+v", label, *e)
			}
			slices[track{e.Pid, e.Tid}] = append(slices[track{e.Pid, e.Tid}], *e)
		case "C":
			counters[e.Name]++
		case "s":
			f := flows[e.ID]
			f[0] = e
			flows[e.ID] = f
		case "f":
			f := flows[e.ID]
			f[1] = e
			flows[e.ID] = f
			if e.Bp != "e" {
				t.Errorf("%s: flow end without bp=e: %+v", label, *e)
			}
		case "i":
		default:
			t.Fatalf("%s: unexpected phase %q", label, e.Ph)
		}
	}
	for tr, sl := range slices {
		if names[tr] == "" {
			t.Errorf("%s: slices on unnamed track %v", label, tr)
		}
		sort.SliceStable(sl, func(i, j int) bool {
			if sl[i].Ts != sl[j].Ts {
				return sl[i].Ts < sl[j].Ts
			}
			return sl[i].Dur > sl[j].Dur
		})
		var stack []event
		for _, s := range sl {
			for len(stack) > 0 && stack[len(stack)-1].Ts+stack[len(stack)-1].Dur <= s.Ts && !(stack[len(stack)-1].Dur == 0 && stack[len(stack)-1].Ts == s.Ts) {
				stack = stack[:len(stack)-1]
			}
			if len(stack) > 0 {
				p := stack[len(stack)-1]
				if s.Ts+s.Dur > p.Ts+p.Dur {
					t.Errorf("%s: track %v: slice %q [%d,%d] overlaps %q [%d,%d] without nesting",
						label, tr, s.Name, s.Ts, s.Ts+s.Dur, p.Name, p.Ts, p.Ts+p.Dur)
					break
				}
			}
			stack = append(stack, s)
		}
		slices[tr] = sl
	}
	// Depth-0 slices of each track, to find the one enclosing a time.
	tops := map[track][]event{}
	for tr, sl := range slices {
		var top []event
		for _, s := range sl {
			if n := len(top); n == 0 || s.Ts >= top[n-1].Ts+top[n-1].Dur {
				top = append(top, s)
			}
		}
		tops[tr] = top
	}
	enclosing := func(tr track, ts int64) bool {
		top := tops[tr]
		i := sort.Search(len(top), func(i int) bool { return top[i].Ts+top[i].Dur >= ts })
		return i < len(top) && top[i].Ts <= ts
	}
	for id, f := range flows {
		if f[0] == nil || f[1] == nil {
			t.Fatalf("%s: flow %d has only one end", label, id)
		}
		if f[1].Ts < f[0].Ts {
			t.Errorf("%s: flow %d goes back in time", label, id)
		}
		if !enclosing(track{f[1].Pid, f[1].Tid}, f[1].Ts) {
			t.Errorf("%s: flow %d (%s) ends outside any slice", label, id, f[1].Name)
		}
		if f[0].Name == "go" && !enclosing(track{f[0].Pid, f[0].Tid}, f[0].Ts) {
			t.Errorf("%s: flow %d (go) starts outside any slice", label, id)
		}
	}
	return names, counters
}

// counting counts the runtime's events.
type counting struct{ n [64]int }

func (c *counting) Event(ev *rt.Event) { c.n[ev.Kind]++ }

func run(t *testing.T, cfg gmp.Config, main func(), opts perfetto.Options) ([]byte, *counting, *gmp.Result, error) {
	t.Helper()
	var buf bytes.Buffer
	obs := perfetto.New(&buf, opts)
	c := &counting{}
	cfg.Observers = append(cfg.Observers, obs, c)
	res, err := gmp.Run(cfg, main)
	if e := obs.Close(); e != nil {
		t.Fatal(e)
	}
	return buf.Bytes(), c, res, err
}

func checkRun(t *testing.T, label string, data []byte, c *counting, res *gmp.Result, goroutineTracks bool) {
	t.Helper()
	evs := parse(t, data)
	names, counters := checkStructure(t, label, evs)
	for _, want := range []string{"Ps", "Ms (threads)", "Scheduler"} {
		found := false
		for tr, n := range names {
			found = found || (tr.tid == -1 && n == want)
		}
		if !found {
			t.Errorf("%s: no process %q", label, want)
		}
	}
	for i := range res.Procs {
		if names[track{perfetto.PidPs, int64(i)}] != fmt.Sprintf("P%d", i) {
			t.Errorf("%s: no track P%d", label, i)
		}
		if counters[fmt.Sprintf("P%d runq", i)] == 0 {
			t.Errorf("%s: no run queue counter for P%d", label, i)
		}
	}
	if names[track{perfetto.PidMs, 0}] != "M0" {
		t.Errorf("%s: no track M0", label)
	}
	for _, want := range []string{"global runq", "Ps", "spinning Ms", "threads", "goroutines"} {
		if counters[want] == 0 {
			t.Errorf("%s: no counter %q", label, want)
		}
	}
	// A goroutine slice on a P track per GoStart (and per return from a
	// syscall that kept the P).
	var gSlices, gStates int
	for _, e := range evs {
		if e.Ph == "X" && e.Pid == perfetto.PidPs && strings.HasPrefix(e.Name, "G") {
			gSlices++
		}
		if e.Ph == "X" && e.Pid == perfetto.PidGoroutines && e.Name == "running" {
			gStates++
		}
	}
	if want := c.n[rt.EvGoStart] + c.n[rt.EvGoSyscallEnd]; gSlices != want {
		t.Errorf("%s: %d goroutine slices on P tracks, want %d", label, gSlices, want)
	}
	if goroutineTracks {
		if want := c.n[rt.EvGoStart] + c.n[rt.EvGoSyscallEnd]; gStates != want {
			t.Errorf("%s: %d running states on goroutine tracks, want %d", label, gStates, want)
		}
		if names[track{perfetto.PidGoroutines, 1}] != "G1 runtime.main" {
			t.Errorf("%s: goroutine 1 is named %q", label, names[track{perfetto.PidGoroutines, 1}])
		}
	}
}

func TestPrograms(t *testing.T) {
	for _, p := range testprog.All() {
		for _, c := range testprog.Configs() {
			t.Run(p.Name+"/"+c.Name, func(t *testing.T) {
				data, cnt, res, err := run(t, c.Config, p.Main, perfetto.Options{Format: perfetto.JSON})
				if (err != nil) != (p.End != "exit") {
					t.Fatalf("run ended with %v, want %s", err, p.End)
				}
				checkRun(t, p.Name, data, cnt, res, true)
				if p.End != "exit" && !bytes.Contains(data, []byte(`"end: `+p.End+`"`)) {
					t.Errorf("no end instant for %s", p.End)
				}
			})
		}
	}
}

func TestScenarios(t *testing.T) {
	for _, sc := range scenarios.All() {
		t.Run(sc.Name, func(t *testing.T) {
			type out struct {
				buf bytes.Buffer
				obs *perfetto.Observer
				c   *counting
			}
			var outs []*out
			opts := perfetto.Options{Format: perfetto.JSON, NoGoroutineTracks: sc.Name == "spawn100k"}
			r := &scenarios.Runner{Out: io.Discard, Diag: io.Discard}
			r.Prepare = func(label string, c *gmp.Config) {
				o := &out{c: &counting{}}
				o.obs = perfetto.New(&o.buf, opts)
				c.Observers = []observe.Observer{o.obs, o.c}
				outs = append(outs, o)
			}
			if err := sc.Run(r); err != nil {
				t.Fatal(err)
			}
			for i, o := range outs {
				if err := o.obs.Err(); err != nil {
					t.Fatal(err)
				}
				if sc.Name == "spawn100k" {
					// 1.5M events, 170 MB: decoding it all would take the
					// test's whole time budget; the smaller runs check the
					// structure.
					if !json.Valid(o.buf.Bytes()) {
						t.Fatalf("invalid JSON, ends with %q", tail(o.buf.Bytes()))
					}
					continue
				}
				checkRun(t, sc.Name+"/"+r.Runs[i].Label, o.buf.Bytes(), o.c, r.Runs[i].Result, !opts.NoGoroutineTracks)
			}
		})
	}
}

func TestFlows(t *testing.T) {
	data, _, _, err := run(t, gmp.Config{Procs: 4, Seed: 1}, testprog.Mixed, perfetto.Options{Format: perfetto.JSON})
	if err != nil {
		t.Fatal(err)
	}
	kinds := map[string]int{}
	for _, e := range parse(t, data) {
		if e.Ph == "s" {
			kinds[e.Name]++
		}
	}
	for _, k := range []string{"go", "unblock"} {
		if kinds[k] == 0 {
			t.Errorf("no %q flows (flows: %v)", k, kinds)
		}
	}
	// workstealing steals.
	sc, _ := scenarios.Lookup("workstealing")
	var buf bytes.Buffer
	r := &scenarios.Runner{Out: io.Discard, Diag: io.Discard}
	r.Prepare = func(label string, c *gmp.Config) {
		if label == "go" {
			c.Observers = append(c.Observers, perfetto.New(&buf, perfetto.Options{Format: perfetto.JSON}))
		}
	}
	if err := sc.Run(r); err != nil {
		t.Fatal(err)
	}
	steals := 0
	for _, e := range parse(t, buf.Bytes()) {
		if e.Ph == "s" && e.Name == "steal" {
			steals++
		}
	}
	if want := int(r.Runs[0].Result.Stats.Steals); steals != want {
		t.Errorf("%d steal flows, want one per steal (%d)", steals, want)
	}
}

func TestDeterministic(t *testing.T) {
	for _, p := range testprog.All() {
		var out [2][]byte
		for i := range out {
			out[i], _, _, _ = run(t, gmp.Config{Procs: 3, Seed: 11}, p.Main, perfetto.Options{Format: perfetto.JSON})
		}
		if !bytes.Equal(out[0], out[1]) {
			t.Errorf("%s: same seed, different JSON", p.Name)
		}
	}
}

type failAfter struct{ n int }

func (f *failAfter) Write(p []byte) (int, error) {
	if f.n -= len(p); f.n < 0 {
		return 0, io.ErrShortWrite
	}
	return len(p), nil
}

func TestWriteError(t *testing.T) {
	obs := perfetto.New(&failAfter{n: 1000}, perfetto.Options{})
	gmp.Run(gmp.Config{Observers: []observe.Observer{obs}}, testprog.Mixed)
	if obs.Close() == nil {
		t.Fatal("no error from a failing writer")
	}
}
