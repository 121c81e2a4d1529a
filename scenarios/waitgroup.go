package scenarios

import (
	"fmt"
	"slices"
	"strings"
	"sync/atomic"

	"github.com/gmplab/gmp"
	"github.com/gmplab/gmp/internal/hostlog"
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
	var orderLog, parkedLog hostlog.Log[string]
	res, err := r.Sim("waiters", nil, func() {
		var wg sync.WaitGroup
		done := gmp.MakeChan[int](3)
		wg.Add(4)
		for i := range 3 {
			gmp.Go(func() {
				parkedLog.Add(fmt.Sprint("waiter", i))
				wg.Wait()
				orderLog.Add(fmt.Sprint("waiter", i))
				done.Send(i)
			})
		}
		gmp.Gosched() // let the waiters park (on one P: 2 0 1, runnext first)
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
	order, parked := orderLog.Get(), parkedLog.Get()
	procs := runProcs(res)
	r.Printf("waitgroup (§4.2), %s\n\n", nPs(procs))
	r.Printf("  three waiters called Wait in the order %s,\n", strings.Join(parked, " "))
	r.Printf("  then four Done calls; they woke in the order: %s\n", strings.Join(order, " "))
	// The semaphore releases waiters in the order they queued; each
	// goready puts its waiter in runnext, kicking the previous one to the
	// ring, so on one P the last released runs first.
	lastFirst := append(parked[len(parked)-1:len(parked):len(parked)], parked[:len(parked)-1]...)
	switch {
	case r.wasm() && slices.Equal(order, parked):
		r.Printf("  The semaphore releases them in the order they queued, and without runnext\n")
		r.Printf("  (the wasm preset has no sysmon) they run in that order.\n\n")
	case procs == 1 && slices.Equal(order, lastFirst):
		r.Printf("  The semaphore releases them in the order they queued; each goready puts\n")
		r.Printf("  its waiter in runnext and kicks the previous one to the ring, so the last\n")
		r.Printf("  released runs first and the others follow in order.\n\n")
	default:
		r.Printf("  The semaphore releases them in the order they queued; which runs first\n")
		r.Printf("  depends on runnext and, with %s, on the other Ps. The runnext effect\n", nPs(procs))
		r.Printf("  shows on one P: --procs 1, the default.\n\n")
	}

	panics := map[string]string{}
	var goDone atomic.Int64 // a host counter: the goroutines of wg.Go count
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
		// Reusing the WaitGroup before Wait returned is a data race
		// between the Add and the Wait, which the race detector reports
		// (in Go too): not run under -race.
		if !raceEnabled {
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
			wg.Go(func() { goDone.Add(1) })
		}
		wg.Wait()
	})
	if err != nil {
		return err
	}
	r.Printf("  misuse panics (Go's exact texts):\n")
	for _, k := range []string{"negative counter", "reuse before Wait returned"} {
		if _, ok := panics[k]; !ok && raceEnabled {
			r.Printf("    %-28s not run under -race: a data race the detector reports\n", k+":")
			continue
		}
		r.Printf("    %-28s %q\n", k+":", panics[k])
	}
	r.Printf("    The third, \"sync: WaitGroup misuse: Add called concurrently with Wait\",\n")
	r.Printf("    needs an Add on another P inside the few ns between the last Done and\n")
	r.Printf("    the reset of the waiter count; the simulator models that window (the\n")
	if procs == 1 {
		r.Printf("    re-check is charged as an atomic), but a one-P program cannot hit it.\n")
	} else {
		r.Printf("    re-check is charged as an atomic), but this program never races an Add\n")
		r.Printf("    against the last Done, so it is not triggered here.\n")
	}
	r.Printf("\n  WaitGroup.Go ran %d functions and Wait returned after all of them.\n", goDone.Load())
	r.Printf("\nThe article worries about ABA on the counter: the real guard is the\n")
	r.Printf("single 64-bit word updated atomically (counter and waiters together) plus\n")
	r.Printf("the checks above, which turn the unsafe interleavings into panics.\n")
	return nil
}
