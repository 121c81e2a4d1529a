package perfetto_test

import (
	"bytes"
	"fmt"
	"io"
	"sort"
	"strings"
	"testing"

	"github.com/gmplab/gmp"
	"github.com/gmplab/gmp/internal/rt"
	"github.com/gmplab/gmp/observe"
	"github.com/gmplab/gmp/observe/internal/testprog"
	"github.com/gmplab/gmp/observe/perfetto"
	"github.com/gmplab/gmp/scenarios"
)

// both is one run written in both formats.
type both struct {
	proto, json []byte
	c           *counting
	res         *gmp.Result
	err         error
}

// runBoth runs main with a Proto and a JSON observer.
func runBoth(t *testing.T, cfg gmp.Config, main func(), opts perfetto.Options) *both {
	t.Helper()
	var pb, jb bytes.Buffer
	popts, jopts := opts, opts
	popts.Format, jopts.Format = perfetto.Proto, perfetto.JSON
	po, jo := perfetto.New(&pb, popts), perfetto.New(&jb, jopts)
	c := &counting{}
	cfg.Observers = append(cfg.Observers, po, jo, c)
	res, err := gmp.Run(cfg, main)
	for _, o := range []*perfetto.Observer{po, jo} {
		if e := o.Close(); e != nil {
			t.Fatal(e)
		}
	}
	return &both{pb.Bytes(), jb.Bytes(), c, res, err}
}

