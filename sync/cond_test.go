package sync_test

import (
	"reflect"
	"testing"

	"github.com/gmplab/gmp"
	"github.com/gmplab/gmp/sync"
)

// condSignalBroadcast: four goroutines wait on a Cond. Two Signals wake
// the two oldest tickets, each into runnext (so the second runs first);
// a Broadcast then readies the rest in ticket order, the last into
// runnext.
func condSignalBroadcast(w *world) {
	mu, done := w.Mutex(), w.WaitGroup()
	c := w.Cond(mu)
	waiter := func(i int) func() {
		return func() {
			defer done.Done()
			mu.Lock()
			w.Log("c%d wait", i)
			c.Wait()
			w.Log("c%d woke", i)
			mu.Unlock()
		}
	}
	done.Add(6)
	w.GoInOrder(
		waiter(0), waiter(1), waiter(2), waiter(3),
		func() {
			defer done.Done()
			mu.Lock()
			w.Log("signal")
			c.Signal()
			w.Log("signal")
			c.Signal()
			mu.Unlock()
		},
		func() {
			defer done.Done()
			mu.Lock()
			w.Log("broadcast")
			c.Broadcast()
			c.Broadcast() // no new waiters: nothing to do
			c.Signal()
			mu.Unlock()
		},
	)
	done.Wait()
}

func TestCondSignalBroadcast(t *testing.T) {
	sameAsNative(t, condSignalBroadcast, []string{
		"c0 wait", "c1 wait", "c2 wait", "c3 wait",
		"signal", "signal",
		"c1 woke", "broadcast", "c3 woke", "c0 woke", "c2 woke",
	})
}

// condLockContention: woken waiters must re-acquire L; after a Broadcast
// made while holding L, the first to run blocks on L until it is released.
func condLockContention(w *world) {
	mu, done, ch := w.Mutex(), w.WaitGroup(), w.Chan()
	c := w.Cond(mu)
	ready := 0
	waiter := func(i int) func() {
		return func() {
			defer done.Done()
			mu.Lock()
			ready++
			for ready < 100 {
				c.Wait()
			}
			w.Log("c%d done", i)
			mu.Unlock()
		}
	}
	done.Add(5)
	w.GoInOrder(waiter(0), waiter(1), waiter(2),
		func() {
			defer done.Done()
			mu.Lock()
			ready = 100
			c.Broadcast()
			w.Log("broadcast, holding L")
			ch.Recv()
			w.Log("unlock L")
			mu.Unlock()
		},
		func() {
			defer done.Done()
			ch.Send()
		},
	)
	done.Wait()
}

func TestCondLockContention(t *testing.T) {
	sameAsNative(t, condLockContention, []string{"broadcast, holding L", "unlock L", "c2 done", "c0 done", "c1 done"})
}

func TestCondCopied(t *testing.T) {
	_, err := gmp.Run(gmp.Config{Procs: 1}, func() {
		c := sync.NewCond(new(sync.Mutex))
		c.Signal()
		// Copy the Cond behind vet's back, as a program that copies it
		// by accident would.
		c2 := reflect.New(reflect.TypeFor[sync.Cond]())
		c2.Elem().Set(reflect.ValueOf(c).Elem())
		if r := recovered(c2.Interface().(*sync.Cond).Signal); r != "sync.Cond is copied" {
			t.Errorf("Signal on a copied Cond panicked with %v, want \"sync.Cond is copied\"", r)
		}
	})
	if err != nil {
		t.Fatal(err)
	}
}
