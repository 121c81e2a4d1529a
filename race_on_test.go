//go:build race

package gmp_test

// raceEnabled: see TestWatchdog.
const raceEnabled = true
