// A rate limiter from a package-level time.Tick, and a bursty limiter
// from a buffered channel of ticks.
package main

import (
	"fmt"
	"time"
)

var limiter = time.Tick(20 * time.Millisecond)

func main() {
	start := time.Now()
	for i := 1; i <= 3; i++ {
		<-limiter
		fmt.Println("request", i)
	}
	burst := make(chan time.Time, 3)
	for i := 0; i < 3; i++ {
		burst <- time.Now()
	}
	go func() {
		for t := range time.Tick(20 * time.Millisecond) {
			burst <- t
		}
	}()
	for i := 1; i <= 5; i++ {
		<-burst
		fmt.Println("burst request", i)
	}
	if el := time.Since(start); el >= 100*time.Millisecond && el < 2*time.Second {
		fmt.Println("elapsed plausible")
	}
}
