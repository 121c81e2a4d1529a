package time_test

import (
	"errors"
	"fmt"
	"math/rand/v2"
	"os/exec"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"testing"
	stdtime "time"

	"github.com/gmplab/gmp"
	"github.com/gmplab/gmp/internal/hostlog"
	"github.com/gmplab/gmp/internal/testnative"
	gobserve "github.com/gmplab/gmp/observe"
	"github.com/gmplab/gmp/time"
)

const ms = time.Millisecond

// run runs main on the simulator and fails the test on any error.
func run(t *testing.T, cfg gmp.Config, main func()) *gmp.Result {
	t.Helper()
	res, err := gmp.Run(cfg, main)
	if err != nil {
		t.Fatalf("gmp.Run: %v", err)
	}
	return res
}

// procsConfigs are the configurations every scenario runs under.
var procsConfigs = []gmp.Config{{Procs: 1}, {Procs: 4}}

// TestSleepVirtualOrder starts 10,000 goroutines that each sleep until a
// random virtual deadline (all deadlines measured from one base instant)
// and records the order in which they wake. The order must be the order of
// the deadlines. Timers due at the same check run together, and each
// readied goroutine takes runnext from the previous one, so the order is
// only exact up to the wakeup granularity of an idle runtime (epoll_wait's
// millisecond): with deadlines on a 10 ms grid it must be exact (equal
// deadlines in any order); with nanosecond deadlines no goroutine may wake
// after one whose deadline is more than 2 ms later.
func TestSleepVirtualOrder(t *testing.T) {
	const n = 10000
	cases := []struct {
		name    string
		quantum time.Duration
		slack   time.Duration // allowed inversion
	}{
		{"grid10ms", 10 * ms, 0},
		{"ns", 1, 2 * ms},
	}
	for _, tc := range cases {
		for _, cfg := range procsConfigs {
			t.Run(fmt.Sprintf("%s/procs%d", tc.name, cfg.Procs), func(t *testing.T) {
				rng := rand.New(rand.NewPCG(1, 2))
				due := make([]time.Duration, n)
				for i := range due {
					due[i] = time.Duration(rng.Int64N(int64(10*time.Second/tc.quantum))) * tc.quantum
				}
				woke := make([]time.Duration, n) // each goroutine writes its own element
				var order hostlog.Log[int]
				wall := stdtime.Now()
				res := run(t, cfg, func() {
					base := time.Now().Add(time.Second)
					done := gmp.MakeChan[struct{}](0)
					for i := range n {
						gmp.Go(func() {
							time.Sleep(time.Until(base.Add(due[i])))
							woke[i] = time.Since(base)
							if order.Add(i) == n {
								done.Close()
							}
						})
					}
					done.Recv()
				})
				t.Logf("%d sleepers: %v of virtual time in %v of wall time, %d timers fired",
					n, res.VirtualTime, stdtime.Since(wall), res.Stats.TimersFired)
				var maxLate, maxInv time.Duration
				high := time.Duration(-1)
				for _, i := range order.Get() {
					if woke[i] < due[i] {
						t.Fatalf("goroutine %d woke at +%v, before its deadline +%v", i, woke[i], due[i])
					}
					maxLate = max(maxLate, woke[i]-due[i])
					if high-due[i] > maxInv {
						maxInv = high - due[i]
					}
					high = max(high, due[i])
				}
				t.Logf("latest wakeup %v after its deadline; largest inversion %v", maxLate, maxInv)
				if maxInv > tc.slack {
					t.Errorf("a goroutine woke after one whose deadline was %v later (allowed: %v)", maxInv, tc.slack)
				}
				if maxLate > 2*ms {
					t.Errorf("a goroutine woke %v after its deadline", maxLate)
				}
				if res.Stats.TimersFired < n {
					t.Errorf("TimersFired = %d, want ≥ %d", res.Stats.TimersFired, n)
				}
			})
		}
	}
}

