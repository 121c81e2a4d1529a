package corpus

import (
	"time"

	"github.com/gmplab/gmp"
	"github.com/gmplab/gmp/gmptest"
	"github.com/gmplab/gmp/sync"
	gtime "github.com/gmplab/gmp/time"
)

// Mutexes: orders, upgrades, locks held across channel operations and
// unlocks on the wrong paths.

func init() {
	register(Bug{
		Name:    "lock-order",
		Pattern: "lock-order inversion across goroutines (AB-BA): two opposite transfers lock their accounts in argument order",
		Want:    "deadlock",
		Buggy:   func(t *gmptest.T) { transfers(t, false) },
		Fixed:   func(t *gmptest.T) { transfers(t, true) },
	})
	register(Bug{
		Name:    "rwmutex-recursive-rlock",
		Pattern: "a recursive RLock while a writer waits: the writer blocks new readers, the reader holds the lock it waits for",
		Want:    "deadlock",
		Buggy:   func(t *gmptest.T) { recursiveRead(t, false) },
		Fixed:   func(t *gmptest.T) { recursiveRead(t, true) },
	})
	register(Bug{
		Name:    "send-under-lock",
		Pattern: "a notifier sends on an unbuffered channel while holding the mutex its listener takes before receiving",
		Want:    "deadlock",
		Buggy:   func(t *gmptest.T) { notify(t, false) },
		Fixed:   func(t *gmptest.T) { notify(t, true) },
	})
	register(Bug{
		Name:    "double-unlock",
		Pattern: "an early-return path unlocks, and so does the deferred Unlock",
		Want:    "fatal error",
		Buggy:   func(t *gmptest.T) { connWrite(t, false) },
		Fixed:   func(t *gmptest.T) { connWrite(t, true) },
	})
	register(Bug{
		Name:    "missing-unlock",
		Pattern: "an error path returns with the mutex still locked",
		Want:    "deadlock",
		Buggy:   func(t *gmptest.T) { missingUnlock(t, false) },
		Fixed:   func(t *gmptest.T) { missingUnlock(t, true) },
	})
}

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

func transfers(t *gmptest.T, ordered bool) {
	x, y := &account{id: 1, bal: 100}, &account{id: 2, bal: 100}
	var wg sync.WaitGroup
	wg.Add(2)
	gmp.Go(func() { defer wg.Done(); transfer(x, y, 10, ordered) })
	gmp.Go(func() { defer wg.Done(); transfer(y, x, 20, ordered) })
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
	gmp.Work(20 * time.Microsecond)
	if fixed {
		return r.names["a"] // the fix: no second RLock under the first
	}
	return r.lookup("a") // the bug: a recursive RLock
}

func recursiveRead(t *gmptest.T, fixed bool) {
	r := &registry{names: map[string]int{"a": 1}}
	done := gmp.MakeChan[struct{}](0)
	gmp.Go(func() {
		gmp.Work(30 * time.Microsecond)
		r.mu.Lock()
		r.names["b"] = 2
		r.mu.Unlock()
		done.Close()
	})
	r.describe(fixed)
	done.Recv()
}

// notify: a notifier announces two events; its listener looks at the
// shared state, then receives.
func notify(t *gmptest.T, fixed bool) {
	var mu sync.Mutex
	pending := 0
	ch := gmp.MakeChan[int](0)
	gmp.Go(func() {
		for ev := range 2 {
			mu.Lock()
			pending++
			if fixed {
				mu.Unlock() // the fix: send without holding the lock
				ch.Send(ev)
			} else {
				ch.Send(ev) // the bug: the lock is held across the send
				mu.Unlock()
			}
			gmp.Work(300 * time.Microsecond)
		}
	})
	for range 2 {
		mu.Lock()
		_ = pending
		mu.Unlock()
		ch.Recv()
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

func connWrite(t *gmptest.T, fixed bool) {
	c := &conn{}
	var wg sync.WaitGroup
	wg.Add(1)
	gmp.Go(func() {
		defer wg.Done()
		for range 3 {
			gmp.Work(20 * time.Microsecond)
			c.write(fixed)
		}
	})
	gmp.Work(600 * time.Microsecond)
	c.mu.Lock()
	c.closing = true
	c.mu.Unlock()
	wg.Wait()
}

// missingUnlock: jobs that run past their budget bail out.
func missingUnlock(t *gmptest.T, fixed bool) {
	var mu sync.Mutex
	start := gtime.Now()
	var wg sync.WaitGroup
	for range 3 {
		wg.Add(1)
		gmp.Go(func() {
			defer wg.Done()
			mu.Lock()
			gmp.Work(40 * time.Microsecond)
			if gtime.Since(start) > 300*time.Microsecond {
				if fixed {
					mu.Unlock()
				}
				return // the bug: still locked
			}
			mu.Unlock()
		})
	}
	wg.Wait()
}
