package corpus

import (
	"time"

	"github.com/gmplab/gmp"
	"github.com/gmplab/gmp/gmptest"
	"github.com/gmplab/gmp/sync"
	"github.com/gmplab/gmp/sync/atomic"
)

// Condition variables: a wake-up is a hint, not a promise.

func init() {
	register(Bug{
		Name:    "cond-wait-without-loop",
		Pattern: "Cond.Wait under an if instead of a for: another consumer took the item between the Signal and the wake-up",
		Want:    "panic",
		Buggy:   func(t *gmptest.T) { consumers(t, false) },
		Fixed:   func(t *gmptest.T) { consumers(t, true) },
	})
	register(Bug{
		Name:    "cond-lost-signal",
		Pattern: "the predicate checked outside the lock: the Signal comes between the check and the Wait, and is lost",
		Want:    "deadlock",
		Buggy:   func(t *gmptest.T) { lostSignal(t, false) },
		Fixed:   func(t *gmptest.T) { lostSignal(t, true) },
	})
	register(Bug{
		Name:    "signal-not-broadcast",
		Pattern: "Signal where Broadcast is needed: two waiters, one wake-up",
		Want:    "deadlock",
		Buggy:   func(t *gmptest.T) { startGate(t, false) },
		Fixed:   func(t *gmptest.T) { startGate(t, true) },
	})
}

type queue struct {
	mu    sync.Mutex
	c     *sync.Cond
	items []int
}

func (q *queue) get(fixed bool) int {
	q.mu.Lock()
	defer q.mu.Unlock()
	if fixed {
		for len(q.items) == 0 {
			q.c.Wait()
		}
	} else if len(q.items) == 0 {
		q.c.Wait() // the bug: the queue may be empty again on waking
	}
	it := q.items[0]
	q.items = q.items[1:]
	return it
}

func (q *queue) put(v int) {
	q.mu.Lock()
	q.items = append(q.items, v)
	q.mu.Unlock()
	q.c.Signal()
}

func consumers(t *gmptest.T, fixed bool) {
	q := &queue{}
	q.c = sync.NewCond(&q.mu)
	var wg sync.WaitGroup
	wg.Add(2)
	gmp.Go(func() { defer wg.Done(); q.get(fixed) })
	gmp.Go(func() {
		defer wg.Done()
		gmp.Work(600 * time.Microsecond)
		q.get(fixed)
	})
	gmp.Work(300 * time.Microsecond)
	q.put(1)
	gmp.Work(700 * time.Microsecond)
	q.put(2)
	wg.Wait()
}

func lostSignal(t *gmptest.T, fixed bool) {
	var mu sync.Mutex
	c := sync.NewCond(&mu)
	var ready atomic.Bool
	done := gmp.MakeChan[struct{}](0)
	gmp.Go(func() {
		if fixed {
			mu.Lock()
			for !ready.Load() {
				c.Wait()
			}
			mu.Unlock()
		} else if !ready.Load() { // the bug: checked without the lock
			mu.Lock()
			c.Wait()
			mu.Unlock()
		}
		done.Close()
	})
	gmp.Work(50 * time.Microsecond)
	mu.Lock()
	ready.Store(true)
	c.Signal()
	mu.Unlock()
	done.Recv()
}

// startGate: two runners wait at a gate the starter opens.
func startGate(t *gmptest.T, fixed bool) {
	var mu sync.Mutex
	c := sync.NewCond(&mu)
	open := false
	var wg sync.WaitGroup
	for i := range 2 {
		wg.Add(1)
		gmp.Go(func() {
			defer wg.Done()
			gmp.Work(time.Duration(30+10*i) * time.Microsecond)
			mu.Lock()
			for !open {
				c.Wait()
			}
			mu.Unlock()
		})
	}
	gmp.Work(10 * time.Microsecond)
	mu.Lock()
	open = true
	mu.Unlock()
	if fixed {
		c.Broadcast()
	} else {
		c.Signal() // the bug: wakes one waiter only
	}
	wg.Wait()
}