// TestShortSleepNetpollGranularity: on an otherwise idle program a
// 100 µs Sleep takes about a millisecond, because the M that waits for the
// timer blocks in netpoll, and epoll_wait's timeout is in whole
// milliseconds (plus the kernel's 50 µs timer slack). This is real Go
// behaviour on Linux; the native measurement is logged for comparison.
func TestShortSleepNetpollGranularity(t *testing.T) {
	for _, cfg := range procsConfigs {
		t.Run(fmt.Sprint("procs", cfg.Procs), func(t *testing.T) {
			var took time.Duration
			run(t, cfg, func() {
				start := time.Now()
				time.Sleep(100 * time.Microsecond)
				took = time.Since(start)
			})
			t.Logf("simulated Sleep(100µs): %v", took)
			if took < 1050*time.Microsecond || took > 1100*time.Microsecond {
				t.Errorf("Sleep(100µs) took %v of virtual time, want 1.05–1.1 ms", took)
			}
		})
	}
	var native []stdtime.Duration
	for range 5 {
		start := stdtime.Now()
		stdtime.Sleep(100 * stdtime.Microsecond)
		native = append(native, stdtime.Since(start))
	}
	slices.Sort(native)
	t.Logf("native Sleep(100µs) on this machine: median %v (the test process is not idle, so this is indicative only)", native[len(native)/2])
}

// TestFarTimerEndsRun: a run whose only remaining work is a timer far in
// the future jumps to it in virtual time and finishes; MaxTime stops it
// with a *gmp.LimitError instead.
func TestFarTimerEndsRun(t *testing.T) {
	for _, cfg := range procsConfigs {
		t.Run(fmt.Sprint("procs", cfg.Procs), func(t *testing.T) {
			wall := stdtime.Now()
			res := run(t, cfg, func() { time.Sleep(time.Hour) })
			t.Logf("Sleep(1h): virtual %v, wall %v, sysmon wakeups %d", res.VirtualTime, stdtime.Since(wall), res.Stats.SysmonWakeups)
			if res.VirtualTime < time.Hour || res.VirtualTime > time.Hour+10*ms {
				t.Errorf("VirtualTime = %v, want just over 1h", res.VirtualTime)
			}

			res = run(t, cfg, func() {
				tm := time.NewTimer(time.Hour)
				tm.C.Recv()
			})
			if res.VirtualTime < time.Hour {
				t.Errorf("receive from NewTimer(1h): VirtualTime = %v, want ≥ 1h", res.VirtualTime)
			}

			cfg.MaxTime = time.Minute
			res, err := gmp.Run(cfg, func() { time.Sleep(time.Hour) })
			var le *gmp.LimitError
			if !errors.As(err, &le) {
				t.Fatalf("with MaxTime=1m: err = %v, want a *gmp.LimitError", err)
			}
			if res.VirtualTime != time.Minute {
				t.Errorf("with MaxTime=1m: VirtualTime = %v, want 1m", res.VirtualTime)
			}
		})
	}
}

// TestTickerDrift: a Ticker's ticks carry the times they were due, on the
// period grid; a slow receiver gets the late tick (its value is the time
// it was due) and the next tick is due at when + period*(1+delay/period),
// dropping the ones it missed.
func TestTickerDrift(t *testing.T) {
	for _, cfg := range procsConfigs {
		t.Run(fmt.Sprint("procs", cfg.Procs), func(t *testing.T) {
			var vals, recvd []time.Duration
			run(t, cfg, func() {
				start := time.Now()
				tk := time.NewTicker(10 * ms)
				for i := range 6 {
					v := tk.C.Recv()
					vals = append(vals, v.Sub(start))
					recvd = append(recvd, time.Since(start))
					if i == 1 {
						gmp.Work(25 * ms) // miss the tick at 30ms and most of the period
					}
					if i == 3 {
						gmp.Work(38 * ms) // miss 60 and 70, be late for 80
					}
				}
				tk.Stop()
			})
			t.Logf("tick values %v, received at %v", vals, recvd)
			// Ticks are due at 10,20 | (30 late, received ≈45) 50 | (60 late, received ≈88) 90.
			want := []time.Duration{10 * ms, 20 * ms, 30 * ms, 50 * ms, 60 * ms, 90 * ms}
			for i := range want {
				// The ticker was created a few ns after start (the timer op's cost).
				if d := vals[i] - want[i]; d < 0 || d > time.Microsecond {
					t.Errorf("tick %d value %v after start, want %v", i, vals[i], want[i])
				}
				if recvd[i] < vals[i] {
					t.Errorf("tick %d received at %v, before its value %v", i, recvd[i], vals[i])
				}
			}
			if recvd[2] < 45*ms || recvd[2] > 46*ms {
				t.Errorf("late tick received at %v, want right after the 25ms of work (≈45ms)", recvd[2])
			}
		})
	}
}

