package explore

import (
	"fmt"
	"slices"

	"github.com/gmplab/gmp/internal/rt"
	"github.com/gmplab/gmp/observe"
)

// pct is probabilistic concurrency testing: every goroutine gets a random
// priority when it first appears, the highest-priority goroutine that can
// run goes first, and at d−1 random steps the goroutine taking the step
// drops below all others. A bug of depth d (d ordering constraints
// between operations) is found with probability at least 1/(n·k^(d−1))
// per run, for n goroutines and k steps.
//
// Anchors: Burckhardt, Kothari, Musuvathi, Nagarakatte, "A randomized
// scheduler with probabilistic guarantees of finding bugs" (ASPLOS 2010);
// shuttle's scheduler/pct.rs; Coyote's PrioritizationStrategy.
//
// Where it differs. A step is a preemption decision (a runtime call,
// which always has two options: go on, or be preempted), so change points
// fall only on decisions with a choice, and k is the number of steps the
// default run took. In faithful mode no strategy may pick the next
// goroutine, so priorities are realised the way a machine could: a
// goroutine with a runnable goroutine of higher priority is preempted at
// its runtime call (its P runs another), and one with a higher-priority
// goroutine running elsewhere is held there for a while (its thread
// descheduled: see holds), so that the higher one's operations happen
// first. Ties between simultaneous events go to the higher priority. In
// abstract mode the scheduler's pick itself follows the priorities, as in
// the paper. The fair fallback: a run intervenes at most budget times,
// then takes the defaults, so a high-priority goroutine spinning on a
// lower one's progress cannot starve it forever (the paper assumes
// terminating programs; shuttle bounds the steps the same way).
type pct struct {
	depth int // 1–3; 0: drawn per run
	d     int // this run's depth
	r     rnd
	steps int64   // preemption decisions so far
	k     int64   // the steps of the default run
	chg   []int64 // the steps at which the stepping goroutine drops
	low   float64 // the next dropped priority (below every other)

	prio  []float64 // by goid; 0: not seen yet
	state []uint8   // by goid
	sys   []bool    // by goid: the runtime's own goroutines
	live  []int64   // goroutines seen, in order

	budget int64 // interventions left
	left   int64 // hold time left (ns)
	hold   int64 // how long one hold lasts (ns)
	holds  holds
	obs    pctObserver
}

const (
	gUnknown uint8 = iota
	gRunnable
	gRunning
	gBlocked
	gDead
)

//go:norace
func (s *pct) Name() string {
	if s.depth == 0 {
		return "pct"
	}
	return fmt.Sprintf("pct%d", s.depth)
}

//go:norace
func (s *pct) describe() string {
	return fmt.Sprintf("depth %d, change points at steps %v of ~%d", s.d, s.chg, s.k)
}

//go:norace
func (s *pct) Begin(seed uint64, info *Info) {
	s.r.seed(seed)
	s.d = s.depth
	if s.d == 0 {
		s.d = 1 + s.r.IntN(3)
	}
	k := max(info.Steps, 1)
	s.k = k
	s.chg = s.chg[:0]
	for range s.d - 1 {
		s.chg = append(s.chg, 1+s.r.Int64N(k))
	}
	s.steps = 0
	s.low = -1
	clear(s.prio)
	clear(s.state)
	clear(s.sys)
	s.live = s.live[:0]
	s.budget = 200
	s.left = 20e6                              // as randomWalk's maxDesched
	s.hold = int64(s.r.logUniform(1e3, 200e3)) // 1–200 µs
	s.holds.reset()
	s.obs.s = s
}

//go:norace
func (s *pct) Observer() observe.Observer { return &s.obs }

// priority returns g's priority, giving it one if it has none.
//
//go:norace
func (s *pct) priority(g int64) float64 {
	if g <= 0 || g > 1<<20 {
		return 0
	}
	s.grow(g)
	if s.prio[g] == 0 {
		s.prio[g] = 1 + s.r.Float64() // above every dropped priority
		s.live = append(s.live, g)
	}
	return s.prio[g]
}

//go:norace
func (s *pct) grow(g int64) {
	if int(g) >= len(s.prio) {
		n := max(int(g)+1, 2*len(s.prio), 64)
		s.prio = slices.Grow(s.prio[:len(s.prio)], n-len(s.prio))[:n]
		s.state = slices.Grow(s.state[:len(s.state)], n-len(s.state))[:n]
		s.sys = slices.Grow(s.sys[:len(s.sys)], n-len(s.sys))[:n]
	}
}

// above reports whether a goroutine of higher priority than g is in
// state st.
//
//go:norace
func (s *pct) above(g int64, st uint8) bool {
	p := s.priority(g)
	for _, h := range s.live {
		if h != g && s.state[h] == st && !s.sys[h] && s.prio[h] > p {
			return true
		}
	}
	return false
}

//go:norace
func (s *pct) Choose(d *rt.Decision) int64 {
	switch d.Kind {
	case rt.ChoicePreempt:
		s.steps++
		g := d.G
		if slices.Contains(s.chg, s.steps) {
			s.priority(g)
			if g > 0 && int(g) < len(s.prio) {
				s.prio[g] = s.low
				s.low--
			}
		}
		if s.budget <= 0 || g <= 0 {
			return 0
		}
		if s.above(g, gRunnable) {
			s.budget--
			return 1
		}
		if s.left > 0 && s.above(g, gRunning) {
			s.budget--
			h := min(s.hold, s.left)
			s.left -= h
			s.holds.add(g, h)
		}
		return 0
	case rt.ChoiceCost, rt.ChoiceDuration:
		return d.Default + s.holds.take(d)
	case rt.ChoiceTie, rt.ChoiceRunnable:
		best, bp := d.Default, -1e9
		for i, g := range d.Gs {
			p := 0.5 // a thread with no goroutine
			if g > 0 {
				p = s.priority(g)
			}
			if p > bp {
				best, bp = int64(i), p
			}
		}
		return best
	}
	return d.Default
}

// pctObserver follows which goroutines are runnable, running or blocked.
type pctObserver struct{ s *pct }

//go:norace
func (o *pctObserver) Kinds() observe.KindSet {
	return observe.KindsOf(observe.GoCreate, observe.GoStart, observe.GoStop, observe.GoBlock,
		observe.GoUnblock, observe.GoDestroy, observe.GoSyscallBegin, observe.GoSyscallEndBlocked)
}

//go:norace
func (o *pctObserver) Event(ev *observe.Event) {
	s := o.s
	g := ev.G
	if g <= 0 || g > 1<<20 {
		return
	}
	s.grow(g)
	switch ev.Kind {
	case observe.GoCreate:
		s.state[g] = gRunnable
		s.sys[g] = ev.Arg == 1
		s.priority(g)
	case observe.GoStart, observe.GoSyscallBegin:
		s.state[g] = gRunning
	case observe.GoStop, observe.GoUnblock:
		s.state[g] = gRunnable
	case observe.GoSyscallEndBlocked:
		if ev.Arg == 0 {
			s.state[g] = gRunnable
		}
	case observe.GoBlock:
		s.state[g] = gBlocked
	case observe.GoDestroy:
		s.state[g] = gDead
	}
}
