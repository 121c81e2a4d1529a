package gmp_test

import (
	"math/rand/v2"
	"sync/atomic"
	"testing"

	"github.com/gmplab/gmp"
	"github.com/gmplab/gmp/internal/chanprog"
	"github.com/gmplab/gmp/time"
)

// chanCounts are the channel counters of Stats.
type chanCounts struct{ sends, recvs, blocks, selects int64 }

func chanStats(t *testing.T, procs int, main func()) chanCounts {
	t.Helper()
	res, err := gmp.Run(gmp.Config{Procs: procs, Seed: 1}, main)
	if err != nil && !gmp.IsDeadlock(err) {
		t.Fatal(err)
	}
	s := res.Stats
	return chanCounts{s.ChanSends, s.ChanRecvs, s.ChanBlocks, s.SelectCalls}
}

// TestChanStats pins the definition of each channel counter (see the doc
// comments of Stats): ChanSends and ChanRecvs count values that moved,
// whatever path the operation took; ChanBlocks counts operations that
// parked; SelectCalls counts Select calls; the runtime's own channel
// (runtime.main's gcenable) counts for nothing.
func TestChanStats(t *testing.T) {
	const n, k = 1000, 7
	for _, tc := range []struct {
		name string
		main func()
		want chanCounts
	}{
		{"empty main: the runtime's own channel is not counted", func() {}, chanCounts{}},
		{"TrySend on a buffer of k: k succeed", func() {
			c := gmp.MakeChan[int](k)
			for i := range n {
				c.TrySend(i)
			}
		}, chanCounts{sends: k}},
		{"TryRecv: only the k values count", func() {
			c := gmp.MakeChan[int](k)
			for i := range k {
				c.Send(i)
			}
			for range n {
				c.TryRecv()
			}
		}, chanCounts{sends: k, recvs: k}},
		{"select send+default (one case: chansend non-blocking)", func() {
			c := gmp.MakeChan[int](k)
			sc := c.SendCase(0)
			for range n {
				gmp.Select(sc, gmp.Default())
			}
		}, chanCounts{sends: k, selects: n}},
		{"select send+recv+default (selectgo): only the sends that went", func() {
			c, d := gmp.MakeChan[int](k), gmp.MakeChan[int](0)
			sc, rc := c.SendCase(0), d.RecvCase()
			for range n {
				gmp.Select(sc, rc, gmp.Default())
			}
		}, chanCounts{sends: k, selects: n}},
		{"select recv+default on a closed channel: no value, not counted", func() {
			c := gmp.MakeChan[int](0)
			c.Close()
			rc := c.RecvCase()
			for range n {
				gmp.Select(rc, gmp.Default())
			}
			for range c.All() {
			}
			c.Recv2()
		}, chanCounts{selects: n}},
		{"blocking: unbuffered ping-pong, each side parks", func() {
			ping, pong := gmp.MakeChan[int](0), gmp.MakeChan[int](0)
			gmp.Go(func() {
				for v := range ping.All() {
					pong.Send(v)
				}
			})
			for i := range n {
				ping.Send(i)
				pong.Recv()
			}
			ping.Close()
		}, chanCounts{sends: 2 * n, recvs: 2 * n, blocks: 2 * n}},
		{"blocking select: parked, then completed by the other side", func() {
			a, b := gmp.MakeChan[int](0), gmp.MakeChan[int](0)
			ra := a.RecvCase()
			gmp.Go(func() {
				for i := range n {
					gmp.Select(ra, b.SendCase(i))
				}
			})
			for range n {
				b.Recv()
			}
		}, chanCounts{sends: n, recvs: n, blocks: n, selects: n}},
		{"nil channel and select {}: parked forever", func() {
			var c gmp.Chan[int]
			gmp.Go(func() { c.Send(1) })
			gmp.Go(func() { c.Recv() })
			gmp.Go(func() { gmp.Select() })
			gmp.Go(func() { gmp.Select(c.RecvCase()) })
			gmp.Gosched()
		}, chanCounts{blocks: 4, selects: 2}},
		{"a timer's value is a send", func() {
			tm := time.NewTimer(time.Millisecond)
			tm.C.Recv()
			tk := time.NewTicker(time.Millisecond)
			time.Sleep(10 * time.Millisecond)
			tk.C.Recv() // the first tick; the others found the buffer full
			tk.Stop()
		}, chanCounts{sends: 2, recvs: 2, blocks: 1}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := chanStats(t, 1, tc.main); got != tc.want {
				t.Errorf("sends, recvs, blocks, selects = %+v, want %+v", got, tc.want)
			}
		})
	}
}

