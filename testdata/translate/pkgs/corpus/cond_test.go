package corpus

import (
	"runtime"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

// Condition variables: a wake-up is a hint, not a promise.

// cond-wait-without-loop: Cond.Wait under an if instead of a for: another
// consumer took the item between the Signal and the wake-up.
func TestCondWaitWithoutLoop(t *testing.T)      { consumers(t, false) }
func TestCondWaitWithoutLoopFixed(t *testing.T) { consumers(t, true) }

// cond-lost-signal: the predicate checked outside the lock: the Signal
// comes between the check and the Wait, and is lost.
func TestCondLostSignal(t *testing.T)      { lostSignal(t, false) }
func TestCondLostSignalFixed(t *testing.T) { lostSignal(t, true) }

// signal-not-broadcast: Signal where Broadcast is needed: two waiters, one
// wake-up.
func TestSignalNotBroadcast(t *testing.T)      { startGate(t, false) }
func TestSignalNotBroadcastFixed(t *testing.T) { startGate(t, true) }

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

func consumers(t *testing.T, fixed bool) {
	q := &queue{}
	q.c = sync.NewCond(&q.mu)
	var wg sync.WaitGroup
	wg.Add(2)
	go func() { defer wg.Done(); q.get(fixed) }()
	go func() {
		defer wg.Done()
		time.Sleep(time.Millisecond)
		q.get(fixed)
	}()
	time.Sleep(10 * time.Microsecond)
	q.put(1)
	time.Sleep(time.Millisecond)
	q.put(2)
	wg.Wait()
}

func lostSignal(t *testing.T, fixed bool) {
	var mu sync.Mutex
	c := sync.NewCond(&mu)
	var ready atomic.Bool
	done := make(chan struct{})
	go func() {
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
		close(done)
	}()
	// The gmp version works 50µs here. A sleep would leave the waiter a
	// millisecond to wait before the Signal, and the bug would need it
	// held that long between its check and its Lock; yielding lets it
	// start first all the same.
	runtime.Gosched()
	mu.Lock()
	ready.Store(true)
	c.Signal()
	mu.Unlock()
	<-done
}

// startGate: two runners wait at a gate the starter opens.
func startGate(t *testing.T, fixed bool) {
	var mu sync.Mutex
	c := sync.NewCond(&mu)
	open := false
	var wg sync.WaitGroup
	for i := range 2 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			time.Sleep(time.Millisecond + time.Duration(i)*10*time.Microsecond)
			mu.Lock()
			for !open {
				c.Wait()
			}
			mu.Unlock()
		}()
	}
	time.Sleep(10 * time.Microsecond)
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
