// Command sweepprog is the program of gmp run's package sweep tests: four
// goroutines, each a runtime/trace task that sleeps in a region and sends
// a result. With the argument "panic" it panics on one P.
package main

import (
	"context"
	"fmt"
	"os"
	"runtime"
	"runtime/trace"
	"sync"
	"time"
)

func main() {
	if len(os.Args) > 1 && os.Args[1] == "panic" && runtime.GOMAXPROCS(0) == 1 {
		panic("sweepprog: one P")
	}
	results := make(chan int)
	var wg sync.WaitGroup
	for i := range 4 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			ctx, task := trace.NewTask(context.Background(), "step")
			defer task.End()
			trace.WithRegion(ctx, "wait", func() { time.Sleep(time.Duration(i+1) * 100 * time.Microsecond) })
			results <- i * i
		}()
	}
	go func() {
		wg.Wait()
		close(results)
	}()
	sum := 0
	for v := range results {
		sum += v
	}
	fmt.Println("sweepprog: sum", sum)
}
