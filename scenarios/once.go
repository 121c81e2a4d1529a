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
before the first one finishes. The report counts initialisations and the
time callers waited, and shows OnceValue's Go 1.26 behaviour: a panicking
function panics again, with the same value, on every call.`,
		Procs: 4,
		Runs:  []string{"sync.Once", "naive check", "OnceValue"},
		Run:   runOnce,
	})
}

func initResource() {
	gmp.Syscall(700 * stdtime.Microsecond) // read a config file
	gmp.Work(300 * stdtime.Microsecond)    // parse it
}

func runOnce(r *Runner) error {
	r.Printf("once (§4.4): 16 goroutines need a resource that takes 1ms to initialise, %d Ps\n\n", r.procs(4))
	r.Printf("  %-18s %8s %16s %16s\n", "guard", "inits", "callers waiting", "longest wait")
	for _, kind := range []string{"sync.Once", "naive check"} {
		inits, blocked := 0, 0
		var longest stdtime.Duration
		_, err := r.Sim(kind, nil, func() {
			var once sync.Once
			ready := false
			var wg sync.WaitGroup
			for i := range 16 {
				wg.Go(func() {
					gmp.Work(stdtime.Duration(i) * 50 * stdtime.Microsecond) // callers arrive over the first ms
					t := time.Now()
					if kind == "sync.Once" {
						once.Do(func() { inits++; initResource() })
					} else if !ready {
						inits++
						initResource()
						ready = true
					}
					if w := time.Since(t); w > 10*stdtime.Microsecond {
						blocked++
						longest = max(longest, w)
					}
				})
			}
			wg.Wait()
		})
		if err != nil {
			return err
		}
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
	r.Printf("\n  OnceValue with a panicking function: ran it %d time(s); first call panicked %q, second %q\n", calls, first, second)
	r.Printf("\nOnce is an atomic load on the fast path and a mutex on the slow one: the\n")
	r.Printf("goroutines that arrive during the 1ms initialisation park in\n")
	r.Printf("sync.Mutex.Lock (so a goroutine dump shows them there) and are released\n")
	r.Printf("by its Unlock, after done is set — the double check the article describes.\n")
	return nil
}
