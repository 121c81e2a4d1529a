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

// simPerOp runs body (which performs b.N-ish operations via b.Loop) in a
// simulation and reports wall ns per simulated operation beside native.
func reportRatio(b *testing.B, native float64, n int, elapsed stdtime.Duration) {
	sim := float64(elapsed.Nanoseconds()) / float64(n)
	b.ReportMetric(native, "native-ns/op")
	b.ReportMetric(sim/native, "sim/native")
}

// BenchmarkPingPong: an unbuffered channel round trip between two
// goroutines on one P, simulated beside native (GOMAXPROCS=1).
func BenchmarkPingPong(b *testing.B) {
	native := nativePerOp(1<<18, func(n int) {
		ping, pong := make(chan int), make(chan int)
		go func() {
			for v := range ping {
				pong <- v
			}
		}()
		for i := range n {
			ping <- i
			<-pong
		}
		close(ping)
	})
	n := 0
	b.ReportAllocs()
	start := stdtime.Now()
	_, err := gmp.Run(gmp.Config{Procs: 1}, func() {
		ping, pong := gmp.MakeChan[int](0), gmp.MakeChan[int](0)
		gmp.Go(func() {
			for v := range ping.All() {
				pong.Send(v)
			}
		})
		for b.Loop() {
			ping.Send(n)
			pong.Recv()
			n++
		}
		ping.Close()
	})
	if err != nil {
		b.Fatal(err)
	}
	reportRatio(b, native, n, stdtime.Since(start))
}

// BenchmarkBufferedChan: send and receive on a buffered channel without
// blocking, on one P.
func BenchmarkBufferedChan(b *testing.B) {
	native := nativePerOp(1<<20, func(n int) {
		c := make(chan int, 128)
		for i := range n {
			c <- i
			<-c
		}
	})
	n := 0
	b.ReportAllocs()
	start := stdtime.Now()
	_, err := gmp.Run(gmp.Config{Procs: 1}, func() {
		c := gmp.MakeChan[int](128)
		for b.Loop() {
			c.Send(n)
			c.Recv()
			n++
		}
	})
	if err != nil {
		b.Fatal(err)
	}
	reportRatio(b, native, n, stdtime.Since(start))
}

// BenchmarkSelect2Ready: a select over two ready channels.
func BenchmarkSelect2Ready(b *testing.B) {
	native := nativePerOp(1<<20, func(n int) {
		a, c := make(chan int, 1), make(chan int, 1)
		for i := range n {
			a <- i
			c <- i
			select {
			case <-a:
				<-c
			case <-c:
				<-a
			}
		}
	})
	n := 0
	b.ReportAllocs()
	start := stdtime.Now()
	_, err := gmp.Run(gmp.Config{Procs: 1}, func() {
		a, c := gmp.MakeChan[int](1), gmp.MakeChan[int](1)
		ra, rc := a.RecvCase(), c.RecvCase()
		for b.Loop() {
			a.Send(n)
			c.Send(n)
			if gmp.Select(ra, rc) == 0 {
				c.Recv()
			} else {
				a.Recv()
			}
			n++
		}
	})
	if err != nil {
		b.Fatal(err)
	}
	reportRatio(b, native, n, stdtime.Since(start))
}

// nativePerOp runs f(n) on GOMAXPROCS=1 and returns ns per iteration.
func nativePerOp(n int, f func(n int)) float64 {
	old := runtime.GOMAXPROCS(1)
	defer runtime.GOMAXPROCS(old)
	start := stdtime.Now()
	f(n)
	return float64(stdtime.Since(start).Nanoseconds()) / float64(n)
}
