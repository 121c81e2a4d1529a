package corpus

import (
	"time"

	"github.com/gmplab/gmp"
	"github.com/gmplab/gmp/gmptest"
	"github.com/gmplab/gmp/sync"
	"github.com/gmplab/gmp/sync/atomic"
	gtime "github.com/gmplab/gmp/time"
)

// Shutdown: closing channels while others still use them.

func init() {
	register(Bug{
		Name:    "double-close",
		Pattern: "close guarded by a select-default check: two goroutines shutting down close the channel twice",
		Want:    "panic",
		Buggy:   func(t *gmptest.T) { closeTwice(t, false) },
		Fixed:   func(t *gmptest.T) { closeTwice(t, true) },
	})
	register(Bug{
		Name:    "send-after-shutdown",
		Pattern: "Stop closes the events channel without waiting for the handlers still sending on it",
		Want:    "panic",
		Buggy:   func(t *gmptest.T) { eventServer(t, false) },
		Fixed:   func(t *gmptest.T) { eventServer(t, true) },
	})
	register(Bug{
		Name:    "receiver-closes",
		Pattern: "the receiver closes the channel to stop the sender, whose send is already on its way",
		Want:    "panic",
		Buggy:   func(t *gmptest.T) { receiverCloses(t, false) },
		Fixed:   func(t *gmptest.T) { receiverCloses(t, true) },
	})
	register(Bug{
		Name:    "select-after-stop",
		Pattern: "a worker's select assumes the stop case wins once stop is closed; Go picks among ready cases at random",
		Want:    "fail",
		Buggy:   func(t *gmptest.T) { stopWorker(t, false) },
		Fixed:   func(t *gmptest.T) { stopWorker(t, true) },
	})
}

type pipe struct {
	done gmp.Chan[struct{}]
	once sync.Once
}

func (p *pipe) shutdown(fixed bool) {
	if fixed {
		p.once.Do(p.done.Close)
		return
	}
	if gmp.Select(p.done.RecvCase(), gmp.Default()) == 1 {
		p.done.Close() // the bug: the other goroutine may be between its check and its close too
	}
}

func closeTwice(t *gmptest.T, fixed bool) {
	p := &pipe{done: gmp.MakeChan[struct{}](0)}
	var wg sync.WaitGroup
	for _, d := range []time.Duration{20, 40} {
		wg.Add(1)
		gmp.Go(func() {
			defer wg.Done()
			gmp.Work(d * time.Microsecond) // reading, then an error
			p.shutdown(fixed)
		})
	}
	wg.Wait()
}

// eventServer hands events from its handlers to a logger.
func eventServer(t *gmptest.T, fixed bool) {
	events := gmp.MakeChan[int](16)
	var handlers sync.WaitGroup
	for i := range 3 {
		handlers.Add(1)
		gmp.Go(func() {
			defer handlers.Done()
			gmp.Work(20 * time.Microsecond)
			events.Send(i)
		})
	}
	logged := gmp.MakeChan[int](0)
	gmp.Go(func() {
		n := 0
		for range events.All() {
			n++
		}
		logged.Send(n)
	})
	// Stop, a while later.
	gmp.Work(100 * time.Microsecond)
	if fixed {
		handlers.Wait() // the fix: no handler sends after the close
	}
	events.Close() // the bug: a late handler sends on a closed channel
	logged.Recv()
	handlers.Wait()
}

func receiverCloses(t *gmptest.T, fixed bool) {
	ch := gmp.MakeChan[int](0)
	stop := gmp.MakeChan[struct{}](0)
	var stopped atomic.Bool
	var wg sync.WaitGroup
	wg.Add(1)
	gmp.Go(func() {
		defer wg.Done()
		for i := 0; ; i++ {
			if !fixed && stopped.Load() {
				return
			}
			gmp.Work(20 * time.Microsecond) // producing the next value
			if fixed {
				if gmp.Select(ch.SendCase(i), stop.RecvCase()) == 1 {
					return
				}
			} else {
				ch.Send(i) // the bug: the receiver may have closed ch since the check
			}
			gtime.Sleep(100 * time.Microsecond) // rate limit
		}
	})
	ch.Recv()
	ch.Recv()
	gmp.Work(30 * time.Microsecond) // enough: processing, then stop the sender
	if fixed {
		stop.Close() // the fix: the receiver signals on a channel of its own
	} else {
		stopped.Store(true)
		ch.Close()
	}
	wg.Wait()
}

// stopWorker: once Stop has begun, no job may start.
func stopWorker(t *gmptest.T, fixed bool) {
	jobs := gmp.MakeChan[int](8)
	stop := gmp.MakeChan[struct{}](0)
	var mu sync.Mutex
	stopped := false
	var wg sync.WaitGroup
	wg.Add(1)
	gmp.Go(func() {
		defer wg.Done()
		for {
			j := jobs.RecvCase()
			if gmp.Select(stop.RecvCase(), j) == 0 {
				return
			}
			// The bug: the select may take a job although stop is
			// closed too (Go picks among ready cases at random).
			mu.Lock()
			if stopped {
				mu.Unlock()
				if fixed {
					return // the fix: look again, under the lock Stop takes
				}
				t.Errorf("job %d started after Stop", j.V)
				return
			}
			mu.Unlock()
			gmp.Work(10 * time.Microsecond)
		}
	})
	for i := range 4 {
		jobs.Send(i)
	}
	gmp.Work(500 * time.Microsecond)
	mu.Lock()
	stopped = true
	mu.Unlock()
	stop.Close()
	wg.Wait()
}
