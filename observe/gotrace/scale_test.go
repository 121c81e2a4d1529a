package gotrace_test

import (
	"bufio"
	"io"
	"os"
	"path/filepath"
	"runtime"
	"testing"
	"time"

	"github.com/gmplab/gmp"
	"github.com/gmplab/gmp/internal/rt"
	"github.com/gmplab/gmp/observe"
	"github.com/gmplab/gmp/observe/gotrace"
	"github.com/gmplab/gmp/observe/perfetto"
	"github.com/gmplab/gmp/observe/pprof"
	"github.com/gmplab/gmp/scenarios"
)

// eventCounter counts the runtime's events.
type eventCounter struct{ n int64 }

func (c *eventCounter) Event(*rt.Event) { c.n++ }

type countingWriter struct{ n int64 }

func (c *countingWriter) Write(p []byte) (int, error) { c.n += int64(len(p)); return len(p), nil }

// BenchmarkTraceOverhead runs the spawn100k scenario (100,000 goroutines
// that each Gosched; about 1.3M runtime events) untraced and with each
// output attached, and reports the cost per runtime event, the process CPU
// time per run (cpu-ns/op: user+system time of every thread, the host GC's
// included, which a loaded machine inflates less than wall time) and the
// bytes written per event. Compare each output to untraced:
//
//	go test ./observe/gotrace -run '^$' -bench TraceOverhead -benchtime 5x -count 5
func BenchmarkTraceOverhead(b *testing.B) {
	sc, ok := scenarios.Lookup("spawn100k")
	if !ok {
		b.Skip("no spawn100k scenario")
	}
	// The run is deterministic, so one counted run gives the event count
	// of every run.
	counter := &eventCounter{}
	if err := sc.Run(&scenarios.Runner{Config: gmp.Config{Observers: []observe.Observer{counter}}, Out: io.Discard, Diag: io.Discard}); err != nil {
		b.Fatal(err)
	}
	events := float64(counter.n)
	for _, bc := range []struct {
		name string
		cfg  func(c *gmp.Config, w io.Writer) func() int64
	}{
		{"untraced", nil},
		{"trace", func(c *gmp.Config, w io.Writer) func() int64 {
			o := gotrace.NewObserver(w, gotrace.Options{})
			c.Observers = []observe.Observer{o}
			return o.Writer().Events
		}},
		{"perfetto", func(c *gmp.Config, w io.Writer) func() int64 {
			o := perfetto.New(w, perfetto.Options{NoGoroutineTracks: true})
			c.Observers = []observe.Observer{o}
			return o.Events
		}},
		{"perfetto-gtracks", func(c *gmp.Config, w io.Writer) func() int64 {
			o := perfetto.New(w, perfetto.Options{})
			c.Observers = []observe.Observer{o}
			return o.Events
		}},
		{"perfetto-json", func(c *gmp.Config, w io.Writer) func() int64 {
			o := perfetto.New(w, perfetto.Options{Format: perfetto.JSON, NoGoroutineTracks: true})
			c.Observers = []observe.Observer{o}
			return o.Events
		}},
		{"pprof", func(c *gmp.Config, _ io.Writer) func() int64 {
			c.Observers = []observe.Observer{pprof.New()}
			return nil
		}},
		{"schedtrace", func(c *gmp.Config, w io.Writer) func() int64 {
			c.SchedTrace, c.SchedTraceOut = time.Millisecond, w
			return nil
		}},
	} {
		b.Run(bc.name, func(b *testing.B) {
			var out countingWriter
			var written int64
			var ms0, ms1 runtime.MemStats
			runtime.ReadMemStats(&ms0)
			cpu0 := cpuTime()
			for b.Loop() {
				out.n = 0
				cfg := gmp.Config{}
				var count func() int64
				if bc.cfg != nil {
					count = bc.cfg(&cfg, &out)
				}
				if err := sc.Run(&scenarios.Runner{Config: cfg, Out: io.Discard, Diag: io.Discard}); err != nil {
					b.Fatal(err)
				}
				if count != nil {
					written = count()
				}
			}
			b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/events, "ns/event")
			b.ReportMetric(float64(cpuTime()-cpu0)/float64(b.N), "cpu-ns/op")
			runtime.ReadMemStats(&ms1)
			b.ReportMetric(float64(ms1.NumGC-ms0.NumGC)/float64(b.N), "GCs/op")
			b.ReportMetric(events, "events/op")
			if out.n > 0 {
				b.ReportMetric(float64(out.n)/events, "bytes/event")
			}
			if written > 0 {
				b.ReportMetric(float64(out.n)/float64(written), "bytes/written-event")
			}
		})
	}
}

