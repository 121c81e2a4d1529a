package gmp_test

import (
	"fmt"
	"runtime"
	"sync"
	"testing"
	stdtime "time"

	"github.com/gmplab/gmp"
	"github.com/gmplab/gmp/internal/benchpair"
	"github.com/gmplab/gmp/observe"
	gmpsync "github.com/gmplab/gmp/sync"
)

// The benchmarks here put the simulator's wall time per operation beside
// the real runtime's (GOMAXPROCS=1 on both sides unless said), measured in
// alternating rounds by package benchpair. Run them with
//
//	go test -run '^$' -bench . -count 6 . | tee new.txt
//	benchstat new.txt
//
// BENCHMARKS.md has the figures from this machine.

// simulate runs main in a simulation and fails the benchmark on error.
func simulate(b *testing.B, cfg gmp.Config, main func()) *gmp.Result {
	b.Helper()
	cfg.Watchdog = -1
	res, err := gmp.Run(cfg, main)
	if err != nil {
		b.Fatal(err)
	}
	return res
}

// BenchmarkGosched: a Gosched round trip between two goroutines on one P
// (an op is one Gosched by main, then one by the other goroutine).
func BenchmarkGosched(b *testing.B) {
	native := func(n int) stdtime.Duration {
		return benchpair.Procs(1, func() stdtime.Duration {
			var stop bool
			var wg sync.WaitGroup
			wg.Go(func() {
				for !stop {
					runtime.Gosched()
				}
			})
			runtime.Gosched()
			d := benchpair.Time(func() {
				for range n {
					runtime.Gosched()
				}
			})
			stop = true
			wg.Wait()
			return d
		})
	}
	sim := func(n int) (d stdtime.Duration) {
		simulate(b, gmp.Config{Procs: 1}, func() {
			stop := false
			gmp.Go(func() {
				for !stop {
					gmp.Gosched()
				}
			})
			gmp.Gosched()
			d = benchpair.Time(func() {
				for range n {
					gmp.Gosched()
				}
			})
			stop = true
			gmp.Gosched()
		})
		return d
	}
	benchpair.Run(b, native, sim)
}

// BenchmarkPingPong: an unbuffered channel round trip between two
// goroutines on one P.
func BenchmarkPingPong(b *testing.B) {
	native := func(n int) stdtime.Duration {
		return benchpair.Procs(1, func() stdtime.Duration {
			ping, pong := make(chan int), make(chan int)
			go func() {
				for v := range ping {
					pong <- v
				}
			}()
			ping <- 0
			<-pong
			d := benchpair.Time(func() {
				for i := range n {
					ping <- i
					<-pong
				}
			})
			close(ping)
			return d
		})
	}
	sim := func(n int) (d stdtime.Duration) {
		simulate(b, gmp.Config{Procs: 1}, func() {
			ping, pong := gmp.MakeChan[int](0), gmp.MakeChan[int](0)
			gmp.Go(func() {
				for v := range ping.All() {
					pong.Send(v)
				}
			})
			ping.Send(0)
			pong.Recv()
			d = benchpair.Time(func() {
				for i := range n {
					ping.Send(i)
					pong.Recv()
				}
			})
			ping.Close()
		})
		return d
	}
	benchpair.Run(b, native, sim)
}

// BenchmarkGoExit: go statements whose goroutines run and exit at once, in
// batches of 100 that main waits for (an op is one goroutine's life).
func BenchmarkGoExit(b *testing.B) {
	const batch = 100
	native := func(n int) stdtime.Duration {
		return benchpair.Procs(1, func() stdtime.Duration {
			var wg sync.WaitGroup
			return benchpair.Time(func() {
				for i := 0; i < n; i += batch {
					for range min(batch, n-i) {
						wg.Add(1)
						go wg.Done()
					}
					wg.Wait()
				}
			})
		})
	}
	sim := func(n int) (d stdtime.Duration) {
		simulate(b, gmp.Config{Procs: 1}, func() {
			var wg gmpsync.WaitGroup
			d = benchpair.Time(func() {
				for i := 0; i < n; i += batch {
					for range min(batch, n-i) {
						wg.Add(1)
						gmp.Go(wg.Done)
					}
					wg.Wait()
				}
			})
		})
		return d
	}
	benchpair.Run(b, native, sim)
}

