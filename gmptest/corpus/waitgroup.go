package corpus

import (
	"time"

	"github.com/gmplab/gmp"
	"github.com/gmplab/gmp/context"
	"github.com/gmplab/gmp/gmptest"
	"github.com/gmplab/gmp/sync"
)

// WaitGroups used the wrong way round.

func init() {
	register(Bug{
		Name:    "waitgroup-add-inside",
		Pattern: "WaitGroup.Add inside the goroutine: Wait can return before the goroutine has counted itself",
		Want:    "fail",
		Buggy:   func(t *gmptest.T) { collect(t, false) },
		Fixed:   func(t *gmptest.T) { collect(t, true) },
	})
	register(Bug{
		Name:    "waitgroup-negative",
		Pattern: "an error path calls Done besides the deferred Done: a negative WaitGroup counter",
		Want:    "panic",
		Buggy:   func(t *gmptest.T) { doubleDone(t, false) },
		Fixed:   func(t *gmptest.T) { doubleDone(t, true) },
	})
}

// collect starts three workers and, after preparing the report, waits for
// them.
func collect(t *gmptest.T, fixed bool) {
	var wg sync.WaitGroup
	var mu sync.Mutex
	results := 0
	for range 3 {
		if fixed {
			wg.Add(1) // the fix: count before the go statement
		}
		gmp.Go(func() {
			if !fixed {
				wg.Add(1) // the bug: counted only once it runs
			}
			defer wg.Done()
			gmp.Work(10 * time.Microsecond)
			mu.Lock()
			results++
			mu.Unlock()
		})
	}
	gmp.Work(300 * time.Microsecond) // preparing the report
	wg.Wait()
	mu.Lock()
	defer mu.Unlock()
	if results != 3 {
		t.Errorf("collected %d results, want 3", results)
	}
}

// doubleDone: workers give up when the shared deadline has passed.
func doubleDone(t *gmptest.T, fixed bool) {
	ctx, cancel := context.WithTimeout(context.Background(), 200*time.Microsecond)
	defer cancel()
	var wg sync.WaitGroup
	for i := range 3 {
		wg.Add(1)
		gmp.Go(func() {
			defer wg.Done()
			gmp.Work(time.Duration(40*(i+1)) * time.Microsecond)
			if ctx.Err() != nil {
				if !fixed {
					wg.Done() // the bug: the deferred Done runs too
				}
				return
			}
		})
	}
	wg.Wait()
}
