// Package benchpair measures a simulated operation beside the same
// operation on the real runtime, honestly: the two run in alternating
// rounds in the same process, so that whatever else the (shared, noisy)
// machine does falls on both sides alike, and each side reports its
// fastest round. A benchmark built on it reports
//
//	ns/op          the simulation's wall time per operation
//	native-ns/op   the real runtime's wall time per operation
//	sim/native     the ratio of the two
//
// in the format benchstat reads.
package benchpair

import (
	"math"
	"runtime"
	"testing"
	"time"
)

// A Side runs n operations and returns the wall time they took, excluding
// any setup around them (a simulation's start-up, a native warm-up).
type Side func(n int) time.Duration

// rounds is how many times each side runs, alternately.
const rounds = 8

// Run measures b.N operations on each side, in rounds, and reports the
// fastest round of each.
func Run(b *testing.B, native, sim Side) {
	b.Helper()
	per := max(b.N/rounds, 1)
	bestN, bestS := math.Inf(1), math.Inf(1)
	for done := 0; done < b.N || done == 0; done += per {
		n := float64(per)
		bestN = math.Min(bestN, float64(native(per).Nanoseconds())/n)
		bestS = math.Min(bestS, float64(sim(per).Nanoseconds())/n)
	}
	b.ReportMetric(bestS, "ns/op")
	b.ReportMetric(bestN, "native-ns/op")
	b.ReportMetric(bestS/bestN, "sim/native")
}

// Procs runs f with GOMAXPROCS set to procs, and returns what f returns.
func Procs(procs int, f func() time.Duration) time.Duration {
	defer runtime.GOMAXPROCS(runtime.GOMAXPROCS(procs))
	return f()
}

// Time returns how long f takes.
func Time(f func()) time.Duration {
	start := time.Now()
	f()
	return time.Since(start)
}
