package gmp_test

import (
	"errors"
	"fmt"
	"math/rand/v2"
	"regexp"
	"runtime"
	"strings"
	"sync/atomic"
	"testing"
	stdtime "time"

	"github.com/gmplab/gmp"
	"github.com/gmplab/gmp/internal/chanprog"
	"github.com/gmplab/gmp/internal/hostlog"
	"github.com/gmplab/gmp/internal/testnative"
	"github.com/gmplab/gmp/time"
)

// TestCloseWakeOrder: four receivers blocked on an unbuffered channel
// (recvq r3 r0 r1 r2) run in the order r3 r2 r1 r0 after close, on the
// real runtime and on the simulator.
func TestCloseWakeOrder(t *testing.T) {
	want := testnative.Run(t, testnative.Build(t, "testdata/native/closeorder"), 1)
	var order hostlog.Log[string]
	_, err := gmp.Run(gmp.Config{Procs: 1}, func() {
		ch := gmp.MakeChan[int](0)
		done := gmp.MakeChan[int](0)
		for i := range 4 {
			gmp.Go(func() {
				ch.Recv()
				order.Add(fmt.Sprint("r", i))
				done.Send(1)
			})
		}
		gmp.Gosched()
		if st := ch.State(); fmt.Sprint(len(st.RecvQ)) != "4" {
			t.Errorf("recvq = %v before close", st.RecvQ)
		}
		ch.Close()
		for range 4 {
			done.Recv()
		}
	})
	if err != nil {
		t.Fatal(err)
	}
	if got := strings.Join(order.Get(), " "); got != want || want != "r3 r2 r1 r0" {
		t.Errorf("close wake order: sim %q, real %q, want r3 r2 r1 r0", got, want)
	}
}

