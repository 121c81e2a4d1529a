// A mutex-protected counter and map, with RWMutex readers.
package main

import (
	"fmt"
	"sync"
)

type counter struct {
	mu sync.Mutex
	n  map[string]int
}

func (c *counter) inc(k string) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.n[k]++
}

func main() {
	c := counter{n: map[string]int{}}
	var wg sync.WaitGroup
	for i := 0; i < 10; i++ {
		wg.Add(1)
		go func(i int) {
			defer wg.Done()
			for j := 0; j < 100; j++ {
				c.inc([]string{"a", "b", "c"}[(i+j)%3])
			}
		}(i)
	}
	wg.Wait()
	fmt.Println(c.n["a"], c.n["b"], c.n["c"])

	var rw sync.RWMutex
	shared := 0
	var wg2 sync.WaitGroup
	for i := 0; i < 5; i++ {
		wg2.Add(2)
		go func() { defer wg2.Done(); rw.Lock(); shared += 2; rw.Unlock() }()
		go func() { defer wg2.Done(); rw.RLock(); _ = shared; rw.RUnlock() }()
	}
	wg2.Wait()
	fmt.Println("shared", shared)
}
