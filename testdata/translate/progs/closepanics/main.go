// The runtime's channel panics, recovered.
package main

import "fmt"

func try(name string, f func()) {
	defer func() {
		if r := recover(); r != nil {
			fmt.Printf("%s: %v\n", name, r)
		}
	}()
	f()
	fmt.Printf("%s: ok\n", name)
}

func main() {
	try("send on closed", func() {
		c := make(chan int, 1)
		close(c)
		c <- 1
	})
	try("close closed", func() {
		c := make(chan int)
		close(c)
		close(c)
	})
	try("close nil", func() {
		var c chan int
		close(c)
	})
	try("recv closed", func() {
		c := make(chan int, 2)
		c <- 5
		close(c)
		v, ok := <-c
		w, ok2 := <-c
		fmt.Println(v, ok, w, ok2)
	})
	try("negative size", func() {
		n := -1
		_ = make(chan int, n)
	})
}
