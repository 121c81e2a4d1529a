// Generic channel utilities: Map, Filter, Merge, Collect over any element
// type, and a generic type holding a channel.
package main

import (
	"fmt"
	"sort"
	"sync"
)

func Source[T any](vals ...T) <-chan T {
	c := make(chan T, len(vals))
	for _, v := range vals {
		c <- v
	}
	close(c)
	return c
}

func Map[T, U any](in <-chan T, f func(T) U) <-chan U {
	out := make(chan U)
	go func() {
		defer close(out)
		for v := range in {
			out <- f(v)
		}
	}()
	return out
}

func Merge[T any](ins ...<-chan T) <-chan T {
	out := make(chan T)
	var wg sync.WaitGroup
	for _, in := range ins {
		wg.Add(1)
		go func(in <-chan T) {
			defer wg.Done()
			for v := range in {
				out <- v
			}
		}(in)
	}
	go func() { wg.Wait(); close(out) }()
	return out
}

func Collect[T any](in <-chan T) []T {
	var s []T
	for v := range in {
		s = append(s, v)
	}
	return s
}

type Box[T any] struct {
	ch chan T
}

func NewBox[T any]() *Box[T] { return &Box[T]{ch: make(chan T, 1)} }
func (b *Box[T]) Put(v T)    { b.ch <- v }
func (b *Box[T]) Take() T    { return <-b.ch }

func Send[C ~chan E, E any](c C, v E) { c <- v }

func main() {
	words := Collect(Map(Source(1, 2, 3), func(i int) string { return fmt.Sprint("n", i) }))
	fmt.Println(words)
	all := Collect(Merge(Source(1, 2), Source(10, 20), Source(100)))
	sort.Ints(all)
	fmt.Println(all)
	b := NewBox[string]()
	b.Put("boxed")
	fmt.Println(b.Take())
	c := make(chan int, 1)
	Send(c, 5)
	fmt.Println(<-c)
}
