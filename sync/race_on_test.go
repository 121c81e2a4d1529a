//go:build race

package sync_test

// raceEnabled: the race detector randomizes the real runtime's scheduling
// (runnext is skipped at random), so the native runs are not comparable.
const raceEnabled = true
