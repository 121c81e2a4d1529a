package corpus

import (
	"sync"
	"testing"
	"time"
)

// Mutexes: orders, upgrades, locks held across channel operations and
// unlocks on the wrong paths.

// lock-order: lock-order inversion across goroutines (AB-BA): two opposite
// transfers lock their accounts in argument order.
func TestLockOrder(t *testing.T)      { transfers(t, false) }
func TestLockOrderFixed(t *testing.T) { transfers(t, true) }

// rwmutex-recursive-rlock: a recursive RLock while a writer waits: the
// writer blocks new readers, the reader holds the lock it waits for.
func TestRwmutexRecursiveRlock(t *testing.T)      { recursiveRead(t, false) }
func TestRwmutexRecursiveRlockFixed(t *testing.T) { recursiveRead(t, true) }

// send-under-lock: a notifier sends on an unbuffered channel while holding
// the mutex its listener takes before receiving.
func TestSendUnderLock(t *testing.T)      { notify(t, false) }
func TestSendUnderLockFixed(t *testing.T) { notify(t, true) }

// double-unlock: an early-return path unlocks, and so does the deferred
// Unlock.
func TestDoubleUnlock(t *testing.T)      { connWrite(t, false) }
func TestDoubleUnlockFixed(t *testing.T) { connWrite(t, true) }

// missing-unlock: an error path returns with the mutex still locked.
func TestMissingUnlock(t *testing.T)      { missingUnlock(t, false) }
func TestMissingUnlockFixed(t *testing.T) { missingUnlock(t, true) }

type account struct {
	id  int
	mu  sync.Mutex
	bal int
}

func transfer(from, to *account, n int, ordered bool) {
	a, b := from, to
	if ordered && b.id < a.id {
		a, b = b, a // the fix: lock in a global order
	}
	a.mu.Lock()
	b.mu.Lock()
	from.bal -= n
	to.bal += n
	b.mu.Unlock()
	a.mu.Unlock()
}

func transfers(t *testing.T, ordered bool) {
	x, y := &account{id: 1, bal: 100}, &account{id: 2, bal: 100}
	var wg sync.WaitGroup
	wg.Add(2)
	go func() { defer wg.Done(); transfer(x, y, 10, ordered) }()
	go func() { defer wg.Done(); transfer(y, x, 20, ordered) }()
	wg.Wait()
	if x.bal+y.bal != 200 {
		t.Errorf("money created or lost: %d", x.bal+y.bal)
	}
}

// registry is read often, written rarely.
type registry struct {
	mu    sync.RWMutex
	names map[string]int
}

func (r *registry) lookup(name string) int {
	r.mu.RLock()
	defer r.mu.RUnlock()
	return r.names[name]
}

// describe takes the read lock and, through lookup, takes it again.
func (r *registry) describe(fixed bool) int {
	r.mu.RLock()
	defer r.mu.RUnlock()
	time.Sleep(10 * time.Microsecond)
	if fixed {
		return r.names["a"] // the fix: no second RLock under the first
	}
	return r.lookup("a") // the bug: a recursive RLock
}

func recursiveRead(t *testing.T, fixed bool) {
	r := &registry{names: map[string]int{"a": 1}}
	done := make(chan struct{})
	go func() {
		time.Sleep(time.Millisecond)
		r.mu.Lock()
		r.names["b"] = 2
		r.mu.Unlock()
		close(done)
	}()
	r.describe(fixed)
	<-done
}

// notify: a notifier announces two events; its listener looks at the
// shared state, then receives.
func notify(t *testing.T, fixed bool) {
	var mu sync.Mutex
	pending := 0
	ch := make(chan int)
	go func() {
		for ev := range 2 {
			mu.Lock()
			pending++
			if fixed {
				mu.Unlock() // the fix: send without holding the lock
				ch <- ev
			} else {
				ch <- ev // the bug: the lock is held across the send
				mu.Unlock()
			}
			time.Sleep(time.Millisecond)
		}
	}()
	for range 2 {
		mu.Lock()
		_ = pending
		mu.Unlock()
		<-ch
	}
}

// conn is a connection whose writes stop once it is closing.
type conn struct {
	mu      sync.Mutex
	closing bool
	written int
}

func (c *conn) write(fixed bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.closing {
		if !fixed {
			c.mu.Unlock() // the bug: the deferred Unlock unlocks again
		}
		return
	}
	c.written++
}

func connWrite(t *testing.T, fixed bool) {
	c := &conn{}
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		for range 3 {
			time.Sleep(10 * time.Microsecond)
			c.write(fixed)
		}
	}()
	time.Sleep(time.Millisecond)
	c.mu.Lock()
	c.closing = true
	c.mu.Unlock()
	wg.Wait()
}

// missingUnlock: jobs that run past their budget bail out.
func missingUnlock(t *testing.T, fixed bool) {
	var mu sync.Mutex
	start := time.Now()
	var wg sync.WaitGroup
	for range 3 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			mu.Lock()
			time.Sleep(10 * time.Microsecond)
			if time.Since(start) > time.Millisecond {
				if fixed {
					mu.Unlock()
				}
				return // the bug: still locked
			}
			mu.Unlock()
		}()
	}
	wg.Wait()
}
