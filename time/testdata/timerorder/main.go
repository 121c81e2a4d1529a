// Command timerorder is run by gmp/time's tests on the real runtime with
// GOMAXPROCS=1. Five timers with due times 3, 1, 4, 2 and 5 ms (indices
// 0–4) wake goroutines — sleeping ones, AfterFunc ones, or ones blocked
// on a timer channel, per os.Args[1] — while main keeps the only P busy
// for 7 ms. When main yields, findRunnable's checkTimers runs all five in
// due order, each readied goroutine taking runnext and pushing the
// previous one to the run queue; the program prints the order in which the
// goroutines ran. The simulator must print the same.
package main

import (
	"fmt"
	"os"
	"runtime"
	"strings"
	"sync"
	"time"
)

func main() {
	mode := os.Args[1]
	due := []int{3, 1, 4, 2, 5}
	var (
		mu    sync.Mutex
		order []string
		wg    sync.WaitGroup
	)
	rec := func(i int) {
		mu.Lock()
		order = append(order, fmt.Sprint(i))
		mu.Unlock()
		wg.Done()
	}
	wg.Add(len(due))
	for i, d := range due {
		d := time.Duration(d) * time.Millisecond
		switch mode {
		case "sleep":
			go func() { time.Sleep(d); rec(i) }()
		case "afterfunc":
			time.AfterFunc(d, func() { rec(i) })
		case "chan":
			t := time.NewTimer(d)
			go func() { <-t.C; rec(i) }()
		default:
			panic("unknown mode " + mode)
		}
	}
	// Let the goroutines block, and start a fresh time slice.
	runtime.Gosched()
	// Keep the P busy past every due time (but under sysmon's 10 ms).
	start := time.Now()
	for time.Since(start) < 7*time.Millisecond {
	}
	runtime.Gosched()
	wg.Wait()
	fmt.Println(strings.Join(order, " "))
}
