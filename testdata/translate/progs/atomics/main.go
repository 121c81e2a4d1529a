// sync/atomic counters and an atomic.Value.
package main

import (
	"fmt"
	"sync"
	"sync/atomic"
)

func main() {
	var n int64
	var u atomic.Uint32
	var v atomic.Value
	v.Store("start")
	var wg sync.WaitGroup
	for i := 0; i < 50; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			atomic.AddInt64(&n, 2)
			u.Add(1)
		}()
	}
	wg.Wait()
	v.Store("end")
	fmt.Println(atomic.LoadInt64(&n), u.Load(), v.Load())
}
