package gmp_test

import (
	"errors"
	"fmt"
	"math"
	"reflect"
	"runtime"
	"slices"
	"strings"
	"testing"
	stdtime "time"

	"github.com/gmplab/gmp"
	"github.com/gmplab/gmp/internal/hostlog"
	"github.com/gmplab/gmp/observe"
	"github.com/gmplab/gmp/sync"
	"github.com/gmplab/gmp/time"
)

// TestHostGoroutine: a goroutine started with the go statement inside a
// run is not a simulated goroutine; every runtime call it makes panics
// with a message that says to use gmp.Go, and the run is not disturbed by
// the attempt (the same seed gives the same result as a clean run).
func TestHostGoroutine(t *testing.T) {
	calls := map[string]func(ch gmp.Chan[int], mu *sync.Mutex){
		"Recv":    func(ch gmp.Chan[int], _ *sync.Mutex) { ch.Recv() },
		"TrySend": func(ch gmp.Chan[int], _ *sync.Mutex) { ch.TrySend(1) },
		"Gosched": func(gmp.Chan[int], *sync.Mutex) { gmp.Gosched() },
		"Work":    func(gmp.Chan[int], *sync.Mutex) { gmp.Work(stdtime.Microsecond) },
		"Go":      func(gmp.Chan[int], *sync.Mutex) { gmp.Go(func() {}) },
		"Lock":    func(_ gmp.Chan[int], mu *sync.Mutex) { mu.Lock() },
		"Sleep":   func(gmp.Chan[int], *sync.Mutex) { time.Sleep(stdtime.Millisecond) },
		"Now":     func(gmp.Chan[int], *sync.Mutex) { time.Now() },
	}
	program := func(call func(gmp.Chan[int], *sync.Mutex)) (string, *gmp.Result, error) {
		var msg string
		res, err := gmp.Run(gmp.Config{Procs: 2, Seed: 3}, func() {
			ch := gmp.MakeChan[int](1)
			var mu sync.Mutex
			gmp.Go(func() { ch.Send(1) })
			if call != nil {
				done := make(chan string)
				go func() {
					defer func() { done <- fmt.Sprint(recover()) }()
					call(ch, &mu)
				}()
				msg = <-done
			}
			fanout()
			ch.Recv()
		})
		return msg, res, err
	}
	_, clean, err := program(nil)
	if err != nil {
		t.Fatal(err)
	}
	for name, call := range calls {
		msg, res, err := program(call)
		if err != nil {
			t.Errorf("%s: run failed: %v", name, err)
			continue
		}
		if !strings.Contains(msg, "gmp.Go") || !strings.Contains(msg, "go statement") {
			t.Errorf("%s from a host goroutine: panic %q, want one that says to use gmp.Go instead of the go statement", name, msg)
		}
		if res.VirtualTime != clean.VirtualTime || !reflect.DeepEqual(res.Stats, clean.Stats) {
			t.Errorf("%s: the attempt changed the run: %v and %d switches, clean %v and %d", name, res.VirtualTime, res.Stats.ContextSwitches, clean.VirtualTime, clean.Stats.ContextSwitches)
		}
	}
}