// TestTickerStopReset: Stop ends the ticks (none stale after it), Reset
// changes the period and re-arms from now.
func TestTickerStopReset(t *testing.T) {
	run(t, gmp.Config{Procs: 2}, func() {
		start := time.Now()
		tk := time.NewTicker(ms)
		time.Sleep(3500 * time.Microsecond)
		tk.Stop()
		if _, _, ok := tk.C.TryRecv(); ok {
			t.Errorf("a tick was received after Stop")
		}
		time.Sleep(10 * ms)
		if _, _, ok := tk.C.TryRecv(); ok {
			t.Errorf("a tick was received 10ms after Stop")
		}
		resetAt := time.Now()
		tk.Reset(5 * ms)
		v := tk.C.Recv()
		if d := v.Sub(resetAt); d < 5*ms || d > 5*ms+time.Microsecond {
			t.Errorf("first tick after Reset(5ms) due %v after the reset, want 5ms", d)
		}
		v2 := tk.C.Recv()
		if d := v2.Sub(v); d != 5*ms {
			t.Errorf("ticks after Reset(5ms) are %v apart, want 5ms", d)
		}
		tk.Stop()
		tk.Stop() // a second Stop is harmless
		_ = start
	})
}

// TestAfterFuncNewGoroutine: f runs in a goroutine of its own, started by
// the timer (not by the caller), so it may block without delaying other
// timers, and a goroutine dump says it was created by time.goFunc.
func TestAfterFuncNewGoroutine(t *testing.T) {
	for _, cfg := range procsConfigs {
		t.Run(fmt.Sprint("procs", cfg.Procs), func(t *testing.T) {
			res := run(t, cfg, func() {
				mainID := gmp.Goid()
				start := time.Now()
				ids := gmp.MakeChan[int64](2)
				at := gmp.MakeChan[time.Duration](2)
				time.AfterFunc(2*ms, func() {
					ids.Send(gmp.Goid())
					time.Sleep(time.Hour) // blocks only this goroutine
				})
				time.AfterFunc(3*ms, func() {
					at.Send(time.Since(start))
					ids.Send(gmp.Goid())
				})
				a, b := ids.Recv(), ids.Recv()
				if a == mainID || b == mainID || a == b {
					t.Errorf("AfterFunc goroutines %d and %d (main is %d): want two new goroutines", a, b, mainID)
				}
				if d := at.Recv(); d < 3*ms || d > 4500*time.Microsecond {
					t.Errorf("second AfterFunc ran at %v, want ≈3ms (the first one's f is asleep, not blocking it)", d)
				}
			})
			if len(res.Leaks) != 1 {
				t.Fatalf("leaks = %d, want the sleeping AfterFunc goroutine", len(res.Leaks))
			}
			if cb := res.Leaks[0].CreatedBy; !strings.HasPrefix(cb, "created by github.com/gmplab/gmp/time.goFunc\n") {
				t.Errorf("leaked AfterFunc goroutine: %q, want created by time.goFunc (with no parent goroutine)", cb)
			}
		})
	}
}

