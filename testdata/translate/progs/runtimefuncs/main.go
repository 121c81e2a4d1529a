// The runtime's goroutine functions.
package main

import (
	"fmt"
	"runtime"
)

func main() {
	prev := runtime.GOMAXPROCS(1)
	fmt.Println("set to 1:", runtime.GOMAXPROCS(0))
	runtime.GOMAXPROCS(prev)
	// On one P the goroutines started last run first (runnext), then in order.
	runtime.GOMAXPROCS(1)
	done := make(chan bool)
	var order []int
	for i := 0; i < 5; i++ {
		go func() {
			order = append(order, i)
			done <- true
		}()
	}
	for i := 0; i < 5; i++ {
		<-done
	}
	fmt.Println("order", order)
	stop := make(chan bool)
	go func() { <-stop }()
	runtime.Gosched()
	fmt.Println("goroutines", runtime.NumGoroutine())
	close(stop)
	go func() {
		defer fmt.Println("deferred before Goexit")
		runtime.Goexit()
		fmt.Println("unreachable")
	}()
	runtime.Gosched()
	runtime.Gosched()
	fmt.Println("end")
}
