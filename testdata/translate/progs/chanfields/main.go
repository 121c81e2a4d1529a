// Channels in structs, maps, slices, arrays and interfaces.
package main

import (
	"fmt"
	"sort"
)

type Hub struct {
	topics map[string][]chan string
}

func (h *Hub) Sub(topic string) <-chan string {
	c := make(chan string, 10)
	h.topics[topic] = append(h.topics[topic], c)
	return c
}

func (h *Hub) Pub(topic, msg string) {
	for _, c := range h.topics[topic] {
		c <- msg
	}
}

func (h *Hub) Close() {
	var names []string
	for name := range h.topics {
		names = append(names, name)
	}
	sort.Strings(names)
	for _, name := range names {
		for _, c := range h.topics[name] {
			close(c)
		}
	}
}

type Sender interface {
	Chan() chan<- int
}

type impl struct{ c chan int }

func (i impl) Chan() chan<- int { return i.c }

func main() {
	h := &Hub{topics: map[string][]chan string{}}
	a, b := h.Sub("news"), h.Sub("news")
	c := h.Sub("sport")
	h.Pub("news", "hello")
	h.Pub("sport", "goal")
	h.Close()
	for _, ch := range []<-chan string{a, b, c} {
		for m := range ch {
			fmt.Println(m)
		}
	}
	var arr [2]chan int
	arr[1] = make(chan int, 1)
	arr[1] <- 3
	fmt.Println(<-arr[1], arr[0] == nil)
	var s Sender = impl{make(chan int, 1)}
	s.Chan() <- 9
	fmt.Println(<-s.(impl).c)
	fn := func(c chan<- int) { c <- 1 }
	x := make(chan int, 1)
	fn(x)
	fmt.Println(<-x + <-func() chan int { y := make(chan int, 1); y <- 41; return y }())
}