// TestTimerOrderMatchesRuntime runs testdata/timerorder on the real
// runtime with GOMAXPROCS=1 and the same program on the simulator: five
// timers fire in one checkTimers while main holds the P, and the goroutines
// they wake (sleepers, AfterFunc goroutines, receivers blocked on timer
// channels) must run in the same order.
func TestTimerOrderMatchesRuntime(t *testing.T) {
	exe := testnative.Build(t, "time/testdata/timerorder")
	for _, mode := range []string{"sleep", "afterfunc", "chan"} {
		t.Run(mode, func(t *testing.T) {
			want := testnative.Run(t, exe, 1, mode)
			var order hostlog.Log[string] // a host mutex, as the native program's
			run(t, gmp.Config{Procs: 1}, func() {
				due := []int{3, 1, 4, 2, 5}
				done := gmp.MakeChan[struct{}](len(due))
				rec := func(i int) {
					order.Add(fmt.Sprint(i))
					done.Send(struct{}{})
				}
				for i, d := range due {
					d := time.Duration(d) * ms
					switch mode {
					case "sleep":
						gmp.Go(func() { time.Sleep(d); rec(i) })
					case "afterfunc":
						time.AfterFunc(d, func() { rec(i) })
					case "chan":
						tm := time.NewTimer(d)
						gmp.Go(func() { tm.C.Recv(); rec(i) })
					}
				}
				gmp.Gosched()
				gmp.Work(7 * ms)
				gmp.Gosched()
				for range due {
					done.Recv()
				}
			})
			if got := strings.Join(order.Get(), " "); got != want {
				t.Errorf("order: sim %q, real runtime %q", got, want)
			}
		})
	}
}

// sumTimers is the number of timers in all Ps' heaps (zombies included).
func sumTimers() int {
	n := 0
	for _, p := range gmp.Sched().Ps {
		n += p.TimersLen
	}
	return n
}

// TestChanTimerHeapedOnlyWhileBlocked: a channel timer is in a P's heap
// only while a goroutine is blocked on its channel; otherwise it fires
// lazily, when the channel is received from.
func TestChanTimerHeapedOnlyWhileBlocked(t *testing.T) {
	run(t, gmp.Config{Procs: 2}, func() {
		tm := time.NewTimer(5 * ms)
		if n := sumTimers(); n != 0 {
			t.Errorf("after NewTimer with nobody receiving: %d timers in heaps, want 0", n)
		}
		time.Sleep(20 * ms)
		// Long expired, but nothing ran it: the value is produced by
		// the receive, stamped with the time it was due.
		before := time.Now()
		v, _, ok := tm.C.TryRecv()
		if !ok {
			t.Fatalf("expired timer: nothing to receive")
		}
		if d := before.Sub(v); d < 15*ms {
			t.Errorf("value is %v old, want the due time (≈15ms ago)", d)
		}

		tm.Reset(time.Hour)
		blocked := gmp.MakeChan[struct{}](0)
		other := gmp.MakeChan[int](0)
		gmp.Go(func() {
			blocked.Send(struct{}{})
			gmp.Select(tm.C.RecvCase(), other.RecvCase())
			blocked.Send(struct{}{})
		})
		blocked.Recv()
		time.Sleep(ms) // the goroutine is now parked in select
		if n := sumTimers(); n != 1 {
			t.Errorf("with a goroutine blocked on the channel: %d timers in heaps, want 1", n)
		}
		other.Send(1)
		blocked.Recv()
		// Unblocked: the timer is a zombie until its P cleans it up.
		tm.Stop()
		time.Sleep(2 * ms)
		if n := sumTimers(); n != 0 {
			t.Logf("zombie timers left in heaps: %d (cleaned lazily)", n)
		}
	})
}

// TestTimerStolenFromBusyP: a timer on a P whose goroutine runs without
// yielding is run by another P's M on its last steal round, on time.
func TestTimerStolenFromBusyP(t *testing.T) {
	run(t, gmp.Config{Procs: 4}, func() {
		start := time.Now()
		fired := gmp.MakeChan[time.Duration](1)
		busy := gmp.MakeChan[struct{}](0)
		gmp.Go(func() {
			time.AfterFunc(ms, func() { fired.Send(time.Since(start)) })
			gmp.Work(8 * ms) // below the 10ms preemption slice
			busy.Send(struct{}{})
		})
		d := fired.Recv()
		if d < ms || d > 2500*time.Microsecond {
			t.Errorf("timer on the busy P fired at %v, want ≈1ms (stolen by an idle P)", d)
		}
		busy.Recv()
	})
}

