package rt

import (
	"unsafe"
)

// The timer API that package gmp/time calls: the runtime side of
// time.NewTimer, time.AfterFunc, Timer.Stop and Timer.Reset (time.go's
// newTimer, stopTimer and resetTimer, which Go pushes into package time by
// linkname), plus the two things a timer function needs that user code
// never does: a non-blocking channel send and a go statement that run on
// the scheduler's g0 (timers fire inside findRunnable and stealWork).
//
// It also keeps the run generation, so that values that belong to one
// simulation (timers, contexts) can tell when they are used after it.

// Timer is the runtime part of a gmp/time Timer or Ticker: time.go's
// timeTimer, a timer plus the run it belongs to.
type Timer struct {
	timer
	run uint64 // RunID of the simulation that created it
}

// NewTimer creates a timer that calls f(arg, seq, delay) at when and then
// every period ns (if period > 0). f runs on the scheduler (a g0): it must
// not block, and may only call the runtime through TimerGo (a go
// statement), goready-like functions or the send of a channel timer.
// Models runtime.newTimer (time.go) for a func timer (time.AfterFunc).
//
//go:norace
func NewTimer(when, period int64, f func(arg any, seq uintptr, delay int64), arg any) *Timer {
	getg()
	t := &Timer{run: runGen}
	t.init(nil, nil)
	if raceBuild {
		racetimerset(&t.timer)
	}
	t.modify(when, period, f, arg, 0)
	return t
}

// NewChanTimer creates a timer bound to the channel c, which must be
// buffered (capacity 1): when the timer fires, send(c, seq, delay) is
// called and must deliver the value with TimerChanSend. The timer stays
// out of every heap unless a goroutine is blocked on c, and otherwise
// fires lazily when c is received from (go1.23+ synchronous timer
// channels); len(c) and cap(c) report 0.
// Models runtime.newTimer (time.go) for time.NewTimer and time.NewTicker.
//
//go:norace
func NewChanTimer(when, period int64, c *Hchan, send func(c *Hchan, seq uintptr, delay int64)) *Timer {
	getg()
	if c == nil || c.dataqsiz == 0 {
		throw("invalid timer channel: no capacity")
	}
	if c.timer != nil {
		throw("NewChanTimer: channel already has a timer")
	}
	t := &Timer{run: runGen}
	t.init(nil, nil)
	t.isChan = true
	c.timer = &t.timer
	if raceBuild {
		racetimerset(&t.timer)
	}
	t.modify(when, period, sendTimerChan, &TimerChanArg{C: c, Send: send}, 0)
	return t
}

// sendTimerChan is the timer function of a channel timer: it hands over
// to the time package's sendTime, which computes the value and calls
// TimerChanSend.
//
//go:norace
func sendTimerChan(arg any, seq uintptr, delay int64) {
	a := arg.(*TimerChanArg)
	a.Send(a.C, seq, delay)
}

// Stop stops t and reports whether it was pending: whether this call
// prevented it from firing. For a channel timer, no value from before the
// call can be received after it. Models runtime.stopTimer (time.go).
//
//go:norace
func (t *Timer) Stop() bool {
	getg()
	t.checkRun()
	return t.stop()
}

// Reset re-arms t to fire at when (and then every period ns) and reports
// whether it was pending. Models runtime.resetTimer (time.go).
//
//go:norace
func (t *Timer) Reset(when, period int64) bool {
	getg()
	t.checkRun()
	if raceBuild {
		racetimerset(&t.timer)
	}
	return t.reset(when, period)
}

// checkRun panics if t belongs to a simulation other than the running one.
//
//go:norace
func (t *Timer) checkRun() {
	if t.run != runGen || !active.Load() {
		panic("time: use of a Timer or Ticker from a finished simulation (timers belong to the gmp.Run that created them)")
	}
}

// TimerChanSend delivers the value in cell to the timer channel c, without
// blocking: to a waiting receiver (readied into the current P's runnext)
// or into the buffer; if the buffer is full the value is dropped. seq is
// the seq the timer function was called with: if the timer was stopped or
// reset meanwhile, the stale value is dropped. It may run on a g0 (a timer
// fired by findRunnable or stealWork) or on the G receiving from c
// (maybeRunChan). It reports whether the value was delivered.
//
// It models the tail of runtime.(*timer).unlockAndRun for a channel timer
// (take t.sendLock, stop announcing isSending, compare t.seq) together
// with time.sendTime's non-blocking send (chansend with block=false).
// Deviation: the virtual cost of the send is spent before the seq check,
// which is the window in which a concurrent Stop or Reset can happen (in
// Go, they wait on sendLock or find isSending set); a timer channel that
// the program closed is not sent to (Go rejects close of a <-chan Time at
// compile time).
//
//go:norace
func TimerChanSend(c *Hchan, seq uintptr, cell unsafe.Pointer) bool {
	t := c.timer
	if t == nil || !t.isChan {
		badTimer()
	}
	charge(SiteChanSend, costs.ChanSend)
	if t.period == 0 && t.isSending > 0 {
		// We are committed to possibly sending a value based on seq, so
		// no need to keep telling stop/modify that we are sending.
		t.isSending--
	}
	if t.seq != seq {
		// Stopped or reset while we were about to send: the value is
		// stale.
		return false
	}
	if c.closed != 0 {
		return false
	}
	return chansendNow(c, cell, c.timer) // false: a stale value is still in the buffer
}

// TimerGo starts fn as a new goroutine from a timer function (time.goFunc:
// `go f()` on the scheduler's g0): the goroutine goes to the runnext of the
// P running the timer, and "created by" names the caller of TimerGo, skip
// frames up (1: the direct caller). Models runtime.newproc called on g0.
//
//go:norace
func TimerGo(fn func(), skip int) {
	if curm == nil {
		outsideRun()
	}
	if fn == nil {
		fatal("go of nil func value")
		return
	}
	var rt *timer
	if raceBuild {
		rt = racetimerrunning()
	}
	charge(SiteGoCreate, costs.GoCreate)
	newg := newproc1(fn, curg, callerpc(skip-1), false, waitReasonZero, false)
	if raceBuild {
		racegostarttimer(newg, rt)
	}
	runqput(curm.p, newg, true)
	if mainStarted {
		wakep()
	}
}

// runGen counts the simulations run in this process; schedinit advances
// it, so each run has its own id.
var runGen uint64

// newRunID gives the run being initialised a new id (called by schedinit).
//
//go:norace
func newRunID() { runGen++ }

// RunID returns the id of the running simulation (1 for the first in the
// process, then 2, …), or 0 if no simulation is running. Values that
// belong to one run (contexts, timers) record it to detect use after
// their run ended.
//
//go:norace
func RunID() uint64 {
	if !active.Load() {
		return 0
	}
	return runGen
}

// VerifyTimers checks the invariants of every P's timer heap and throws
// ("bad timer heap …") if one is broken. For tests.
//
//go:norace
func VerifyTimers() {
	for _, pp := range allp {
		pp.timers.verify()
	}
}
