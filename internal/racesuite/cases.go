// Package racesuite holds programs with data races modelled on real Go
// bugs, each beside its corrected twin, for testing that the race
// detector sees simulated goroutines as Go's sees goroutines: under
// -race every racy program is reported with both accesses at the lines
// marked "// race" below, and no twin is reported at all.
//
// The programs are main functions for gmp.Run, written against gmp's
// mirrors of the standard packages as translated code would be.
package racesuite

import (
	"errors"
	"fmt"

	"github.com/gmplab/gmp"
	"github.com/gmplab/gmp/context"
	"github.com/gmplab/gmp/errgroup"
	"github.com/gmplab/gmp/sync"
	"github.com/gmplab/gmp/sync/atomic"
	"github.com/gmplab/gmp/time"
)

// A Case is a racy program and its corrected twin.
type Case struct {
	Name  string
	Racy  func()
	Fixed func()
	// Explore marks a race that the ordinary schedule does not reach:
	// one of the accesses happens only under some interleavings.
	Explore bool
}

// Cases are the suite, in a fixed order.
var Cases = []Case{
	{Name: "counter", Racy: counterRacy, Fixed: counterFixed},
	{Name: "lazyinit", Racy: lazyInitRacy, Fixed: lazyInitFixed},
	{Name: "mapwrite", Racy: mapWriteRacy, Fixed: mapWriteFixed},
	{Name: "sliceappend", Racy: sliceAppendRacy, Fixed: sliceAppendFixed},
	{Name: "flagloop", Racy: flagLoopRacy, Fixed: flagLoopFixed},
	{Name: "publishmutate", Racy: publishMutateRacy, Fixed: publishMutateFixed},
	{Name: "closeonce", Racy: closeOnceRacy, Fixed: closeOnceFixed},
	{Name: "loopvar", Racy: loopVarRacy, Fixed: loopVarFixed},
	{Name: "wgaddinside", Racy: wgAddInsideRacy, Fixed: wgAddInsideFixed},
	{Name: "sharederr", Racy: sharedErrRacy, Fixed: sharedErrFixed},
	{Name: "readbeforewait", Racy: readBeforeWaitRacy, Fixed: readBeforeWaitFixed},
	{Name: "sendclose", Racy: sendCloseRacy, Fixed: sendCloseFixed},
	{Name: "rlockwrite", Racy: rlockWriteRacy, Fixed: rlockWriteFixed},
	{Name: "doublecheck", Racy: doubleCheckRacy, Fixed: doubleCheckFixed},
	{Name: "afterfunc", Racy: afterFuncRacy, Fixed: afterFuncFixed},
	{Name: "cancelwrite", Racy: cancelWriteRacy, Fixed: cancelWriteFixed},
	{Name: "mapiter", Racy: mapIterRacy, Fixed: mapIterFixed},
	{Name: "partiallock", Racy: partialLockRacy, Fixed: partialLockFixed},
	{Name: "semaphore", Racy: semaphoreRacy, Fixed: semaphoreFixed},
	{Name: "sendthenwrite", Racy: sendThenWriteRacy, Fixed: sendThenWriteFixed},
	{Name: "atomicmixed", Racy: atomicMixedRacy, Fixed: atomicMixedFixed},
	{Name: "tickerstop", Racy: tickerStopRacy, Fixed: tickerStopFixed},
	{Name: "condflag", Racy: condFlagRacy, Fixed: condFlagFixed},
	{Name: "errgroupslice", Racy: errgroupSliceRacy, Fixed: errgroupSliceFixed},
	{Name: "selecttimeout", Racy: selectTimeoutRacy, Fixed: selectTimeoutFixed, Explore: true},
}

// sink keeps values the programs compute alive; only main goroutines
// write it.
//
//lint:ignore U1000 written only, so that nothing is optimised away
var sink any

// use reads v in a goroutine other than main.
//
//go:noinline
func use(v any) { _ = v }

