// A ticker counted until a timer fires, then stopped.
package main

import (
	"fmt"
	"time"
)

func main() {
	tick := time.NewTicker(40 * time.Millisecond)
	defer tick.Stop()
	done := time.After(150 * time.Millisecond)
	n := 0
	for {
		select {
		case <-tick.C:
			n++
			fmt.Println("tick", n)
		case <-done:
			fmt.Println("done after", n, "ticks")
			return
		}
	}
}
