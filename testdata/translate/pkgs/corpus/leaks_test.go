package corpus

import (
	"context"
	"errors"
	"testing"
	"time"
)

// Goroutines left blocked for good: the most common blocking bugs of Go
// programs (Tu et al., "Understanding Real-World Concurrency Bugs in Go",
// ASPLOS 2019: most are channel operations nobody completes).

// leaked-sender: a result sent on an unbuffered channel after the caller
// timed out (the sender leaks).
func TestLeakedSender(t *testing.T)      { fetchWithTimeout(t, 0) }
func TestLeakedSenderFixed(t *testing.T) { fetchWithTimeout(t, 1) }

// context-not-propagated: a worker given context.Background() instead of
// the request's context keeps going after the request is cancelled.
func TestContextNotPropagated(t *testing.T)      { handleRequest(t, false) }
func TestContextNotPropagatedFixed(t *testing.T) { handleRequest(t, true) }

// select-forgotten-case: a watcher's send selects on the result channel
// only, forgetting the stop channel.
func TestSelectForgottenCase(t *testing.T)      { watch(t, false) }
func TestSelectForgottenCaseFixed(t *testing.T) { watch(t, true) }

// unread-results-after-error: the first error returns early; the other
// workers block on an unbuffered results channel nobody reads.
func TestUnreadResultsAfterError(t *testing.T)      { firstError(t, 0) }
func TestUnreadResultsAfterErrorFixed(t *testing.T) { firstError(t, 3) }

// pipeline-missing-close: a pipeline stage returns on cancellation without
// closing its output; the next stage ranges over it forever.
func TestPipelineMissingClose(t *testing.T)      { pipeline(t, false) }
func TestPipelineMissingCloseFixed(t *testing.T) { pipeline(t, true) }

// fetchWithTimeout asks a backend for a value and gives up after 1ms;
// the backend usually answers in 10µs.
func fetchWithTimeout(t *testing.T, buf int) {
	ch := make(chan int, buf) // the bug: unbuffered, the late sender blocks forever
	go func() {
		time.Sleep(10 * time.Microsecond)
		ch <- 42
	}()
	select {
	case v := <-ch:
		if v != 42 {
			t.Errorf("got %d", v)
		}
	case <-time.After(time.Millisecond):
		// timed out: the caller reports an error, which is fine
	}
}

// handleRequest runs a query for a request with a 1ms deadline.
func handleRequest(t *testing.T, propagate bool) {
	ctx, cancel := context.WithTimeout(context.Background(), time.Millisecond)
	defer cancel()
	res := make(chan int)
	wctx := context.Background() // the bug: the worker does not see the request's context
	if propagate {
		wctx = ctx
	}
	go func() {
		time.Sleep(10 * time.Microsecond) // the query
		select {
		case res <- 1:
		case <-wctx.Done():
		}
	}()
	select {
	case <-res:
	case <-ctx.Done():
	}
}

// watcher delivers events until stopped.
type watcher struct {
	result chan int
	stop   chan struct{}
}

func (w *watcher) send(ev int, fixed bool) bool {
	if !fixed {
		w.result <- ev // the bug: no case for w.stop
		return true
	}
	select {
	case w.result <- ev:
		return true
	case <-w.stop:
		return false
	}
}

func watch(t *testing.T, fixed bool) {
	w := &watcher{result: make(chan int), stop: make(chan struct{})}
	go func() {
		for ev := range 3 {
			time.Sleep(10 * time.Microsecond)
			if !w.send(ev, fixed) {
				return
			}
		}
	}()
	// The consumer takes events for 1ms, then stops the watcher.
	deadline := time.After(time.Millisecond)
loop:
	for n := 0; n < 3; n++ {
		select {
		case <-w.result:
		case <-deadline:
			break loop
		}
	}
	close(w.stop)
}

// firstError runs three tasks and returns the first error.
func firstError(t *testing.T, buf int) {
	errc := make(chan error, buf) // the bug: unbuffered, and only read until the first error
	for i, d := range []time.Duration{10, 10, 1000} {
		go func() {
			time.Sleep(d * time.Microsecond)
			var err error
			if i == 2 {
				err = errors.New("task 2 failed")
			}
			errc <- err
		}()
	}
	for range 3 {
		if err := <-errc; err != nil {
			return
		}
	}
}

// pipeline: generate → square → the consumer, which gives up after
// 1ms.
func pipeline(t *testing.T, fixed bool) {
	done := make(chan struct{})
	gen := make(chan int)
	go func() {
		if fixed {
			defer close(gen)
		}
		for i := range 5 {
			time.Sleep(10 * time.Microsecond)
			select {
			case gen <- i:
			case <-done:
				return // the bug: returns without closing gen
			}
		}
		if !fixed {
			close(gen)
		}
	}()
	sq := make(chan int)
	go func() {
		defer close(sq)
		for v := range gen {
			select {
			case sq <- v * v:
			case <-done:
				return
			}
		}
	}()
	deadline := time.After(time.Millisecond)
loop:
	for {
		select {
		case _, ok := <-sq:
			if !ok {
				break loop
			}
		case <-deadline:
			break loop
		}
	}
	close(done)
}