// TestChanStatsPrograms checks ChanSends and ChanRecvs against what random
// channel programs (internal/chanprog) log: every send that returned is
// one value sent, every receive that returned ok one value received — and,
// when the program ends, the values sent but not received are the ones
// left in the buffers.
func TestChanStatsPrograms(t *testing.T) {
	r := rand.New(rand.NewPCG(3, 4))
	n := 300
	if testing.Short() {
		n = 60
	}
	for i := range n {
		p := chanprog.Random(r)
		for _, procs := range []int{1, 3} {
			// Host counters: several goroutines count, with no gmp
			// synchronisation between them.
			var sends, recvs, left atomic.Int64
			var buffered int64
			res, err := gmp.Run(gmp.Config{Procs: procs, Seed: uint64(i)}, func() {
				chans := make([]gmp.Chan[int], len(p.Caps))
				for i, c := range p.Caps {
					chans[i] = gmp.MakeChan[int](c)
				}
				done := gmp.MakeChan[struct{}](0)
				left.Store(int64(len(p.Gs)))
				for _, ops := range p.Gs {
					gmp.Go(func() {
						for _, op := range ops {
							switch op.Kind {
							case chanprog.Send:
								chans[op.Ch].Send(op.Val)
								sends.Add(1)
							case chanprog.Recv:
								if _, ok := chans[op.Ch].Recv2(); ok {
									recvs.Add(1)
								}
							case chanprog.Close:
								chans[op.Ch].Close()
							case chanprog.Yield:
								gmp.Gosched()
							}
						}
						if left.Add(-1) == 0 {
							done.Close()
						}
					})
				}
				done.Recv()
				for _, c := range chans {
					buffered += int64(c.Len())
				}
			})
			if err != nil && !gmp.IsDeadlock(err) {
				t.Fatalf("%v: %v", p, err)
			}
			s := res.Stats
			nsends, nrecvs := sends.Load(), recvs.Load()
			if s.ChanSends != nsends || s.ChanRecvs != nrecvs {
				t.Fatalf("program %s, procs %d: ChanSends %d, ChanRecvs %d; the program sent %d and received %d values",
					p, procs, s.ChanSends, s.ChanRecvs, nsends, nrecvs)
			}
			if err == nil && nsends-nrecvs != buffered {
				t.Fatalf("program %s, procs %d: %d values sent and not received, %d in the buffers", p, procs, nsends-nrecvs, buffered)
			}
		}
	}
}

// TestChanMetricsEmptyProgram: the metrics that mirror the channel
// counters see nothing in a program that uses no channel (the runtime's own
// gcenable channel is not the program's).
func TestChanMetricsEmptyProgram(t *testing.T) {
	res, err := gmp.Run(gmp.Config{}, func() {})
	if err != nil {
		t.Fatal(err)
	}
	for _, name := range []string{"/gmp/chan/sends:calls", "/gmp/chan/recvs:calls", "/gmp/chan/blocks:events", "/gmp/chan/selects:calls"} {
		m, ok := res.Metric(name)
		if !ok {
			t.Fatalf("no metric %s", name)
		}
		if m.Value.Uint64() != 0 {
			t.Errorf("%s = %d in a program that uses no channel", name, m.Value.Uint64())
		}
	}
}
