package corpus

import (
	"errors"
	"time"

	"github.com/gmplab/gmp"
	"github.com/gmplab/gmp/context"
	"github.com/gmplab/gmp/gmptest"
	gtime "github.com/gmplab/gmp/time"
)

// Goroutines left blocked for good: the most common blocking bugs of Go
// programs (Tu et al., "Understanding Real-World Concurrency Bugs in Go",
// ASPLOS 2019: most are channel operations nobody completes).

func init() {
	register(Bug{
		Name:    "leaked-sender",
		Pattern: "a result sent on an unbuffered channel after the caller timed out (the sender leaks)",
		Want:    "leak",
		Buggy:   func(t *gmptest.T) { fetchWithTimeout(t, 0) },
		Fixed:   func(t *gmptest.T) { fetchWithTimeout(t, 1) },
	})
	register(Bug{
		Name:    "context-not-propagated",
		Pattern: "a worker given context.Background() instead of the request's context keeps going after the request is cancelled",
		Want:    "leak",
		Buggy:   func(t *gmptest.T) { handleRequest(t, false) },
		Fixed:   func(t *gmptest.T) { handleRequest(t, true) },
	})
	register(Bug{
		Name:    "select-forgotten-case",
		Pattern: "a watcher's send selects on the result channel only, forgetting the stop channel",
		Want:    "leak",
		Buggy:   func(t *gmptest.T) { watch(t, false) },
		Fixed:   func(t *gmptest.T) { watch(t, true) },
	})
	register(Bug{
		Name:    "unread-results-after-error",
		Pattern: "the first error returns early; the other workers block on an unbuffered results channel nobody reads",
		Want:    "leak",
		Buggy:   func(t *gmptest.T) { firstError(t, 0) },
		Fixed:   func(t *gmptest.T) { firstError(t, 3) },
	})
	register(Bug{
		Name:    "pipeline-missing-close",
		Pattern: "a pipeline stage returns on cancellation without closing its output; the next stage ranges over it forever",
		Want:    "leak",
		Buggy:   func(t *gmptest.T) { pipeline(t, false) },
		Fixed:   func(t *gmptest.T) { pipeline(t, true) },
	})
}

// fetchWithTimeout asks a backend for a value and gives up after 1ms;
// the backend usually answers in 800µs.
func fetchWithTimeout(t *gmptest.T, buf int) {
	ch := gmp.MakeChan[int](buf) // the bug: unbuffered, the late sender blocks forever
	gmp.Go(func() {
		gmp.Work(800 * time.Microsecond)
		ch.Send(42)
	})
	rc := ch.RecvCase()
	switch gmp.Select(rc, gtime.After(time.Millisecond).RecvCase()) {
	case 0:
		if rc.V != 42 {
			t.Errorf("got %d", rc.V)
		}
	case 1:
		// timed out: the caller reports an error, which is fine
	}
}

// handleRequest runs a query for a request with a 1ms deadline.
func handleRequest(t *gmptest.T, propagate bool) {
	ctx, cancel := context.WithTimeout(context.Background(), time.Millisecond)
	defer cancel()
	res := gmp.MakeChan[int](0)
	wctx := context.Background() // the bug: the worker does not see the request's context
	if propagate {
		wctx = ctx
	}
	gmp.Go(func() {
		gmp.Syscall(700 * time.Microsecond) // the query
		rs, done := res.SendCase(1), wctx.Done().RecvCase()
		gmp.Select(rs, done)
	})
	rc := res.RecvCase()
	gmp.Select(rc, ctx.Done().RecvCase())
}

// watcher delivers events until stopped.
type watcher struct {
	result gmp.Chan[int]
	stop   gmp.Chan[struct{}]
}

func (w *watcher) send(ev int, fixed bool) bool {
	if !fixed {
		w.result.Send(ev) // the bug: no case for w.stop
		return true
	}
	return gmp.Select(w.result.SendCase(ev), w.stop.RecvCase()) == 0
}

func watch(t *gmptest.T, fixed bool) {
	w := &watcher{result: gmp.MakeChan[int](0), stop: gmp.MakeChan[struct{}](0)}
	gmp.Go(func() {
		for ev := range 3 {
			gmp.Work(30 * time.Microsecond)
			if !w.send(ev, fixed) {
				return
			}
		}
	})
	// The consumer takes events for 200µs, then stops the watcher.
	deadline := gtime.After(200 * time.Microsecond)
	for n := 0; n < 3; n++ {
		rc := w.result.RecvCase()
		if gmp.Select(rc, deadline.RecvCase()) == 1 {
			break
		}
	}
	w.stop.Close()
}

// firstError runs three tasks and returns the first error.
func firstError(t *gmptest.T, buf int) {
	errc := gmp.MakeChan[error](buf) // the bug: unbuffered, and only read until the first error
	for i, d := range []time.Duration{10, 20, 400} {
		gmp.Go(func() {
			gmp.Work(d * time.Microsecond)
			var err error
			if i == 2 {
				err = errors.New("task 2 failed")
			}
			errc.Send(err)
		})
	}
	for range 3 {
		if err := errc.Recv(); err != nil {
			return
		}
	}
}

// pipeline: generate → square → the consumer, which gives up after
// 100µs.
func pipeline(t *gmptest.T, fixed bool) {
	done := gmp.MakeChan[struct{}](0)
	gen := gmp.MakeChan[int](0)
	gmp.Go(func() {
		if fixed {
			defer gen.Close()
		}
		for i := range 5 {
			gmp.Work(15 * time.Microsecond)
			if gmp.Select(gen.SendCase(i), done.RecvCase()) == 1 {
				return // the bug: returns without closing gen
			}
		}
		if !fixed {
			gen.Close()
		}
	})
	sq := gmp.MakeChan[int](0)
	gmp.Go(func() {
		defer sq.Close()
		for v := range gen.All() {
			if gmp.Select(sq.SendCase(v*v), done.RecvCase()) == 1 {
				return
			}
		}
	})
	deadline := gtime.After(100 * time.Microsecond)
	for {
		rc := sq.RecvCase()
		if gmp.Select(rc, deadline.RecvCase()) == 1 || !rc.OK {
			break
		}
	}
	done.Close()
}