// pingPong is a program of n round trips between two goroutines over
// unbuffered channels: about 14 runtime events each.
func pingPong(n int) func() {
	return func() {
		ping, pong := gmp.MakeChan[int](0), gmp.MakeChan[int](0)
		gmp.Go(func() {
			for range n {
				pong.Send(ping.Recv())
			}
		})
		for i := range n {
			ping.Send(i)
			pong.Recv()
		}
	}
}

// memSampler records the peak heap in use, sampled every million events:
// over the first three million events and over the whole run.
type memSampler struct {
	n               int64
	earlyPeak, peak uint64
}

func (s *memSampler) Event(*rt.Event) {
	if s.n++; s.n%1_000_000 == 0 {
		var ms runtime.MemStats
		runtime.ReadMemStats(&ms)
		s.peak = max(s.peak, ms.HeapInuse)
		if s.n <= 3_000_000 {
			s.earlyPeak = s.peak
		}
	}
}

// TestStream10M writes the trace of a run of more than ten million
// events to disk and checks that memory stays bounded while it does: the
// Writer holds one generation, not the trace.
func TestStream10M(t *testing.T) {
	if testing.Short() {
		t.Skip("10M events")
	}
	file := filepath.Join(t.TempDir(), "big.trace")
	f, err := os.Create(file)
	if err != nil {
		t.Fatal(err)
	}
	bw := bufio.NewWriterSize(f, 1<<20)
	obs := gotrace.NewObserver(bw, gotrace.Options{})
	mem := &memSampler{}
	runtime.GC()
	var before runtime.MemStats
	runtime.ReadMemStats(&before)
	start := time.Now()
	_, err = gmp.Run(gmp.Config{Procs: 2, Seed: 1, Observers: []observe.Observer{obs, mem}}, pingPong(750_000))
	if err != nil {
		t.Fatal(err)
	}
	if err := obs.Close(); err != nil {
		t.Fatal(err)
	}
	if err := bw.Flush(); err != nil {
		t.Fatal(err)
	}
	f.Close()
	fi, err := os.Stat(file)
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("%d runtime events, %d trace events in %d generations, %.1f MB (%.2f bytes/event) in %v; heap in use: %.1f MB before, peak %.1f MB in the first 3M events, %.1f MB over all",
		mem.n, obs.Writer().Events(), obs.Writer().Generations(), float64(fi.Size())/1e6, float64(fi.Size())/float64(mem.n),
		time.Since(start).Round(time.Millisecond), float64(before.HeapInuse)/1e6, float64(mem.earlyPeak)/1e6, float64(mem.peak)/1e6)
	if mem.n < 10_000_000 {
		t.Fatalf("only %d events", mem.n)
	}
	if obs.Writer().Generations() < 5 {
		t.Errorf("only %d generations", obs.Writer().Generations())
	}
	// Memory is one generation (a million trace events, a few MB) and
	// does not grow with the length of the trace: the peak over ten
	// million events is the peak over the first three.
	if mem.peak > mem.earlyPeak+8<<20 {
		t.Errorf("heap in use grew from %.1f MB (first 3M events) to %.1f MB while streaming a %.1f MB trace",
			float64(mem.earlyPeak)/1e6, float64(mem.peak)/1e6, float64(fi.Size())/1e6)
	}
	if mem.peak > before.HeapInuse+uint64(fi.Size()) {
		t.Errorf("heap in use (%.1f MB) grew by more than the trace (%.1f MB)", float64(mem.peak)/1e6, float64(fi.Size())/1e6)
	}
}
