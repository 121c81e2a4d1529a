package time_test

import (
	"fmt"
	"sync"
	"sync/atomic"
	"testing"
	stdtime "time"

	"github.com/gmplab/gmp"
	"github.com/gmplab/gmp/time"
)

// The Stop/Reset table runs each case twice: on the simulator, and on the
// real runtime (with real time) in the test process. Both must observe the
// same values — the return values of Stop and Reset, whether a value can
// be received, len and cap of the channel, how often an AfterFunc's f ran —
// which are the guarantees the time package documents for Go 1.23+.

// clock is the part of package time the cases use.
type clock interface {
	Sleep(d time.Duration)
	NewTimer(d time.Duration) timerAPI
	NewTicker(d time.Duration) timerAPI
	AfterFunc(d time.Duration, f func()) timerAPI
	Go(f func())
}

type timerAPI interface {
	Stop() bool // Ticker.Stop returns nothing: false
	Reset(d time.Duration) bool
	TryRecv() bool // select { case <-C: true; default: false }
	Recv()
	LenCap() string
}

// unit is the time unit of the cases; real timers need a few ms of margin.
const unit = 20 * ms

type tableCase struct {
	name string
	f    func(c clock, obs func(any))
	want string
}

var stopResetCases = []tableCase{
	{"stop pending", func(c clock, obs func(any)) {
		t := c.NewTimer(5 * unit)
		obs(t.Stop())
		obs(t.TryRecv())
	}, "[true false]"},
	{"stop expired, not received", func(c clock, obs func(any)) {
		t := c.NewTimer(unit)
		c.Sleep(3 * unit)
		obs(t.Stop()) // 1.23+: nothing received yet, so Stop stops it
		obs(t.TryRecv())
	}, "[true false]"},
	{"stop after receive", func(c clock, obs func(any)) {
		t := c.NewTimer(unit)
		t.Recv()
		obs(t.Stop())
		obs(t.TryRecv())
	}, "[false false]"},
	{"stop twice", func(c clock, obs func(any)) {
		t := c.NewTimer(5 * unit)
		obs(t.Stop())
		obs(t.Stop())
	}, "[true false]"},
	{"reset pending", func(c clock, obs func(any)) {
		t := c.NewTimer(5 * unit)
		obs(t.Reset(unit))
		c.Sleep(3 * unit)
		obs(t.TryRecv())
		obs(t.TryRecv())
	}, "[true true false]"},
	{"reset expired, not received: no stale value", func(c clock, obs func(any)) {
		t := c.NewTimer(unit)
		c.Sleep(3 * unit)
		obs(t.Reset(5 * unit))
		obs(t.TryRecv())
		c.Sleep(2 * unit)
		obs(t.TryRecv())
		c.Sleep(6 * unit)
		obs(t.TryRecv())
	}, "[true false false true]"},
	{"reset after receive", func(c clock, obs func(any)) {
		t := c.NewTimer(unit)
		t.Recv()
		obs(t.Reset(unit))
		t.Recv()
		obs(t.Stop())
	}, "[false false]"},
	{"reset after stop", func(c clock, obs func(any)) {
		t := c.NewTimer(unit)
		obs(t.Stop())
		obs(t.Reset(unit))
		c.Sleep(3 * unit)
		obs(t.TryRecv())
	}, "[true false true]"},
	{"len and cap are 0", func(c clock, obs func(any)) {
		t := c.NewTimer(unit)
		obs(t.LenCap())
		c.Sleep(3 * unit)
		obs(t.LenCap())
		obs(t.TryRecv())
	}, "[0/0 0/0 true]"},
	{"NewTimer(0) fires at once", func(c clock, obs func(any)) {
		t := c.NewTimer(0)
		obs(t.TryRecv())
	}, "[true]"},
	{"NewTimer(-1) fires at once", func(c clock, obs func(any)) {
		t := c.NewTimer(-unit)
		obs(t.TryRecv())
		obs(t.Stop())
	}, "[true false]"},
	{"blocked receiver, stop", func(c clock, obs func(any)) {
		t := c.NewTimer(2 * unit)
		var got atomic.Bool
		c.Go(func() { t.Recv(); got.Store(true) })
		c.Sleep(unit)
		obs(t.Stop())
		c.Sleep(3 * unit)
		obs(got.Load())
	}, "[true false]"},
	{"blocked receiver, reset earlier", func(c clock, obs func(any)) {
		t := c.NewTimer(10 * unit)
		var got atomic.Bool
		c.Go(func() { t.Recv(); got.Store(true) })
		c.Sleep(unit)
		obs(t.Reset(unit))
		c.Sleep(3 * unit)
		obs(got.Load())
	}, "[true true]"},
	{"AfterFunc stop pending", func(c clock, obs func(any)) {
		var n atomic.Int32
		t := c.AfterFunc(unit, func() { n.Add(1) })
		obs(t.Stop())
		c.Sleep(3 * unit)
		obs(n.Load())
	}, "[true 0]"},
	{"AfterFunc stop after it ran", func(c clock, obs func(any)) {
		var n atomic.Int32
		t := c.AfterFunc(unit, func() { n.Add(1) })
		c.Sleep(3 * unit)
		obs(t.Stop())
		obs(n.Load())
	}, "[false 1]"},
	{"AfterFunc reset after it ran: runs again", func(c clock, obs func(any)) {
		var n atomic.Int32
		t := c.AfterFunc(unit, func() { n.Add(1) })
		c.Sleep(3 * unit)
		obs(t.Reset(unit))
		c.Sleep(3 * unit)
		obs(n.Load())
	}, "[false 2]"},
	{"AfterFunc reset pending: runs once", func(c clock, obs func(any)) {
		var n atomic.Int32
		t := c.AfterFunc(5*unit, func() { n.Add(1) })
		obs(t.Reset(unit))
		c.Sleep(3 * unit)
		obs(n.Load())
		c.Sleep(5 * unit)
		obs(n.Load())
	}, "[true 1 1]"},
	{"ticker stop: no stale tick", func(c clock, obs func(any)) {
		t := c.NewTicker(unit)
		c.Sleep(3*unit + unit/2)
		t.Stop()
		obs(t.TryRecv())
		c.Sleep(3 * unit)
		obs(t.TryRecv())
	}, "[false false]"},
	{"ticker: ticks missed while nobody receives are dropped", func(c clock, obs func(any)) {
		t := c.NewTicker(unit)
		c.Sleep(3*unit + unit/2)
		obs(t.TryRecv())
		obs(t.TryRecv())
		obs(t.LenCap())
	}, "[true false 0/0]"},
	{"ticker reset: no stale tick, new period", func(c clock, obs func(any)) {
		t := c.NewTicker(unit)
		c.Sleep(3*unit + unit/2)
		t.Reset(5 * unit)
		obs(t.TryRecv())
		c.Sleep(3 * unit)
		obs(t.TryRecv())
		c.Sleep(3 * unit)
		obs(t.TryRecv())
	}, "[false false true]"},
}