// simChanprog runs a chanprog program on the simulator.
func simChanprog(t *testing.T, p chanprog.Prog) string {
	var log hostlog.Log[string]
	_, err := gmp.Run(gmp.Config{Procs: 1}, func() {
		chans := make([]gmp.Chan[int], len(p.Caps))
		for i, c := range p.Caps {
			chans[i] = gmp.MakeChan[int](c)
		}
		done := gmp.MakeChan[struct{}](0)
		var left atomic.Int64 // host-side, like log
		left.Store(int64(len(p.Gs)))
		for gi, ops := range p.Gs {
			gmp.Go(func() {
				for _, op := range ops {
					switch op.Kind {
					case chanprog.Send:
						chans[op.Ch].Send(op.Val)
						log.Add(chanprog.Entry(gi, op, op.Val, true))
					case chanprog.Recv:
						v, ok := chans[op.Ch].Recv2()
						log.Add(chanprog.Entry(gi, op, v, ok))
					case chanprog.Close:
						chans[op.Ch].Close()
						log.Add(chanprog.Entry(gi, op, 0, true))
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
	})
	out := strings.Join(log.Get(), " ")
	if gmp.IsDeadlock(err) {
		return strings.TrimSpace(out + " deadlock")
	}
	if err != nil {
		t.Fatalf("%v: %v", p, err)
	}
	return out
}

// TestChanPrograms is the property test: random small programs of
// buffered and unbuffered channel operations complete in the same order,
// with the same values delivered, on the real runtime (GOMAXPROCS=1) and
// on the simulator — including which of them deadlock.
func TestChanPrograms(t *testing.T) {
	exe := testnative.Build(t, "testdata/native/chanprog")
	n := 400
	if testing.Short() {
		n = 80
	}
	r := rand.New(rand.NewPCG(1, 2))
	deadlocks := 0
	native := func(p chanprog.Prog) string {
		want, stderr, code := testnative.RunStatus(t, exe, 1, p.String())
		switch {
		case code == 2 && strings.Contains(stderr, "all goroutines are asleep - deadlock!"):
			want = strings.TrimSpace(want + " deadlock")
		case code != 0:
			t.Fatalf("program %s: exit %d\n%s", p, code, stderr)
		}
		return want
	}
	for i := range n {
		p := chanprog.Random(r)
		want := native(p)
		got := simChanprog(t, p)
		if strings.HasSuffix(want, "deadlock") {
			deadlocks++
		}
		// On GOMAXPROCS=1 the real order is deterministic unless the OS
		// deschedules the process long enough for sysmon to preempt the
		// running goroutine (seen on a loaded machine): a mismatch is
		// checked against two more native runs before it counts.
		for retry := 0; got != want && retry < 2; retry++ {
			want = native(p)
		}
		if got != want {
			t.Errorf("program %d %s:\n real: %s\n  sim: %s", i, p, want, got)
		}
	}
	t.Logf("%d programs, %d of them deadlock", n, deadlocks)
}

// TestBufferedRing: a waiting sender's value is rotated into the slot the
// receiver frees, so values come out in send order, and the ring indices
// move as chan.go moves them.
func TestBufferedRing(t *testing.T) {
	var got []int
	var states []gmp.ChanState
	_, err := gmp.Run(gmp.Config{Procs: 1}, func() {
		ch := gmp.MakeChan[int](3)
		ch.Send(1)
		ch.Send(2)
		ch.Send(3)
		gmp.Go(func() { ch.Send(4) }) // blocks: the buffer is full
		gmp.Gosched()
		states = append(states, ch.State())
		got = append(got, ch.Recv()) // takes 1, moves 4 into its slot
		states = append(states, ch.State())
		for range 3 {
			got = append(got, ch.Recv())
		}
		states = append(states, ch.State())
	})
	if err != nil {
		t.Fatal(err)
	}
	if fmt.Sprint(got) != "[1 2 3 4]" {
		t.Errorf("received %v, want [1 2 3 4]", got)
	}
	s0, s1, s2 := states[0], states[1], states[2]
	if s0.QCount != 3 || s0.SendX != 0 || s0.RecvX != 0 || len(s0.SendQ) != 1 {
		t.Errorf("full with a waiting sender: %+v", s0)
	}
	if s1.QCount != 3 || s1.RecvX != 1 || s1.SendX != 1 || len(s1.SendQ) != 0 {
		t.Errorf("after the rotating receive: %+v (want qcount 3, recvx=sendx=1)", s1)
	}
	if s2.QCount != 0 || s2.RecvX != 1 || s2.SendX != 1 {
		t.Errorf("drained: %+v", s2)
	}
}

// TestChanPanics: Go's panics, with Go's texts.
func TestChanPanics(t *testing.T) {
	cases := map[string]func(){
		"send on closed channel": func() {
			ch := gmp.MakeChan[int](1)
			ch.Close()
			ch.Send(1)
		},
		"close of closed channel": func() {
			ch := gmp.MakeChan[int](0)
			ch.Close()
			ch.Close()
		},
		"close of nil channel": func() {
			var ch gmp.Chan[int]
			ch.Close()
		},
		"makechan: size out of range": func() { gmp.MakeChan[int](-1) },
	}
	for want, f := range cases {
		var got string
		_, err := gmp.Run(gmp.Config{}, func() { got = panicMessage(f) })
		if err != nil || got != want {
			t.Errorf("got panic %q (err %v), want %q", got, err, want)
		}
	}
	// A sender blocked when the channel is closed panics too. The send
	// and the close are not ordered by any happens-before edge (the
	// sender is blocked in the send when the close comes), so Go's race
	// detector reports them natively too: not run under -race.
	if !raceEnabled {
		blockedSenderPanics(t)
	}
	// Unrecovered, the program dies with Go's text.
	_, err := gmp.Run(gmp.Config{}, func() {
		ch := gmp.MakeChan[int](0)
		ch.Close()
		ch.Close()
	})
	if err == nil || !strings.HasPrefix(err.Error(), "panic: close of closed channel\n\ngoroutine 1 [running]:") {
		t.Errorf("unrecovered: %v", err)
	}
}

// blockedSenderPanics: a sender blocked on a channel that is then closed
// panics "send on closed channel".
func blockedSenderPanics(t *testing.T) {
	var got string
	_, err := gmp.Run(gmp.Config{}, func() {
		ch := gmp.MakeChan[int](0)
		done := gmp.MakeChan[int](0)
		gmp.Go(func() {
			got = panicMessage(func() { ch.Send(1) })
			done.Close()
		})
		gmp.Gosched()
		ch.Close()
		done.Recv()
	})
	if err != nil || got != "send on closed channel" {
		t.Errorf("blocked sender after close: panic %q, err %v", got, err)
	}
}

// TestRecvClosed: buffered data is still delivered after close, then the
// zero value with ok=false; range stops at close.
func TestRecvClosed(t *testing.T) {
	var got []string
	_, err := gmp.Run(gmp.Config{}, func() {
		ch := gmp.MakeChan[int](2)
		ch.Send(7)
		ch.Close()
		for range 2 {
			v, ok := ch.Recv2()
			got = append(got, fmt.Sprint(v, ok))
		}
		r := gmp.MakeChan[int](3)
		r.Send(1)
		r.Send(2)
		r.Close()
		for v := range r.All() {
			got = append(got, fmt.Sprint(v))
		}
		v, ok, sel := r.TryRecv()
		got = append(got, fmt.Sprint(v, ok, sel))
	})
	if err != nil {
		t.Fatal(err)
	}
	if s := strings.Join(got, ","); s != "7 true,0 false,1,2,0 false true" {
		t.Errorf("got %s", s)
	}
}

// TestNilChannel: a nil channel blocks forever, with Go's wait reasons.
func TestNilChannel(t *testing.T) {
	_, err := gmp.Run(gmp.Config{}, func() {
		var ch gmp.Chan[int]
		gmp.Go(func() { ch.Send(1) })
		gmp.Go(func() { ch.Recv() })
		gmp.Select() // select {}
	})
	if !gmp.IsDeadlock(err) {
		t.Fatalf("err = %v", err)
	}
	for _, want := range []string{"[chan send (nil chan)]", "[chan receive (nil chan)]", "goroutine 1 [select (no cases)]"} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("dump lacks %q:\n%s", want, err)
		}
	}
	if v, ok, sel := (gmp.Chan[int]{}).TryRecv(); v != 0 || ok || sel {
		t.Error("TryRecv on nil channel proceeded")
	}
}

// TestDeadlockReport: an unbuffered send with no receiver is reported
// with every goroutine's stack; a program that only looks stuck (a
// pending timer) is not.
func TestDeadlockReport(t *testing.T) {
	_, err := gmp.Run(gmp.Config{Procs: 2}, func() {
		ch := gmp.MakeChan[int](0)
		out := gmp.MakeChan[int](0)
		gmp.Go(func() { ch.Send(1) })
		gmp.Go(func() { ch.Send(2) })
		out.Recv()
	})
	var fe *gmp.FatalError
	if !errors.As(err, &fe) || !fe.Deadlock || !gmp.IsDeadlock(err) {
		t.Fatalf("err = %v, want a deadlock", err)
	}
	text := err.Error()
	if !strings.HasPrefix(text, "fatal error: all goroutines are asleep - deadlock!\n\ngoroutine 1 [chan receive]:\n") {
		t.Errorf("report starts %q", firstLines(text, 3))
	}
	if n := strings.Count(text, "[chan send]:"); n != 2 {
		t.Errorf("%d goroutines in chan send, want 2:\n%s", n, text)
	}
	if !regexp.MustCompile(`created by github.com/gmplab/gmp_test.TestDeadlockReport.func1 in goroutine 1\n`).MatchString(text) {
		t.Errorf("no created-by line:\n%s", text)
	}
	// Pending timer: not a deadlock.
	_, err = gmp.Run(gmp.Config{}, func() {
		ch := gmp.MakeChan[int](0)
		gmp.Go(func() {
			time.Sleep(5 * stdtime.Second)
			ch.Send(1)
		})
		ch.Recv()
	})
	if err != nil {
		t.Errorf("a sleeping program was reported: %v", err)
	}
}

func firstLines(s string, n int) string {
	return strings.Join(strings.SplitN(s, "\n", n+1)[:min(n, strings.Count(s, "\n")+1)], "\n")
}

// TestDumpMinutes: a goroutine blocked for minutes of virtual time shows
// them in its header, as Go's traceback does.
func TestDumpMinutes(t *testing.T) {
	_, err := gmp.Run(gmp.Config{}, func() {
		ch := gmp.MakeChan[int](0)
		gmp.Go(func() { ch.Send(1) })
		time.Sleep(150 * stdtime.Second)
		gmp.MakeChan[int](0).Recv()
	})
	if !strings.Contains(fmt.Sprint(err), "[chan send, 2 minutes]:") {
		t.Errorf("dump lacks the 2 minutes:\n%v", err)
	}
}

// TestSelect: selectgo's semantics.
func TestSelect(t *testing.T) {
	_, err := gmp.Run(gmp.Config{Procs: 1, Seed: 3}, func() {
		a := gmp.MakeChan[int](1)
		b := gmp.MakeChan[string](1)
		// Nothing ready, default taken.
		if i := gmp.Select(a.RecvCase(), b.RecvCase(), gmp.Default()); i != 2 {
			t.Errorf("Select chose %d, want default (2)", i)
		}
		// A send case proceeds into the buffer.
		if i := gmp.Select(a.SendCase(5), b.RecvCase()); i != 0 || a.Len() != 1 {
			t.Errorf("Select chose %d, len %d", i, a.Len())
		}
		// Both ready: the choice is random; over many selects both win.
		wins := [2]int{}
		ra, rb := a.RecvCase(), b.RecvCase()
		for range 200 {
			a.TrySend(1)
			b.TrySend("x")
			wins[gmp.Select(ra, rb)]++
			a.TryRecv()
			b.TryRecv()
		}
		if wins[0] < 60 || wins[1] < 60 {
			t.Errorf("uneven random choice: %v", wins)
		}
		// A blocked select is woken by a sender; losers are dequeued.
		c := gmp.MakeChan[int](0)
		d := gmp.MakeChan[int](0)
		gmp.Go(func() { d.Send(42) })
		rc, rd := c.RecvCase(), d.RecvCase()
		if i := gmp.Select(rc, rd); i != 1 || rd.V != 42 || !rd.OK {
			t.Errorf("blocked select: chose %d, V=%d OK=%v", i, rd.V, rd.OK)
		}
		if st := c.State(); len(st.RecvQ) != 0 {
			t.Errorf("loser channel still has waiters: %+v", st)
		}
		// Receive from a closed channel: ok=false.
		c.Close()
		if i := gmp.Select(rc, gmp.Default()); i != 0 || rc.OK {
			t.Errorf("closed: chose %d OK=%v", i, rc.OK)
		}
		// Sending on a closed channel panics, even in select.
		if msg := panicMessage(func() { gmp.Select(c.SendCase(1), d.RecvCase()) }); msg != "send on closed channel" {
			t.Errorf("select send on closed: %q", msg)
		}
	})
	if err != nil {
		t.Fatal(err)
	}
}

// TestSelectAllocs: a two-case select with reused cases does not allocate.
func TestSelectAllocs(t *testing.T) {
	if raceEnabled {
		t.Skip("the race detector's instrumentation allocates")
	}
	var allocs uint64
	_, err := gmp.Run(gmp.Config{Procs: 1}, func() {
		a := gmp.MakeChan[int](1)
		b := gmp.MakeChan[int](1)
		ra, rb := a.RecvCase(), b.RecvCase()
		run := func() {
			a.TrySend(1)
			gmp.Select(ra, rb)
		}
		for range 100 { // warm the cell pools
			run()
		}
		var m0, m1 runtime.MemStats
		runtime.ReadMemStats(&m0)
		for range 1000 {
			run()
		}
		runtime.ReadMemStats(&m1)
		allocs = m1.Mallocs - m0.Mallocs
	})
	if err != nil {
		t.Fatal(err)
	}
	if allocs > 10 {
		t.Errorf("1000 selects allocated %d times", allocs)
	}
}

// TestParkWindow: a goroutine that decided to block must not be findable
// by a waker on another P until it is parked — in Go the channel lock hides
// its sudog until then. With an expensive park and the two sides arriving
// at every relative offset, a send, a receive and a select never see a
// half-parked partner (the simulator would throw "bad g->status in ready").
func TestParkWindow(t *testing.T) {
	costs := gmp.DefaultCosts()
	costs.Park = 500
	for off := stdtime.Duration(0); off < 1200; off += 37 {
		for _, kind := range []string{"send", "recv", "select"} {
			_, err := gmp.Run(gmp.Config{Procs: 2, Costs: &costs}, func() {
				ch := gmp.MakeChan[int](0)
				other := gmp.MakeChan[int](0)
				done := gmp.MakeChan[int](1)
				var started atomic.Bool // a host flag: the spin below is no gmp synchronisation
				gmp.Go(func() {
					started.Store(true)
					gmp.Work(off)
					switch kind {
					case "send":
						ch.Send(1)
					case "recv":
						ch.Recv()
					case "select":
						gmp.Select(ch.SendCase(1), other.RecvCase())
					}
					done.Send(1)
				})
				for !started.Load() { // the other goroutine runs on the other P
					gmp.Work(20)
				}
				gmp.Work(600)
				if kind == "recv" {
					ch.Send(2)
				} else {
					ch.Recv()
				}
				done.Recv()
			})
			if err != nil {
				t.Fatalf("%s at offset %v: %v", kind, off, err)
			}
		}
	}
}

// TestMakeChanSize: makechan's size checks are Go's — negative sizes and
// buffers beyond maxAlloc (1<<48 bytes) panic "makechan: size out of
// range", as a native make does (checked below against the real
// runtime) — and a huge but valid capacity costs the host only what the
// program puts in it.
func TestMakeChanSize(t *testing.T) {
	native := func(n int) (msg string) {
		defer func() { msg = fmt.Sprint(recover()) }()
		_ = make(chan int, n)
		return ""
	}
	sim := func(n int) (msg string) {
		defer func() { msg = fmt.Sprint(recover()) }()
		_ = gmp.MakeChan[int](n)
		return ""
	}
	minusOne := -1
	for _, n := range []int{minusOne, 1 << 45, 1<<62 + 5} {
		if got, want := sim(n), native(n); got != want || want != "makechan: size out of range" {
			t.Errorf("MakeChan[int](%d) panicked %q; make(chan int, %d) panics %q", n, got, n, want)
		}
	}
	_, err := gmp.Run(gmp.Config{Procs: 1}, func() {
		big := gmp.MakeChan[int](1 << 40)
		empty := gmp.MakeChan[struct{}](1 << 62)
		if big.Cap() != 1<<40 || empty.Cap() != 1<<62 {
			t.Errorf("caps %d, %d", big.Cap(), empty.Cap())
		}
		// Fill and drain across several chunks, twice, so the ring
		// reuses freed chunks; values come back in order.
		for round := 0; round < 2; round++ {
			for i := range 20_000 {
				big.Send(i)
			}
			for i := range 20_000 {
				if v := big.Recv(); v != i {
					t.Fatalf("round %d: got %d, want %d", round, v, i)
				}
			}
		}
		for range 3 {
			empty.Send(struct{}{})
		}
		if empty.Len() != 3 {
			t.Errorf("len %d", empty.Len())
		}
	})
	if err != nil {
		t.Fatal(err)
	}
}
