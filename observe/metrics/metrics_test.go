package metrics_test

import (
	"encoding/json"
	"math"
	"regexp"
	rtmetrics "runtime/metrics"
	"strings"
	"testing"
	"time"

	"github.com/gmplab/gmp"
	"github.com/gmplab/gmp/observe/internal/testprog"
	"github.com/gmplab/gmp/observe/metrics"
)

// TestGoNames checks that every metric outside /gmp/ is one the real
// runtime/metrics has, with the same kind and cumulativeness.
func TestGoNames(t *testing.T) {
	real := map[string]rtmetrics.Description{}
	for _, d := range rtmetrics.All() {
		real[d.Name] = d
	}
	kinds := map[metrics.Kind]rtmetrics.ValueKind{
		metrics.KindUint64: rtmetrics.KindUint64, metrics.KindFloat64: rtmetrics.KindFloat64,
		metrics.KindFloat64Histogram: rtmetrics.KindFloat64Histogram,
	}
	name := regexp.MustCompile(`^(/[a-z0-9._-]+)+:[a-z-]+$`)
	prev := ""
	for _, d := range metrics.All() {
		if !name.MatchString(d.Name) {
			t.Errorf("%s: not a runtime/metrics-style name", d.Name)
		}
		if d.Name <= prev {
			t.Errorf("%s: not sorted after %s", d.Name, prev)
		}
		prev = d.Name
		if strings.HasPrefix(d.Name, "/gmp/") {
			continue
		}
		r, ok := real[d.Name]
		switch {
		case !ok:
			t.Errorf("%s: runtime/metrics has no such metric", d.Name)
		case kinds[d.Kind] != r.Kind || d.Cumulative != r.Cumulative:
			t.Errorf("%s: kind %v cumulative %v, runtime/metrics says %v %v", d.Name, d.Kind, d.Cumulative, r.Kind, r.Cumulative)
		}
	}
}

func get(t *testing.T, res *gmp.Result, name string) metrics.Value {
	t.Helper()
	m, ok := res.Metric(name)
	if !ok {
		t.Fatalf("no metric %s", name)
	}
	return m.Value
}

func TestValues(t *testing.T) {
	res, err := gmp.Run(gmp.Config{Procs: 4, Seed: 1}, testprog.Mixed)
	if err != nil {
		t.Fatal(err)
	}
	s := res.Stats
	if len(res.Metrics) != len(metrics.All()) {
		t.Fatalf("%d metrics, want %d", len(res.Metrics), len(metrics.All()))
	}
	for i, d := range metrics.All() {
		if res.Metrics[i].Name != d.Name || res.Metrics[i].Value.Kind() != d.Kind {
			t.Errorf("metric %d is %s (%v), want %s (%v)", i, res.Metrics[i].Name, res.Metrics[i].Value.Kind(), d.Name, d.Kind)
		}
	}
	for name, want := range map[string]uint64{
		"/sched/goroutines-created:goroutines":    uint64(s.GoroutinesCreated),
		"/sched/gomaxprocs:threads":               4,
		"/sched/goroutines:goroutines":            uint64(len(res.Leaks)) + 1, // and main
		"/sched/goroutines/running:goroutines":    3,                          // main and two crunchers
		"/gmp/sched/steals:events":                uint64(s.Steals),
		"/gmp/syscalls:calls":                     uint64(s.Syscalls),
		"/gmp/syscalls/handoffs:events":           uint64(s.SyscallHandoffs),
		"/gmp/sched/preemptions:events":           uint64(s.Preemptions),
		"/gmp/sched/spinning-threads/max:threads": uint64(s.SpinningMsMax),
	} {
		if got := get(t, res, name).Uint64(); got != want {
			t.Errorf("%s = %d, want %d", name, got, want)
		}
	}
	if got, want := get(t, res, "/sync/mutex/wait/total:seconds").Float64(), float64(s.MutexWaitNS)/1e9; got != want || got == 0 {
		t.Errorf("/sync/mutex/wait/total:seconds = %v, want %v (non-zero)", got, want)
	}
	h := get(t, res, "/sched/latencies:seconds").Float64Histogram()
	var n uint64
	for _, c := range h.Counts {
		n += c
	}
	if n != uint64(s.SchedLatencyNS.Count) || len(h.Buckets) != len(h.Counts)+1 {
		t.Errorf("latency histogram: %d values in %d buckets with %d bounds; Stats: %d", n, len(h.Counts), len(h.Buckets), s.SchedLatencyNS.Count)
	}
	for i := 1; i < len(h.Buckets); i++ {
		if !(h.Buckets[i] > h.Buckets[i-1]) {
			t.Fatalf("bucket bounds not increasing at %d: %v", i, h.Buckets)
		}
	}
	if max := float64(s.SchedLatencyNS.Max) / 1e9; h.Buckets[len(h.Buckets)-1] < max || h.Buckets[len(h.Buckets)-2] > max {
		t.Errorf("the last bucket [%v, %v) does not hold the maximum %v", h.Buckets[len(h.Buckets)-2], h.Buckets[len(h.Buckets)-1], max)
	}
	user := get(t, res, "/cpu/classes/user:cpu-seconds").Float64()
	idle := get(t, res, "/cpu/classes/idle:cpu-seconds").Float64()
	total := get(t, res, "/cpu/classes/total:cpu-seconds").Float64()
	if user <= 0 || user+idle > total || math.Abs(total-4*res.VirtualTime.Seconds()) > 1e-12 {
		t.Errorf("cpu classes: user %v idle %v total %v", user, idle, total)
	}
	b, err := json.Marshal(map[string]metrics.Value{"h": get(t, res, "/sched/latencies:seconds"), "u": get(t, res, "/gmp/syscalls:calls")})
	if err != nil || !strings.Contains(string(b), `"counts":[`) {
		t.Errorf("JSON: %s, %v", b, err)
	}
}