// counter: two goroutines increment a shared counter without a lock.
func counterRacy() {
	n := 0
	var wg sync.WaitGroup
	for range 2 {
		wg.Add(1)
		gmp.Go(func() {
			defer wg.Done()
			n++ // race
		})
	}
	wg.Wait()
	sink = n
}

func counterFixed() {
	n := 0
	var mu sync.Mutex
	var wg sync.WaitGroup
	for range 2 {
		wg.Add(1)
		gmp.Go(func() {
			defer wg.Done()
			mu.Lock()
			n++
			mu.Unlock()
		})
	}
	wg.Wait()
	sink = n
}

// lazyinit: a configuration initialised on first use, without sync.Once.
type config struct{ addr string }

var (
	cfg     *config
	cfgOnce sync.Once
)

func loadConfigRacy() *config {
	if cfg == nil { // race
		cfg = &config{addr: "localhost"} // race
	}
	return cfg
}

func lazyInitRacy() {
	cfg = nil
	var wg sync.WaitGroup
	for range 2 {
		wg.Add(1)
		gmp.Go(func() {
			defer wg.Done()
			use(loadConfigRacy().addr)
		})
	}
	wg.Wait()
}

func lazyInitFixed() {
	cfg, cfgOnce = nil, sync.Once{}
	var wg sync.WaitGroup
	for range 2 {
		wg.Add(1)
		gmp.Go(func() {
			defer wg.Done()
			cfgOnce.Do(func() { cfg = &config{addr: "localhost"} })
			use(cfg.addr)
		})
	}
	wg.Wait()
}

// mapwrite: a cache map written from two request goroutines.
func mapWriteRacy() {
	cache := map[string]int{}
	var wg sync.WaitGroup
	for i := range 2 {
		wg.Add(1)
		gmp.Go(func() {
			defer wg.Done()
			cache[fmt.Sprint("k", i)] = i // race
		})
	}
	wg.Wait()
	sink = len(cache)
}

func mapWriteFixed() {
	cache := map[string]int{}
	var mu sync.Mutex
	var wg sync.WaitGroup
	for i := range 2 {
		wg.Add(1)
		gmp.Go(func() {
			defer wg.Done()
			mu.Lock()
			cache[fmt.Sprint("k", i)] = i
			mu.Unlock()
		})
	}
	wg.Wait()
	sink = len(cache)
}

// sliceappend: workers append their results to one slice.
func sliceAppendRacy() {
	var results []int
	var wg sync.WaitGroup
	for i := range 3 {
		wg.Add(1)
		gmp.Go(func() {
			defer wg.Done()
			results = append(results, i*i) // race
		})
	}
	wg.Wait()
	sink = results
}

func sliceAppendFixed() {
	results := make([]int, 3)
	var wg sync.WaitGroup
	for i := range 3 {
		wg.Add(1)
		gmp.Go(func() {
			defer wg.Done()
			results[i] = i * i // each worker its own element
		})
	}
	wg.Wait()
	sink = results
}

// flagloop: a stop flag polled in a loop and set by another goroutine.
func flagLoopRacy() {
	stop := false
	done := gmp.MakeChan[struct{}](0)
	gmp.Go(func() {
		for !stop { // race
			gmp.Work(time.Microsecond)
			gmp.Gosched()
		}
		done.Send(struct{}{})
	})
	time.Sleep(10 * time.Microsecond)
	stop = true // race
	done.Recv()
}

func flagLoopFixed() {
	var stop atomic.Bool
	done := gmp.MakeChan[struct{}](0)
	gmp.Go(func() {
		for !stop.Load() {
			gmp.Work(time.Microsecond)
			gmp.Gosched()
		}
		done.Send(struct{}{})
	})
	time.Sleep(10 * time.Microsecond)
	stop.Store(true)
	done.Recv()
}

// publishmutate: a request published through a channel, then reused by
// the sender while the receiver still reads it.
type request struct {
	id   int
	body string
}

