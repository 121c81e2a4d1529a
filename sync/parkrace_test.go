package sync_test

import (
	"testing"
	"time"

	"github.com/gmplab/gmp"
	"github.com/gmplab/gmp/sync"
)

// untilVirtual burns virtual CPU until virtual time t.
func untilVirtual(t time.Duration) { gmp.Work(t - gmp.Since(gmp.Epoch)) }

// TestParkReleaseRace sweeps the instant at which a release on one P
// meets a goroutine parking on another, in 3ns steps across
// the park: whatever the interleaving, the waiter is woken exactly once
// and nothing is lost (the runtime would throw "bad g->status in ready"
// if a releaser could find a waiter that is still running).
func TestParkReleaseRace(t *testing.T) {
	const at = 200 * time.Microsecond
	// A slow park (a context switch dearer than a wakeup) widens the
	// window in which a waiter is queued but still running.
	slowPark := gmp.DefaultCosts()
	slowPark.Park = 500
	for _, kind := range []string{"Mutex", "WaitGroup", "Cond", "RWMutex"} {
		t.Run(kind, func(t *testing.T) {
			for d := -700 * time.Nanosecond; d <= 700*time.Nanosecond; d += 3 {
				_, err := gmp.Run(gmp.Config{Procs: 2, Costs: &slowPark, MaxTime: 100 * time.Millisecond}, func() {
					var mu sync.Mutex
					var rw sync.RWMutex
					var wg sync.WaitGroup
					cond := sync.NewCond(&mu)
					signalled := false
					var finished sync.WaitGroup
					var block, release func()
					switch kind {
					case "Mutex":
						mu.Lock()
						block = func() { mu.Lock() }
						release = mu.Unlock
					case "WaitGroup":
						wg.Add(1)
						block = wg.Wait
						release = wg.Done
					case "Cond":
						block = func() {
							mu.Lock()
							for !signalled {
								cond.Wait()
							}
							mu.Unlock()
						}
						release = func() {
							mu.Lock()
							signalled = true
							cond.Signal()
							mu.Unlock()
						}
					case "RWMutex":
						rw.Lock()
						block = rw.RLock
						release = rw.Unlock
					}
					finished.Add(1)
					gmp.Go(func() {
						untilVirtual(at)
						block()
						finished.Done()
					})
					untilVirtual(at + d)
					release()
					finished.Wait()
				})
				if err != nil {
					t.Fatalf("release at %v from the park: %v", d, err)
				}
			}
		})
	}
}
