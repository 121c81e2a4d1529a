// Labels, break and continue inside select clauses, and goto.
package main

import "fmt"

func main() {
	c := make(chan int, 10)
	for i := 0; i < 10; i++ {
		c <- i
	}
	close(c)
	sum := 0
outer:
	for {
		select {
		case v, ok := <-c:
			if !ok {
				break outer
			}
			if v%2 == 0 {
				continue outer
			}
			if v == 7 {
				break // leaves the select only
			}
			sum += v
		}
	}
	fmt.Println("odd sum without 7:", sum)

	d := make(chan int, 1)
	n := 0
again:
	d <- n
sel:
	select {
	case v := <-d:
		if v > 2 {
			break sel
		}
		n++
		goto again
	}
	fmt.Println("n", n)
}
