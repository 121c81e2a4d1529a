// Fan-in: several producers merged into one channel by select, until
// each has closed its channel (a closed case is disabled by setting its
// channel to nil).
package main

import (
	"fmt"
	"sort"
)

func producer(name string, n int) <-chan string {
	c := make(chan string)
	go func() {
		defer close(c)
		for i := 0; i < n; i++ {
			c <- fmt.Sprintf("%s%d", name, i)
		}
	}()
	return c
}

func main() {
	a, b, c := producer("a", 3), producer("b", 5), producer("c", 2)
	var got []string
	for a != nil || b != nil || c != nil {
		select {
		case v, ok := <-a:
			if !ok {
				a = nil
				continue
			}
			got = append(got, v)
		case v, ok := <-b:
			if !ok {
				b = nil
				continue
			}
			got = append(got, v)
		case v, ok := <-c:
			if !ok {
				c = nil
				break
			}
			got = append(got, v)
		}
	}
	sort.Strings(got)
	fmt.Println(len(got), got)
}
