package explore

import (
	"fmt"

	"github.com/gmplab/gmp/internal/rt"
)

// selectPriority favours one case of each select: when several cases are
// ready, the favoured one wins; and a select may be held for a while
// before it looks at its cases, so that the favoured case has time to
// become ready — within a virtual-time budget, after which the select
// runs as usual.
//
// Anchor: GFuzz, Liu et al., "Who goes first? Detecting Go concurrency
// bugs via message reordering" (ASPLOS 2022): it enforces an order of
// select cases, waits up to T for the preferred case, and falls back.
//
// Where it differs. GFuzz instruments the program and waits on a real
// timer; here nothing in the program changes: the favoured case wins
// through the select's poll order (Go shuffles it with cheaprandn; this
// strategy answers those draws so that the favoured case comes first),
// and the wait is a preemption at the select plus a hold of its thread
// (see holds) — so the fallback is in virtual time, never a false
// deadlock, and every schedule it makes is one Go could make. A select
// is told apart by its goroutine and how many selects that goroutine ran
// before (GFuzz uses the source position); its favourite is drawn afresh
// each run.
type selectPriority struct {
	r      rnd
	salt   uint64
	pHold  float64 // chance to hold a select
	budget int64   // virtual time left to spend holding (ns)
	maxH   int64   // the longest hold
	holds  holds
	// the select being shuffled: its goroutine, its number in that
	// goroutine, and the best weight of the cases placed so far
	cur     int64
	curNth  int64
	curBest uint64
	nth     map[int64]int64 // selects per goroutine
}

//go:norace
func (s *selectPriority) Name() string { return "select" }

//go:norace
func (s *selectPriority) Begin(seed uint64, info *Info) {
	s.r.seed(seed)
	s.salt = s.r.Uint64()
	s.pHold = s.r.Float64()
	s.budget = int64(s.r.logUniform(10e3, 10e6)) // 10 µs – 10 ms in all
	s.maxH = int64(s.r.logUniform(1e3, 1e6))
	s.holds.reset()
	s.cur = -1
	if s.nth == nil {
		s.nth = make(map[int64]int64)
	}
	clear(s.nth)
}

//go:norace
func (s *selectPriority) Choose(d *rt.Decision) int64 {
	switch d.Kind {
	case rt.ChoicePreempt:
		if d.Op != rt.OpSelect {
			return 0
		}
		s.nth[d.G]++
		s.cur, s.curNth = d.G, s.nth[d.G]
		if s.budget > 0 && s.r.chance(s.pHold) {
			h := min(int64(s.r.logUniform(500, float64(s.maxH))), s.budget)
			s.budget -= h
			s.holds.add(d.G, h)
			return 1
		}
		return 0
	case rt.ChoiceCost, rt.ChoiceDuration:
		return d.Default + s.holds.take(d)
	case rt.ChoiceRand:
		if d.Site != rt.SiteSelectOrder || d.G != s.cur {
			return d.Default
		}
		// selectgo's shuffle: for the i-th channel case (i = N−1),
		// j = cheaprandn(i+1); pollorder[i] = pollorder[j];
		// pollorder[j] = i. j = 0 makes case i the first polled, j = i
		// leaves it last and the first in place: so a case goes first
		// exactly when it weighs more than every case before it.
		i := d.N - 1
		if i == 1 {
			s.curBest = s.weight(0)
		}
		if w := s.weight(i); w > s.curBest {
			s.curBest = w
			return 0
		}
		return i
	}
	return d.Default
}

// weight is case i's weight in the current select.
//
//go:norace
func (s *selectPriority) weight(i int64) uint64 {
	return splitmix(s.salt ^ uint64(s.cur)<<40 ^ uint64(s.curNth)<<20 ^ uint64(i))
}

//go:norace
func (s *selectPriority) describe() string {
	return fmt.Sprintf("hold chance %.0f%%", s.pHold*100)
}
