// Package explore finds concurrency bugs by running a program under many
// schedules: it steers the simulated runtime's nondeterministic decisions
// (internal/rt's choice funnel, rt.Chooser), reports each distinct failure
// once, replays it exactly, shrinks it to the few decisions that cause it
// and says them as sentences. gmptest.Explore, gmp test -gmp.explore and
// gmp explore are its front ends.
//
// # Glossary
//
//   - decision: one question the runtime asks its Chooser (rt.Decision):
//     which of two simultaneous events goes first, how long an operation
//     takes, whether a goroutine is preempted at a runtime call, a
//     cheaprand value, -race's runnext skips and shuffles, a context's
//     cancel order; in abstract mode, which runnable goroutine runs next.
//     Every decision has a default: the value an ordinary run takes.
//   - deviation: a decision a run took differently from the default. A
//     run's sparse list of deviations, with its configuration, is its
//     schedule: replaying the list reproduces the run.
//   - checksum: a rolling hash over every decision of a run (kind, site,
//     goroutine, default, value, virtual time). Two runs of a
//     deterministic program under one schedule have the same checksum.
//   - index: run i of an exploration; its strategy is member i mod |S| of
//     the portfolio and its seed seedOf(base seed, test, strategy, i), so
//     a run depends on its index only — which worker, shard or process
//     runs it does not matter.
//   - signature: what a failure is, without what varies between runs that
//     hit it (goroutine ids, times, counts): its kind and where in the
//     program it happened (outcome.go). Failures are deduplicated by it,
//     and the shrinker must keep it.
//   - failure file: a schedule and its signature in text under
//     testdata/gmp/<Test>/<hash of the signature> (file.go).
//
// # A run, a failure
//
// The runner (runner.go) runs index i: the strategy (random.go, pct.go,
// selectprio.go, pairs.go, portfolio.go; one a file, each citing what it
// implements and where it differs) begins the run from its seed, and a
// Recorder (record.go) asks it for every decision, hashing them and
// keeping the deviations. The outcome is classified cheaply (a passing run
// costs a few comparisons); a failure's signature is computed from its
// dumps. The first failure of each signature (the lowest index: the
// result does not depend on the order runs finish in) is then settled
// (explore.go): replayed by index, which must give the same checksum —
// else the program has uncontrolled nondeterminism, diagnosed by two
// more runs that log every decision and find where they part (runner.go);
// shrunk (shrink.go, after internal/fuzz/minimize.go); replayed once more
// with a narrator that finds each deviation's place in the program and
// with the Go execution trace and Perfetto outputs on; written to its
// failure file.
//
// # Faithful and abstract
//
// Faithful mode (the default) perturbs only what the hardware and the OS
// decide, so every schedule it reports is one the real Go 1.26 runtime
// can produce. Strategies that need a goroutine to wait realise it as a
// preemption at its runtime call plus a wait added to the cost of its
// next operation — its thread descheduled by the OS for that long (the
// holds type in strategy.go). Abstract mode adds the choice of any
// runnable goroutine (rt.ChoiceRunnable); Go promises no order, so a bug
// it finds is a bug, but no real scheduler might produce the schedule.
// Every report says which mode found it.
//
// # Bounds
//
// Strategies bound the virtual time they add to a run (20ms of holds or
// descheduling each), so a MaxTime well above a test's ordinary duration
// plus that does not make a perturbed run a false livelock.
//
// # Workers and shards
//
// One simulation runs per process, so parallelism is processes, the way
// go test -fuzz does it (worker.go): the binary starts itself again with
// the exploration named in GMP_EXPLORE_WORKER, takes chunks of indices
// over a pipe and sends back failures; a worker that dies or stops making
// progress is replaced and its chunk rerun one index at a time, so the
// index that kills a worker is reported as a crash. A shard i/N runs the
// indices ≡ i (mod N); the union of N shards' failure files, merged by
// signature (WriteSchedule keeps the shorter schedule), is what one
// process would have found.
//
// # What the runtime could add
//
// Three things would make the strategies sharper; until internal/rt has
// them, they are worked around as said:
//
//   - a decision asked again when a held goroutine resumes (or a "hold G
//     before this operation for up to d" decision): pair reordering could
//     then release the first operation as soon as the second has happened;
//     today it holds it for a fixed virtual timeout.
//   - atomics as preemption decisions under a Chooser (as the sync
//     mirrors' fast paths are, rt.SyncOp): Go can preempt a goroutine
//     between an atomic load and the store that depends on it; today a
//     check-then-act on atomics is only found when some runtime call or
//     Work lies between the two.
//   - fresh coroutine stacks grow (a copy of a few µs) the first time a
//     goroutine's stack holds the runtime's frames plus the Chooser's:
//     reusing coroutines across runs, or a larger first stack, would take
//     that off every explored run. Meanwhile the explorer raises Go's
//     adaptive starting stack size with a few parked deep goroutines
//     (ballast.go), and runs with GOMAXPROCS=1, which a simulation, one
//     thread's work, needs no more than.
package explore
