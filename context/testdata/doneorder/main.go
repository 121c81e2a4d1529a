// Command doneorder is run by gmp/context's tests on the real runtime with
// GOMAXPROCS=1: five goroutines block on one context's Done channel, the
// context is canceled — by its cancel function called from main, or by its
// deadline (os.Args[1] is "cancel" or "timeout") — and the program prints
// the order in which the goroutines woke. Closing the Done channel readies
// the receivers in the order the runtime's closechan does, so the
// simulator must print the same order.
package main

import (
	"context"
	"fmt"
	"os"
	"runtime"
	"strings"
	"sync"
	"time"
)

func main() {
	const n = 5
	var (
		ctx    context.Context
		cancel context.CancelFunc
	)
	switch os.Args[1] {
	case "cancel":
		ctx, cancel = context.WithCancel(context.Background())
	case "timeout":
		ctx, cancel = context.WithTimeout(context.Background(), 2*time.Millisecond)
	default:
		panic("unknown mode " + os.Args[1])
	}
	defer cancel()
	var (
		mu    sync.Mutex
		order []string
		wg    sync.WaitGroup
	)
	for i := range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			<-ctx.Done()
			mu.Lock()
			order = append(order, fmt.Sprint(i))
			mu.Unlock()
		}()
	}
	runtime.Gosched() // every goroutine runs and blocks on Done
	if os.Args[1] == "cancel" {
		cancel()
	}
	wg.Wait()
	fmt.Println(strings.Join(order, " "))
}
