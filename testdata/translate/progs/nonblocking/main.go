// Non-blocking sends and receives: select with default.
package main

import "fmt"

func main() {
	c := make(chan int, 2)
	for i := 0; i < 4; i++ {
		select {
		case c <- i:
			fmt.Println("sent", i)
		default:
			fmt.Println("full at", i)
		}
	}
	for i := 0; i < 3; i++ {
		select {
		case v := <-c:
			fmt.Println("received", v)
		default:
			fmt.Println("empty")
		}
	}
	msgs, signals := make(chan string), make(chan bool)
	select {
	case m := <-msgs:
		fmt.Println(m)
	case s := <-signals:
		fmt.Println(s)
	default:
		fmt.Println("no activity")
	}
}