func publishMutateRacy() {
	c := gmp.MakeChan[*request](1)
	done := gmp.MakeChan[struct{}](0)
	gmp.Go(func() {
		r := c.Recv()
		time.Sleep(time.Microsecond)
		use(r.body) // race
		done.Send(struct{}{})
	})
	r := &request{id: 1, body: "first"}
	c.Send(r)
	r.body = "second" // race: the sender reuses the request
	done.Recv()
}

func publishMutateFixed() {
	c := gmp.MakeChan[*request](1)
	done := gmp.MakeChan[struct{}](0)
	gmp.Go(func() {
		r := c.Recv()
		time.Sleep(time.Microsecond)
		use(r.body)
		done.Send(struct{}{})
	})
	r := &request{id: 1, body: "first"}
	c.Send(r)
	r = &request{id: 2, body: "second"} // a new request, not the sent one
	sink = r
	done.Recv()
}

// closeonce: "close the channel if nobody has yet", with a plain flag.
type closer struct {
	closed bool
	c      gmp.Chan[struct{}]
	once   sync.Once
}

func (s *closer) closeRacy() {
	if !s.closed { // race
		s.closed = true // race
		s.c.Close()
	}
}

func closeOnceRacy() {
	s := &closer{c: gmp.MakeChan[struct{}](0)}
	var wg sync.WaitGroup
	for range 2 {
		wg.Add(1)
		gmp.Go(func() {
			defer wg.Done()
			defer func() { recover() }() // close of closed channel, if both win
			s.closeRacy()
		})
	}
	wg.Wait()
}

func closeOnceFixed() {
	s := &closer{c: gmp.MakeChan[struct{}](0)}
	var wg sync.WaitGroup
	for range 2 {
		wg.Add(1)
		gmp.Go(func() {
			defer wg.Done()
			s.once.Do(s.c.Close)
		})
	}
	wg.Wait()
}

// loopvar: goroutines capturing a loop variable declared outside the
// loop, as every for loop did before Go 1.22.
func loopVarRacy() {
	var wg sync.WaitGroup
	var i int
	for i = 0; i < 3; i++ { // race
		wg.Add(1)
		gmp.Go(func() {
			defer wg.Done()
			use(i) // race
		})
	}
	wg.Wait()
}

func loopVarFixed() {
	var wg sync.WaitGroup
	var i int
	for i = 0; i < 3; i++ {
		wg.Add(1)
		v := i // a copy per iteration, as Go 1.22's loop variables are
		gmp.Go(func() {
			defer wg.Done()
			use(v)
		})
	}
	wg.Wait()
}

// wgaddinside: WaitGroup.Add called by the goroutine it counts, racing
// with Wait.
func wgAddInsideRacy() {
	var wg sync.WaitGroup
	gmp.Go(func() {
		wg.Add(1) // race
		defer wg.Done()
		gmp.Work(200 * time.Microsecond)
	})
	gmp.Work(100 * time.Microsecond)
	wg.Wait() // race
}

func wgAddInsideFixed() {
	var wg sync.WaitGroup
	wg.Add(1)
	gmp.Go(func() {
		defer wg.Done()
		gmp.Work(200 * time.Microsecond)
	})
	gmp.Work(100 * time.Microsecond)
	wg.Wait()
}

// sharederr: workers store their error in one variable.
func sharedErrRacy() {
	var err error
	var wg sync.WaitGroup
	for i := range 2 {
		wg.Add(1)
		gmp.Go(func() {
			defer wg.Done()
			if e := work(i); e != nil {
				err = e // race
			}
		})
	}
	wg.Wait()
	sink = err
}

func work(i int) error {
	gmp.Work(time.Duration(i+1) * time.Microsecond)
	return fmt.Errorf("worker %d failed", i)
}

func sharedErrFixed() {
	var g errgroup.Group
	for i := range 2 {
		g.Go(func() error { return work(i) })
	}
	sink = g.Wait()
}

// readbeforewait: the result read after a sleep rather than after the
// worker signalled it.
func readBeforeWaitRacy() {
	var result int
	done := gmp.MakeChan[struct{}](1)
	gmp.Go(func() {
		gmp.Work(5 * time.Microsecond)
		result = 42 // race
		done.Send(struct{}{})
	})
	time.Sleep(10 * time.Microsecond) // "long enough"
	sink = result                     // race
	done.Recv()
}

