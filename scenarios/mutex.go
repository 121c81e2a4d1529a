package scenarios

import (
	"slices"
	stdtime "time"

	"github.com/gmplab/gmp"
	"github.com/gmplab/gmp/sync"
	"github.com/gmplab/gmp/time"
)

func init() {
	Register(&Scenario{
		Name:    "mutex-starvation",
		Section: "§4.1",
		Summary: "sync.Mutex under contention: active spinning, then starvation mode and direct hand-off after a 1ms wait",
		Doc: `Eight goroutines on 4 Ps take one sync.Mutex in a loop. With short
critical sections (2µs) a waiter usually gets the lock by spinning —
runtime_canSpin allows at most 4 iterations of procyield(30), only with
more than one P, another running P and an empty local run queue. With long
critical sections (300µs, plus 50µs of work outside) waiters park on the
semaphore; one that has waited more than 1ms switches the mutex to
starvation mode, where Unlock hands the lock straight to the first waiter
(semrelease with handoff) and newcomers queue behind instead of barging.
The report counts spins, starvation-mode entries and hand-offs and gives
the distribution of lock waits, beside the article's description ("64-bit
state with owner GID, 30 spins"): Go's state is 32 bits — locked, woken,
starving and a waiter count — and it spins at most 4 times.`,
		Procs: 4,
		Runs:  []string{"short", "long"},
		Run:   runMutexStarvation,
	})
}

func mutexProgram(hold, outside stdtime.Duration, waits *[]int64) func() {
	return func() {
		var mu sync.Mutex
		var wg sync.WaitGroup
		for range 8 {
			wg.Go(func() {
				for range 50 {
					start := time.Now()
					mu.Lock()
					*waits = append(*waits, time.Since(start).Nanoseconds())
					gmp.Work(hold)
					mu.Unlock()
					gmp.Work(outside)
				}
			})
		}
		wg.Wait()
	}
}

func runMutexStarvation(r *Runner) error {
	r.Printf("mutex-starvation (§4.1): 8 goroutines × 50 Lock/Unlock on one sync.Mutex, %s\n\n", nPs(r.procs(4)))
	r.Printf("  %-28s %8s %11s %9s %10s %10s %10s %12s\n", "critical section", "spins", "starvation", "handoffs", "wait p50", "wait p99", "wait max", "total wait")
	var stats [2]gmp.Stats
	for i, c := range []struct {
		run, label    string
		hold, outside stdtime.Duration
	}{
		{"short", "short (2µs, 1µs outside)", 2 * stdtime.Microsecond, stdtime.Microsecond},
		{"long", "long (300µs, 50µs outside)", 300 * stdtime.Microsecond, 50 * stdtime.Microsecond},
	} {
		var waits []int64
		res, err := r.Sim(c.run, nil, mutexProgram(c.hold, c.outside, &waits))
		if err != nil {
			return err
		}
		slices.Sort(waits)
		s := res.Stats
		stats[i] = s
		r.Printf("  %-28s %8d %11d %9d %10s %10s %10s %12s\n", c.label, s.MutexSpins, s.MutexStarvation, s.SemaHandoffs,
			dur(percentile(waits, 0.5)), dur(percentile(waits, 0.99)), dur(waits[len(waits)-1]), dur(s.MutexWaitNS))
	}
	short, long := stats[0], stats[1]
	procs := r.procs(4)
	r.Printf("\n\"total wait\" is /sync/mutex/wait/total: time goroutines spent parked in\n")
	r.Printf("sync.Mutex.Lock.")
	if short.MutexWaitNS == 0 && long.MutexWaitNS == 0 && short.MutexSpins == 0 && long.MutexSpins == 0 {
		r.Printf(" Nobody ever waited for the lock here")
		if r.wasm() {
			r.Printf(": with one P and no\n")
			r.Printf("sysmon to preempt, each goroutine runs all its iterations while it holds\n")
			r.Printf("the P, so the lock is always free when it asks. Contention needs more Ps\n")
			r.Printf("or preemption: drop --preset wasm")
		}
		r.Printf(".\n")
		return nil
	}
	switch {
	case short.MutexSpins > 0:
		r.Printf(" With short sections waiters spun %d times (each spin\n", short.MutexSpins)
		r.Printf("a %v procyield(30)) and parked for %s in all.", stdtime.Duration(gmp.DefaultCosts().MutexSpin), dur(short.MutexWaitNS))
	case procs == 1:
		r.Printf(" Nobody spun: runtime_canSpin needs more than one P, and\n")
		r.Printf("there is one.")
		if short.MutexWaitNS == 0 {
			r.Printf(" With short sections nobody waited at all (total wait 0).")
		}
	default:
		r.Printf(" Nobody spun with short sections.")
	}
	r.Printf("\n")
	if long.MutexStarvation > 0 {
		r.Printf("Long sections put waiters to sleep; once one had waited 1ms the mutex\n")
		r.Printf("turned fair (%s into starvation mode) and handed the lock to waiters\n", times(long.MutexStarvation))
		r.Printf("in FIFO order %d times.\n", long.SemaHandoffs)
	} else {
		r.Printf("With long sections the mutex never entered starvation mode: no waiter\n")
		r.Printf("waited over 1ms.\n")
	}
	return nil
}
