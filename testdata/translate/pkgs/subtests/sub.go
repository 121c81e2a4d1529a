// Package subtests is exercised by its tests: t.Run, t.Parallel,
// t.Cleanup and t.Context inside simulations.
package subtests

// Double doubles.
func Double(x int) int { return 2 * x }
