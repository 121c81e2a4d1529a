// Timeouts with select and time.After, and a context deadline.
package main

import (
	"context"
	"fmt"
	"time"
)

func slow(d time.Duration) <-chan string {
	c := make(chan string, 1)
	go func() {
		time.Sleep(d)
		c <- fmt.Sprint("done after ", d)
	}()
	return c
}

func main() {
	select {
	case r := <-slow(10 * time.Millisecond):
		fmt.Println(r)
	case <-time.After(200 * time.Millisecond):
		fmt.Println("timeout")
	}
	select {
	case r := <-slow(400 * time.Millisecond):
		fmt.Println(r)
	case <-time.After(50 * time.Millisecond):
		fmt.Println("timeout")
	}
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Millisecond)
	defer cancel()
	select {
	case <-ctx.Done():
		fmt.Println("context:", ctx.Err())
	case <-time.After(time.Second):
		fmt.Println("late")
	}
	t := time.NewTimer(time.Hour)
	fmt.Println("stopped:", t.Stop())
}