// TestStoppedTimerDeadlock: a goroutine blocked on the channel of a
// stopped timer waits forever; with nothing else left, the runtime reports
// the deadlock (the timer is not in any heap).
func TestStoppedTimerDeadlock(t *testing.T) {
	_, err := gmp.Run(gmp.Config{Procs: 2}, func() {
		tm := time.NewTimer(ms)
		tm.Stop()
		tm.C.Recv()
	})
	if !gmp.IsDeadlock(err) {
		t.Fatalf("err = %v, want all goroutines are asleep - deadlock!", err)
	}
	if !strings.Contains(err.Error(), "[chan receive]") {
		t.Errorf("dump does not show main in chan receive:\n%v", err)
	}
}

// TestSelectTimeout is the usual timeout pattern: a select on a work
// channel and time.After.
func TestSelectTimeout(t *testing.T) {
	run(t, gmp.Config{Procs: 4}, func() {
		work := gmp.MakeChan[int](0)
		gmp.Go(func() {
			time.Sleep(50 * ms)
			work.TrySend(1)
		})
		start := time.Now()
		timeout := time.After(20 * ms)
		wc, tc := work.RecvCase(), timeout.RecvCase()
		switch gmp.Select(wc, tc) {
		case 0:
			t.Errorf("work arrived before the timeout")
		case 1:
			if d := time.Since(start); d < 20*ms || d > 22*ms {
				t.Errorf("timeout after %v, want ≈20ms", d)
			}
			if tc.V.Sub(start) != 20*ms {
				t.Errorf("timeout value %v after start, want 20ms", tc.V.Sub(start))
			}
		}
	})
}

// TestBadInput: negative and zero durations behave as Go's.
func TestBadInput(t *testing.T) {
	panics := func(f func()) (msg string) {
		defer func() {
			if r := recover(); r != nil {
				msg = fmt.Sprint(r)
			}
		}()
		f()
		return ""
	}
	run(t, gmp.Config{Procs: 1}, func() {
		before := time.Now()
		time.Sleep(-1)
		time.Sleep(0)
		if !time.Now().Equal(before) {
			t.Errorf("Sleep(-1)/Sleep(0) took %v", time.Since(before))
		}
		if v, _, ok := time.After(-1).TryRecv(); !ok || !v.Equal(before) {
			t.Errorf("After(-1): value %v, %v; want one at once, stamped now", v, ok)
		}
		if _, _, ok := time.NewTimer(0).C.TryRecv(); !ok {
			t.Errorf("NewTimer(0) did not fire at once")
		}
		ran := gmp.MakeChan[struct{}](1)
		time.AfterFunc(-time.Second, func() { ran.Send(struct{}{}) })
		ran.Recv()
		if time.Tick(0) != (gmp.Chan[time.Time]{}) || time.Tick(-1) != (gmp.Chan[time.Time]{}) {
			t.Errorf("Tick(d ≤ 0) is not nil")
		}
		for _, tc := range []struct {
			name string
			f    func()
			want string
		}{
			{"NewTicker(0)", func() { time.NewTicker(0) }, "non-positive interval for NewTicker"},
			{"NewTicker(-1)", func() { time.NewTicker(-1) }, "non-positive interval for NewTicker"},
			{"Ticker.Reset(0)", func() { time.NewTicker(ms).Reset(0) }, "non-positive interval for Ticker.Reset"},
			{"zero Ticker.Reset", func() { new(time.Ticker).Reset(ms) }, "time: Reset called on uninitialized Ticker"},
			{"zero Timer.Stop", func() { new(time.Timer).Stop() }, "time: Stop called on uninitialized Timer"},
			{"zero Timer.Reset", func() { new(time.Timer).Reset(ms) }, "time: Reset called on uninitialized Timer"},
			{"zero Ticker.Stop", func() { new(time.Ticker).Stop() }, ""},
		} {
			if got := panics(tc.f); got != tc.want {
				t.Errorf("%s: panic %q, want %q", tc.name, got, tc.want)
			}
		}
	})
}

