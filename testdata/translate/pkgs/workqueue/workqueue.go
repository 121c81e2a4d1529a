// Package workqueue runs jobs on a fixed number of workers until its
// context is canceled.
package workqueue

import (
	"context"
	"sync"
)

// Run processes every job with n workers and returns the results in job
// order; it stops early, returning ctx's error, if ctx is canceled.
func Run[J, R any](ctx context.Context, n int, jobs []J, f func(context.Context, J) R) ([]R, error) {
	type item struct {
		i int
		j J
	}
	in := make(chan item)
	out := make([]R, len(jobs))
	var wg sync.WaitGroup
	for range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for it := range in {
				out[it.i] = f(ctx, it.j)
			}
		}()
	}
	var err error
feed:
	for i, j := range jobs {
		select {
		case in <- item{i, j}:
		case <-ctx.Done():
			err = ctx.Err()
			break feed
		}
	}
	close(in)
	wg.Wait()
	return out, err
}