// TestZombieFrozen: a goroutine body abandoned by a watchdog abort that
// later gets unstuck and calls the runtime is frozen there: it neither
// panics nor touches the run that is going on meanwhile.
func TestZombieFrozen(t *testing.T) {
	if raceEnabled {
		t.Skip("the abandoned goroutine's earlier writes look racy to the race detector")
	}
	// Each zombie gets unstuck in a later run and then calls the
	// runtime, returns from its body, or panics.
	for _, end := range []string{"call", "return", "panic"} {
		block := make(chan int)
		reached := make(chan bool, 1)
		_, err := gmp.Run(gmp.Config{Watchdog: 200 * stdtime.Millisecond}, func() {
			gmp.Go(func() {
				<-block
				reached <- true
				switch end {
				case "call":
					gmp.Gosched() // must freeze: this goroutine's run is over
					panic("a zombie ran again")
				case "panic":
					panic("a zombie's panic")
				}
			})
			gmp.Gosched()
		})
		var we *gmp.WatchdogError
		if !errors.As(err, &we) {
			t.Fatalf("%s: err = %v, want a *gmp.WatchdogError", end, err)
		}
		clean, err := gmp.Run(gmp.Config{Procs: 4, Seed: 9}, fanout)
		if err != nil {
			t.Fatal(err)
		}
		var woke bool
		res, err := gmp.Run(gmp.Config{Procs: 4, Seed: 9}, func() {
			close(block)
			woke = <-reached
			stdtime.Sleep(time.Millisecond) // let the zombie reach its end
			fanout()
		})
		if err != nil || !woke {
			t.Fatalf("%s: run with a zombie about: %v (woke %v)", end, err, woke)
		}
		if res.VirtualTime != clean.VirtualTime || !reflect.DeepEqual(res.Stats, clean.Stats) {
			t.Errorf("%s: the zombie changed the run: %v and %d switches, clean %v and %d", end, res.VirtualTime, res.Stats.ContextSwitches, clean.VirtualTime, clean.Stats.ContextSwitches)
		}
	}
	stdtime.Sleep(20 * stdtime.Millisecond) // a zombie that panicked would crash the test binary
}

// TestTimeOverflow: no duration wraps virtual time around. Each of these
// would take about 292 years, which ends the run with a LimitError at the
// end of virtual time (where every deadline saturates, as Go clamps a
// timer's when) — never a negative clock, a wait that returns at once, or
// a hang.
func TestTimeOverflow(t *testing.T) {
	const huge = stdtime.Duration(math.MaxInt64)
	for name, f := range map[string]func(){
		"Syscall":        func() { gmp.Syscall(huge) },
		"NetWait":        func() { gmp.NetWait(huge) },
		"Sleep":          func() { time.Sleep(huge) },
		"Sleep-after-1h": func() { time.Sleep(stdtime.Hour); time.Sleep(huge) },
		"Timer":          func() { time.NewTimer(huge).C.Recv() },
		"After":          func() { gmp.Select(time.After(huge).RecvCase()) },
	} {
		for _, procs := range []int{1, 4} {
			start := stdtime.Now()
			res, err := gmp.Run(gmp.Config{Procs: procs}, func() {
				gmp.Go(func() {
					for range 3 {
						gmp.Work(stdtime.Millisecond)
					}
				})
				f()
				t.Errorf("%s returned", name)
			})
			var le *gmp.LimitError
			if !errors.As(err, &le) || le.What != "end of virtual time" {
				t.Errorf("%s, procs %d: err = %v, want the end of virtual time", name, procs, err)
			}
			if res.VirtualTime != huge {
				t.Errorf("%s, procs %d: virtual time %v, want %v", name, procs, res.VirtualTime, huge)
			}
			if wall := stdtime.Since(start); wall > 5*stdtime.Second {
				t.Errorf("%s, procs %d: took %v of wall time", name, procs, wall)
			}
		}
	}
	// Work of 292 years is a goroutine computing for that long: it is
	// preempted every 10 ms like any other (so only MaxTime ends such a
	// run in reasonable wall time), other goroutines run beside it, and
	// the clock never wraps.
	for _, procs := range []int{1, 4} {
		res, err := gmp.Run(gmp.Config{Procs: procs, MaxTime: stdtime.Hour}, func() {
			gmp.Go(func() { gmp.Work(huge) })
			for range 10 {
				time.Sleep(stdtime.Minute)
			}
			gmp.Work(huge)
		})
		var le *gmp.LimitError
		if !errors.As(err, &le) || le.What != "virtual time" || res.VirtualTime != stdtime.Hour {
			t.Errorf("Work(MaxInt64), procs %d, MaxTime 1h: err = %v, virtual time %v", procs, err, res.VirtualTime)
		}
		res, err = gmp.Run(gmp.Config{Procs: procs}, func() {
			gmp.Go(func() { gmp.Work(huge) })
			time.Sleep(stdtime.Second)
		})
		if err != nil || res.VirtualTime < stdtime.Second || res.VirtualTime > 2*stdtime.Second {
			t.Errorf("main returning beside Work(MaxInt64), procs %d: err = %v, virtual time %v", procs, err, res.VirtualTime)
		}
	}
	// A syscall that ends a second before the end of time returns, in
	// little wall time, through some 2.6 billion hours of sysmon's idle
	// rounds.
	start := stdtime.Now()
	res, err := gmp.Run(gmp.Config{}, func() { gmp.Syscall(huge - stdtime.Second) })
	if err != nil || res.VirtualTime < huge-stdtime.Second {
		t.Errorf("Syscall(MaxInt64-1s): err = %v, virtual time %v", err, res.VirtualTime)
	}
	if wall := stdtime.Since(start); wall > 5*stdtime.Second {
		t.Errorf("Syscall(MaxInt64-1s) took %v of wall time", wall)
	}
}