func TestStopResetTable(t *testing.T) {
	// Real runtime: every case at once, in parallel (each sleeps for a
	// few units of real time).
	native := make([]string, len(stopResetCases))
	var wg sync.WaitGroup
	for i, tc := range stopResetCases {
		wg.Go(func() { native[i] = observe(stdClock{}, tc.f) })
	}
	wg.Wait()

	for i, tc := range stopResetCases {
		t.Run(tc.name, func(t *testing.T) {
			// Real time is at the mercy of the machine's load: a case
			// that came out differently runs again, alone, before it
			// counts as a difference.
			for retry := 0; native[i] != tc.want && retry < 3; retry++ {
				native[i] = observe(stdClock{}, tc.f)
			}
			if native[i] != tc.want {
				t.Errorf("real runtime: %s, want %s (a timing hiccup on a loaded machine?)", native[i], tc.want)
			}
			for _, cfg := range procsConfigs {
				var got string
				run(t, cfg, func() { got = observe(simClock{}, tc.f) })
				if got != tc.want {
					t.Errorf("simulator, procs %d: %s, want %s", cfg.Procs, got, tc.want)
				}
			}
		})
	}
}

func observe(c clock, f func(clock, func(any))) string {
	var obs []any
	f(c, func(v any) { obs = append(obs, v) })
	return fmt.Sprint(obs)
}

// simClock is gmp/time.
type simClock struct{}

func (simClock) Sleep(d time.Duration) { time.Sleep(d) }
func (simClock) Go(f func())           { gmp.Go(f) }
func (simClock) NewTimer(d time.Duration) timerAPI {
	t := time.NewTimer(d)
	return simTimer{t.C, t.Stop, t.Reset}
}
func (simClock) NewTicker(d time.Duration) timerAPI {
	t := time.NewTicker(d)
	return simTimer{t.C, func() bool { t.Stop(); return false }, func(d time.Duration) bool { t.Reset(d); return false }}
}
func (simClock) AfterFunc(d time.Duration, f func()) timerAPI {
	t := time.AfterFunc(d, f)
	return simTimer{t.C, t.Stop, t.Reset}
}

type simTimer struct {
	c     gmp.Chan[time.Time]
	stop  func() bool
	reset func(time.Duration) bool
}

func (s simTimer) Stop() bool                 { return s.stop() }
func (s simTimer) Reset(d time.Duration) bool { return s.reset(d) }
func (s simTimer) TryRecv() bool              { _, _, ok := s.c.TryRecv(); return ok }
func (s simTimer) Recv()                      { s.c.Recv() }
func (s simTimer) LenCap() string             { return fmt.Sprintf("%d/%d", s.c.Len(), s.c.Cap()) }

// stdClock is the standard library's time.
type stdClock struct{}

func (stdClock) Sleep(d time.Duration) { stdtime.Sleep(d) }
func (stdClock) Go(f func())           { go f() }
func (stdClock) NewTimer(d time.Duration) timerAPI {
	t := stdtime.NewTimer(d)
	return stdTimer{t.C, t.Stop, t.Reset}
}
func (stdClock) NewTicker(d time.Duration) timerAPI {
	t := stdtime.NewTicker(d)
	return stdTimer{t.C, func() bool { t.Stop(); return false }, func(d time.Duration) bool { t.Reset(d); return false }}
}
func (stdClock) AfterFunc(d time.Duration, f func()) timerAPI {
	t := stdtime.AfterFunc(d, f)
	return stdTimer{t.C, t.Stop, t.Reset}
}

type stdTimer struct {
	c     <-chan stdtime.Time
	stop  func() bool
	reset func(time.Duration) bool
}

func (s stdTimer) Stop() bool                 { return s.stop() }
func (s stdTimer) Reset(d time.Duration) bool { return s.reset(d) }
func (s stdTimer) TryRecv() bool {
	select {
	case <-s.c:
		return true
	default:
		return false
	}
}
func (s stdTimer) Recv()          { <-s.c }
func (s stdTimer) LenCap() string { return fmt.Sprintf("%d/%d", len(s.c), cap(s.c)) }
