// Channels of channels: a server answering requests that carry their
// reply channel, and a chan chan used as a handshake.
package main

import "fmt"

type request struct {
	n     int
	reply chan int
}

func server(reqs <-chan request) {
	for r := range reqs {
		r.reply <- r.n * 10
	}
}

func main() {
	reqs := make(chan request)
	go server(reqs)
	for i := 1; i <= 3; i++ {
		r := request{i, make(chan int)}
		reqs <- r
		fmt.Println(<-r.reply)
	}
	close(reqs)

	cc := make(chan chan string, 1)
	go func() {
		c := <-cc
		c <- "handshake"
	}()
	c := make(chan string)
	cc <- c
	fmt.Println(<-c)

	var any1 interface{} = c
	if got, ok := any1.(chan string); ok {
		fmt.Println("type assertion ok", got == c)
	}
	switch any1.(type) {
	case chan int:
		fmt.Println("chan int")
	case chan string:
		fmt.Println("chan string")
	}
}
