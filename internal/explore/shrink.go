package explore

import (
	"slices"
	"time"

	"github.com/gmplab/gmp/internal/rt"
)

// Shrinking cuts a failing schedule down to the few decisions that make
// it fail, the way Go's fuzzer minimises a crashing input
// (internal/fuzz/minimize.go: cut the tail in halves, then remove each
// byte, then simplify the bytes that stay): first take every small
// perturbation of a cost or a duration back (zero jitter), then delete
// deviations in halves, quarters … and singly, then move each value that
// stays toward its default. A candidate is kept only if its run fails
// with the same signature; the run's own record of what it deviated in
// replaces the candidate, so deviations that no longer meet their
// decision drop out by themselves. Candidates replay by key (goroutine,
// kind, site, and how many such decisions came before), so that removing
// one deviation leaves the others on their decisions.

// shrinker holds a shrinking in progress.
type shrinker struct {
	r        *runner
	sig      string
	devs     []Deviation // the smallest failing schedule so far, with keys
	sum      uint64      // its checksum
	ndec     int64
	runs     int // candidates run
	maxRuns  int
	deadline time.Time
}

// shrink returns the smallest schedule it finds that fails like devs
// (whose deviations have keys), with its checksum and decision count.
//
//go:norace
func (r *runner) shrink(devs []Deviation, sig string, sum uint64, ndec int64) (out []Deviation, outSum uint64, outDec int64, runs int) {
	s := &shrinker{r: r, sig: sig, devs: devs, sum: sum, ndec: ndec, maxRuns: r.o.ShrinkRuns}
	if s.maxRuns <= 0 {
		s.maxRuns = 5000
	}
	if r.o.ShrinkTime > 0 {
		s.deadline = time.Now().Add(r.o.ShrinkTime)
	}
	s.run()
	return s.devs, s.sum, s.ndec, s.runs
}

//go:norace
func (s *shrinker) stop() bool {
	return s.runs >= s.maxRuns || !s.deadline.IsZero() && time.Now().After(s.deadline)
}

// try runs cand and keeps it if it fails the same way.
//
//go:norace
func (s *shrinker) try(cand []Deviation) bool {
	if s.stop() {
		return false
	}
	s.runs++
	k, out, rec, _ := s.r.replayRun(cand, true, false, nil)
	if k == Pass || signature(k, out) != s.sig {
		return false
	}
	s.devs = slices.Clone(rec.Deviations())
	s.sum, s.ndec = rec.Sum(), rec.Decisions()
	return true
}

//go:norace
func (s *shrinker) run() {
	// Zero jitter: the small perturbations of costs and durations go;
	// the large ones (a descheduled thread, a hold) stay for now.
	s.try(slices.DeleteFunc(slices.Clone(s.devs), func(d Deviation) bool { return isJitter(&d) }))
	// Then all of them.
	s.try(slices.DeleteFunc(slices.Clone(s.devs), func(d Deviation) bool {
		return d.Kind == rt.ChoiceCost || d.Kind == rt.ChoiceDuration
	}))
	// Delete chunks, halving their size; the last pass removes single
	// deviations.
	for n := len(s.devs) / 2; n >= 1 && !s.stop(); n /= 2 {
		for i := 0; i+n <= len(s.devs) && !s.stop(); {
			cand := slices.Concat(s.devs[:i], s.devs[i+n:])
			if !s.try(cand) {
				i += n
			}
		}
	}
	for i := 0; i < len(s.devs) && !s.stop(); {
		if s.try(slices.Delete(slices.Clone(s.devs), i, i+1)) {
			continue
		}
		i++
	}
	// Move the values that stay toward the default: halve the excess
	// of a cost or a duration while it still fails.
	for i := 0; i < len(s.devs) && !s.stop(); i++ {
		d := s.devs[i]
		if d.Kind != rt.ChoiceCost && d.Kind != rt.ChoiceDuration {
			continue
		}
		lo, hi := d.Default, d.Value // fails at hi; try values toward lo
		for range 12 {
			if hi-lo <= max(1, abs(d.Default)/16) || s.stop() {
				break
			}
			mid := lo + (hi-lo)/2
			cand := slices.Clone(s.devs)
			j := indexOfKey(cand, keyOf(&d))
			if j < 0 {
				break
			}
			cand[j].Value = mid
			if s.try(cand) {
				hi = mid
				if j = indexOfKey(s.devs, keyOf(&d)); j < 0 {
					break
				}
			} else {
				lo = mid
			}
		}
	}
}

// isJitter reports whether d is a small perturbation of a cost or
// duration: at most a factor of four, or under a microsecond.
//
//go:norace
func isJitter(d *Deviation) bool {
	if d.Kind != rt.ChoiceCost && d.Kind != rt.ChoiceDuration {
		return false
	}
	extra := abs(d.Value - d.Default)
	return extra < 1000 || d.Value <= 4*d.Default && d.Value*4 >= d.Default
}

//go:norace
func indexOfKey(devs []Deviation, k key) int {
	for i := range devs {
		if keyOf(&devs[i]) == k {
			return i
		}
	}
	return -1
}

//go:norace
func abs(x int64) int64 {
	if x < 0 {
		return -x
	}
	return x
}
