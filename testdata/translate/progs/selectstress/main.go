// Select stress: many senders on several channels, one receiver
// selecting over all of them plus a quit channel; totals are exact.
package main

import (
	"fmt"
	"sync"
)

func main() {
	const senders, each = 8, 200
	chans := []chan int{make(chan int), make(chan int, 3), make(chan int, 1), make(chan int)}
	var wg sync.WaitGroup
	for s := 0; s < senders; s++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := 0; i < each; i++ {
				chans[(s+i)%len(chans)] <- 1
			}
		}()
	}
	quit := make(chan struct{})
	go func() { wg.Wait(); close(quit) }()
	counts := make([]int, len(chans))
	total := 0
loop:
	for {
		select {
		case v := <-chans[0]:
			counts[0] += v
		case v := <-chans[1]:
			counts[1] += v
		case v := <-chans[2]:
			counts[2] += v
		case v := <-chans[3]:
			counts[3] += v
		case <-quit:
			break loop
		}
	}
	// Drain what is buffered after quit.
	for i, c := range chans {
		for len(c) > 0 {
			counts[i] += <-c
		}
	}
	for _, c := range counts {
		total += c
	}
	fmt.Println(counts, total)
}
