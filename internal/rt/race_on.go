//go:build race

package rt

// raceBuild is true in a -race build: host coroutines are then never
// reused from one run to the next, so that the race detector never sees
// one simulated goroutine's accesses on another's host goroutine.
const raceBuild = true