// TestStalledClock: a loop that spends no virtual time cannot be stopped
// by MaxTime or the watchdog; it ends with a LimitError that says so.
func TestStalledClock(t *testing.T) {
	zero := gmp.CostModel{}
	res, err := gmp.Run(gmp.Config{Procs: 2, Costs: &zero, MaxTime: stdtime.Millisecond, Watchdog: stdtime.Second}, func() {
		gmp.Go(func() {
			for {
				gmp.Gosched()
			}
		})
		for {
			gmp.Gosched()
		}
	})
	var le *gmp.LimitError
	if !errors.As(err, &le) || le.What != "stalled clock" || !strings.Contains(err.Error(), "without virtual time moving") {
		t.Fatalf("err = %v, want a stalled-clock LimitError", err)
	}
	if res.VirtualTime != 0 {
		t.Errorf("virtual time %v", res.VirtualTime)
	}
}

// TestBadCosts: a cost model with a negative or absurd entry is refused
// before anything runs, naming the entry.
func TestBadCosts(t *testing.T) {
	for _, set := range []func(*gmp.CostModel){
		func(c *gmp.CostModel) { c.ChanSend = -1 },
		func(c *gmp.CostModel) { c.MWakeup = math.MaxInt64 },
		func(c *gmp.CostModel) { c.TimerOp = int64(2 * stdtime.Hour) },
	} {
		c := gmp.DefaultCosts()
		set(&c)
		_, err := gmp.Run(gmp.Config{Costs: &c}, func() { t.Error("ran") })
		if err == nil || !strings.Contains(err.Error(), "Config.Costs.") {
			t.Errorf("err = %v, want one naming the cost", err)
		}
	}
	if _, err := gmp.Run(gmp.Config{Procs: 1 << 20}, func() { t.Error("ran") }); err == nil || !strings.Contains(err.Error(), "limit") {
		t.Errorf("Procs 1<<20: err = %v", err)
	}
	_, err := gmp.Run(gmp.Config{}, func() { gmp.GOMAXPROCS(1 << 30) })
	if err == nil || !strings.Contains(err.Error(), "GOMAXPROCS(1073741824) is above the simulator's limit") {
		t.Errorf("GOMAXPROCS(1<<30): err = %v", err)
	}
}

// TestSelectTooManyCases: a select of more than 65,536 cases panics as
// reflect.Select does (selectgo indexes cases with uint16s); 65,536 work,
// and the last of them can be the one that proceeds.
func TestSelectTooManyCases(t *testing.T) {
	_, err := gmp.Run(gmp.Config{Procs: 1}, func() {
		chans := make([]gmp.Chan[int], 1<<16+1)
		cases := make([]gmp.SelectCase, len(chans))
		for i := range chans {
			chans[i] = gmp.MakeChan[int](1)
			cases[i] = chans[i].RecvCase()
		}
		if msg := panicMessage(func() { gmp.Select(cases...) }); msg != "gmp.Select: too many cases (max 65536)" {
			t.Errorf("select of 65,537 cases: panic %q", msg)
		}
		last := 1<<16 - 1
		chans[last].Send(7)
		if got := gmp.Select(cases[:1<<16]...); got != last {
			t.Errorf("select of 65,536 cases chose %d, want %d", got, last)
		}
	})
	if err != nil {
		t.Fatal(err)
	}
}

//go:noinline
func rangeWorker(ch gmp.Chan[int]) {
	for v := range ch.All() {
		_ = v
	}
}

