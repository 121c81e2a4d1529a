package corpus

import (
	"context"
	"sync"
	"testing"
	"time"
)

// WaitGroups used the wrong way round.

// waitgroup-add-inside: WaitGroup.Add inside the goroutine: Wait can return
// before the goroutine has counted itself.
func TestWaitgroupAddInside(t *testing.T)      { collect(t, false) }
func TestWaitgroupAddInsideFixed(t *testing.T) { collect(t, true) }

// waitgroup-negative: an error path calls Done besides the deferred Done:
// a negative WaitGroup counter.
func TestWaitgroupNegative(t *testing.T)      { doubleDone(t, false) }
func TestWaitgroupNegativeFixed(t *testing.T) { doubleDone(t, true) }

// collect starts three workers and, after preparing the report, waits for
// them.
func collect(t *testing.T, fixed bool) {
	var wg sync.WaitGroup
	var mu sync.Mutex
	results := 0
	for range 3 {
		if fixed {
			wg.Add(1) // the fix: count before the go statement
		}
		go func() {
			if !fixed {
				wg.Add(1) // the bug: counted only once it runs
			}
			defer wg.Done()
			time.Sleep(10 * time.Microsecond)
			mu.Lock()
			results++
			mu.Unlock()
		}()
	}
	time.Sleep(time.Millisecond) // preparing the report
	wg.Wait()
	mu.Lock()
	defer mu.Unlock()
	if results != 3 {
		t.Errorf("collected %d results, want 3", results)
	}
}

// doubleDone: workers give up when the shared deadline has passed.
func doubleDone(t *testing.T, fixed bool) {
	ctx, cancel := context.WithTimeout(context.Background(), 200*time.Microsecond)
	defer cancel()
	var wg sync.WaitGroup
	for i := range 3 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			time.Sleep(time.Duration(i+1) * 10 * time.Microsecond)
			if ctx.Err() != nil {
				if !fixed {
					wg.Done() // the bug: the deferred Done runs too
				}
				return
			}
		}()
	}
	wg.Wait()
}
