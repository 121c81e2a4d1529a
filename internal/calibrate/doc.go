// Package calibrate measures, on the real Go runtime, the native cost of the
// runtime operations that the simulator's cost model charges in virtual
// nanoseconds. It holds only benchmarks and tests (plus a tiny PAUSE-loop
// helper); nothing in the simulator imports it.
//
// # Method
//
// Every cost-model entry is measured by one `go test -bench` benchmark,
// written with the standard library only:
//
//   - Each benchmark uses b.Loop and b.ReportAllocs. Where one loop
//     iteration is not one occurrence of the operation (a ping-pong round
//     trip is two context switches, a batch creates 128 goroutines, ...)
//     the benchmark also reports the per-operation value with
//     b.ReportMetric under a self-describing unit such as "ns/switch",
//     "ns/create" or "ns/wake". The cost-model value is that metric.
//   - Operations the runtime defines on one P (goroutine creation, run and
//     exit, Gosched, park/ready, channel handoff, syscall enter/exit, timer
//     sleep) run under runtime.GOMAXPROCS(1), restored when the benchmark
//     returns, so that no second P steals work and no spinning M
//     perturbs the measurement. Operations that need two threads (thread
//     wakeup, contended Mutex, work stealing) use GOMAXPROCS(2), the size
//     of the reference machine.
//   - Phases too short to time one by one are timed in batches (128
//     goroutines, 1024 channel operations or timers) with time.Now (about
//     47 ns per call on the reference machine, i.e. under 0.4 ns per
//     operation at these batch sizes).
//   - Where an operation cannot be run alone (closing a channel needs a
//     channel, a select needs ready channels) the benchmark reports the
//     composite and a companion benchmark measures the part to subtract;
//     RESULTS.md shows the arithmetic.
//   - The pure gopark+goready pair and the bare entersyscall+exitsyscall
//     bracket are isolated by calling runtime.gopark, runtime.goready,
//     runtime.entersyscall and runtime.exitsyscall through //go:linkname
//     (all four are pull-linkable on purpose, see go.dev/issue/67401).
//     This is test-only code; linkname.s (empty) lets the body-less
//     declarations compile.
//   - Where a measured sum must be split between cost-model entries (a new
//     goroutine's run+exit into GoStartFirst, GoExit and a schedule pass),
//     RESULTS.md uses the shares of a perf cpu-clock profile of the same
//     benchmark.
//   - PAUSE latency is measured with procyield, a copy of the runtime's
//     amd64 spin loop (procyield_amd64.s); other architectures get a
//     portable busy loop that only measures loop overhead.
//
// Run whole rounds of the suite (so that a burst of load on a shared
// machine hits all benchmarks alike, not five samples of one) and take
// medians:
//
//	go test -c -o /tmp/cal.test ./internal/calibrate
//	for i in 1 2 3 4 5 6; do
//		/tmp/cal.test -test.run XXX -test.bench . -test.benchtime 1s -test.timeout 15m
//	done > bench.txt
//	benchstat bench.txt
//
// Without -bench, `go test ./internal/calibrate` only runs the quick
// smoke tests and TestBlockedGoroutineMemory, which logs the memory cost
// of a blocked goroutine (StackInuse+HeapInuse delta over 100k goroutines).
//
// README.md maps each benchmark to its cost-model entry and explains how to
// turn the reported ns into the entry; RESULTS.md holds the measured values
// for the reference machine.
package calibrate
