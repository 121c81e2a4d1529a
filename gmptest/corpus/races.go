package corpus

import (
	"time"

	"github.com/gmplab/gmp"
	"github.com/gmplab/gmp/gmptest"
	"github.com/gmplab/gmp/sync"
	"github.com/gmplab/gmp/sync/atomic"
)

// Non-blocking bugs: atomicity and order violations. Each step is
// synchronised; the sequence of steps is not. (gmp's atomics are not
// scheduling points — see gmp/sync/atomic — so between a check and an
// act these programs do some work, as real code usually does.)

func init() {
	register(Bug{
		Name:    "check-then-act-map",
		Pattern: "a cache checks and fills its map under separate lock sections: two callers both miss and both load",
		Want:    "fail",
		Buggy:   func(t *gmptest.T) { cacheLoads(t, false) },
		Fixed:   func(t *gmptest.T) { cacheLoads(t, true) },
	})
	register(Bug{
		Name:    "init-after-go",
		Pattern: "order violation: a struct's field is set after the goroutine that uses it was started",
		Want:    "panic",
		Buggy:   func(t *gmptest.T) { startServer(t, false) },
		Fixed:   func(t *gmptest.T) { startServer(t, true) },
	})
	register(Bug{
		Name:    "publish-before-init",
		Pattern: "lazy initialisation publishes the pointer, then fills the value in: a concurrent caller sees it half made",
		Want:    "panic",
		Buggy:   func(t *gmptest.T) { lazyConfig(t, false) },
		Fixed:   func(t *gmptest.T) { lazyConfig(t, true) },
	})
	register(Bug{
		Name:    "limit-check-then-add",
		Pattern: "a concurrency limit checked with an atomic Load, then taken with an Add: both callers pass the check",
		Want:    "fail",
		Buggy:   func(t *gmptest.T) { limiter(t, false) },
		Fixed:   func(t *gmptest.T) { limiter(t, true) },
	})
	register(Bug{
		Name:    "lost-update",
		Pattern: "a counter incremented by Load then Store instead of Add: concurrent increments are lost",
		Want:    "fail",
		Buggy:   func(t *gmptest.T) { counter(t, false) },
		Fixed:   func(t *gmptest.T) { counter(t, true) },
	})
}

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
	gmp.Syscall(30 * time.Microsecond) // the load: a read from disk
	if !fixed {
		c.mu.Lock()
		defer c.mu.Unlock()
	}
	c.loads++
	c.m[k] = 1
	return 1
}

func cacheLoads(t *gmptest.T, fixed bool) {
	c := &cache{m: map[string]int{}}
	var wg sync.WaitGroup
	for _, d := range []time.Duration{0, 100} {
		wg.Add(1)
		gmp.Go(func() {
			defer wg.Done()
			gmp.Work(d * time.Microsecond)
			c.get("config", fixed)
		})
	}
	wg.Wait()
	if c.loads != 1 {
		t.Errorf("the value was loaded %d times, want once", c.loads)
	}
}

type server struct {
	mu       sync.Mutex
	handlers map[string]func() int
	served   gmp.Chan[int]
}

func (s *server) serve() {
	s.mu.Lock()
	h := s.handlers["/"]
	s.mu.Unlock()
	s.served.Send(h()) // a nil handler: nil function call
}

func startServer(t *gmptest.T, fixed bool) {
	s := &server{served: gmp.MakeChan[int](1)}
	if fixed {
		s.handlers = map[string]func() int{"/": func() int { return 200 }}
	}
	gmp.Go(s.serve)
	if !fixed {
		s.mu.Lock() // the bug: initialised after serve was started
		s.handlers = map[string]func() int{"/": func() int { return 200 }}
		s.mu.Unlock()
	}
	if code := s.served.Recv(); code != 200 {
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
	gmp.Syscall(20 * time.Microsecond) // reading the file
	c.limits = map[string]int{"conns": 10}
	if fixed {
		l.cfg.Store(c)
	}
	return c
}

func lazyConfig(t *gmptest.T, fixed bool) {
	l := &lazy{}
	var wg sync.WaitGroup
	for _, d := range []time.Duration{0, 60} {
		wg.Add(1)
		gmp.Go(func() {
			defer wg.Done()
			gmp.Work(d * time.Microsecond)
			if l.get(fixed).limits["conns"] != 10 {
				panic("config not loaded")
			}
		})
	}
	wg.Wait()
}

// limiter lets at most two requests run at once.
func limiter(t *gmptest.T, fixed bool) {
	var running, peak atomic.Int32
	var wg sync.WaitGroup
	for i := range 3 {
		wg.Add(1)
		gmp.Go(func() {
			defer wg.Done()
			gmp.Work(time.Duration(i*30) * time.Microsecond)
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
				gmp.Work(10 * time.Microsecond) // admission: logging, metrics
			} else {
				if running.Load() >= 2 {
					return // rejected
				}
				gmp.Work(10 * time.Microsecond) // admission: logging, metrics
				running.Add(1)                  // the bug: another request may have passed the check meanwhile
			}
			if n := running.Load(); n > peak.Load() {
				peak.Store(n)
			}
			gmp.Work(40 * time.Microsecond)
			running.Add(-1)
		})
	}
	wg.Wait()
	if peak.Load() > 2 {
		t.Errorf("%d requests ran at once, the limit is 2", peak.Load())
	}
}

func counter(t *gmptest.T, fixed bool) {
	var n atomic.Int64
	var wg sync.WaitGroup
	for i := range 2 {
		wg.Add(1)
		gmp.Go(func() {
			defer wg.Done()
			for range 2 {
				gmp.Work(time.Duration(10+40*i) * time.Microsecond)
				if fixed {
					gmp.Work(3 * time.Microsecond) // computing the increment
					n.Add(1)
				} else {
					v := n.Load()
					gmp.Work(3 * time.Microsecond) // computing the increment
					n.Store(v + 1)                 // the bug: an increment between Load and Store is lost
				}
			}
		})
	}
	wg.Wait()
	if n.Load() != 4 {
		t.Errorf("counted %d, want 4", n.Load())
	}
}
