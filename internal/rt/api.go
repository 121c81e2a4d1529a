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
//go:noinline
func Go(fn func(), skip int) {
	getg()
	if tearingDown {
		runtime.Goexit()
	}
	if fn == nil {
		Throw("go of nil func value")
	}
	preemptCheck()
	newproc(fn, callerpc(skip))
}

// Gosched yields the processor (runtime.Gosched).
func Gosched() {
	getg()
	gosched()
}

// Goexit terminates the calling goroutine after running its deferred
// calls (runtime.Goexit). The simulated goroutine's body runs on a host
// goroutine of its own, so this is runtime.Goexit itself.
func Goexit() {
	getg()
	runtime.Goexit()
}

// Work burns d ns of virtual CPU on the current P. With async preemption it
// can be interrupted at any instant (it is all async safe points); with
// cooperative preemption it runs to completion — it models a loop with no
// function calls.
func Work(d int64) {
	gp := getg()
	if d <= 0 {
		return
	}
	left := d
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
func NumGoroutine() int {
	getg()
	return int(gcount())
}

// GOMAXPROCS sets the number of Ps (if n > 0) and returns the previous
// setting.
func GOMAXPROCS(n int) int {
	return gomaxprocsSet(n)
}

// Nanotime returns the virtual time in ns since the start of the run.
// Like any call of a non-inlined function (time.Now is one), it is a
// cooperative preemption point.
func Nanotime() int64 {
	getg()
	preemptCheck()
	return now
}

// RuntimeNanotime is the runtime's own clock read (runtime_nanotime, as
// sync and time call it): unlike Nanotime it is not a preemption point.
func RuntimeNanotime() int64 {
	getg()
	return now
}

// Sleep pauses the current goroutine for at least ns of virtual time.
func Sleep(ns int64) {
	timeSleep(ns)
}

// Syscall performs a blocking system call of virtual duration ns.
func Syscall(ns int64) {
	syscall(ns)
}

// NetWait blocks the current goroutine on the network poller until its
// (simulated) connection is ready, ns from now.
func NetWait(ns int64) {
	netWait(ns)
}

// Goid returns the current goroutine's id.
func Goid() int64 {
	return getg().goid
}

// InRun reports whether the caller is a simulated goroutine.
func InRun() bool { return curg != nil }

// Log emits a user annotation into the event stream (trace logs).
func Log(category, message string) {
	gp := getg()
	if want(EvUserLog) {
		evbuf.Reason = category
		evbuf.Text = message
		evbuf.Stack = callerStack(1)
		emit(EvUserLog, gp.m, gp)
	}
}

// Throw ends the program with "fatal error: msg" and a dump of every
// goroutine, like the runtime's fatal (an unrecoverable error, e.g.
// "sync: unlock of unlocked mutex"). It does not return.
func Throw(msg string) {
	getg()
	fatal(msg)
	mcall(mcallFatal)
	select {} // only reached at teardown
}
