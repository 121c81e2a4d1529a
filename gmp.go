// Package gmp runs Go code on a simulated Go runtime: a deterministic,
// virtual-time model of the Go 1.26 scheduler (Gs, Ms and Ps), channels
// and select, the sync primitives, timers, syscalls, the netpoller, sysmon
// and preemption. Goroutine bodies are ordinary Go functions; every
// decision the simulated runtime makes follows the real runtime's
// algorithm, and can be printed (schedtrace), traced and replayed from a
// seed.
//
// A simulation is started with Run, which runs main as goroutine 1:
//
//	res, err := gmp.Run(gmp.Config{Procs: 4, Seed: 1}, func() {
//		for i := range 8 {
//			gmp.Go(func() { gmp.Work(time.Duration(i+1) * time.Millisecond) })
//		}
//		gmp.Gosched()
//	})
//
// Inside Run, Go replaces the go statement, Work burns virtual CPU time on
// the current P, and the subpackages sync, time, context and errgroup
// mirror their standard counterparts. Virtual time only advances when the
// simulated program spends it (Work, Sleep, Syscall, NetWait) or when the
// runtime charges for its own operations (see CostModel); user code between
// runtime calls takes no virtual time.
//
// Calling the API outside Run panics. One simulation runs at a time in a
// process.
package gmp

import (
	"time"

	"github.com/gmplab/gmp/internal/rt"
	"github.com/gmplab/gmp/observe"
)

// Go starts f as a new simulated goroutine, like the go statement: the new
// goroutine goes to the current P's runnext slot (so on one P the last one
// started runs first), and an idle P is woken to steal work if there is
// one.
//
// (Not inlined: the go statement's position is found by walking frames.)
//
//go:noinline
func Go(f func()) {
	// Instrumented under -race (not norace): the goroutine's creation is
	// this go statement, below the caller's frame.
	if spawn := rt.Go(f, 1); spawn != nil {
		go rt.CoroutineEntry()
		spawn()
	}
}

// Gosched yields the processor, allowing other goroutines to run. The
// current goroutine goes to the tail of the global run queue, as in
// runtime.Gosched.
//
//go:norace
func Gosched() {
	rt.Gosched()
}

// Goexit terminates the goroutine that calls it, after running its
// deferred calls, like runtime.Goexit. If main calls Goexit, the program
// continues with the other goroutines and dies with "no goroutines (main
// called runtime.Goexit) - deadlock!" once they are all gone.
//
//go:norace
func Goexit() {
	rt.Goexit()
}

// Work burns d of virtual CPU time on the current P, standing for a
// stretch of computation with no function calls. With asynchronous
// preemption (the default) sysmon can preempt it at any instant once the
// goroutine has run for 10ms; with PreemptCooperative it runs to the end.
//
//go:norace
func Work(d time.Duration) {
	rt.Work(int64(d))
}

// NumGoroutine returns the number of goroutines that currently exist,
// excluding the runtime's own, like runtime.NumGoroutine.
//
//go:norace
func NumGoroutine() int {
	return rt.NumGoroutine()
}

// GOMAXPROCS sets the number of Ps and returns the previous setting. If
// n < 1, it does not change the current setting. Changing it stops the
// world and resizes the P array (procresize), as runtime.GOMAXPROCS does.
//
//go:norace
func GOMAXPROCS(n int) int {
	return rt.GOMAXPROCS(n)
}

// Now returns the current virtual time. The clock starts at Epoch.
//
//go:norace
func Now() time.Time {
	return Epoch.Add(time.Duration(rt.Nanotime()))
}

// Since returns the virtual time elapsed since t.
//
//go:norace
func Since(t time.Time) time.Duration {
	return Now().Sub(t)
}

// Epoch is the virtual time at which every simulation starts: the Go
// playground's epoch.
var Epoch = time.Date(2009, time.November, 10, 23, 0, 0, 0, time.UTC)

// Syscall performs a blocking system call that takes d of virtual time.
// The goroutine's M blocks in the kernel; its P stays attached (Go 1.26)
// until sysmon retakes it for other work, and on return the goroutine needs
// a P again (exitsyscall).
//
//go:norace
func Syscall(d time.Duration) {
	rt.Syscall(int64(d))
}

// NetWait blocks the goroutine on the network poller until its simulated
// connection becomes ready, d from now, like a read on a socket with data
// arriving after d. The goroutine parks in "IO wait" without holding an M.
// If d ≤ 0 the data is already there and NetWait returns at once.
//
//go:norace
func NetWait(d time.Duration) {
	rt.NetWait(int64(d))
}

// Log records a user annotation in the event stream (it appears in
// execution traces as a log event).
//
//go:norace
func Log(category, message string) {
	rt.Log(category, message)
}

// Goid returns the current goroutine's id.
//
//go:norace
func Goid() int64 {
	return rt.Goid()
}

// Sched returns a detailed snapshot of the scheduler: what schedtrace and
// scheddetail print, plus the contents of the run queues. It may be called
// from a simulated goroutine or from an observer's Event method (see
// package observe), and panics anywhere else.
//
//go:norace
func Sched() observe.SchedState {
	if !rt.CanInspect() {
		panic("gmp.Sched: called outside gmp.Run (call it from a simulated goroutine or an observer)")
	}
	return rt.ReadSchedState(true)
}

// Goroutines returns every live goroutine, the runtime's own included, in
// the order their G structs were allocated. With stacks, Goroutine.Stack
// holds where each goroutine that has started is stopped: the caller's own
// always, the others' when the simulator is not inside a goroutine — in an
// observer called for the End event, where a final goroutine dump is taken
// (elsewhere their Stack is nil). Taking a stack resumes that goroutine's
// coroutine for a moment. Like Sched, Goroutines may be called from a
// simulated goroutine or an observer, and panics anywhere else.
//
//go:norace
func Goroutines(stacks bool) []observe.Goroutine {
	if !rt.CanInspect() {
		panic("gmp.Goroutines: called outside gmp.Run (call it from a simulated goroutine or an observer)")
	}
	return rt.Goroutines(stacks)
}