// BenchmarkBufferedChan: a send and a receive on a buffered channel,
// neither of which blocks.
func BenchmarkBufferedChan(b *testing.B) {
	native := func(n int) stdtime.Duration {
		c := make(chan int, 128)
		return benchpair.Time(func() {
			for i := range n {
				c <- i
				<-c
			}
		})
	}
	sim := func(n int) (d stdtime.Duration) {
		simulate(b, gmp.Config{Procs: 1}, func() {
			c := gmp.MakeChan[int](128)
			d = benchpair.Time(func() {
				for i := range n {
					c.Send(i)
					c.Recv()
				}
			})
		})
		return d
	}
	benchpair.Run(b, native, sim)
}

// BenchmarkSelect2Ready: a select over two ready channels.
func BenchmarkSelect2Ready(b *testing.B) {
	native := func(n int) stdtime.Duration {
		a, c := make(chan int, 1), make(chan int, 1)
		return benchpair.Time(func() {
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
	}
	sim := func(n int) (d stdtime.Duration) {
		simulate(b, gmp.Config{Procs: 1}, func() {
			a, c := gmp.MakeChan[int](1), gmp.MakeChan[int](1)
			ra, rc := a.RecvCase(), c.RecvCase()
			d = benchpair.Time(func() {
				for i := range n {
					a.Send(i)
					c.Send(i)
					if gmp.Select(ra, rc) == 0 {
						c.Recv()
					} else {
						a.Recv()
					}
				}
			})
		})
		return d
	}
	benchpair.Run(b, native, sim)
}

// BenchmarkTinyRun: a whole gmp.Run of a tiny program — two goroutines
// and a channel — start-up and teardown included.
func BenchmarkTinyRun(b *testing.B) {
	b.ReportAllocs()
	for b.Loop() {
		simulate(b, gmp.Config{}, func() {
			c := gmp.MakeChan[int](0)
			gmp.Go(func() { c.Send(1) })
			c.Recv()
		})
	}
}

// eventCounter counts the events of a run.
type eventCounter struct{ n int64 }

func (c *eventCounter) Event(*observe.Event) { c.n++ }

// BenchmarkPerEvent reports the wall time per runtime event for the same
// work on each P — 4 goroutines per P, each alternating 5 µs of Work with
// a Gosched 50 times — as the number of Ps grows. With more Ps the
// threads' wakeups are closer together, so more of the runtime's charges
// hand over to another thread (a pass through the event loop): that, the
// event heap's depth and the working set of a thousand coroutine stacks
// are what the per-event cost grows with.
func BenchmarkPerEvent(b *testing.B) {
	for _, procs := range []int{1, 2, 16, 256} {
		b.Run(fmt.Sprintf("procs=%d", procs), func(b *testing.B) {
			var events int64
			var wall stdtime.Duration
			for b.Loop() {
				c := &eventCounter{}
				start := stdtime.Now()
				simulate(b, gmp.Config{Procs: procs, Observers: []observe.Observer{c}}, func() {
					done := gmp.MakeChan[int](4 * procs)
					for range 4 * procs {
						gmp.Go(func() {
							for range 50 {
								gmp.Work(5 * stdtime.Microsecond)
								gmp.Gosched()
							}
							done.Send(0)
						})
					}
					for range 4 * procs {
						done.Recv()
					}
				})
				wall += stdtime.Since(start)
				events += c.n
			}
			b.ReportMetric(float64(wall.Nanoseconds())/float64(events), "ns/event")
		})
	}
}

// BenchmarkSpawn100k runs the spawn100k scenario's program: 100,000
// goroutines that Gosched and exit, on 4 Ps.
func BenchmarkSpawn100k(b *testing.B) {
	for b.Loop() {
		simulate(b, gmp.Config{Procs: 4}, func() {
			for range 100_000 {
				gmp.Go(func() { gmp.Gosched() })
			}
			for gmp.NumGoroutine() > 1 {
				gmp.Work(stdtime.Millisecond)
			}
		})
	}
}
