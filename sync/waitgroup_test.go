package sync_test

import (
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/gmplab/gmp"
	"github.com/gmplab/gmp/sync"
)

// waitGroupWake: four goroutines wait; the Done that brings the counter
// to zero releases them in the order they started waiting, each into the
// releasing P's runnext — so the last waiter runs first and the others
// follow from the local run queue.
func waitGroupWake(w *world) {
	wg, done := w.WaitGroup(), w.WaitGroup()
	wg.Add(1)
	waiter := func(i int) func() {
		return func() {
			defer done.Done()
			w.Log("w%d wait", i)
			wg.Wait()
			w.Log("w%d woke", i)
		}
	}
	done.Add(5)
	w.GoInOrder(waiter(0), waiter(1), waiter(2), waiter(3), func() {
		defer done.Done()
		w.Log("done")
		wg.Done()
		w.Log("done returned")
	})
	done.Wait()
}

func TestWaitGroupWakeOrder(t *testing.T) {
	sameAsNative(t, waitGroupWake, []string{
		"w0 wait", "w1 wait", "w2 wait", "w3 wait", "done", "done returned",
		"w3 woke", "w0 woke", "w1 woke", "w2 woke",
	})
}

// waitGroupGoOrder: tasks started with Go run in the go statement's order
// (the last one first), and Wait returns when the last one is done.
func waitGroupGoOrder(w *world) {
	wg := w.WaitGroup()
	for i := range 5 {
		wg.Go(func() { w.Log("task %d", i) })
	}
	w.Log("waiting")
	wg.Wait()
	w.Log("all done")
}

func TestWaitGroupGoOrder(t *testing.T) {
	sameAsNative(t, waitGroupGoOrder, []string{"waiting", "task 4", "task 0", "task 1", "task 2", "task 3", "all done"})
}

// waitGroupMisuse exercises the panics a program can recover on one P:
// a negative counter, and a WaitGroup reused (Add) before the Wait it
// released has returned. The reuse is not run under -race: the Add is
// not ordered after the Wait by any happens-before edge, and Go's race
// detector reports this misuse natively as well (WaitGroup.Add's first
// increment is modelled as a read of the semaphore, Wait as a write).
func waitGroupMisuse(w *world) {
	wg := w.WaitGroup()
	w.Log("negative: %v", recovered(func() { wg.Add(-1) }))
	if raceEnabled {
		return
	}

	wg2, done := w.WaitGroup(), w.WaitGroup()
	wg2.Add(1)
	done.Add(2)
	w.GoInOrder(
		func() {
			defer done.Done()
			w.Log("reuse: %v", recovered(wg2.Wait))
		},
		func() {
			defer done.Done()
			wg2.Done() // releases the waiter into runnext …
			wg2.Add(1) // … and reuses wg2 before it runs
		},
	)
	done.Wait()
}

func TestWaitGroupMisuse(t *testing.T) {
	want := []string{
		"negative: sync: negative WaitGroup counter",
		"reuse: sync: WaitGroup is reused before previous Wait has returned",
	}
	if raceEnabled {
		t.Log("reuse before Wait returned: not run under -race (the detector reports this misuse natively as well)")
		want = want[:1]
	}
	sameAsNative(t, waitGroupMisuse, want)
}

// TestWaitGroupAddDuringWait: an Add on one P while the Done on another is
// releasing the waiters — between its add and its sanity check — is
// caught by both, with Go's message. The window is the cost of one atomic;
// the test widens it to 1µs and lands the Add in the middle.
//
// Under -race only "before" runs (its Add is not the counter's first
// increment): in "during" and "after" the Add takes the counter from zero
// without being ordered after the Wait, the misuse Go's race detector
// reports natively as well (WaitGroup.Add's first increment is modelled as
// a read of the semaphore, Wait's as a write), whether or not it panics.
func TestWaitGroupAddDuringWait(t *testing.T) {
	costs := gmp.DefaultCosts()
	costs.Atomic = 1000
	const at = 500 * time.Microsecond
	for _, tc := range []struct {
		name      string
		addAt     time.Duration // when the late Add starts (its add lands 1µs later)
		wantPanic bool
		racy      bool // an Add from zero not ordered after the Wait
	}{
		{"before", at - 2*time.Microsecond, false, false},
		{"during", at + 500*time.Nanosecond, true, true},
		{"after", at + 10*time.Microsecond, false, true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if tc.racy && raceEnabled {
				t.Skip("Add concurrent with Wait: Go's race detector reports this misuse natively as well")
			}
			var donePanic, addPanic any
			_, err := gmp.Run(gmp.Config{Procs: 2, Costs: &costs}, func() {
				var wg sync.WaitGroup
				finished := gmp.MakeChan[int](0)
				wg.Add(1)
				gmp.Go(func() {
					untilVirtual(at)
					donePanic = recovered(wg.Done)
					finished.Send(0)
				})
				gmp.Go(func() {
					untilVirtual(tc.addAt)
					addPanic = recovered(func() { wg.Add(1) })
					finished.Send(0)
				})
				gmp.Go(func() {
					defer func() { recover() }() // "reused" when the Add came first
					wg.Wait()
				})
				finished.Recv()
				finished.Recv()
			})
			if err != nil {
				t.Fatal(err)
			}
			const misuse = "sync: WaitGroup misuse: Add called concurrently with Wait"
			if tc.wantPanic {
				if donePanic != misuse || addPanic != misuse {
					t.Errorf("Done panicked with %v, Add with %v; want both %q", donePanic, addPanic, misuse)
				}
			} else if donePanic != nil || addPanic != nil {
				t.Errorf("Done panicked with %v, Add with %v; want no panic", donePanic, addPanic)
			}
		})
	}
}

