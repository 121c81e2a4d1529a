package calibrate

// sync benchmarks: cost-model entries MutexLockUnlock, MutexContended,
// RWMutexRLockRUnlock, WaitGroupAddDone, OnceDoFast, CondSignalNoWaiter.

import (
	"sync"
	"testing"
)

// BenchmarkMutex is an uncontended sync.Mutex Lock+Unlock pair (two
// CAS/atomic ops on a cache line the goroutine owns) on GOMAXPROCS=1.
func BenchmarkMutex(b *testing.B) {
	defer setProcs(1)()
	b.ReportAllocs()
	var mu sync.Mutex
	for b.Loop() {
		mu.Lock()
		//lint:ignore SA2001 the benchmark measures an uncontended Lock/Unlock pair
		mu.Unlock()
	}
}

// BenchmarkMutexContended runs Lock; counter++; Unlock from 4 goroutines
// on GOMAXPROCS=2 (RunParallel with parallelism 2 × 2 Ps). ns/op is wall
// time per Lock+Unlock pair, i.e. the lock's throughput under contention:
// it includes the cache-line transfer between the two CPUs, the spinning
// (procyield(30) up to 4 times) and, for the goroutines that lose, the
// semacquire park and the semrelease/goready handoff. Per-goroutine
// latency of one acquisition is ns/op × 4.
func BenchmarkMutexContended(b *testing.B) {
	defer setProcs(2)()
	b.ReportAllocs()
	b.SetParallelism(2)
	var mu sync.Mutex
	var counter int
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			mu.Lock()
			counter++
			mu.Unlock()
		}
	})
	_ = counter
}

// BenchmarkRWMutexRead is an uncontended RLock+RUnlock pair on
// GOMAXPROCS=1 (two atomic adds on readerCount).
func BenchmarkRWMutexRead(b *testing.B) {
	defer setProcs(1)()
	b.ReportAllocs()
	var mu sync.RWMutex
	for b.Loop() {
		mu.RLock()
		//lint:ignore SA2001 the benchmark measures an uncontended RLock/RUnlock pair
		mu.RUnlock()
	}
}

// BenchmarkWaitGroup is wg.Add(1) followed by wg.Done() with no waiter
// (two atomic adds on the state word) on GOMAXPROCS=1.
func BenchmarkWaitGroup(b *testing.B) {
	defer setProcs(1)()
	b.ReportAllocs()
	var wg sync.WaitGroup
	for b.Loop() {
		wg.Add(1)
		wg.Done()
	}
}

// BenchmarkOnceFast is sync.Once.Do on a Once that has already run (one
// atomic load; the slow path is never taken) on GOMAXPROCS=1.
func BenchmarkOnceFast(b *testing.B) {
	defer setProcs(1)()
	b.ReportAllocs()
	var once sync.Once
	f := func() {}
	once.Do(f)
	for b.Loop() {
		once.Do(f)
	}
}

// BenchmarkCondSignalNoWaiter is sync.Cond.Signal with nobody waiting
// (copy check, then notifyListNotifyOne's atomic fast path) on
// GOMAXPROCS=1.
func BenchmarkCondSignalNoWaiter(b *testing.B) {
	defer setProcs(1)()
	b.ReportAllocs()
	c := sync.NewCond(&sync.Mutex{})
	for b.Loop() {
		c.Signal()
	}
}
