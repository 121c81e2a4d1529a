// Select over nil channels: a nil case never proceeds, select {} with
// only nil cases plus default takes the default, and a nil channel in a
// struct is the zero value.
package main

import "fmt"

type conn struct {
	in  chan int
	out chan<- int
}

func main() {
	var c conn
	fmt.Println("nil in:", c.in == nil, "nil out:", c.out == nil)
	select {
	case v := <-c.in:
		fmt.Println("impossible", v)
	case c.out <- 1:
		fmt.Println("impossible send")
	default:
		fmt.Println("default with nil channels")
	}
	c.in = make(chan int, 1)
	c.in <- 42
	var nilc chan int
	select {
	case v := <-c.in:
		fmt.Println("got", v)
	case <-nilc:
		fmt.Println("impossible")
	}
	fmt.Println(len(nilc), cap(nilc), len(c.in), cap(c.in))
	var m = map[string]chan int{"a": nil}
	if m["a"] == nil && m["b"] == nil {
		fmt.Println("map of nil channels")
	}
}
