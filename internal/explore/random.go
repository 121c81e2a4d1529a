package explore

import (
	"fmt"

	"github.com/gmplab/gmp/internal/rt"
)

// randomWalk perturbs what the hardware and the OS decide, with an
// amplitude drawn per run: how long every runtime operation, Work,
// syscall, network wait, thread wake-up and timer's slack takes
// (log-normal noise), which of two simultaneous events goes first, the
// perturbations Go's own scheduler makes under -race, an occasional
// preemption at a runtime call and an occasional long descheduling of a
// thread.
//
// Anchors: gosim's and FoundationDB's randomised simulation (BUGGIFY:
// each run draws which faults are on and how hard they bite), Go's
// randomizeScheduler (runtime/proc.go: under -race runqput skips runnext
// half the time and runqputslow/runqputbatch shuffle their batches), and
// the measurement behind this package (explorer.md): scaling costs by a
// random factor per run found a lost update in 101 of 2,000 runs, seeds
// alone in none.
//
// Where it differs: the noise is per decision rather than one factor per
// run, with a per-run spread, so that a run can be both mostly ordinary
// and locally extreme; a run at amplitude 0 is the ordinary run.
type randomWalk struct {
	r     rnd
	amp   float64 // 0–1: how far this run strays
	sigma float64 // spread of the log-normal noise on costs and durations
	// probabilities per decision
	preempt  float64 // preempt at a runtime call
	desched  float64 // deschedule the thread at a charge
	deschedN float64 // … for up to this long (ns)
	tie      float64 // break a tie at random
	rand     float64 // replace a cheaprand value
	race     bool    // randomizeScheduler's perturbations
	abstract float64 // abstract mode: pick any runnable goroutine
	left     int64   // descheduling time the run may still add (ns)
}

// maxDesched bounds the descheduling a run adds in all, so that a
// program's MaxTime a little above its ordinary duration (plus this) does
// not turn a perturbed run into a false livelock.
const maxDesched = 20e6

//go:norace
func (s *randomWalk) Name() string { return "random" }

//go:norace
func (s *randomWalk) Begin(seed uint64, info *Info) {
	s.r.seed(seed)
	r := &s.r
	// One run in eight is almost ordinary: small perturbations find the
	// bugs that need everything else to go as usual.
	s.amp = r.Float64()
	if r.IntN(8) == 0 {
		s.amp *= 0.1
	}
	s.sigma = s.amp * 0.8
	s.preempt, s.desched, s.tie, s.rand, s.abstract = 0, 0, 0, 0, 0
	if r.IntN(4) != 0 {
		s.preempt = s.amp * r.logUniform(0.005, 0.3)
	}
	if r.IntN(3) == 0 {
		s.desched = s.amp * r.logUniform(0.001, 0.05)
		s.deschedN = r.logUniform(10e3, 5e6) // 10 µs – 5 ms: a time slice or two
	}
	s.tie = s.amp
	if r.IntN(2) == 0 {
		s.rand = s.amp * 0.5
	}
	s.race = r.IntN(2) == 0
	s.left = maxDesched
	if info.Abstract {
		s.abstract = s.amp
	}
}

//go:norace
func (s *randomWalk) Choose(d *rt.Decision) int64 {
	r := &s.r
	switch d.Kind {
	case rt.ChoiceCost, rt.ChoiceDuration:
		v := r.jitter(d.Default, s.sigma)
		if s.left > 0 && r.chance(s.desched) {
			w := min(int64(r.logUniform(1e3, s.deschedN)), s.left)
			s.left -= w
			v += w
		}
		return v
	case rt.ChoicePreempt:
		if r.chance(s.preempt) {
			return 1
		}
	case rt.ChoiceRunnext:
		if s.race {
			return int64(r.IntN(2)) // runqput: if randn(2) == 0 { next = false }
		}
	case rt.ChoiceShuffle:
		if s.race {
			return int64(r.Int64N(d.N))
		}
	case rt.ChoiceTie, rt.ChoiceOrder:
		if r.chance(s.tie) {
			return int64(r.Int64N(d.N))
		}
	case rt.ChoiceRand:
		if r.chance(s.rand) {
			return int64(r.Int64N(d.N))
		}
	case rt.ChoiceRunnable:
		if r.chance(s.abstract) {
			return int64(r.Int64N(d.N))
		}
	}
	return d.Default
}

// describe says how a run was perturbed (for reports).
//
//go:norace
func (s *randomWalk) describe() string {
	return fmt.Sprintf("amplitude %.0f%%", s.amp*100)
}