func readBeforeWaitFixed() {
	var result int
	done := gmp.MakeChan[struct{}](1)
	gmp.Go(func() {
		gmp.Work(5 * time.Microsecond)
		result = 42
		done.Send(struct{}{})
	})
	done.Recv()
	sink = result
}

// sendclose: a producer still sending while another goroutine closes the
// channel (Go reports runtime.chansend against runtime.closechan).
func sendCloseRacy() {
	c := gmp.MakeChan[int](10)
	var wg sync.WaitGroup
	wg.Add(1)
	gmp.Go(func() {
		defer wg.Done()
		defer func() { recover() }()
		c.Send(1) // race
	})
	gmp.Go(func() {
		c.Close() // race
	})
	wg.Wait()
	time.Sleep(time.Microsecond)
}

func sendCloseFixed() {
	c := gmp.MakeChan[int](10)
	var wg sync.WaitGroup
	wg.Add(1)
	gmp.Go(func() {
		defer wg.Done()
		c.Send(1)
	})
	gmp.Go(func() {
		wg.Wait() // close after every send
		c.Close()
	})
	for range c.All() {
	}
}

// rlockwrite: a write under a read lock.
type registry struct {
	mu    sync.RWMutex
	names map[int]string
	hits  int
}

func (r *registry) lookupRacy(id int) string {
	r.mu.RLock()
	defer r.mu.RUnlock()
	r.hits++ // race
	return r.names[id]
}

func rlockWriteRacy() {
	r := &registry{names: map[int]string{1: "a"}}
	var wg sync.WaitGroup
	for range 2 {
		wg.Add(1)
		gmp.Go(func() {
			defer wg.Done()
			use(r.lookupRacy(1))
		})
	}
	wg.Wait()
}

func rlockWriteFixed() {
	r := &registry{names: map[int]string{1: "a"}}
	var wg sync.WaitGroup
	for range 2 {
		wg.Add(1)
		gmp.Go(func() {
			defer wg.Done()
			r.mu.Lock()
			r.hits++
			use(r.names[1])
			r.mu.Unlock()
		})
	}
	wg.Wait()
}

// doublecheck: double-checked locking, the first check unlocked.
type service struct{ name string }

var (
	instance *service
	instMu   sync.Mutex
)

func getInstanceRacy() *service {
	if instance == nil { // race
		instMu.Lock()
		if instance == nil {
			instance = &service{name: "svc"} // race
		}
		instMu.Unlock()
	}
	return instance
}

func doubleCheckRacy() {
	instance = nil
	var wg sync.WaitGroup
	for range 2 {
		wg.Add(1)
		gmp.Go(func() {
			defer wg.Done()
			use(getInstanceRacy())
		})
	}
	wg.Wait()
}

func doubleCheckFixed() {
	instance = nil
	var wg sync.WaitGroup
	for range 2 {
		wg.Add(1)
		gmp.Go(func() {
			defer wg.Done()
			instMu.Lock()
			if instance == nil {
				instance = &service{name: "svc"}
			}
			use(instance)
			instMu.Unlock()
		})
	}
	wg.Wait()
}

// afterfunc: a timer callback updates state the caller reads without
// waiting for it.
func afterFuncRacy() {
	status := "pending"
	time.AfterFunc(5*time.Microsecond, func() {
		status = "expired" // race
	})
	time.Sleep(time.Millisecond)
	sink = status // race
}

func afterFuncFixed() {
	status := "pending"
	done := gmp.MakeChan[struct{}](0)
	time.AfterFunc(5*time.Microsecond, func() {
		status = "expired"
		done.Close()
	})
	done.Recv()
	sink = status
}