func TestDeadlockGauges(t *testing.T) {
	res, err := gmp.Run(gmp.Config{Procs: 2}, testprog.Deadlock)
	if !gmp.IsDeadlock(err) {
		t.Fatal(err)
	}
	for name, want := range map[string]uint64{
		"/sched/goroutines:goroutines":         5,
		"/sched/goroutines/waiting:goroutines": 5,
		"/sched/goroutines/running:goroutines": 0,
	} {
		if got := get(t, res, name).Uint64(); got != want {
			t.Errorf("%s = %d, want %d", name, got, want)
		}
	}
}

func TestEmptyHistogram(t *testing.T) {
	var v metrics.Value
	if b, err := json.Marshal(v); err != nil || string(b) != "null" {
		t.Errorf("zero Value: %s %v", b, err)
	}
}

// TestReadDuringRun: Read reads the running simulation, as runtime/metrics
// does a real program: gauges now, counters so far.
func TestReadDuringRun(t *testing.T) {
	samples := []metrics.Sample{
		{Name: "/sched/goroutines:goroutines"},
		{Name: "/gmp/syscalls:calls"},
		{Name: "/gmp/time/virtual:seconds"},
		{Name: "/no/such:metric"},
	}
	var goroutines uint64
	var syscalls uint64
	var virtual float64
	var bad metrics.Kind
	res, err := gmp.Run(gmp.Config{Procs: 2}, func() {
		block := gmp.MakeChan[int](0)
		for range 5 {
			gmp.Go(func() { block.Recv() })
		}
		gmp.Syscall(time.Millisecond)
		gmp.Syscall(time.Millisecond)
		metrics.Read(samples)
		goroutines, syscalls = samples[0].Value.Uint64(), samples[1].Value.Uint64()
		virtual, bad = samples[2].Value.Float64(), samples[3].Value.Kind()
		gmp.Syscall(time.Millisecond)
	})
	if err != nil {
		t.Fatal(err)
	}
	if goroutines != 6 || syscalls != 2 || bad != metrics.KindBad {
		t.Errorf("during the run: %d goroutines (want 6), %d syscalls (want 2), unknown metric's kind %v", goroutines, syscalls, bad)
	}
	if end := res.VirtualTime.Seconds(); !(virtual >= 0.002 && virtual < end) {
		t.Errorf("virtual time read during the run %v, at the end %v", virtual, end)
	}
	if got := get(t, res, "/gmp/syscalls:calls").Uint64(); got != 3 {
		t.Errorf("at the end: %d syscalls, want 3", got)
	}
}
