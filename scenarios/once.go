package scenarios

import (
	"fmt"
	stdtime "time"

	"github.com/gmplab/gmp"
	"github.com/gmplab/gmp/sync"
	"github.com/gmplab/gmp/time"
)

func init() {
	Register(&Scenario{
		Name:    "once",
		Section: "§4.4",
		Summary: "sync.Once: the atomic fast path, callers blocking on the slow path's mutex, and a naive check-then-init racing",
		Doc: `Sixteen goroutines on 4 Ps need a resource whose initialisation takes
1ms (a syscall and some CPU). With sync.Once the first caller runs it
under Once's mutex; the others that arrive meanwhile block on that mutex
(sync.Mutex.Lock) until it returns, then see done and return; later
callers take the one-load fast path. With a naive "if !ready { init();
ready = true }" the initialisation runs once per goroutine that checks
before the first one finishes. The report counts initialisations, the callers
that blocked and the longest call, and shows OnceValue's Go 1.26 behaviour: a panicking
function panics again, with the same value, on every call.`,
		Procs: 4,
		Runs:  onceRuns(),
		Run:   runOnce,
	})
}

func initResource() {
	gmp.Syscall(700 * stdtime.Microsecond) // read a config file
	gmp.Work(300 * stdtime.Microsecond)    // parse it
}

func runOnce(r *Runner) error {
	r.Printf("once (§4.4): 16 goroutines need a resource that takes 1ms to initialise, %s\n\n", nPs(r.procs(4)))
	r.Printf("  %-18s %8s %16s %16s\n", "guard", "inits", "callers blocked", "longest call")
	var initsBy, blockedBy [2]int
	for k, kind := range []string{"sync.Once", "naive check"} {
		if kind == "naive check" && raceEnabled {
			// Its unsynchronised ready flag is the demonstration: a data
			// race, which the race detector reports.
			r.Printf("  %-18s not run under -race: its check-then-init is a data race the detector reports\n", kind)
			continue
		}
		inits, blocked := 0, 0
		var longest stdtime.Duration
		var mu hostMutex // guards longest and blocked: every caller records them
		_, err := r.Sim(kind, nil, func() {
			var once sync.Once
			ready := false
			var wg sync.WaitGroup
			for i := range 16 {
				wg.Go(func() {
					gmp.Work(stdtime.Duration(i) * 50 * stdtime.Microsecond) // callers arrive over the first ms
					t := time.Now()
					ran := false
					if kind == "sync.Once" {
						once.Do(func() { inits++; ran = true; initResource() })
					} else if !ready {
						inits++
						ran = true
						initResource()
						ready = true
					}
					w := time.Since(t)
					mu.Lock()
					longest = max(longest, w)
					if !ran && w > 10*stdtime.Microsecond {
						blocked++ // waited for another goroutine's initialisation
					}
					mu.Unlock()
				})
			}
			wg.Wait()
		})
		if err != nil {
			return err
		}
		initsBy[k], blockedBy[k] = inits, blocked
		r.Printf("  %-18s %8d %16d %16s\n", kind, inits, blocked, dur(longest.Nanoseconds()))
	}
	var first, second string
	var calls int
	_, err := r.Sim("OnceValue", nil, func() {
		f := sync.OnceValue(func() int {
			calls++
			panic("config missing")
		})
		catch := func() (s string) {
			defer func() { s = fmt.Sprint(recover()) }()
			f()
			return ""
		}
		first, second = catch(), catch()
	})
	if err != nil {
		return err
	}
	r.Printf("\n  OnceValue with a panicking function: ran it %s; first call panicked %q, second %q\n", times(int64(calls)), first, second)
	r.Printf("\nOnce is an atomic load on the fast path and a mutex on the slow one.")
	if blockedBy[0] > 0 {
		r.Printf(" The\n%d goroutines that arrived during the initialisation parked in\n", blockedBy[0])
		r.Printf("sync.Mutex.Lock (so a goroutine dump shows them there) and were released\n")
		r.Printf("by its Unlock, after done was set — the double check the article describes.\n")
	} else {
		r.Printf(" No\ngoroutine called Do while the initialisation ran, so none blocked.\n")
	}
	switch {
	case raceEnabled:
		r.Printf("The naive check is not run under -race (see above).\n")
	case initsBy[1] > 1:
		r.Printf("The naive check ran the initialisation %d times: every goroutine that\n", initsBy[1])
		r.Printf("checked before the first one finished ran it again.\n")
	default:
		r.Printf("The naive check ran the initialisation only once here: no goroutine\n")
		r.Printf("checked while it ran")
		if r.wasm() {
			r.Printf(" (one P, and no sysmon to preempt the\ninitialiser)")
		}
		r.Printf(". The race needs goroutines running during it.\n")
	}
	return nil
}

// onceRuns are the once scenario's runs: under -race the naive check is
// left out (see runOnce).
func onceRuns() []string {
	if raceEnabled {
		return []string{"sync.Once", "OnceValue"}
	}
	return []string{"sync.Once", "naive check", "OnceValue"}
}