// checkProto decodes a trace and checks what the viewer shows against the
// run's events, as checkRun does for the JSON.
func checkProto(t *testing.T, label string, data []byte, c *counting, res *gmp.Result, goroutineTracks bool) *pTrace {
	t.Helper()
	tr, err := decodeTrace(data)
	if err != nil {
		t.Fatalf("%s: %v", label, err)
	}
	byPath := map[string]*pTrack{}
	for _, u := range tr.Order {
		byPath[tr.path(u)] = tr.Tracks[u]
	}
	for _, g := range []string{"Scheduler", "Ps", "Ms (threads)"} {
		if byPath[g] == nil || byPath[g].order != 3 { // EXPLICIT
			t.Errorf("%s: no group %q with explicit child order", label, g)
		}
	}
	if (byPath["Goroutines"] != nil) != goroutineTracks {
		t.Errorf("%s: goroutine group present: %v, want %v", label, byPath["Goroutines"] != nil, goroutineTracks)
	}
	for i := range res.Procs {
		p, q := byPath[fmt.Sprintf("Ps/P%d", i)], byPath[fmt.Sprintf("Ps/P%d runq", i)]
		if p == nil || p.counter || q == nil || !q.counter {
			t.Errorf("%s: no track or run queue counter for P%d", label, i)
		} else if p.rank != int64(2*i) || q.rank != int64(2*i+1) {
			t.Errorf("%s: P%d and its run queue rank %d and %d", label, i, p.rank, q.rank)
		}
	}
	if byPath["Ms (threads)/M0"] == nil {
		t.Errorf("%s: no track M0", label)
	}
	for _, name := range []string{"global runq", "idle Ps", "busy Ps", "threads", "goroutines running", "goroutines runnable"} {
		if tc := byPath["Scheduler/"+name]; tc == nil || !tc.counter {
			t.Errorf("%s: no counter %q", label, name)
		}
	}
	// Every counter track has values, and consecutive values differ (one
	// sample per change).
	last := map[uint64]int64{}
	seen := map[uint64]bool{}
	for _, cv := range tr.Counters {
		if seen[cv.Track] && last[cv.Track] == cv.Value {
			t.Errorf("%s: counter %q repeats %d at %d", label, tr.path(cv.Track), cv.Value, cv.Ts)
			break
		}
		seen[cv.Track], last[cv.Track] = true, cv.Value
	}
	// A goroutine slice on a P track per GoStart (and per return from a
	// syscall that kept the P), inside a thread's hold of the P.
	var gSlices, gStates int
	for _, s := range tr.Slices {
		path := tr.path(s.Track)
		if strings.HasPrefix(path, "Ps/P") && strings.HasPrefix(s.Name, "G") && !s.Instant {
			gSlices++
			if s.Depth != 1 {
				t.Errorf("%s: %s on %s at depth %d, not inside a hold", label, s.Name, path, s.Depth)
			}
		}
		if strings.HasPrefix(path, "Goroutines/") && s.Name == "running" {
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
		if byPath["Goroutines/G1 runtime.main"] == nil {
			t.Errorf("%s: no track for goroutine 1 named runtime.main", label)
		}
	}
	return tr
}

// compareJSON checks that the protobuf and the JSON of one run show the
// same slices, instants, arrows and counter values. The JSON is checked
// on its own by checkRun, with encoding/json.
func compareJSON(t *testing.T, label string, tr *pTrace, js []byte) {
	t.Helper()
	evs := parse(t, js)
	groups := map[int]string{perfetto.PidPs: "Ps", perfetto.PidMs: "Ms (threads)", perfetto.PidGoroutines: "Goroutines", perfetto.PidScheduler: "Scheduler"}
	names := map[track]string{}
	for _, e := range evs {
		if e.Ph == "M" && e.Name == "thread_name" {
			names[track{e.Pid, e.Tid}] = e.Args["name"].(string)
		}
	}
	jpath := func(pid int, tid int64) string {
		if pid == perfetto.PidScheduler {
			return "Scheduler/events"
		}
		return groups[pid] + "/" + names[track{pid, tid}]
	}
	argString := func(a map[string]any) string {
		keys := make([]string, 0, len(a))
		for k := range a {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		var b strings.Builder
		for _, k := range keys {
			v := a[k]
			if n, ok := v.(int64); ok {
				v = float64(n)
			}
			fmt.Fprintf(&b, "%s=%v;", k, v)
		}
		return b.String()
	}
	count := func(m map[string]int, k string) { m[k]++ }

	// Slices and instants.
	jsl, psl := map[string]int{}, map[string]int{}
	jfl, pfl := map[string]int{}, map[string]int{}
	flowEnds := map[uint64][2]*event{}
	for i := range evs {
		e := &evs[i]
		switch e.Ph {
		case "X":
			count(jsl, fmt.Sprintf("%s|%s|%d|%d|%s", jpath(e.Pid, e.Tid), e.Name, e.Ts, e.Dur, argString(e.Args)))
		case "i":
			count(jsl, fmt.Sprintf("%s|%s|%d|instant|%s", jpath(e.Pid, e.Tid), e.Name, e.Ts, argString(e.Args)))
		case "s", "f":
			f := flowEnds[e.ID]
			f[map[string]int{"s": 0, "f": 1}[e.Ph]] = e
			flowEnds[e.ID] = f
		}
	}
	for _, f := range flowEnds {
		count(jfl, fmt.Sprintf("%s|%s@%d|%s@%d", f[0].Name, jpath(f[0].Pid, f[0].Tid), f[0].Ts, jpath(f[1].Pid, f[1].Tid), f[1].Ts))
	}
	src := map[uint64]*pSlice{}
	for _, s := range tr.Slices {
		if len(s.FlowsOut) > 0 { // an arrow's source: JSON has no instant there
			for _, id := range s.FlowsOut {
				src[id] = s
			}
			continue
		}
		if s.Instant {
			count(psl, fmt.Sprintf("%s|%s|%d|instant|%s", tr.path(s.Track), s.Name, s.Ts, argString(s.Args)))
		} else {
			count(psl, fmt.Sprintf("%s|%s|%d|%d|%s", tr.path(s.Track), s.Name, s.Ts, s.Dur, argString(s.Args)))
		}
	}
	for _, s := range tr.Slices {
		for _, id := range s.FlowsIn {
			f := src[id]
			count(pfl, fmt.Sprintf("%s|%s@%d|%s@%d", f.Name, tr.path(f.Track), f.Ts, tr.path(s.Track), s.Ts))
		}
	}
	diff := func(what string, j, p map[string]int) {
		n := 0
		for k, v := range j {
			if p[k] != v && n < 5 {
				t.Errorf("%s: %s %s: %d in the JSON, %d in the protobuf", label, what, k, v, p[k])
				n++
			}
		}
		for k, v := range p {
			if j[k] == 0 && n < 5 {
				t.Errorf("%s: %s %s: %d in the protobuf only", label, what, k, v)
				n++
			}
		}
	}
	diff("slice", jsl, psl)
	diff("arrow", jfl, pfl)

	// Counters: the JSON writes all series of a counter when one changes.
	series := map[string]string{
		"global runq/len": "global runq", "Ps/idle": "idle Ps", "Ps/busy": "busy Ps",
		"spinning Ms/value": "spinning Ms", "threads/total": "threads", "threads/idle": "idle threads",
		"threads/in syscall": "threads in syscall", "goroutines/running": "goroutines running",
		"goroutines/runnable": "goroutines runnable", "goroutines/waiting": "goroutines waiting",
		"goroutines/syscall": "goroutines in syscall",
	}
	jc := map[string][]string{}
	for _, e := range evs {
		if e.Ph != "C" {
			continue
		}
		keys := make([]string, 0, len(e.Args))
		for k := range e.Args {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		for _, k := range keys {
			name := series[e.Name+"/"+k]
			if strings.HasSuffix(e.Name, " runq") && strings.HasPrefix(e.Name, "P") {
				name = e.Name
			}
			if name == "" {
				t.Fatalf("%s: unknown JSON counter %s/%s", label, e.Name, k)
			}
			v := fmt.Sprintf("%d=%v", e.Ts, e.Args[k])
			if s := jc[name]; len(s) == 0 || !strings.HasSuffix(s[len(s)-1], fmt.Sprintf("=%v", e.Args[k])) {
				jc[name] = append(s, v)
			}
		}
	}
	pc := map[string][]string{}
	for _, cv := range tr.Counters {
		name := tr.Tracks[cv.Track].name
		pc[name] = append(pc[name], fmt.Sprintf("%d=%d", cv.Ts, cv.Value))
	}
	for name, j := range jc {
		if p := pc[name]; strings.Join(p, " ") != strings.Join(j, " ") {
			t.Errorf("%s: counter %q: %d values in the JSON, %d in the protobuf; first JSON values %v, protobuf %v",
				label, name, len(j), len(p), j[:min(len(j), 4)], p[:min(len(p), 4)])
		}
	}
	if len(pc) != len(jc) {
		t.Errorf("%s: %d counters in the protobuf, %d in the JSON", label, len(pc), len(jc))
	}
}

func TestProtoPrograms(t *testing.T) {
	for _, p := range testprog.All() {
		for _, c := range testprog.Configs() {
			t.Run(p.Name+"/"+c.Name, func(t *testing.T) {
				b := runBoth(t, c.Config, p.Main, perfetto.Options{})
				if (b.err != nil) != (p.End != "exit") {
					t.Fatalf("run ended with %v, want %s", b.err, p.End)
				}
				tr := checkProto(t, p.Name, b.proto, b.c, b.res, true)
				checkRun(t, p.Name, b.json, b.c, b.res, true)
				compareJSON(t, p.Name, tr, b.json)
				found := false
				for _, s := range tr.Slices {
					found = found || (s.Instant && s.Name == "end: "+p.End)
				}
				if !found {
					t.Errorf("no end instant for %s", p.End)
				}
			})
		}
	}
}

func TestProtoScenarios(t *testing.T) {
	for _, sc := range scenarios.All() {
		t.Run(sc.Name, func(t *testing.T) {
			type out struct {
				pb, jb bytes.Buffer
				po, jo *perfetto.Observer
				c      *counting
			}
			var outs []*out
			big := sc.Name == "spawn100k"
			r := &scenarios.Runner{Out: io.Discard, Diag: io.Discard}
			r.Prepare = func(label string, c *gmp.Config) {
				o := &out{c: &counting{}}
				o.po = perfetto.New(&o.pb, perfetto.Options{NoGoroutineTracks: big})
				c.Observers = []observe.Observer{o.po, o.c}
				if !big { // 170 MB of JSON would take the test's time budget
					o.jo = perfetto.New(&o.jb, perfetto.Options{Format: perfetto.JSON})
					c.Observers = append(c.Observers, o.jo)
				}
				outs = append(outs, o)
			}
			if err := sc.Run(r); err != nil {
				t.Fatal(err)
			}
			for i, o := range outs {
				if err := o.po.Err(); err != nil {
					t.Fatal(err)
				}
				label := sc.Name + "/" + r.Runs[i].Label
				tr := checkProto(t, label, o.pb.Bytes(), o.c, r.Runs[i].Result, !big)
				if big {
					events := 0
					for _, n := range o.c.n {
						events += n
					}
					t.Logf("%s: %d events, %d bytes of protobuf (%.1f bytes/event), %d packets",
						label, events, o.pb.Len(), float64(o.pb.Len())/float64(events), tr.Packets)
					continue
				}
				compareJSON(t, label, tr, o.jb.Bytes())
			}
		})
	}
}

func TestProtoFlows(t *testing.T) {
	sc, _ := scenarios.Lookup("workstealing")
	var buf bytes.Buffer
	r := &scenarios.Runner{Out: io.Discard, Diag: io.Discard}
	r.Prepare = func(label string, c *gmp.Config) {
		if label == "go" {
			c.Perfetto = &buf // the default format
		}
	}
	if err := sc.Run(r); err != nil {
		t.Fatal(err)
	}
	tr, err := decodeTrace(buf.Bytes())
	if err != nil {
		t.Fatal(err)
	}
	kinds := map[string]int{}
	for _, s := range tr.Slices {
		if len(s.FlowsOut) > 0 {
			kinds[s.Name]++
		}
	}
	if want := int(r.Runs[0].Result.Stats.Steals); kinds["steal"] != want {
		t.Errorf("%d steal arrows, want one per steal (%d)", kinds["steal"], want)
	}
	if kinds["go"] == 0 {
		t.Errorf("no go arrows (%v)", kinds)
	}
}

func TestProtoDeterministic(t *testing.T) {
	for _, p := range testprog.All() {
		var out [2][]byte
		for i := range out {
			out[i] = runBoth(t, gmp.Config{Procs: 3, Seed: 11}, p.Main, perfetto.Options{}).proto
		}
		if !bytes.Equal(out[0], out[1]) {
			t.Errorf("%s: same seed, different protobuf", p.Name)
		}
	}
}

// TestProtoLongEvents checks events of 128 bytes and more, whose lengths
// take two bytes or more.
func TestProtoLongEvents(t *testing.T) {
	long := strings.Repeat("é-", 200)
	b := runBoth(t, gmp.Config{Seed: 1}, func() {
		gmp.Log("category", long)
		gmp.Log(strings.Repeat("c", 130), "x")
	}, perfetto.Options{})
	if b.err != nil {
		t.Fatal(b.err)
	}
	tr := checkProto(t, "long", b.proto, b.c, b.res, true)
	compareJSON(t, "long", tr, b.json)
	found := 0
	for _, s := range tr.Slices {
		if s.Name == "log" && (s.Args["message"] == long || s.Args["category"] == strings.Repeat("c", 130)) {
			found++
		}
	}
	if found != 2 {
		t.Errorf("found %d of the 2 long logs", found)
	}
}

func TestProtoWriteError(t *testing.T) {
	obs := perfetto.New(&failAfter{n: 1000}, perfetto.Options{})
	gmp.Run(gmp.Config{Observers: []observe.Observer{obs}}, testprog.Mixed)
	if obs.Close() == nil {
		t.Fatal("no error from a failing writer")
	}
}

func TestFormatFor(t *testing.T) {
	for name, want := range map[string]perfetto.Format{
		"x.json": perfetto.JSON, "dir.json/x.JSON": perfetto.JSON, "x.pftrace": perfetto.Proto,
		"x.perfetto-trace": perfetto.Proto, "x": perfetto.Proto, "x.json.gz": perfetto.Proto,
	} {
		if got := perfetto.FormatFor(name); got != want {
			t.Errorf("FormatFor(%q) = %v, want %v", name, got, want)
		}
	}
}
