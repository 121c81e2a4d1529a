package gmp_test

import (
	"runtime"
	"sync"
	"testing"
	stdtime "time"

	"github.com/gmplab/gmp"
	"github.com/gmplab/gmp/internal/rt"
)

// BenchmarkGosched: a Gosched round trip between two goroutines on one P,
// simulated (wall time per simulated Gosched) beside native
// runtime.Gosched on GOMAXPROCS=1; the ratio is reported as sim/native.
func BenchmarkGosched(b *testing.B) {
	native := nativeGosched(b)
	var n int
	b.ReportAllocs()
	b.ResetTimer()
	start := stdtime.Now()
	_, err := gmp.Run(gmp.Config{Procs: 1}, func() {
		stop := false
		done := gmp.MakeChan[int](0)
		gmp.Go(func() {
			for !stop {
				gmp.Gosched()
			}
			done.Close()
		})
		for b.Loop() {
			gmp.Gosched()
			n++
		}
		stop = true
		done.Recv()
	})
	elapsed := stdtime.Since(start)
	if err != nil {
		b.Fatal(err)
	}
	sim := float64(elapsed.Nanoseconds()) / float64(n)
	b.ReportMetric(native, "native-ns/op")
	b.ReportMetric(sim/native, "sim/native")
}

func nativeGosched(b *testing.B) float64 {
	old := runtime.GOMAXPROCS(1)
	defer runtime.GOMAXPROCS(old)
	var stop bool
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		for !stop {
			runtime.Gosched()
		}
	}()
	const n = 1 << 20
	start := stdtime.Now()
	for range n {
		runtime.Gosched()
	}
	d := stdtime.Since(start)
	stop = true
	wg.Wait()
	return float64(d.Nanoseconds()) / n
}

// BenchmarkSpawn100k runs the spawn100k scenario's program: 100,000
// goroutines that Gosched and exit, on 4 Ps.
func BenchmarkSpawn100k(b *testing.B) {
	for b.Loop() {
		_, err := gmp.Run(gmp.Config{Procs: 4}, func() {
			for range 100_000 {
				gmp.Go(func() { gmp.Gosched() })
			}
			for gmp.NumGoroutine() > 1 {
				gmp.Work(stdtime.Millisecond)
			}
		})
		if err != nil {
			b.Fatal(err)
		}
	}
}

// eventCounter counts events.
type eventCounter struct{ n int64 }

func (c *eventCounter) Event(*rt.Event) { c.n++ }

// BenchmarkWorkstealingEvents reports the engine's throughput in runtime
// events per wall second on a work-stealing fan-out.
func BenchmarkWorkstealingEvents(b *testing.B) {
	var events int64
	var wall stdtime.Duration
	for b.Loop() {
		c := &eventCounter{}
		start := stdtime.Now()
		_, err := gmp.Run(gmp.Config{Procs: 4, Observers: []gmp.Observer{c}}, func() {
			const n = 2000
			done := gmp.MakeChan[int](n)
			for i := range n {
				gmp.Go(func() {
					gmp.Work(stdtime.Duration(i%10+1) * 20 * stdtime.Microsecond)
					gmp.Gosched()
					done.Send(i)
				})
			}
			for range n {
				done.Recv()
			}
		})
		wall += stdtime.Since(start)
		if err != nil {
			b.Fatal(err)
		}
		events += c.n
	}
	b.ReportMetric(float64(events)/wall.Seconds(), "events/s")
	b.ReportMetric(float64(wall.Nanoseconds())/float64(events), "ns/event")
}