// cancelwrite: a worker writes its result after cancel; the caller
// reads it once Done is closed.
func cancelWriteRacy() {
	ctx, cancel := context.WithCancel(context.Background())
	var result string
	gmp.Go(func() {
		cancel()
		result = "partial" // race: written after the cancel that releases the reader
	})
	ctx.Done().Recv()
	sink = result // race
	time.Sleep(time.Microsecond)
}

func cancelWriteFixed() {
	ctx, cancel := context.WithCancel(context.Background())
	var result string
	gmp.Go(func() {
		result = "partial"
		cancel()
	})
	ctx.Done().Recv()
	sink = result
}

// mapiter: ranging over a map while another goroutine adds to it.
func mapIterRacy() {
	m := map[int]int{1: 1, 2: 2}
	done := gmp.MakeChan[struct{}](0)
	gmp.Go(func() {
		m[3] = 3 // race
		done.Send(struct{}{})
	})
	sum := 0
	for _, v := range m { // race
		sum += v
		gmp.Gosched()
	}
	done.Recv()
	sink = sum
}

func mapIterFixed() {
	m := map[int]int{1: 1, 2: 2}
	var mu sync.RWMutex
	done := gmp.MakeChan[struct{}](0)
	gmp.Go(func() {
		mu.Lock()
		m[3] = 3
		mu.Unlock()
		done.Send(struct{}{})
	})
	sum := 0
	mu.RLock()
	for _, v := range m {
		sum += v
	}
	mu.RUnlock()
	done.Recv()
	sink = sum
}

// partiallock: one field behind the mutex, its neighbour forgotten.
type stats struct {
	mu       sync.Mutex
	requests int
	lastErr  error
}

func partialLockRacy() {
	s := &stats{}
	var wg sync.WaitGroup
	for i := range 2 {
		wg.Add(1)
		gmp.Go(func() {
			defer wg.Done()
			s.mu.Lock()
			s.requests++
			s.mu.Unlock()
			s.lastErr = fmt.Errorf("request %d", i) // race
		})
	}
	wg.Wait()
	sink = s.lastErr
}

func partialLockFixed() {
	s := &stats{}
	var wg sync.WaitGroup
	for i := range 2 {
		wg.Add(1)
		gmp.Go(func() {
			defer wg.Done()
			s.mu.Lock()
			s.requests++
			s.lastErr = fmt.Errorf("request %d", i)
			s.mu.Unlock()
		})
	}
	wg.Wait()
	sink = s.lastErr
}

// semaphore: a buffered channel used as a semaphore that admits two
// holders to a section only one may be in.
func semaphore(slots int) {
	sem := gmp.MakeChan[struct{}](slots)
	shared := 0
	var wg sync.WaitGroup
	for range 2 {
		wg.Add(1)
		gmp.Go(func() {
			defer wg.Done()
			sem.Send(struct{}{})
			shared++ // race (with 2 slots)
			gmp.Work(100 * time.Microsecond)
			sem.Recv()
		})
	}
	wg.Wait()
	sink = shared
}

func semaphoreRacy()  { semaphore(2) }
func semaphoreFixed() { semaphore(1) }

// sendthenwrite: a value written after the send that was meant to
// publish it.
func sendThenWriteRacy() {
	var data []int
	ready := gmp.MakeChan[struct{}](0)
	gmp.Go(func() {
		ready.Send(struct{}{})
		data = []int{1, 2, 3} // race
	})
	ready.Recv()
	sink = data // race
	time.Sleep(time.Microsecond)
}

func sendThenWriteFixed() {
	var data []int
	ready := gmp.MakeChan[struct{}](0)
	gmp.Go(func() {
		data = []int{1, 2, 3}
		ready.Send(struct{}{})
	})
	ready.Recv()
	sink = data
}

// atomicmixed: a counter incremented atomically and read plainly.
func atomicMixedRacy() {
	var n int64
	done := gmp.MakeChan[struct{}](0)
	gmp.Go(func() {
		atomic.AddInt64(&n, 1) // race
		done.Send(struct{}{})
	})
	sink = n // race
	done.Recv()
}

