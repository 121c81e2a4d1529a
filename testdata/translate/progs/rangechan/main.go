// Range over channels: with and without a variable, and len/cap.
package main

import "fmt"

func main() {
	c := make(chan string, 3)
	c <- "one"
	c <- "two"
	fmt.Println(len(c), cap(c))
	close(c)
	for s := range c {
		fmt.Println(s)
	}
	d := make(chan int, 4)
	for i := range 4 {
		d <- i
	}
	close(d)
	n := 0
	for range d {
		n++
	}
	fmt.Println("counted", n)
	var s string
	e := make(chan string, 1)
	e <- "assigned"
	close(e)
	for s = range e {
	}
	fmt.Println(s)
}
