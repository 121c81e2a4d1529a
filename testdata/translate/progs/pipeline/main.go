// A pipeline: generator, squarer, summer, connected by channels and
// closed in order.
package main

import "fmt"

func gen(nums ...int) <-chan int {
	out := make(chan int)
	go func() {
		for _, n := range nums {
			out <- n
		}
		close(out)
	}()
	return out
}

func sq(in <-chan int) <-chan int {
	out := make(chan int)
	go func() {
		for n := range in {
			out <- n * n
		}
		close(out)
	}()
	return out
}

func main() {
	for n := range sq(sq(gen(1, 2, 3, 4))) {
		fmt.Println(n)
	}
	sum := 0
	for v := range sq(gen(1, 2, 3, 4, 5, 6, 7, 8, 9, 10)) {
		sum += v
	}
	fmt.Println("sum", sum)
}