func atomicMixedFixed() {
	var n int64
	done := gmp.MakeChan[struct{}](0)
	gmp.Go(func() {
		atomic.AddInt64(&n, 1)
		done.Send(struct{}{})
	})
	sink = atomic.LoadInt64(&n)
	done.Recv()
}

// tickerstop: Stop does not wait for the goroutine reading the ticker.
func tickerStopRacy() {
	t := time.NewTicker(time.Microsecond)
	ticks := 0
	gmp.Go(func() {
		for range t.C.All() {
			ticks++ // race
		}
	})
	time.Sleep(5 * time.Microsecond)
	t.Stop()
	sink = ticks // race
}

func tickerStopFixed() {
	t := time.NewTicker(time.Microsecond)
	stop := gmp.MakeChan[struct{}](0)
	result := gmp.MakeChan[int](0)
	gmp.Go(func() {
		ticks := 0
		for {
			sel := gmp.Select(t.C.RecvCase(), stop.RecvCase())
			if sel == 1 {
				result.Send(ticks)
				return
			}
			ticks++
		}
	})
	time.Sleep(5 * time.Microsecond)
	t.Stop()
	stop.Close()
	sink = result.Recv()
}

// condflag: the condition a Cond waiter checks, set without the lock.
func condFlag(locked bool) {
	var mu sync.Mutex
	cond := sync.NewCond(&mu)
	ready := false
	gmp.Go(func() {
		gmp.Work(time.Microsecond)
		if locked {
			mu.Lock()
			ready = true
			mu.Unlock()
		} else {
			ready = true // race
		}
		cond.Broadcast()
	})
	mu.Lock()
	for !ready { // race
		cond.Wait()
	}
	mu.Unlock()
}

func condFlagRacy()  { condFlag(false) }
func condFlagFixed() { condFlag(true) }

// errgroupslice: errgroup workers append to one result slice.
func errgroupSliceRacy() {
	var g errgroup.Group
	var names []string
	for i := range 3 {
		g.Go(func() error {
			names = append(names, fmt.Sprint("n", i)) // race
			return nil
		})
	}
	sink = g.Wait()
	sink = names
}

func errgroupSliceFixed() {
	var g errgroup.Group
	names := make([]string, 3)
	for i := range 3 {
		g.Go(func() error {
			names[i] = fmt.Sprint("n", i)
			return nil
		})
	}
	sink = g.Wait()
	sink = names
}

// selecttimeout: a response written by a worker after the caller gave
// up on it — but only when the timeout wins the select, which the
// ordinary schedule never does.
var errTimeout = errors.New("timeout")

func selectTimeout(fixed bool) {
	var resp string
	done := gmp.MakeChan[struct{}](1)
	gmp.Go(func() {
		gmp.Work(20 * time.Microsecond)
		resp = "late" // race
		done.Send(struct{}{})
	})
	var err error
	switch gmp.Select(done.RecvCase(), time.After(25*time.Microsecond).RecvCase()) {
	case 0:
		sink = resp
	case 1:
		err = errTimeout
		if !fixed {
			sink = resp // race: read while the worker may still write
		} else {
			done.Recv()
			sink = resp
		}
	}
	sink = err
}

func selectTimeoutRacy()  { selectTimeout(false) }
func selectTimeoutFixed() { selectTimeout(true) }

// twoRaces has two races, each on its own schedules: a worker writes
// hits or misses depending on which of two ready channels its select
// takes, while main reads both without waiting for it.
func twoRaces() {
	hits, misses := 0, 0
	a, b := gmp.MakeChan[int](1), gmp.MakeChan[int](1)
	a.Send(1)
	b.Send(2)
	done := gmp.MakeChan[struct{}](1)
	gmp.Go(func() {
		switch gmp.Select(a.RecvCase(), b.RecvCase()) {
		case 0:
			hits++ // race (hits)
		case 1:
			misses++ // race (misses)
		}
		done.Send(struct{}{})
	})
	gmp.Work(50 * time.Microsecond)
	sink = hits   // race (hits)
	sink = misses // race (misses)
	done.Recv()
}
