package corpus

import (
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

// Shutdown: closing channels while others still use them.

// double-close: close guarded by a select-default check: two goroutines
// shutting down close the channel twice.
func TestDoubleClose(t *testing.T)      { closeTwice(t, false) }
func TestDoubleCloseFixed(t *testing.T) { closeTwice(t, true) }

// send-after-shutdown: Stop closes the events channel without waiting for
// the handlers still sending on it.
func TestSendAfterShutdown(t *testing.T)      { eventServer(t, false) }
func TestSendAfterShutdownFixed(t *testing.T) { eventServer(t, true) }

// receiver-closes: the receiver closes the channel to stop the sender,
// whose send is already on its way.
func TestReceiverCloses(t *testing.T)      { receiverCloses(t, false) }
func TestReceiverClosesFixed(t *testing.T) { receiverCloses(t, true) }

// select-after-stop: a worker's select assumes the stop case wins once
// stop is closed; Go picks among ready cases at random.
func TestSelectAfterStop(t *testing.T)      { stopWorker(t, false) }
func TestSelectAfterStopFixed(t *testing.T) { stopWorker(t, true) }

type pipe struct {
	done chan struct{}
	once sync.Once
}

func (p *pipe) shutdown(fixed bool) {
	if fixed {
		p.once.Do(func() { close(p.done) })
		return
	}
	select {
	case <-p.done:
	default:
		close(p.done) // the bug: the other goroutine may be between its check and its close too
	}
}

func closeTwice(t *testing.T, fixed bool) {
	p := &pipe{done: make(chan struct{})}
	var wg sync.WaitGroup
	for _, d := range []time.Duration{10 * time.Microsecond, time.Millisecond} {
		wg.Add(1)
		go func() {
			defer wg.Done()
			time.Sleep(d) // reading, then an error
			p.shutdown(fixed)
		}()
	}
	wg.Wait()
}

// eventServer hands events from its handlers to a logger.
func eventServer(t *testing.T, fixed bool) {
	events := make(chan int, 16)
	var handlers sync.WaitGroup
	for i := range 3 {
		handlers.Add(1)
		go func() {
			defer handlers.Done()
			time.Sleep(10 * time.Microsecond)
			events <- i
		}()
	}
	logged := make(chan int)
	go func() {
		n := 0
		for range events {
			n++
		}
		logged <- n
	}()
	// Stop, a while later.
	time.Sleep(2 * time.Millisecond)
	if fixed {
		handlers.Wait() // the fix: no handler sends after the close
	}
	close(events) // the bug: a late handler sends on a closed channel
	<-logged
	handlers.Wait()
}

func receiverCloses(t *testing.T, fixed bool) {
	ch := make(chan int)
	stop := make(chan struct{})
	var stopped atomic.Bool
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		for i := 0; ; i++ {
			if !fixed && stopped.Load() {
				return
			}
			time.Sleep(10 * time.Microsecond) // producing the next value
			if fixed {
				select {
				case ch <- i:
				case <-stop:
					return
				}
			} else {
				ch <- i // the bug: the receiver may have closed ch since the check
			}
			time.Sleep(100 * time.Microsecond) // rate limit
		}
	}()
	<-ch
	<-ch
	time.Sleep(10 * time.Microsecond) // enough: processing, then stop the sender
	if fixed {
		close(stop) // the fix: the receiver signals on a channel of its own
	} else {
		stopped.Store(true)
		close(ch)
	}
	wg.Wait()
}

// stopWorker: once Stop has begun, no job may start.
func stopWorker(t *testing.T, fixed bool) {
	jobs := make(chan int, 8)
	stop := make(chan struct{})
	var mu sync.Mutex
	stopped := false
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		for {
			var j int
			select {
			case <-stop:
				return
			case j = <-jobs:
			}
			// The bug: the select may take a job although stop is
			// closed too (Go picks among ready cases at random).
			mu.Lock()
			if stopped {
				mu.Unlock()
				if fixed {
					return // the fix: look again, under the lock Stop takes
				}
				t.Errorf("job %d started after Stop", j)
				return
			}
			mu.Unlock()
			time.Sleep(10 * time.Microsecond)
		}
	}()
	for i := range 4 {
		jobs <- i
	}
	time.Sleep(500 * time.Microsecond)
	mu.Lock()
	stopped = true
	mu.Unlock()
	close(stop)
	wg.Wait()
}
