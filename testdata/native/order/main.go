// Command order is run by gmp's tests on the real runtime with
// GOMAXPROCS=1: main starts N goroutines and waits; each records its
// index when it first runs. The simulator must print the same order.
package main

import (
	"fmt"
	"os"
	"strconv"
	"strings"
	"sync/atomic"
)

func main() {
	n, _ := strconv.Atoi(os.Args[1])
	order := make([]int, n)
	var next atomic.Int64
	done := make(chan struct{})
	for i := 0; i < n; i++ {
		go func() {
			k := next.Add(1)
			order[k-1] = i
			if int(k) == n {
				close(done)
			}
		}()
	}
	<-done
	var b strings.Builder
	for _, v := range order {
		fmt.Fprintf(&b, "%d ", v)
	}
	fmt.Println(strings.TrimSpace(b.String()))
}