// TestOutsideRun: the functions that need the runtime panic with the
// core's message outside gmp.Run; a timer used after its run ended panics
// saying so.
func TestOutsideRun(t *testing.T) {
	const outside = "gmp: called outside gmp.Run"
	for name, f := range map[string]func(){
		"Now":       func() { time.Now() },
		"Since":     func() { time.Since(gmp.Epoch) },
		"Until":     func() { time.Until(gmp.Epoch) },
		"Sleep":     func() { time.Sleep(ms) },
		"Sleep(-1)": func() { time.Sleep(-1) },
		"After":     func() { time.After(ms) },
		"NewTimer":  func() { time.NewTimer(ms) },
		"AfterFunc": func() { time.AfterFunc(ms, func() {}) },
		"NewTicker": func() { time.NewTicker(ms) },
		"Tick":      func() { time.Tick(ms) },
	} {
		func() {
			defer func() {
				if r := recover(); r == nil || !strings.HasPrefix(fmt.Sprint(r), outside) {
					t.Errorf("%s outside gmp.Run: panic %v, want %q…", name, r, outside)
				}
			}()
			f()
		}()
	}

	var tm *time.Timer
	var tk *time.Ticker
	run(t, gmp.Config{Procs: 1}, func() {
		tm = time.NewTimer(time.Hour)
		tk = time.NewTicker(time.Hour)
	})
	const finished = "time: use of a Timer or Ticker from a finished simulation"
	for name, f := range map[string]func(){
		"Timer.Stop":   func() { tm.Stop() },
		"Timer.Reset":  func() { tm.Reset(ms) },
		"Ticker.Stop":  func() { tk.Stop() },
		"Ticker.Reset": func() { tk.Reset(ms) },
	} {
		run(t, gmp.Config{Procs: 1}, func() {
			defer func() {
				if r := recover(); r == nil || !strings.HasPrefix(fmt.Sprint(r), finished) {
					t.Errorf("%s in a later run: panic %v, want %q…", name, r, finished)
				}
			}()
			f()
		})
	}
}

// mixed is a workload of sleeps, timers, tickers, AfterFuncs and selects.
func mixed(log *[]string) func() {
	return func() {
		done := gmp.MakeChan[string](0)
		for i := range 8 {
			gmp.Go(func() {
				time.Sleep(time.Duration(i*300+100) * time.Microsecond)
				gmp.Work(time.Duration(i%3) * 200 * time.Microsecond)
				tm := time.NewTimer(time.Duration(8-i) * 250 * time.Microsecond)
				if i%2 == 0 {
					tm.Reset(time.Duration(i) * 100 * time.Microsecond)
				}
				tm.C.Recv()
				done.Send(fmt.Sprintf("g%d@%v", i, time.Since(gmp.Epoch)))
			})
		}
		tk := time.NewTicker(700 * time.Microsecond)
		time.AfterFunc(2*ms, func() { done.Send(fmt.Sprintf("af@%v", time.Since(gmp.Epoch))) })
		dc, tc := done.RecvCase(), tk.C.RecvCase()
		for n := 0; n < 9; {
			switch gmp.Select(dc, tc) {
			case 0:
				*log = append(*log, dc.V)
				n++
			case 1:
				*log = append(*log, fmt.Sprintf("tick@%v", tc.V.Sub(gmp.Epoch)))
			}
		}
		tk.Stop()
	}
}

// eventHash hashes every event of a run (kind, time, M, P, G, args).
type eventHash struct {
	h uint64
	n int
}

func (e *eventHash) Event(ev *gobserve.Event) {
	e.n++
	for _, v := range []int64{int64(ev.Kind), ev.Time, ev.M, int64(ev.P), ev.G, ev.Target, ev.Arg, ev.Arg2, ev.Arg3} {
		e.h = (e.h ^ uint64(v)) * 1099511628211
	}
}

// TestDeterminism: the same program and seed give the same timeline and
// the same event stream, event for event; another seed may differ.
func TestDeterminism(t *testing.T) {
	for _, procs := range []int{1, 4} {
		type outcome struct {
			log    string
			events eventHash
		}
		var first *outcome
		for _, seed := range []uint64{7, 7, 8} {
			var log []string
			o := &outcome{}
			res := run(t, gmp.Config{Procs: procs, Seed: seed, Observers: []gobserve.Observer{&o.events}}, mixed(&log))
			o.log = strings.Join(log, " ") + fmt.Sprintf(" end@%v", res.VirtualTime)
			if first == nil {
				first = o
				continue
			}
			if seed == 7 && (o.log != first.log || o.events != first.events) {
				t.Errorf("procs %d seed 7: two runs differ:\n%s (%d events, %x)\n%s (%d events, %x)",
					procs, first.log, first.events.n, first.events.h, o.log, o.events.n, o.events.h)
			}
			if seed == 8 {
				t.Logf("procs %d: seed 7 %s\n seed 8 %s", procs, first.log, o.log)
			}
		}
	}
}

