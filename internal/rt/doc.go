// Package rt is gmp's simulated Go runtime: the scheduler, channels,
// select, semaphores, timers, the netpoller, syscalls, sysmon and
// preemption of Go 1.26, laid out like the real runtime — one file per
// mechanism, named after the file it models (proc.go, runq.go, sysmon.go,
// syscall.go, stw.go, time.go, netpoll.go, chan.go, select.go, sema.go) —
// with Go's names (findRunnable, runqsteal, wakep, handoffp, retake,
// checkdead …) so that a reader who knows the runtime finds their way.
// Each modelled function says which one it models, and what it does
// differently, if anything, in a "Deviation:" line.
//
// # Glossary
//
// Host goroutine: a real goroutine of the process running the simulator.
// Simulated G, M, P: the runtime's goroutines, threads and processors, as
// data structures here. Virtual time: the simulated clock (now, in ns),
// which only moves when simulated code spends time. Wall time: the host's
// clock, which the simulator never reads except for the watchdog.
//
// # How it runs
//
// Every simulated G runs its function in a host coroutine (iter.Pull), and
// every simulated M runs its g0 — the scheduler loop — in a coroutine of
// its own. One coroutine runs at a time, so the runtime's state is plain
// data with no locks: where Go uses an atomic or a lock, the simulator
// does the same update directly, in the same order, because nothing can
// interleave with it. Interleaving happens only where the real runtime's
// threads would run in parallel, and it is decided by virtual time:
//
//   - An M that spends time (a cost-model charge, Work, a syscall, a
//     sleep) calls advance; if another M is due to wake before that time,
//     the first sleeps in the event queue and the other runs (clock.go).
//     Wakeups at the same instant are ordered by a seeded tie-breaker.
//   - A G leaves its M only through mcall (coro.go), naming what the M's g0
//     should do — park it, requeue it, destroy it, let it sleep — exactly
//     the continuations Go passes to mcall (park_m, gosched_m, goexit0).
//   - The event loop (run.go) pops the earliest wakeup and resumes that M.
//
// So the same program, configuration and seed give the same run, and the
// decisions in between are the real runtime's: runqput's runnext and ring,
// runqputslow's half-plus-one, findRunnable's order, stealWork's four
// randomized rounds, the spinning-M rules, sysmon's retake and preemption.
//
// # Deviations that matter
//
// There is no garbage collector, so the runtime's background goroutines
// park once and never wake, and there is no stop-the-world except for
// GOMAXPROCS. Stacks are not allocated, only sized. Async preemption can
// only stop a goroutine inside Work: everywhere else it is in the
// simulator's own code, which the real runtime would not preempt either.
// Costs are a model (see cost.go), not a measurement of the program run.
//
// # Outputs
//
// The runtime formats nothing. It emits typed events (event.go; the types
// are those of the public package observe) to observers — schedtrace text,
// execution traces, Perfetto JSON, pprof and metrics live under observe/ —
// each of which may subscribe to the kinds it needs, and answers read-only
// snapshot queries (snapshot.go, observe_api.go). With no observer
// attached, emitting costs a branch; with observers, want(kind) tells a
// call site whether anyone receives the event it would build.
package rt
