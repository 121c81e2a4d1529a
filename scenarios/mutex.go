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
	r.Printf("mutex-starvation (§4.1): 8 goroutines × 50 Lock/Unlock on one sync.Mutex, %d Ps\n\n", r.procs(4))
	r.Printf("  %-28s %8s %11s %9s %10s %10s %10s %12s\n", "critical section", "spins", "starvation", "handoffs", "wait p50", "wait p99", "wait max", "total wait")
	for _, c := range []struct {
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
		r.Printf("  %-28s %8d %11d %9d %10s %10s %10s %12s\n", c.label, s.MutexSpins, s.MutexStarvation, s.SemaHandoffs,
			dur(percentile(waits, 0.5)), dur(percentile(waits, 0.99)), dur(waits[len(waits)-1]), dur(s.MutexWaitNS))
	}
	r.Printf("\n\"total wait\" is /sync/mutex/wait/total: time goroutines spent parked in\n")
	r.Printf("sync.Mutex.Lock. Short sections are won by spinning (each spin is a 760ns\n")
	r.Printf("procyield(30)); long ones put waiters to sleep, and once one has waited\n")
	r.Printf("1ms the mutex turns fair: hand-offs in FIFO order bound the tail.\n")
	return nil
}