// TestStopDuringSend: a channel timer's send takes virtual time (the cost
// of a chansend), and another goroutine may Stop or Reset the timer in
// that window. As in Go (t.isSending, t.seq and t.sendLock), the stop
// wins: it reports the timer as stopped, and the value is not delivered.
// The cost model stretches the window to 5 ms to make the race certain
// (main's Sleep ends about 1 ms late, in netpoll).
func TestStopDuringSend(t *testing.T) {
	for _, op := range []string{"Stop", "Reset"} {
		t.Run(op, func(t *testing.T) {
			costs := gmp.DefaultCosts()
			costs.ChanSend = int64(5 * ms)
			var pending, received bool
			var got time.Duration
			run(t, gmp.Config{Procs: 2, Costs: &costs}, func() {
				start := time.Now()
				tm := time.NewTimer(ms)
				time.Sleep(2 * ms) // expired, not received: it fires lazily
				gmp.Go(func() {
					// The receive runs the timer (maybeRunChan) and
					// sits in the send's cost while main acts.
					_, _, received = tm.C.TryRecv()
				})
				time.Sleep(500 * time.Microsecond)
				if op == "Stop" {
					pending = tm.Stop()
				} else {
					pending = tm.Reset(5 * ms)
					got = tm.C.Recv().Sub(start)
				}
				time.Sleep(10 * ms)
			})
			if !pending {
				t.Errorf("%s during the send returned false, want true (the send was stopped)", op)
			}
			if received {
				t.Errorf("the stale value was received after %s", op)
			}
			if op == "Reset" && got < 7*ms {
				t.Errorf("after Reset, received a value due at +%v, want the new one (≥ +7ms)", got)
			}
		})
	}
}

// TestDeadlockAfterTimers: with main blocked forever and only a timer left,
// the runtime waits for an AfterFunc timer to fire (virtual time jumps to
// it) and then reports the deadlock; a Ticker nobody receives from is in
// no heap (Go 1.23+), so the deadlock is immediate. The real runtime
// (testdata/deadlock) does the same.
func TestDeadlockAfterTimers(t *testing.T) {
	exe := testnative.Build(t, "time/testdata/deadlock")
	for _, mode := range []string{"afterfunc", "ticker"} {
		t.Run(mode, func(t *testing.T) {
			start := stdtime.Now()
			out, err := exec.Command(exe, mode).CombinedOutput()
			wall := stdtime.Since(start)
			if err == nil || !strings.Contains(string(out), "fatal error: all goroutines are asleep - deadlock!") {
				t.Fatalf("real runtime: %v\n%s", err, out)
			}
			nativeFired := strings.Contains(string(out), "fired after 300ms")

			var fired bool
			res, err := gmp.Run(gmp.Config{Procs: 2}, func() {
				switch mode {
				case "afterfunc":
					time.AfterFunc(300*ms, func() { fired = true })
				case "ticker":
					tk := time.NewTicker(300 * ms)
					defer tk.Stop()
				}
				gmp.MakeChan[int](0).Recv()
			})
			if !gmp.IsDeadlock(err) {
				t.Fatalf("simulator: err = %v, want a deadlock", err)
			}
			t.Logf("real runtime: deadlock after %v (fired: %v); simulator: after %v of virtual time (fired: %v)", wall, nativeFired, res.VirtualTime, fired)
			if fired != nativeFired {
				t.Errorf("timer fired: simulator %v, real runtime %v", fired, nativeFired)
			}
			if mode == "afterfunc" && res.VirtualTime < 300*ms {
				t.Errorf("deadlock reported at %v, before the timer was due", res.VirtualTime)
			}
			if mode == "ticker" && res.VirtualTime >= 300*ms {
				t.Errorf("deadlock reported at %v: the unreceived ticker kept the program alive", res.VirtualTime)
			}
		})
	}
}

