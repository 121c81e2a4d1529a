// Command deadlock is run by gmp/time's tests on the real runtime: main
// blocks forever on a channel while the only other thing in the program
// is a timer. With an AfterFunc timer (os.Args[1] == "afterfunc") the
// runtime waits for it to fire and then reports the deadlock; a Ticker
// nobody receives from (os.Args[1] == "ticker") is in no timer heap (Go
// 1.23+), so the deadlock is reported at once. The program prints how long
// it ran before the runtime killed it, so the test can tell the two apart.
package main

import (
	"fmt"
	"os"
	"time"
)

func main() {
	start := time.Now()
	switch os.Args[1] {
	case "afterfunc":
		time.AfterFunc(300*time.Millisecond, func() {
			fmt.Println("fired after", time.Since(start).Round(100*time.Millisecond))
		})
	case "ticker":
		t := time.NewTicker(300 * time.Millisecond)
		defer t.Stop()
	}
	<-make(chan int)
}
