package explore

import "sync"

// Stack ballast. The Chooser runs on the deciding goroutine's stack, and
// each run's goroutines are new coroutines whose stacks start at Go's
// starting size — 2 KB, unless the stacks the GC scans are bigger on
// average (runtime/stack.go: gcComputeStartingStackSize, on by default
// since Go 1.19). The runtime's frames plus a strategy's (a map lookup,
// say) pass 2 KB, so without help nearly every coroutine of every run
// grows its stack once: a copy, measured at 15–35% of an explored run.
// While it explores, the explorer therefore keeps a few parked goroutines
// whose stacks are deep, which raises the average the GC sees and with it
// the starting size of new goroutines (to 8–16 KB); they exit when the
// exploration ends. Reusing coroutines across runs (a runtime change)
// would make this unnecessary.

const (
	ballastGoroutines = 64
	ballastDepth      = 16 // frames of ~600 bytes: ~10 KB each
)

var (
	ballastMu   sync.Mutex
	ballastRefs int
	ballastStop chan struct{}
)

// startBallast parks the ballast goroutines (once per process however many
// explorations run) and returns the function that lets them go.
//
//go:norace
func startBallast() func() {
	ballastMu.Lock()
	defer ballastMu.Unlock()
	if ballastRefs == 0 {
		ballastStop = make(chan struct{})
		for range ballastGoroutines {
			go deepPark(ballastDepth, ballastStop)
		}
	}
	ballastRefs++
	return func() {
		ballastMu.Lock()
		defer ballastMu.Unlock()
		if ballastRefs--; ballastRefs == 0 {
			close(ballastStop)
		}
	}
}

// deepPark waits on stop n frames deep.
//
//go:noinline
//go:norace
func deepPark(n int, stop chan struct{}) byte {
	var pad [512]byte
	if n == 0 {
		<-stop
		return pad[0]
	}
	return deepPark(n-1, stop) + pad[n%len(pad)]
}
