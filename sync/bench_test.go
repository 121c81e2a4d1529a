package sync_test

import (
	"runtime"
	stdsync "sync"
	"testing"
	"time"

	"github.com/gmplab/gmp"
	"github.com/gmplab/gmp/sync"
)

// Each benchmark runs an operation on the simulator — ns/op is the wall
// time per simulated operation — beside the same operation on the real
// runtime, and reports:
//
//	native-ns/op   the real runtime's cost of the operation
//	sim/native     how many times slower simulating it is
//	virtual-ns/op  the virtual time one operation takes in the simulation

// nativeNsPerOp runs body(n) with GOMAXPROCS=procs and returns the wall
// time per operation.
func nativeNsPerOp(procs, n int, body func(n int)) float64 {
	defer runtime.GOMAXPROCS(runtime.GOMAXPROCS(procs))
	body(n / 10) // warm up
	start := time.Now()
	body(n)
	return float64(time.Since(start).Nanoseconds()) / float64(n)
}

func report(b *testing.B, native float64, ops int, elapsed, virtual time.Duration) {
	sim := float64(elapsed.Nanoseconds()) / float64(ops)
	b.ReportMetric(native, "native-ns/op")
	b.ReportMetric(sim/native, "sim/native")
	b.ReportMetric(float64(virtual.Nanoseconds())/float64(ops), "virtual-ns/op")
}

// benchmarkLoop times a loop that main runs inside one simulation.
func benchmarkLoop(b *testing.B, procs int, native float64, body func(loop func() bool)) {
	b.ReportAllocs()
	ops := 0
	var start time.Time
	var virtualStart time.Duration
	res, err := gmp.Run(gmp.Config{Procs: procs}, func() {
		body(func() bool {
			if ops == 0 {
				start, virtualStart = time.Now(), gmp.Since(gmp.Epoch)
			}
			if b.Loop() {
				ops++
				return true
			}
			return false
		})
	})
	elapsed := time.Since(start)
	if err != nil {
		b.Fatal(err)
	}
	report(b, native, ops, elapsed, res.VirtualTime-virtualStart)
}

// BenchmarkMutexUncontended: Lock+Unlock of an uncontended Mutex by one
// goroutine (one P).
func BenchmarkMutexUncontended(b *testing.B) {
	native := nativeNsPerOp(1, 1<<22, func(n int) {
		var mu stdsync.Mutex
		for range n {
			mu.Lock()
			mu.Unlock()
		}
	})
	benchmarkLoop(b, 1, native, func(loop func() bool) {
		var mu sync.Mutex
		for loop() {
			mu.Lock()
			mu.Unlock()
		}
	})
}

// BenchmarkWaitGroupAddDone: Add(1)+Done on one goroutine (one P).
func BenchmarkWaitGroupAddDone(b *testing.B) {
	native := nativeNsPerOp(1, 1<<22, func(n int) {
		var wg stdsync.WaitGroup
		for range n {
			wg.Add(1)
			wg.Done()
		}
	})
	benchmarkLoop(b, 1, native, func(loop func() bool) {
		var wg sync.WaitGroup
		for loop() {
			wg.Add(1)
			wg.Done()
		}
	})
}

// BenchmarkMutexContended: four goroutines on four Ps each Lock+Unlock the
// same Mutex N/4 times (an op is one Lock+Unlock by any of them). The
// simulated run spins, parks and wakes as the real one does; its
// virtual-ns/op is the simulated machine's throughput.
func BenchmarkMutexContended(b *testing.B) {
	const procs = 4
	contend := func(n int, lock, unlock func(), spawn func(func()), wait func()) {
		for range procs {
			spawn(func() {
				for range n / procs {
					lock()
					unlock()
				}
			})
		}
		wait()
	}
	native := nativeNsPerOp(procs, 1<<20, func(n int) {
		var mu stdsync.Mutex
		var wg stdsync.WaitGroup
		contend(n, mu.Lock, mu.Unlock, wg.Go, wg.Wait)
	})
	b.ReportAllocs()
	n := max(b.N, procs)
	start := time.Now()
	res, err := gmp.Run(gmp.Config{Procs: procs}, func() {
		var mu sync.Mutex
		var wg sync.WaitGroup
		contend(n, mu.Lock, mu.Unlock, wg.Go, wg.Wait)
	})
	elapsed := time.Since(start)
	if err != nil {
		b.Fatal(err)
	}
	report(b, native, n, elapsed, res.VirtualTime)
	b.ReportMetric(float64(res.Stats.MutexSpins)/float64(n), "spins/op")
}
