package corpus

import (
	"time"

	"github.com/gmplab/gmp"
	"github.com/gmplab/gmp/gmptest"
	"github.com/gmplab/gmp/sync"
	"github.com/gmplab/gmp/sync/atomic"
	gtime "github.com/gmplab/gmp/time"
)

func init() {
	register(Bug{
		Name:    "semaphore-leak",
		Pattern: "a channel used as a semaphore: an error path returns without releasing its slot",
		Want:    "deadlock",
		Buggy:   func(t *gmptest.T) { semaphore(t, false) },
		Fixed:   func(t *gmptest.T) { semaphore(t, true) },
	})
	register(Bug{
		Name:    "spin-wait-missed-flag",
		Pattern: "a polling wait on a flag the notifier sets only if it saw a waiter registered: a late waiter polls forever (a livelock)",
		Want:    "livelock",
		// The explorer delays a run by at most ~60ms of virtual time, so
		// 200ms is only reached by a waiter that polls forever.
		Options: gmptest.Options{MaxTime: 200 * time.Millisecond},
		Buggy:   func(t *gmptest.T) { spinWait(t, false) },
		Fixed:   func(t *gmptest.T) { spinWait(t, true) },
	})
}

// semaphore: three jobs, one at a time, each giving up past its budget.
func semaphore(t *gmptest.T, fixed bool) {
	sem := gmp.MakeChan[struct{}](1)
	start := gtime.Now()
	var wg sync.WaitGroup
	for range 3 {
		wg.Add(1)
		gmp.Go(func() {
			defer wg.Done()
			sem.Send(struct{}{})
			gmp.Work(40 * time.Microsecond)
			if gtime.Since(start) > 300*time.Microsecond {
				if fixed {
					sem.Recv()
				}
				return // the bug: the slot is never given back
			}
			sem.Recv()
		})
	}
	wg.Wait()
}

// spinWait: a worker polls until the loader says the data is ready; the
// loader skips the announcement when nobody is waiting yet.
func spinWait(t *gmptest.T, fixed bool) {
	var waiting, ready atomic.Bool
	var wg sync.WaitGroup
	wg.Add(1)
	gmp.Go(func() {
		defer wg.Done()
		gmp.Work(20 * time.Microsecond)
		waiting.Store(true)
		for !ready.Load() {
			gtime.Sleep(10 * time.Microsecond) // polling
		}
	})
	gmp.Work(300 * time.Microsecond) // loading
	if fixed || waiting.Load() {
		ready.Store(true) // the bug: a waiter that registers after the check polls forever
	}
	wg.Wait()
}
