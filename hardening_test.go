package gmp_test

import (
	"errors"
	"fmt"
	"reflect"
	"strings"
	"testing"
	stdtime "time"

	"github.com/gmplab/gmp"
	"github.com/gmplab/gmp/sync"
	"github.com/gmplab/gmp/time"
)

// TestHostGoroutine: a goroutine started with the go statement inside a
// run is not a simulated goroutine; every runtime call it makes panics
// with a message that says to use gmp.Go, and the run is not disturbed by
// the attempt (the same seed gives the same result as a clean run).
func TestHostGoroutine(t *testing.T) {
	calls := map[string]func(ch gmp.Chan[int], mu *sync.Mutex){
		"Recv":    func(ch gmp.Chan[int], _ *sync.Mutex) { ch.Recv() },
		"TrySend": func(ch gmp.Chan[int], _ *sync.Mutex) { ch.TrySend(1) },
		"Gosched": func(gmp.Chan[int], *sync.Mutex) { gmp.Gosched() },
		"Work":    func(gmp.Chan[int], *sync.Mutex) { gmp.Work(stdtime.Microsecond) },
		"Go":      func(gmp.Chan[int], *sync.Mutex) { gmp.Go(func() {}) },
		"Lock":    func(_ gmp.Chan[int], mu *sync.Mutex) { mu.Lock() },
		"Sleep":   func(gmp.Chan[int], *sync.Mutex) { time.Sleep(stdtime.Millisecond) },
		"Now":     func(gmp.Chan[int], *sync.Mutex) { time.Now() },
	}
	program := func(call func(gmp.Chan[int], *sync.Mutex)) (string, *gmp.Result, error) {
		var msg string
		res, err := gmp.Run(gmp.Config{Procs: 2, Seed: 3}, func() {
			ch := gmp.MakeChan[int](1)
			var mu sync.Mutex
			gmp.Go(func() { ch.Send(1) })
			if call != nil {
				done := make(chan string)
				go func() {
					defer func() { done <- fmt.Sprint(recover()) }()
					call(ch, &mu)
				}()
				msg = <-done
			}
			fanout()
			ch.Recv()
		})
		return msg, res, err
	}
	_, clean, err := program(nil)
	if err != nil {
		t.Fatal(err)
	}
	for name, call := range calls {
		msg, res, err := program(call)
		if err != nil {
			t.Errorf("%s: run failed: %v", name, err)
			continue
		}
		if !strings.Contains(msg, "gmp.Go") || !strings.Contains(msg, "go statement") {
			t.Errorf("%s from a host goroutine: panic %q, want one that says to use gmp.Go instead of the go statement", name, msg)
		}
		if res.VirtualTime != clean.VirtualTime || !reflect.DeepEqual(res.Stats, clean.Stats) {
			t.Errorf("%s: the attempt changed the run: %v and %d switches, clean %v and %d", name, res.VirtualTime, res.Stats.ContextSwitches, clean.VirtualTime, clean.Stats.ContextSwitches)
		}
	}
}

// TestZombieFrozen: a goroutine body abandoned by a watchdog abort that
// later gets unstuck and calls the runtime is frozen there: it neither
// panics nor touches the run that is going on meanwhile.
func TestZombieFrozen(t *testing.T) {
	if raceEnabled {
		t.Skip("the abandoned goroutine's earlier writes look racy to the race detector")
	}
	// Each zombie gets unstuck in a later run and then calls the
	// runtime, returns from its body, or panics.
	for _, end := range []string{"call", "return", "panic"} {
		block := make(chan int)
		reached := make(chan bool, 1)
		_, err := gmp.Run(gmp.Config{Watchdog: 200 * stdtime.Millisecond}, func() {
			gmp.Go(func() {
				<-block
				reached <- true
				switch end {
				case "call":
					gmp.Gosched() // must freeze: this goroutine's run is over
					panic("a zombie ran again")
				case "panic":
					panic("a zombie's panic")
				}
			})
			gmp.Gosched()
		})
		var we *gmp.WatchdogError
		if !errors.As(err, &we) {
			t.Fatalf("%s: err = %v, want a *gmp.WatchdogError", end, err)
		}
		clean, err := gmp.Run(gmp.Config{Procs: 4, Seed: 9}, fanout)
		if err != nil {
			t.Fatal(err)
		}
		var woke bool
		res, err := gmp.Run(gmp.Config{Procs: 4, Seed: 9}, func() {
			close(block)
			woke = <-reached
			stdtime.Sleep(time.Millisecond) // let the zombie reach its end
			fanout()
		})
		if err != nil || !woke {
			t.Fatalf("%s: run with a zombie about: %v (woke %v)", end, err, woke)
		}
		if res.VirtualTime != clean.VirtualTime || !reflect.DeepEqual(res.Stats, clean.Stats) {
			t.Errorf("%s: the zombie changed the run: %v and %d switches, clean %v and %d", end, res.VirtualTime, res.Stats.ContextSwitches, clean.VirtualTime, clean.Stats.ContextSwitches)
		}
	}
	stdtime.Sleep(20 * stdtime.Millisecond) // a zombie that panicked would crash the test binary
}
