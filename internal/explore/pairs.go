package explore

import (
	"fmt"

	"github.com/gmplab/gmp/internal/rt"
)

// pairs reorders pairs of operations: from a recorded run it takes two
// consecutive operations of different goroutines on the same channel or
// sync object (a send and a receive, a Lock and a Lock, a close and a
// send…), and forces the opposite order by holding the first goroutine
// before its operation until the second one's has happened, or a virtual
// timeout has passed. A run reverses a chain of one to three such pairs.
//
// Anchors: GoPie, Jiang et al., "Effective concurrency testing for Go via
// directional primitive-constrained interleaving exploration" (ASE 2023),
// and GoPie+: schedules as chains of primitive pairs, mutated and kept
// when they produce orders not seen before.
//
// Where it differs. The recorded runs are random walks (see randomWalk)
// drawn from the base seed: runs are taken in groups of pairGroup, and the
// runs of a group all perturb the same recording, each reversing pairs
// the others did not. A group's recording is a pure function of its
// index, so shards and workers agree without sharing a corpus of seen
// orders — which GoPie keeps and this does not: feedback across runs
// would make a run depend on which runs came before it. The hold is a
// preemption at the first operation and a wait of its thread (see holds)
// of a virtual timeout drawn per run (5 µs – 5 ms), rather than GoPie's
// spin that ends as soon as the second operation happened: the funnel
// asks nothing of a held goroutine between its preemption and its
// operation, so the hold cannot end early (see the runtime hook this
// package's doc asks for).
type pairs struct {
	walk  randomWalk
	r     rnd
	want  []pairRev // this run's reversals
	nth   map[gobj]int64
	holds holds
	// the pairs of the group's recording (computed once a group)
	cands     [][2]opEvent
	candsSeed uint64
	candsOK   bool
	timeout   int64 // how long a hold lasts (ns)
	left      int64 // virtual time the holds of this run may still take
}

// pairGroup runs share one recording.
const pairGroup = 16

type gobj struct{ g, obj int64 }

// pairRev is a pair to reverse: first's goroutine waits before first
// until second has started.
type pairRev struct {
	first, second opEvent
	met           bool // second has started
}

//go:norace
func (s *pairs) Name() string { return "pairs" }

//go:norace
func (s *pairs) Begin(seed uint64, info *Info) {
	s.r.seed(seed)
	s.want = s.want[:0]
	s.holds.reset()
	if s.nth == nil {
		s.nth = make(map[gobj]int64)
	}
	clear(s.nth)
	s.timeout = int64(s.r.logUniform(5e3, 5e6))
	s.left = min(4*s.timeout, 20e6)
	// The group's recording: a random walk whose seed depends on the
	// group alone; this run walks the same way and reverses pairs of it.
	base := info.seed("pairs-base", info.index/pairGroup)
	s.walk.Begin(base, info)
	if !s.candsOK || s.candsSeed != base {
		var ops []opEvent
		if info.Base != nil {
			ops = info.Base(base)
		}
		s.cands, s.candsSeed, s.candsOK = candidatePairs(ops), base, true
	}
	cands := s.cands
	if len(cands) == 0 {
		return
	}
	n := 1 + s.r.IntN(3)
	for range n {
		c := cands[s.r.IntN(len(cands))]
		s.want = append(s.want, pairRev{first: c[0], second: c[1]})
	}
}

// candidatePairs lists the pairs of consecutive operations by different
// goroutines on one object.
//
//go:norace
func candidatePairs(ops []opEvent) [][2]opEvent {
	last := map[int64]opEvent{}
	var out [][2]opEvent
	for _, e := range ops {
		if e.Obj == 0 {
			continue
		}
		if p, ok := last[e.Obj]; ok && p.G != e.G {
			out = append(out, [2]opEvent{p, e})
		}
		last[e.Obj] = e
	}
	return out
}

//go:norace
func (s *pairs) Choose(d *rt.Decision) int64 {
	// The walk decides first, every time, so that up to the first hold
	// this run is the recorded one (same draws in the same order).
	v := s.walk.Choose(d)
	switch d.Kind {
	case rt.ChoicePreempt:
		if d.Obj == 0 || len(s.want) == 0 {
			return v
		}
		k := gobj{d.G, d.Obj}
		s.nth[k]++
		n := s.nth[k]
		hold := false
		for i := range s.want {
			w := &s.want[i]
			if !w.met && w.second.G == d.G && w.second.Obj == d.Obj && w.second.Nth == n {
				w.met = true
			}
			if !w.met && w.first.G == d.G && w.first.Obj == d.Obj && w.first.Nth == n {
				hold = true
			}
		}
		if hold && s.left > 0 {
			h := min(s.timeout, s.left)
			s.left -= h
			s.holds.add(d.G, h)
			return 1
		}
	case rt.ChoiceCost, rt.ChoiceDuration:
		return v + s.holds.take(d)
	}
	return v
}

//go:norace
func (s *pairs) describe() string {
	return fmt.Sprintf("%d pair(s) reversed", len(s.want))
}
