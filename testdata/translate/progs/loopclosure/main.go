// Go 1.22 loop variables: each iteration's goroutine sees its own i;
// go statements with arguments, method values and variadic calls
// evaluate them in the parent.
package main

import (
	"fmt"
	"sort"
	"sync"
)

type acc struct {
	mu  sync.Mutex
	got []string
}

func (a *acc) add(prefix string, vals ...int) {
	a.mu.Lock()
	defer a.mu.Unlock()
	for _, v := range vals {
		a.got = append(a.got, fmt.Sprint(prefix, v))
	}
}

func (a *acc) done(wg *sync.WaitGroup) { wg.Done() }

func main() {
	var a acc
	var wg sync.WaitGroup
	for i := 0; i < 3; i++ {
		wg.Add(3)
		go func() { defer wg.Done(); a.add("c", i) }()
		go func(j int) { defer wg.Done(); a.add("p", j) }(i * 10)
		x := i
		go a.add("v", x, x+100)
		go a.done(&wg)
		x = -1
	}
	wg.Wait()
	f := a.add
	wg.Add(1)
	go func() { defer wg.Done(); f("f", 7) }()
	wg.Wait()
	// The go statements without Done: wait for them by locking until full.
	for {
		a.mu.Lock()
		n := len(a.got)
		a.mu.Unlock()
		if n == 13 {
			break
		}
		wg.Add(1)
		go func() { wg.Done() }()
		wg.Wait()
	}
	sort.Strings(a.got)
	fmt.Println(a.got)
}
