// Command closeorder: GOMAXPROCS=1, four receivers block on an unbuffered
// channel (recvq r3 r0 r1 r2), then main closes it; prints the order in
// which the receivers run (Go: r3 r2 r1 r0).
package main

import (
	"fmt"
	"runtime"
	"strings"
)

func main() {
	ch := make(chan int)
	done := make(chan int)
	var order []string
	for i := range 4 {
		go func() {
			<-ch
			order = append(order, fmt.Sprint("r", i))
			done <- 1
		}()
	}
	runtime.Gosched()
	close(ch)
	for range 4 {
		<-done
	}
	fmt.Println(strings.Join(order, " "))
}
