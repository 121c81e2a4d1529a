package time_test

import (
	"fmt"
	"math/rand/v2"
	"sync/atomic"
	"testing"

	"github.com/gmplab/gmp"
	"github.com/gmplab/gmp/internal/rt"
	"github.com/gmplab/gmp/time"
)

// TestTimerChurn drives the timer heaps hard: goroutines on several Ps
// create, reset, stop and receive from timers and AfterFuncs with random
// (sometimes zero or negative) durations, select on timer channels with
// timeouts, sleep, and GOMAXPROCS changes move timers between Ps
// (procresize's timers.take). After every operation the heap invariants
// are checked (rt.VerifyTimers), and each goroutine checks Go's
// guarantees against a model of its own timer, which it uses alone:
// Stop and Reset report whether the timer was armed and not yet received,
// a received value is the due time of the current arming, and each
// AfterFunc arming that was not stopped runs f exactly once, never early.
func TestTimerChurn(t *testing.T) {
	for _, procs := range []int{1, 4} {
		for seed := range uint64(churnSeeds) {
			t.Run(fmt.Sprintf("procs%d/seed%d", procs, seed), func(t *testing.T) {
				res := run(t, gmp.Config{Procs: procs, Seed: seed}, func() { churn(t, seed) })
				t.Logf("virtual %v, timers fired %d", res.VirtualTime, res.Stats.TimersFired)
			})
		}
	}
}

// sendSlack is how much later than its due time a timer's value may be.
// The value is Now() minus the delay the timer fired with, and a
// checkTimers that runs several timers computes every delay from the time
// it started (as Go's timers.check does): the later timers of a batch
// send values later than their due times by the time spent running the
// earlier ones.
const sendSlack = 20 * time.Microsecond

func churn(t *testing.T, seed uint64) {
	const (
		workers = 24
		ops     = 150
	)
	done := gmp.MakeChan[struct{}](workers)
	for w := range workers {
		gmp.Go(func() {
			defer done.Send(struct{}{})
			rng := rand.New(rand.NewPCG(seed, uint64(w)))
			dur := func() time.Duration {
				switch rng.IntN(10) {
				case 0:
					return 0
				case 1:
					return -time.Duration(rng.IntN(1000))
				}
				return time.Duration(rng.IntN(3000)) * time.Microsecond
			}
			// The channel timer and its model.
			tm := time.NewTimer(time.Hour)
			armed := true
			dueLo, dueHi := time.Now().Add(time.Hour), time.Now().Add(time.Hour)
			arm := func(d time.Duration, f func(time.Duration) bool) bool {
				lo := time.Now()
				r := f(d)
				hi := time.Now()
				d = max(d, 0)
				dueLo, dueHi = lo.Add(d), hi.Add(d)
				return r
			}
			// The AfterFunc and its bookkeeping. f runs on goroutines of
			// its own, so what it shares with this one is host atomics:
			// under -race a switch between simulated goroutines publishes
			// no happens-before edge, and the atomics are invisible to the
			// simulation (no virtual time, no event).
			var afArmings, afCanceled int
			var afRuns atomic.Int64
			var afEarly atomic.Bool
			var afDue atomic.Pointer[time.Time]
			setAfDue := func(due time.Time) { afDue.Store(&due) }
			af := time.AfterFunc(time.Hour, func() {
				afRuns.Add(1)
				if time.Now().Before(*afDue.Load()) {
					afEarly.Store(true)
				}
			})
			afArmings++
			setAfDue(time.Now().Add(time.Hour))

			for range ops {
				switch op := rng.IntN(9); op {
				case 0: // Stop
					if got := tm.Stop(); got != armed {
						t.Errorf("w%d: Stop() = %v, want %v", w, got, armed)
					}
					armed = false
				case 1: // Reset
					want := armed
					if got := arm(dur(), tm.Reset); got != want {
						t.Errorf("w%d: Reset() = %v, want %v", w, got, want)
					}
					armed = true
				case 2, 3: // receive with a timeout
					to := time.After(dur())
					tc := tm.C.RecvCase()
					if gmp.Select(tc, to.RecvCase()) == 0 {
						if !armed {
							t.Errorf("w%d: received %v from a timer that was not armed", w, tc.V.Sub(gmp.Epoch))
						} else if tc.V.Before(dueLo) || tc.V.After(dueHi.Add(sendSlack)) {
							t.Errorf("w%d: received %v, want the due time of the current arming, %v…%v", w, tc.V.Sub(gmp.Epoch), dueLo.Sub(gmp.Epoch), dueHi.Sub(gmp.Epoch))
						} else if time.Now().Before(tc.V) {
							t.Errorf("w%d: received %v at %v, before it was due", w, tc.V.Sub(gmp.Epoch), time.Since(gmp.Epoch))
						}
						armed = false
					}
				case 4: // a new timer
					tm.Stop()
					arm(dur(), func(d time.Duration) bool { tm = time.NewTimer(d); return false })
					armed = true
				case 5: // AfterFunc Reset / Stop
					if rng.IntN(2) == 0 {
						if af.Reset(dur()) {
							afCanceled++
						}
						afArmings++
						setAfDue(time.Now()) // a lower bound; the late arming is what matters
					} else if af.Stop() {
						afCanceled++
					}
				case 6: // sleep
					d := dur()
					start := time.Now()
					time.Sleep(d)
					if el := time.Since(start); el < d {
						t.Errorf("w%d: Sleep(%v) returned after %v", w, d, el)
					}
				case 7: // burn some CPU
					gmp.Work(time.Duration(rng.IntN(500)) * time.Microsecond)
				case 8:
					if w == 0 && rng.IntN(4) == 0 {
						gmp.GOMAXPROCS(1 + rng.IntN(6))
					} else {
						gmp.Gosched()
					}
				}
				rt.VerifyTimers()
			}
			tm.Stop()
			time.Sleep(10 * ms) // let every pending AfterFunc run
			if runs, want := int(afRuns.Load()), afArmings-afCanceled; runs != want {
				t.Errorf("w%d: AfterFunc ran %d times; armings %d, stopped %d", w, runs, afArmings, afCanceled)
			}
			if afEarly.Load() {
				t.Errorf("w%d: AfterFunc ran before it was due", w)
			}
		})
	}
	for range workers {
		done.Recv()
	}
	rt.VerifyTimers()
}

// churnSeeds is the number of seeds TestTimerChurn tries per configuration.
var churnSeeds = 3
