package corpus

import (
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

// Non-blocking bugs: atomicity and order violations. Each step is
// synchronised; the sequence of steps is not. (Between a check and an act
// these programs do some work, as real code usually does.)

// check-then-act-map: a cache checks and fills its map under separate lock
// sections: two callers both miss and both load.
func TestCheckThenActMap(t *testing.T)      { cacheLoads(t, false) }
func TestCheckThenActMapFixed(t *testing.T) { cacheLoads(t, true) }

// init-after-go: order violation: a struct's field is set after the
// goroutine that uses it was started.
func TestInitAfterGo(t *testing.T)      { startServer(t, false) }
func TestInitAfterGoFixed(t *testing.T) { startServer(t, true) }

// publish-before-init: lazy initialisation publishes the pointer, then
// fills the value in: a concurrent caller sees it half made.
func TestPublishBeforeInit(t *testing.T)      { lazyConfig(t, false) }
func TestPublishBeforeInitFixed(t *testing.T) { lazyConfig(t, true) }

// limit-check-then-add: a concurrency limit checked with an atomic Load,
// then taken with an Add: both callers pass the check.
func TestLimitCheckThenAdd(t *testing.T)      { limiter(t, false) }
func TestLimitCheckThenAddFixed(t *testing.T) { limiter(t, true) }

// lost-update: a counter incremented by Load then Store instead of Add:
// concurrent increments are lost.
func TestLostUpdate(t *testing.T)      { counter(t, false) }
func TestLostUpdateFixed(t *testing.T) { counter(t, true) }

type cache struct {
	mu    sync.Mutex
	m     map[string]int
	loads int
}

func (c *cache) get(k string, fixed bool) int {
	c.mu.Lock()
	if v, ok := c.m[k]; ok {
		c.mu.Unlock()
		return v
	}
	if fixed {
		defer c.mu.Unlock() // the fix: the lock covers the load too
	} else {
		c.mu.Unlock() // the bug: another caller may miss too, now
	}
	time.Sleep(10 * time.Microsecond) // the load: a read from disk
	if !fixed {
		c.mu.Lock()
		defer c.mu.Unlock()
	}
	c.loads++
	c.m[k] = 1
	return 1
}

func cacheLoads(t *testing.T, fixed bool) {
	c := &cache{m: map[string]int{}}
	var wg sync.WaitGroup
	for _, d := range []time.Duration{0, time.Millisecond} {
		wg.Add(1)
		go func() {
			defer wg.Done()
			time.Sleep(d)
			c.get("config", fixed)
		}()
	}
	wg.Wait()
	if c.loads != 1 {
		t.Errorf("the value was loaded %d times, want once", c.loads)
	}
}

type server struct {
	mu       sync.Mutex
	handlers map[string]func() int
	served   chan int
}

func (s *server) serve() {
	s.mu.Lock()
	h := s.handlers["/"]
	s.mu.Unlock()
	s.served <- h() // a nil handler: nil function call
}

func startServer(t *testing.T, fixed bool) {
	s := &server{served: make(chan int, 1)}
	if fixed {
		s.handlers = map[string]func() int{"/": func() int { return 200 }}
	}
	go s.serve()
	if !fixed {
		s.mu.Lock() // the bug: initialised after serve was started
		s.handlers = map[string]func() int{"/": func() int { return 200 }}
		s.mu.Unlock()
	}
	if code := <-s.served; code != 200 {
		t.Errorf("status %d", code)
	}
}

type config struct {
	limits map[string]int
}

type lazy struct {
	mu  sync.Mutex
	cfg atomic.Pointer[config]
}

func (l *lazy) get(fixed bool) *config {
	if c := l.cfg.Load(); c != nil {
		return c
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	if c := l.cfg.Load(); c != nil {
		return c
	}
	c := &config{}
	if !fixed {
		l.cfg.Store(c) // the bug: published before it is filled in
	}
	time.Sleep(10 * time.Microsecond) // reading the file
	c.limits = map[string]int{"conns": 10}
	if fixed {
		l.cfg.Store(c)
	}
	return c
}

func lazyConfig(t *testing.T, fixed bool) {
	l := &lazy{}
	var wg sync.WaitGroup
	for _, d := range []time.Duration{0, time.Millisecond} {
		wg.Add(1)
		go func() {
			defer wg.Done()
			time.Sleep(d)
			if l.get(fixed).limits["conns"] != 10 {
				panic("config not loaded")
			}
		}()
	}
	wg.Wait()
}

// limiter lets at most two requests run at once.
func limiter(t *testing.T, fixed bool) {
	var running, peak atomic.Int32
	var wg sync.WaitGroup
	for i := range 3 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			time.Sleep(time.Duration(i) * time.Millisecond)
			if fixed {
				for {
					n := running.Load()
					if n >= 2 {
						return
					}
					if running.CompareAndSwap(n, n+1) {
						break
					}
				}
				time.Sleep(10 * time.Microsecond) // admission: logging, metrics
			} else {
				if running.Load() >= 2 {
					return // rejected
				}
				time.Sleep(10 * time.Microsecond) // admission: logging, metrics
				running.Add(1)                    // the bug: another request may have passed the check meanwhile
			}
			if n := running.Load(); n > peak.Load() {
				peak.Store(n)
			}
			time.Sleep(3 * time.Millisecond)
			running.Add(-1)
		}()
	}
	wg.Wait()
	if peak.Load() > 2 {
		t.Errorf("%d requests ran at once, the limit is 2", peak.Load())
	}
}

func counter(t *testing.T, fixed bool) {
	var n atomic.Int64
	var wg sync.WaitGroup
	for i := range 2 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for range 2 {
				time.Sleep(10*time.Microsecond + time.Duration(i)*time.Millisecond)
				if fixed {
					time.Sleep(3 * time.Microsecond) // computing the increment
					n.Add(1)
				} else {
					v := n.Load()
					time.Sleep(3 * time.Microsecond) // computing the increment
					n.Store(v + 1)                   // the bug: an increment between Load and Store is lost
				}
			}
		}()
	}
	wg.Wait()
	if n.Load() != 4 {
		t.Errorf("counted %d, want 4", n.Load())
	}
}
