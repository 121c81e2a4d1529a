// A worker pool: jobs on one channel, results on another, a WaitGroup to
// close the results when every worker is done.
package main

import (
	"fmt"
	"sort"
	"sync"
)

type result struct {
	job, worker, out int
}

func worker(id int, jobs <-chan int, results chan<- result, wg *sync.WaitGroup) {
	defer wg.Done()
	for j := range jobs {
		results <- result{j, id, j * j}
	}
}

func main() {
	jobs := make(chan int, 100)
	results := make(chan result, 100)
	var wg sync.WaitGroup
	for w := 1; w <= 4; w++ {
		wg.Add(1)
		go worker(w, jobs, results, &wg)
	}
	for j := 1; j <= 20; j++ {
		jobs <- j
	}
	close(jobs)
	go func() {
		wg.Wait()
		close(results)
	}()
	var outs []int
	for r := range results {
		outs = append(outs, r.out)
	}
	sort.Ints(outs)
	fmt.Println(len(outs), outs)
}
