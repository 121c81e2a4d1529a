// A tree of contexts: canceling a parent cancels its children; values and
// deadlines flow down; AfterFunc runs on cancel.
package main

import (
	"context"
	"errors"
	"fmt"
	"time"
)

type key string

func main() {
	root, cancel := context.WithCancel(context.WithValue(context.Background(), key("user"), "gopher"))
	child1, cancel1 := context.WithCancel(root)
	defer cancel1()
	child2, cancel2 := context.WithTimeout(root, time.Hour)
	defer cancel2()
	stop := context.AfterFunc(child1, func() { fmt.Println("afterfunc ran") })
	_ = stop
	done := make(chan string, 2)
	for i, c := range []context.Context{child1, child2} {
		go func() {
			<-c.Done()
			done <- fmt.Sprint("child", i+1, " ", c.Err())
		}()
	}
	fmt.Println("value:", child2.Value(key("user")))
	cancel()
	a, b := <-done, <-done
	if a > b {
		a, b = b, a
	}
	fmt.Println(a)
	fmt.Println(b)
	time.Sleep(time.Millisecond)
	cause, cancelCause := context.WithCancelCause(context.Background())
	cancelCause(errors.New("because"))
	fmt.Println(cause.Err(), context.Cause(cause))
	dl, c3 := context.WithDeadline(context.Background(), time.Now().Add(20*time.Millisecond))
	defer c3()
	<-dl.Done()
	fmt.Println("deadline:", dl.Err(), errors.Is(dl.Err(), context.DeadlineExceeded))
}
