// A named channel type with methods.
package main

import "fmt"

type Stream chan int

func NewStream(n int) Stream {
	s := make(Stream, n)
	for i := 0; i < n; i++ {
		s <- i
	}
	close(s)
	return s
}

func (s Stream) Sum() int {
	t := 0
	for v := range s {
		t += v
	}
	return t
}

func (s Stream) Len() int { return len(s) }

type Done <-chan struct{}

func (d Done) IsDone() bool {
	select {
	case <-d:
		return true
	default:
		return false
	}
}

func main() {
	s := NewStream(5)
	fmt.Println(s.Len(), cap(s))
	fmt.Println(s.Sum())
	c := make(chan struct{})
	d := Done(c)
	fmt.Println(d.IsDone())
	close(c)
	fmt.Println(d.IsDone())
	var ns Stream
	fmt.Println(ns == nil)
}
