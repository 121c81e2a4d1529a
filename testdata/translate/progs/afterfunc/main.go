// time.AfterFunc, Timer.Reset and Stop.
package main

import (
	"fmt"
	"time"
)

func main() {
	fired := make(chan string, 3)
	t := time.AfterFunc(50*time.Millisecond, func() { fired <- "first" })
	fmt.Println("stop:", t.Stop())
	t.Reset(10 * time.Millisecond)
	fmt.Println(<-fired)
	t2 := time.NewTimer(time.Hour)
	t2.Reset(5 * time.Millisecond)
	<-t2.C
	fmt.Println("timer fired after reset")
	fmt.Println("reset of fired timer:", t2.Reset(5*time.Millisecond))
	<-t2.C
	fmt.Println("again")
}
