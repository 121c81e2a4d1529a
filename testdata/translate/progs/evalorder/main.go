// Evaluation order: a go statement evaluates its function value and
// arguments in the calling goroutine, in order; a select evaluates every
// channel operand and send value once, in source order, and assigns the
// received value only in the chosen case.
package main

import "fmt"

var trace []string

func note(s string) { trace = append(trace, s) }

func val(s string, v int) int { note(s); return v }

func ch(s string, c chan int) chan int { note(s); return c }

type T struct{ name string }

func (t T) show(a, b int, done chan bool) {
	fmt.Println("goroutine:", t.name, a, b)
	done <- true
}

func pick(s string) T { note(s); return T{s} }

func main() {
	done := make(chan bool)
	x := 1
	go pick("recv").show(val("arg1", x), val("arg2", x+1), done)
	x = 100
	<-done
	fmt.Println(trace)

	trace = nil
	ready := make(chan int, 1)
	ready <- 7
	var nilc chan int
	out := make(chan int) // no receiver: the send case cannot proceed
	arr := []int{0, 0}
	select {
	case arr[val("lhs-nil", 0)] = <-ch("nil", nilc):
		fmt.Println("impossible")
	case out <- val("send-value", 5):
		fmt.Println("sent")
	case arr[val("lhs-ready", 1)] = <-ch("ready", ready):
		fmt.Println("received", arr)
	}
	// The operands were evaluated once, in order, and the chosen
	// case's left-hand side after them.
	fmt.Println(trace)

	var fs []func()
	for i := range 3 {
		go func() { fs = append(fs, func() { fmt.Print(i) }); done <- true }()
		<-done
	}
	for _, f := range fs {
		f()
	}
	fmt.Println()
	defer fmt.Println("deferred close")
	c := make(chan int, 1)
	defer close(c)
}
