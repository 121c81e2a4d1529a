package time_test

import (
	"fmt"

	"github.com/gmplab/gmp"
	"github.com/gmplab/gmp/time"
)

// Sleeping takes virtual time only: an hour-long sleep ends at once in
// wall time, and the run ends when the timer fires.
func ExampleSleep() {
	res, _ := gmp.Run(gmp.Config{}, func() {
		start := time.Now()
		time.Sleep(time.Hour)
		fmt.Println("slept at least an hour:", time.Since(start) >= time.Hour)
	})
	fmt.Println("virtual time ≥ 1h:", res.VirtualTime >= time.Hour)
	// Output:
	// slept at least an hour: true
	// virtual time ≥ 1h: true
}

// A timeout with a Timer and select. The value received from a timer's
// channel is the (virtual) time it fired.
func ExampleNewTimer() {
	gmp.Run(gmp.Config{}, func() {
		work := gmp.MakeChan[int](0)
		gmp.Go(func() {
			time.Sleep(time.Second)
			work.TrySend(42)
		})
		start := time.Now()
		t := time.NewTimer(100 * time.Millisecond)
		defer t.Stop()
		w, to := work.RecvCase(), t.C.RecvCase()
		switch gmp.Select(w, to) {
		case 0:
			fmt.Println("result", w.V)
		case 1:
			fmt.Println("timed out; the timer fired at +", to.V.Sub(start))
		}
	})
	// Output:
	// timed out; the timer fired at + 100ms
}

// Go 1.23 timer semantics: after Stop returns, no stale value can be
// received, and Stop reports true when the value had not been received.
func ExampleTimer_Stop() {
	gmp.Run(gmp.Config{}, func() {
		t := time.NewTimer(time.Millisecond)
		time.Sleep(5 * time.Millisecond) // expired, but nobody received
		fmt.Println("len", t.C.Len(), "cap", t.C.Cap())
		fmt.Println("stopped:", t.Stop())
		_, _, ok := t.C.TryRecv()
		fmt.Println("stale value received:", ok)
	})
	// Output:
	// len 0 cap 0
	// stopped: true
	// stale value received: false
}

// A ticker delivers the times its ticks were due; a slow receiver gets the
// late tick and the ticks it missed are dropped.
func ExampleNewTicker() {
	gmp.Run(gmp.Config{}, func() {
		start := time.Now()
		tk := time.NewTicker(10 * time.Millisecond)
		defer tk.Stop()
		for i := range 4 {
			tick := tk.C.Recv()
			fmt.Println("tick due at", tick.Sub(start).Round(time.Millisecond))
			if i == 1 {
				gmp.Work(25 * time.Millisecond) // busy: miss a tick
			}
		}
	})
	// Output:
	// tick due at 10ms
	// tick due at 20ms
	// tick due at 30ms
	// tick due at 50ms
}

// AfterFunc runs its function in a new goroutine when the timer fires.
func ExampleAfterFunc() {
	gmp.Run(gmp.Config{}, func() {
		done := gmp.MakeChan[int64](0)
		time.AfterFunc(time.Second, func() { done.Send(gmp.Goid()) })
		fmt.Println("main is goroutine", gmp.Goid())
		fmt.Println("f ran in a new goroutine:", done.Recv() != gmp.Goid())
	})
	// Output:
	// main is goroutine 1
	// f ran in a new goroutine: true
}
