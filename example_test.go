package gmp_test

import (
	"fmt"

	"github.com/gmplab/gmp"
	"github.com/gmplab/gmp/sync"
	"github.com/gmplab/gmp/time"
)

// The README's example: eight goroutines doing CPU work and a syscall on 4
// Ps. The run is deterministic, so its numbers are a valid expected
// output.
func Example() {
	res, err := gmp.Run(gmp.Config{Procs: 4, Seed: 1}, func() {
		results := gmp.MakeChan[int](8)
		var wg sync.WaitGroup
		for i := range 8 {
			wg.Go(func() {
				gmp.Work(time.Duration(i+1) * time.Millisecond)
				gmp.Syscall(200 * time.Microsecond)
				results.Send(i)
			})
		}
		wg.Wait()
		time.Sleep(time.Millisecond)
	})
	fmt.Println(err, res.VirtualTime.Round(time.Millisecond), res.Stats.GoroutinesCreated, len(res.Leaks))
	// Output: <nil> 13ms 9 0
}

// A deadlock ends the run with Go's report: the fatal error and every
// goroutine's stack.
func Example_deadlock() {
	_, err := gmp.Run(gmp.Config{}, func() {
		ch := gmp.MakeChan[int](0)
		ch.Send(1) // nobody receives
	})
	fmt.Println(gmp.IsDeadlock(err))
	// Output: true
}