// TestWaitGroupGoPanic: Go 1.26's WaitGroup.Go does not call Done when f
// panics, so Wait cannot return first: the program dies with f's panic.
func TestWaitGroupGoPanic(t *testing.T) {
	waitReturned := false
	_, err := gmp.Run(gmp.Config{Procs: 1}, func() {
		var wg sync.WaitGroup
		wg.Go(func() { panic("boom") })
		wg.Wait()
		waitReturned = true
	})
	var p *gmp.PanicError
	if !errors.As(err, &p) || p.Value != "boom" {
		t.Fatalf("err = %v, want the goroutine's panic", err)
	}
	if waitReturned {
		t.Error("Wait returned although the task panicked")
	}
	if !strings.Contains(p.Stack, "created by github.com/gmplab/gmp/sync.(*WaitGroup).Go in goroutine 1") {
		t.Errorf("panic stack lacks the creator:\n%s", p.Stack)
	}
}

// TestWaitGroupGoGoexit: a task that calls Goexit is done (Done runs).
func TestWaitGroupGoGoexit(t *testing.T) {
	_, err := gmp.Run(gmp.Config{Procs: 1}, func() {
		var wg sync.WaitGroup
		wg.Go(gmp.Goexit)
		wg.Wait()
	})
	if err != nil {
		t.Fatal(err)
	}
}

// TestWaitGroupGoCreatedBy: a goroutine started by WaitGroup.Go was
// created by WaitGroup.Go, as in Go ≥1.25's dumps.
func TestWaitGroupGoCreatedBy(t *testing.T) {
	res, err := gmp.Run(gmp.Config{Procs: 1}, func() {
		var wg sync.WaitGroup
		block := gmp.MakeChan[int](0)
		wg.Go(func() { block.Recv() })
		gmp.Gosched() // let it run and block
	})
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Leaks) != 1 {
		t.Fatalf("want 1 leaked goroutine, got %d", len(res.Leaks))
	}
	l := res.Leaks[0]
	if want := "created by github.com/gmplab/gmp/sync.(*WaitGroup).Go in goroutine 1"; !strings.HasPrefix(l.CreatedBy, want) {
		t.Errorf("CreatedBy = %q, want prefix %q", l.CreatedBy, want)
	}
	if !strings.Contains(l.Dump, "github.com/gmplab/gmp/sync.(*WaitGroup).Go.func1(...)") {
		t.Errorf("dump lacks the Go wrapper frame:\n%s", l.Dump)
	}
}

func TestWaitGroupState(t *testing.T) {
	_, err := gmp.Run(gmp.Config{Procs: 1}, func() {
		var wg sync.WaitGroup
		check := func(wantC int32, wantW uint32) {
			t.Helper()
			if c, w := sync.WaitGroupState(&wg); c != wantC || w != wantW {
				t.Errorf("counter=%d waiters=%d, want %d and %d", c, w, wantC, wantW)
			}
		}
		wg.Add(3)
		gmp.Go(wg.Wait)
		gmp.Go(wg.Wait)
		check(3, 0)
		gmp.Gosched() // both waiters run and block
		check(3, 2)
		wg.Add(-2)
		check(1, 2)
		wg.Done() // releases both and resets the state
		check(0, 0)
	})
	if err != nil {
		t.Fatal(err)
	}
}
