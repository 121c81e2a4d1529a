package corpus

import (
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

// semaphore-leak: a channel used as a semaphore: an error path returns
// without releasing its slot.
func TestSemaphoreLeak(t *testing.T)      { semaphore(t, false) }
func TestSemaphoreLeakFixed(t *testing.T) { semaphore(t, true) }

// spin-wait-missed-flag: a polling wait on a flag the notifier sets only if
// it saw a waiter registered: a late waiter polls forever (a livelock).
func TestSpinWaitMissedFlag(t *testing.T)      { spinWait(t, false) }
func TestSpinWaitMissedFlagFixed(t *testing.T) { spinWait(t, true) }

// semaphore: three jobs, one at a time, each giving up past its budget.
func semaphore(t *testing.T, fixed bool) {
	sem := make(chan struct{}, 1)
	start := time.Now()
	var wg sync.WaitGroup
	for range 3 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			sem <- struct{}{}
			time.Sleep(10 * time.Microsecond)
			if time.Since(start) > time.Millisecond {
				if fixed {
					<-sem
				}
				return // the bug: the slot is never given back
			}
			<-sem
		}()
	}
	wg.Wait()
}

// spinWait: a worker polls until the loader says the data is ready; the
// loader skips the announcement when nobody is waiting yet.
func spinWait(t *testing.T, fixed bool) {
	var waiting, ready atomic.Bool
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		time.Sleep(10 * time.Microsecond)
		waiting.Store(true)
		for !ready.Load() {
			time.Sleep(10 * time.Microsecond) // polling
		}
	}()
	time.Sleep(time.Millisecond) // loading
	if fixed || waiting.Load() {
		ready.Store(true) // the bug: a waiter that registers after the check polls forever
	}
	wg.Wait()
}
