package corpus

import (
	"github.com/gmplab/gmp"
	"github.com/gmplab/gmp/gmptest"
	"github.com/gmplab/gmp/sync"
)

// Lock-order inversion: a transfer locks the source account, then the
// destination; two opposite transfers at once hold one lock each and wait
// for the other's forever (the classic AB-BA deadlock; in Go, e.g.
// Kubernetes and etcd fixes that sort locks by key).
func init() {
	register(Bug{
		Name:    "lock-order",
		Pattern: "lock-order inversion across goroutines (AB-BA)",
		Want:    "deadlock",
		Buggy:   func(t *gmptest.T) { transfers(t, false) },
		Fixed:   func(t *gmptest.T) { transfers(t, true) },
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
		a, b = b, a
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
