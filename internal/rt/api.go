package rt

import "runtime"

// The entry points the public packages (gmp, gmp/sync, gmp/time, …) call.
// Each is a runtime call from a simulated goroutine: it checks that it is
// one, and (except Work and the clock reads) is a preemption point, as a
// function prologue is in Go.

// Go starts fn as a new goroutine. skip is the number of stack frames
// between the go statement's function and this call (1 for a direct
// caller of Go), for "created by" in dumps; those frames must not be
// inlined (callerpc walks physical frames).
//
// In a -race build Go returns spawn, and the caller must run
// go rt.CoroutineEntry() and then spawn(): the goroutine's host goroutine
// is then created by the caller's, where the program's go statement is,
// and the race detector's "created at" names it. Otherwise spawn is nil.
//
//go:noinline
//go:norace
func Go(fn func(), skip int) (spawn func()) {
	getg()
	if tearingDown {
		runtime.Goexit()
	}
	if fn == nil {
		Throw("go of nil func value")
	}
	preemptOp(curg, OpGo, 0)
	newg := newproc(fn, callerpc(skip))
	if raceBuild {
		// The goroutine's host goroutine is the creator's to start, so
		// that the detector sees the go statement where it was written.
		if newg.co == nil {
			newg.co = newgcoro(newg)
		}
		return newg.co.spawn
	}
	return nil
}

// Gosched yields the processor (runtime.Gosched).
//
//go:norace
func Gosched() {
	getg()
	gosched()
}

// Goexit terminates the calling goroutine after running its deferred
// calls (runtime.Goexit). The simulated goroutine's body runs on a host
// goroutine of its own, so this is runtime.Goexit itself.
//
//go:norace
func Goexit() {
	getg()
	runtime.Goexit()
}

// Work burns d ns of virtual CPU on the current P. With async preemption it
// can be interrupted at any instant (it is all async safe points); with
// cooperative preemption it runs to completion — it models a loop with no
// function calls.
//
//go:norace
func Work(d int64) {
	gp := getg()
	if d <= 0 {
		return
	}
	left := duration(SiteWork, d, gp)
	for {
		if asyncPreemt && gp.preempt && canPreemptM(gp.m) {
			gopreempt()
			continue
		}
		mp := gp.m
		start := now
		t := addTime(now, left)
		if mayRunTo(t) {
			now = t
		} else {
			mp.workWait = true
			gsleep(t)
			mp.workWait = false
			mp.signalPending = false
		}
		burned := now - start
		left -= burned
		mp.p.workNS += burned
		gp.cpu += burned
		if want(EvWork) && burned > 0 {
			evbuf.Arg = burned
			evbuf.Stack = callerStack(1)
			emit(EvWork, mp, gp)
		}
		if left <= 0 {
			return
		}
		// Woken early: an async preemption signal arrived.
	}
}

// NumGoroutine returns the number of user goroutines that exist.
//
//go:norace
func NumGoroutine() int {
	getg()
	return int(gcount())
}

// GOMAXPROCS sets the number of Ps (if n > 0) and returns the previous
// setting.
//
//go:norace
func GOMAXPROCS(n int) int {
	return gomaxprocsSet(n)
}

// NumCPU returns the simulated machine's CPU count: the Ps the run started
// with (1 for the wasm preset), as runtime.NumCPU.
//
//go:norace
func NumCPU() int {
	getg()
	return int(numCPUStartup)
}

// Nanotime returns the virtual time in ns since the start of the run.
// Like any call of a non-inlined function (time.Now is one), it is a
// cooperative preemption point.
//
//go:norace
func Nanotime() int64 {
	getg()
	preemptCheck()
	return now
}

// RuntimeNanotime is the runtime's own clock read (runtime_nanotime, as
// sync and time call it): unlike Nanotime it is not a preemption point.
//
//go:norace
func RuntimeNanotime() int64 {
	getg()
	return now
}

// Sleep pauses the current goroutine for at least ns of virtual time.
//
//go:norace
func Sleep(ns int64) {
	timeSleep(ns)
}

// Syscall performs a blocking system call of virtual duration ns.
//
//go:norace
func Syscall(ns int64) {
	syscall(ns)
}

// NetWait blocks the current goroutine on the network poller until its
// (simulated) connection is ready, ns from now.
//
//go:norace
func NetWait(ns int64) {
	netWait(ns)
}

// Goid returns the current goroutine's id.
//
//go:norace
func Goid() int64 {
	return getg().goid
}

// InRun reports whether the caller is a simulated goroutine.
//
//go:norace
func InRun() bool { return curg != nil }

// Log emits a user annotation into the event stream (trace logs).
//
//go:norace
func Log(category, message string) {
	gp := getg()
	if want(EvUserLog) {
		evbuf.Reason = raceString(category)
		evbuf.Text = raceString(message)
		evbuf.Stack = callerStack(1)
		emit(EvUserLog, gp.m, gp)
	}
}

// Throw ends the program with "fatal error: msg" and a dump of every
// goroutine, like the runtime's fatal (an unrecoverable error, e.g.
// "sync: unlock of unlocked mutex"). It does not return.
//
//go:norace
func Throw(msg string) {
	getg()
	fatal(msg)
	mcall(mcallFatal)
	select {} // only reached at teardown
}
