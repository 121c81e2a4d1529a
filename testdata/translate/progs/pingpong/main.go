// Ping-pong over unbuffered channels.
package main

import "fmt"

type ball struct{ hits int }

func player(name string, table chan *ball, done chan<- string, rounds int) {
	for {
		b := <-table
		b.hits++
		if b.hits >= rounds {
			done <- fmt.Sprintf("%s ends the game at %d", name, b.hits)
			return
		}
		table <- b
	}
}

func main() {
	table := make(chan *ball)
	done := make(chan string)
	go player("ping", table, done, 21)
	go player("pong", table, done, 21)
	table <- new(ball)
	fmt.Println(<-done)
}
