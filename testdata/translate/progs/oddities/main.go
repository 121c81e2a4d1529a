// Odd corners of the constructs the translator rewrites: go with builtins,
// generic functions, variadic spreads, multi-value arguments and method
// expressions; channels of functions; conversions between named and
// unnamed channel types; embedded channel types; receive of a receive.
package main

import (
	"fmt"
	"sort"
	"sync"
)

type Pipe chan string

func (p Pipe) Put(s string) { p <- s }

type Holder struct {
	Pipe
	n int
}

type Pair[T any] struct {
	in, out chan T
}

func forward[T any](p Pair[T], wg *sync.WaitGroup) {
	defer wg.Done()
	for v := range p.in {
		p.out <- v
	}
	close(p.out)
}

func sum(wg *sync.WaitGroup, out chan<- int, xs ...int) {
	defer wg.Done()
	t := 0
	for _, x := range xs {
		t += x
	}
	out <- t
}

func two() (int, int) { return 20, 22 }

var results = make(chan int, 1)

func add(a, b int) { results <- a + b }

type counter struct{ n int }

func (c *counter) inc(done chan<- bool) { c.n++; done <- true }

func main() {
	var wg sync.WaitGroup

	// go with a builtin: close happens in the new goroutine.
	c := make(chan int)
	go close(c)
	_, ok := <-c
	fmt.Println("closed by go close:", !ok)

	// Generic function, explicit and inferred instantiation.
	p := Pair[string]{make(chan string, 2), make(chan string, 2)}
	wg.Add(1)
	go forward[string](p, &wg)
	p.in <- "x"
	p.in <- "y"
	close(p.in)
	wg.Wait()
	var got []string
	for s := range p.out {
		got = append(got, s)
	}
	fmt.Println("forwarded", got)

	// Variadic spread and a multi-value call as the arguments.
	out := make(chan int, 2)
	xs := []int{1, 2, 3}
	wg.Add(1)
	go sum(&wg, out, xs...)
	wg.Wait()
	go add(two())
	fmt.Println("sums", <-out, <-results)

	// Method expression and method value.
	done := make(chan bool)
	var k counter
	go (*counter).inc(&k, done)
	<-done
	go k.inc(done)
	<-done
	fmt.Println("counter", k.n)

	// Channels of functions, and a receive of a receive.
	fc := make(chan func() int, 1)
	fc <- func() int { return 7 }
	fmt.Println("func from channel:", (<-fc)())
	cc := make(chan chan int, 1)
	inner := make(chan int, 1)
	inner <- 5
	cc <- inner
	fmt.Println("receive of a receive:", <-<-cc)

	// Named channel type with methods, embedded, converted.
	h := Holder{Pipe: make(Pipe, 1)}
	h.Put("embedded")
	var raw chan string = h.Pipe
	fmt.Println(<-raw, len(h.Pipe), cap(Pipe(raw)))
	var ro <-chan string = h.Pipe
	var back Pipe = raw
	if _, ok := any(ro).(<-chan string); ok {
		fmt.Println("receive-only", back == h.Pipe)
	}
	takes := func(c chan string) int { return cap(c) }
	fmt.Println("named to unnamed parameter:", takes(h.Pipe))

	// A select in a loop, with a send of a received value.
	src, dst := make(chan int, 3), make(chan int, 3)
	for i := range 3 {
		src <- i
	}
	close(src)
	for v := range src {
		select {
		case dst <- v * 10:
		}
	}
	close(dst)
	var all []int
	for v := range dst {
		all = append(all, v)
	}
	sort.Ints(all)
	fmt.Println("relayed", all)
	defer func() { fmt.Println("recovered:", recover()) }()
	go func() {}()
	var nilf func()
	defer func() {
		if r := recover(); r != nil {
			fmt.Println("recovered:", r)
		}
	}()
	_ = nilf
	panic("done")
}