// TestRangeDump: a goroutine blocked in for range ch.All() shows, in a
// dump, its own function blocked on the receive — like for v := range ch —
// and no frame of gmp's iterator, even inlined into the caller (where the
// closure takes the caller's name).
func TestRangeDump(t *testing.T) {
	_, err := gmp.Run(gmp.Config{Procs: 1}, func() {
		ch := gmp.MakeChan[int](0)
		gmp.Go(func() { rangeWorker(ch) })
		gmp.MakeChan[int](0).Recv()
	})
	if !gmp.IsDeadlock(err) {
		t.Fatalf("err = %v, want a deadlock", err)
	}
	dump := err.Error()
	i := strings.Index(dump, "goroutine 7 [chan receive]:\n")
	if i < 0 {
		t.Fatalf("no goroutine 7 blocked in a receive:\n%s", dump)
	}
	g7, _, _ := strings.Cut(dump[i:], "\n\n")
	lines := strings.Split(g7, "\n")
	if len(lines) < 2 || !strings.HasPrefix(lines[1], "github.com/gmplab/gmp_test.rangeWorker(") {
		t.Errorf("goroutine 7's first frame is not rangeWorker:\n%s", g7)
	}
	if strings.Contains(g7, "All.func") || strings.Contains(g7, "/chan.go") {
		t.Errorf("the dump shows gmp's iterator:\n%s", g7)
	}
}

// statusLog records the G status changes of a run. The program resets the
// log while the observer writes it (on the event loop's host goroutine
// under -race): a hostlog.Log.
type statusLog struct{ log hostlog.Log[string] }

func (s *statusLog) Kinds() observe.KindSet { return observe.KindsOf(observe.GoStatus) }
func (s *statusLog) Event(ev *observe.Event) {
	s.log.Add(fmt.Sprintf("G%d %s->%s %s", ev.G, observe.GStatus(ev.Arg), observe.GStatus(ev.Arg2), observe.WaitReason(ev.Arg3)))
}

// TestSTWWaitReason: the goroutine that stops the world for GOMAXPROCS goes
// to _Gwaiting with the reason "stopping the world" in the very event of
// that change (Go sets the reason before the status).
func TestSTWWaitReason(t *testing.T) {
	obs := &statusLog{}
	var me int64
	_, err := gmp.Run(gmp.Config{Procs: 2, Observers: []observe.Observer{obs}}, func() {
		me = gmp.Goid()
		time.Sleep(stdtime.Millisecond) // a wait reason to be left over
		obs.log.Reset()
		gmp.GOMAXPROCS(3)
	})
	if err != nil {
		t.Fatal(err)
	}
	want := fmt.Sprintf("G%d _Grunning->_Gwaiting stopping the world", me)
	if log := obs.log.Get(); !slices.Contains(log, want) {
		t.Errorf("no %q among the status changes:\n%s", want, strings.Join(log, "\n"))
	}
}

// TestSettle: with Config.Settle, goroutines that outlive main are given
// the time to finish; only those blocked for good are leaks. Without it the
// program ends when main returns, as Go's does.
func TestSettle(t *testing.T) {
	const settle = stdtime.Second
	cases := []struct {
		name  string
		main  func()
		leaks int // with Settle
		plain int // without
	}{
		{"not-run-yet", func() { gmp.Go(func() {}) }, 0, 1},
		{"woken-last", func() {
			c := gmp.MakeChan[int](0)
			gmp.Go(func() { c.Recv() })
			gmp.Gosched()
			c.Close()
		}, 0, 1},
		{"sleeping", func() { gmp.Go(func() { time.Sleep(10 * stdtime.Millisecond) }) }, 0, 1},
		{"stuck", func() {
			c := gmp.MakeChan[int](0)
			gmp.Go(func() { c.Recv() })
			gmp.Go(func() {})
		}, 1, 2},
		{"ticker-forever", func() {
			gmp.Go(func() {
				for range time.Tick(stdtime.Millisecond).All() {
				}
			})
		}, 1, 1},
	}
	for _, c := range cases {
		for _, procs := range []int{1, 4} {
			res, err := gmp.Run(gmp.Config{Procs: procs, Settle: settle}, c.main)
			if err != nil {
				t.Fatalf("%s: %v", c.name, err)
			}
			if len(res.Leaks) != c.leaks {
				t.Errorf("%s, procs %d, Settle: %d leaks, want %d", c.name, procs, len(res.Leaks), c.leaks)
			}
			if c.name == "ticker-forever" && res.VirtualTime < settle {
				t.Errorf("%s: ended at %v, before Settle ran out", c.name, res.VirtualTime)
			}
			if c.name != "ticker-forever" && res.VirtualTime >= settle {
				t.Errorf("%s: ended at %v: it waited for Settle to run out", c.name, res.VirtualTime)
			}
			res, err = gmp.Run(gmp.Config{Procs: procs}, c.main)
			if err != nil || len(res.Leaks) != c.plain {
				t.Errorf("%s, procs %d, no Settle: %d leaks (err %v), want %d", c.name, procs, len(res.Leaks), err, c.plain)
			}
		}
	}
}

