package sync_test

import (
	stdsync "sync"
	"testing"
	"time"

	"github.com/gmplab/gmp"
	"github.com/gmplab/gmp/internal/benchpair"
	"github.com/gmplab/gmp/sync"
)

// Each benchmark runs an operation on the simulator beside the same
// operation on the real runtime, in alternating rounds (package
// benchpair): ns/op is the wall time per simulated operation,
// native-ns/op the real runtime's, sim/native their ratio.

// simLoop runs body(n) as the main goroutine of a simulation on procs Ps
// and returns the wall time body took.
func simLoop(b *testing.B, procs int, body func(n int)) func(n int) time.Duration {
	return func(n int) (d time.Duration) {
		_, err := gmp.Run(gmp.Config{Procs: procs, Watchdog: -1}, func() {
			d = benchpair.Time(func() { body(n) })
		})
		if err != nil {
			b.Fatal(err)
		}
		return d
	}
}

func nativeLoop(procs int, body func(n int)) func(n int) time.Duration {
	return func(n int) time.Duration {
		return benchpair.Procs(procs, func() time.Duration {
			return benchpair.Time(func() { body(n) })
		})
	}
}

// BenchmarkMutexUncontended: Lock+Unlock of an uncontended Mutex by one
// goroutine (one P).
func BenchmarkMutexUncontended(b *testing.B) {
	benchpair.Run(b,
		nativeLoop(1, func(n int) {
			var mu stdsync.Mutex
			for range n {
				mu.Lock()
				//lint:ignore SA2001 the benchmark measures a Lock/Unlock pair
				mu.Unlock()
			}
		}),
		simLoop(b, 1, func(n int) {
			var mu sync.Mutex
			for range n {
				mu.Lock()
				//lint:ignore SA2001 the benchmark measures a Lock/Unlock pair
				mu.Unlock()
			}
		}))
}

// BenchmarkWaitGroupAddDone: Add(1)+Done on one goroutine (one P).
func BenchmarkWaitGroupAddDone(b *testing.B) {
	benchpair.Run(b,
		nativeLoop(1, func(n int) {
			var wg stdsync.WaitGroup
			for range n {
				wg.Add(1)
				wg.Done()
			}
		}),
		simLoop(b, 1, func(n int) {
			var wg sync.WaitGroup
			for range n {
				wg.Add(1)
				wg.Done()
			}
		}))
}

// BenchmarkMutexContended: four goroutines on four Ps each Lock+Unlock the
// same Mutex n/4 times (an op is one Lock+Unlock by any of them). The
// simulated run spins, parks and wakes as the real one does; natively it
// is four goroutines on this machine's cores, so the ratio is soft.
func BenchmarkMutexContended(b *testing.B) {
	const procs = 4
	benchpair.Run(b,
		nativeLoop(procs, func(n int) {
			var mu stdsync.Mutex
			var wg stdsync.WaitGroup
			for range procs {
				wg.Go(func() {
					for range max(n/procs, 1) {
						mu.Lock()
						//lint:ignore SA2001 the benchmark measures a Lock/Unlock pair
						mu.Unlock()
					}
				})
			}
			wg.Wait()
		}),
		simLoop(b, procs, func(n int) {
			var mu sync.Mutex
			var wg sync.WaitGroup
			for range procs {
				wg.Go(func() {
					for range max(n/procs, 1) {
						mu.Lock()
						//lint:ignore SA2001 the benchmark measures a Lock/Unlock pair
						mu.Unlock()
					}
				})
			}
			wg.Wait()
		}))
}
