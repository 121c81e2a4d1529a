package scenarios

import (
	"fmt"
	"strings"

	"github.com/gmplab/gmp"
	"github.com/gmplab/gmp/sync"
)

func init() {
	Register(&Scenario{
		Name:    "waitgroup",
		Section: "§4.2",
		Summary: "sync.WaitGroup: the counter/waiter state word, the order waiters wake in, and the misuse panics",
		Doc: `Three goroutines wait on one WaitGroup while four workers count it down.
The state is one 64-bit word: the counter in the high 32 bits, the waiter
count in the low 31 (bit 31 is the synctest bubble flag in Go ≥1.25). When
the counter reaches zero, Add releases the semaphore once per waiter; each
release readies a waiter into the current P's runnext, so on one P the last
waiter released runs first. Then the report triggers the misuse panics — a
negative counter, and reuse before the previous Wait returned — and prints
Go's exact messages, and shows WaitGroup.Go (Go ≥1.25).`,
		Procs: 1,
		Runs:  []string{"waiters", "misuse"},
		Run:   runWaitGroup,
	})
}

func runWaitGroup(r *Runner) error {
	var order []string
	_, err := r.Sim("waiters", nil, func() {
		var wg sync.WaitGroup
		done := gmp.MakeChan[int](3)
		wg.Add(4)
		for i := range 3 {
			gmp.Go(func() {
				wg.Wait()
				order = append(order, fmt.Sprint("waiter", i))
				done.Send(i)
			})
		}
		gmp.Gosched() // let the waiters park, in order 2 0 1 (runnext first)
		for range 4 {
			gmp.Go(wg.Done)
		}
		for range 3 {
			done.Recv()
		}
	})
	if err != nil {
		return err
	}
	r.Printf("waitgroup (§4.2)\n\n")
	r.Printf("  three waiters parked (in the order waiter2 waiter0 waiter1: runnext first),\n")
	r.Printf("  then four Done calls; they wake in the order: %s\n\n", strings.Join(order, " "))

	panics := map[string]string{}
	var goDone int
	_, err = r.Sim("misuse", nil, func() {
		catch := func(name string, f func()) {
			defer func() { panics[name] = fmt.Sprint(recover()) }()
			f()
		}
		catch("negative counter", func() {
			var wg sync.WaitGroup
			wg.Add(1)
			wg.Done()
			wg.Done()
		})
		{
			var wg sync.WaitGroup
			wg.Add(1)
			finished := gmp.MakeChan[string](1)
			gmp.Go(func() {
				defer func() { finished.Send(fmt.Sprint(recover())) }()
				wg.Wait()
			})
			gmp.Gosched()
			wg.Done() // releases the waiter, which has not run yet…
			wg.Add(1) // …and the WaitGroup is reused
			panics["reuse before Wait returned"] = finished.Recv()
		}
		var wg sync.WaitGroup
		for range 5 {
			wg.Go(func() { goDone++ })
		}
		wg.Wait()
	})
	if err != nil {
		return err
	}
	r.Printf("  misuse panics (Go's exact texts):\n")
	for _, k := range []string{"negative counter", "reuse before Wait returned"} {
		r.Printf("    %-28s %q\n", k+":", panics[k])
	}
	r.Printf("    The third, \"sync: WaitGroup misuse: Add called concurrently with Wait\",\n")
	r.Printf("    needs an Add on another P inside the few ns between the last Done and\n")
	r.Printf("    the reset of the waiter count; the simulator models that window (the\n")
	r.Printf("    re-check is charged as an atomic), but a one-P program cannot hit it.\n")
	r.Printf("\n  WaitGroup.Go ran %d functions and Wait returned after all of them.\n", goDone)
	r.Printf("\nThe article worries about ABA on the counter: the real guard is the\n")
	r.Printf("single 64-bit word updated atomically (counter and waiters together) plus\n")
	r.Printf("the checks above, which turn the unsafe interleavings into panics.\n")
	return nil
}