// TestLeakingRunsFreeMemory: a run whose goroutines are left blocked
// (leaked) leaves nothing behind once it ends: over thousands of such runs
// the host's goroutines and heap stay flat (each leaked goroutine's host
// coroutine is unwound), and a leaked goroutine's deferred calls run with
// the runtime calls they make ending them at once.
func TestLeakingRunsFreeMemory(t *testing.T) {
	leaky := func() {
		c := gmp.MakeChan[int](0)
		var mu sync.Mutex
		for range 3 {
			gmp.Go(func() {
				mu.Lock()
				defer mu.Unlock() // runs at teardown; Unlock ends the goroutine
				defer func() { _ = recover() }()
				c.Recv()
			})
		}
		gmp.Gosched()
	}
	measure := func(runs int) (goroutines int, heap uint64) {
		for range runs {
			res, err := gmp.Run(gmp.Config{Procs: 2}, leaky)
			if err != nil || len(res.Leaks) != 3 {
				t.Fatalf("err %v, %d leaks", err, len(res.Leaks))
			}
		}
		runtime.GC()
		var ms runtime.MemStats
		runtime.ReadMemStats(&ms)
		return runtime.NumGoroutine(), ms.HeapInuse
	}
	measure(200) // warm the pools
	g1, h1 := measure(1000)
	g2, h2 := measure(4000)
	if g2 > g1+5 {
		t.Errorf("host goroutines grew from %d to %d over 4,000 more leaking runs", g1, g2)
	}
	if h2 > h1+4<<20 {
		t.Errorf("heap grew from %d to %d bytes over 4,000 more leaking runs", h1, h2)
	}
	t.Logf("after 1,200 leaking runs: %d goroutines, %d KiB of heap; after 5,200: %d, %d KiB", g1, h1>>10, g2, h2>>10)
}

//go:noinline
func stackWaiter(c gmp.Chan[int]) { c.Recv() }

// TestStackAll: gmp.Stack(buf, true) — runtime.Stack for all goroutines —
// from inside a run shows the caller, running, then every other goroutine
// blocked where it is, with its own frames; the run goes on undisturbed.
func TestStackAll(t *testing.T) {
	var dump string
	res, err := gmp.Run(gmp.Config{Procs: 2, Settle: stdtime.Second}, func() {
		c := gmp.MakeChan[int](0)
		for range 3 {
			gmp.Go(func() { stackWaiter(c) })
		}
		gmp.Gosched()
		buf := make([]byte, 1<<16)
		dump = string(buf[:gmp.Stack(buf, true)])
		c.Close()
	})
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(dump, "goroutine 1 [running]:\n") || !strings.Contains(dump, "TestStackAll.func1") {
		t.Errorf("the dump does not start with the caller:\n%s", dump)
	}
	if n := strings.Count(dump, "[chan receive]:\ngithub.com/gmplab/gmp_test.stackWaiter("); n != 3 {
		t.Errorf("%d goroutines shown blocked in stackWaiter, want 3:\n%s", n, dump)
	}
	if len(res.Leaks) != 0 {
		t.Errorf("%d leaks", len(res.Leaks))
	}
}
