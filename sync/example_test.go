package sync_test

import (
	"fmt"
	"time"

	"github.com/gmplab/gmp"
	"github.com/gmplab/gmp/sync"
)

// On one P the goroutines started by Go run in the real runtime's order:
// the last one started sits in runnext and runs first.
func ExampleWaitGroup_Go() {
	gmp.Run(gmp.Config{Procs: 1}, func() {
		var wg sync.WaitGroup
		for i := range 4 {
			wg.Go(func() { fmt.Println("task", i) })
		}
		wg.Wait()
		fmt.Println("done")
	})
	// Output:
	// task 3
	// task 0
	// task 1
	// task 2
	// done
}

// A goroutine that holds a Mutex for long stretches and re-locks it at
// once keeps barging in ahead of the waiter it woke, which finds the mutex
// locked again and re-queues. Once that waiter has waited more than 1ms of
// virtual time, it switches the mutex to starvation mode, and the next
// Unlock hands the mutex to it directly.
func ExampleMutex_starvation() {
	res, _ := gmp.Run(gmp.Config{Procs: 1}, func() {
		var mu sync.Mutex
		var wg sync.WaitGroup
		var t0 time.Time
		at := func() time.Duration { return gmp.Since(t0).Round(100 * time.Microsecond) }
		mu.Lock()
		wg.Go(func() {
			mu.Lock()
			fmt.Println("waiter got the lock at", at())
			mu.Unlock()
		})
		gmp.Gosched() // the waiter blocks in Lock
		t0 = gmp.Now()
		for range 4 {
			gmp.Work(400 * time.Microsecond)
			mu.Unlock() // wakes the waiter (normal mode) or hands off (starvation mode)
			mu.Lock()   // barges in (normal mode) or queues behind the waiter
			fmt.Println("holder re-locked at", at())
			gmp.Gosched() // the woken waiter runs and finds the mutex locked
		}
		mu.Unlock()
		wg.Wait()
	})
	fmt.Println("starvation mode entered:", res.Stats.MutexStarvation)
	fmt.Println("hand-offs:", res.Stats.SemaHandoffs)
	// Output:
	// holder re-locked at 400µs
	// holder re-locked at 800µs
	// holder re-locked at 1.2ms
	// waiter got the lock at 1.6ms
	// holder re-locked at 1.6ms
	// starvation mode entered: 1
	// hand-offs: 1
}

// Broadcast readies the waiters in the order they started waiting, each
// into runnext: on one P the last waiter runs first.
func ExampleCond_Broadcast() {
	gmp.Run(gmp.Config{Procs: 1}, func() {
		var mu sync.Mutex
		cond := sync.NewCond(&mu)
		ready := false
		var wg sync.WaitGroup
		for i := range 3 {
			wg.Go(func() {
				mu.Lock()
				for !ready {
					cond.Wait()
				}
				fmt.Println("waiter", i, "woke")
				mu.Unlock()
			})
		}
		gmp.Gosched() // the waiters run: 2, 0, 1
		mu.Lock()
		ready = true
		cond.Broadcast()
		mu.Unlock()
		wg.Wait()
	})
	// Output:
	// waiter 1 woke
	// waiter 2 woke
	// waiter 0 woke
}