// TestAfterFuncNil: as in Go, AfterFunc(d, nil) is accepted, and the
// program dies when the timer fires and tries to start a goroutine for a
// nil function.
func TestAfterFuncNil(t *testing.T) {
	res, err := gmp.Run(gmp.Config{Procs: 2}, func() {
		time.AfterFunc(ms, nil)
		time.Sleep(time.Second)
	})
	var fe *gmp.FatalError
	if !errors.As(err, &fe) || !strings.Contains(err.Error(), "fatal error: go of nil func value") {
		t.Fatalf("err = %v, want fatal error: go of nil func value", err)
	}
	if res.VirtualTime < ms || res.VirtualTime > 3*ms {
		t.Errorf("died at %v, want when the timer fired (≈1ms)", res.VirtualTime)
	}
}

// TestTimerDuringSyscall: the only P's goroutine is in a 50ms blocking
// syscall when an AfterFunc timer on that P is due. sysmon retakes the P
// (no idle P, no spinning M) and hands it off, and the new M runs the
// timer on time — in both syscall models. testdata/syscalltimer does the
// same on the real runtime with nanosleep.
func TestTimerDuringSyscall(t *testing.T) {
	if runtime.GOOS == "linux" {
		exe := testnative.Build(t, "time/testdata/syscalltimer")
		out := testnative.Run(t, exe, 1)
		native, err := strconv.ParseFloat(out, 64)
		if err != nil {
			t.Fatalf("real runtime printed %q", out)
		}
		t.Logf("real runtime: the timer ran at %.1fms", native)
		if native >= 50 {
			t.Errorf("real runtime: the timer waited for the syscall (%.1fms)", native)
		}
	}
	for _, v := range []string{"go1.26", "go1.25"} {
		var at, end time.Duration
		run(t, gmp.Config{Procs: 1, Version: v}, func() {
			start := time.Now()
			time.AfterFunc(ms, func() { at = time.Since(start) })
			gmp.Syscall(50 * ms)
			end = time.Since(start)
		})
		t.Logf("%s: the timer ran at %v; the syscall ended at %v", v, at, end)
		if at < ms || at > 1500*time.Microsecond {
			t.Errorf("%s: the timer ran at %v, want ≈1ms (during the syscall)", v, at)
		}
	}
}

// TestStdAliases: the value types and pure functions are the standard
// library's.
func TestStdAliases(t *testing.T) {
	//lint:ignore ST1023 the explicit std type is the point: Duration is an alias
	var d stdtime.Duration = time.Second // Duration is an alias
	tm := time.Date(2009, time.November, 10, 23, 0, 0, 0, time.UTC)
	if !tm.Equal(gmp.Epoch) || d != stdtime.Second {
		t.Errorf("Date/constants differ from the standard library's")
	}
	if p, err := time.ParseDuration("1.5ms"); err != nil || p != 1500*time.Microsecond {
		t.Errorf("ParseDuration: %v %v", p, err)
	}
	if v, err := time.Parse(time.RFC3339, "2009-11-10T23:00:00Z"); err != nil || !v.Equal(gmp.Epoch) {
		t.Errorf("Parse: %v %v", v, err)
	}
	if time.Unix(0, 0).UnixNano() != 0 || time.UnixMilli(5).UnixMilli() != 5 || time.UnixMicro(7).UnixMicro() != 7 {
		t.Errorf("Unix*")
	}
	if _, off := time.Date(2000, 1, 1, 0, 0, 0, 0, time.FixedZone("X", 3600)).Zone(); off != 3600 {
		t.Errorf("FixedZone")
	}
	if loc, err := time.LoadLocation("UTC"); err != nil || loc != time.UTC {
		t.Errorf("LoadLocation: %v %v", loc, err)
	}
	if v, err := time.ParseInLocation(time.DateTime, "2009-11-10 23:00:00", time.UTC); err != nil || !v.Equal(gmp.Epoch) {
		t.Errorf("ParseInLocation: %v %v", v, err)
	}
	var _ time.Weekday = time.Tuesday
	var _ *time.ParseError
	_, _ = time.LoadLocationFromTZData("X", nil)
}
