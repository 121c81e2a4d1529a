package explore

import (
	"fmt"
	"hash/fnv"
	"math"
	"math/bits"
	"math/rand/v2"
	"strings"

	"github.com/gmplab/gmp/internal/rt"
	"github.com/gmplab/gmp/observe"
)

// A Strategy decides, run after run, how the runtime's nondeterministic
// decisions go. One value serves many runs: Begin prepares each, from a
// seed that is a pure function of (base seed, test, strategy, index), so
// that any run can be repeated alone, in any process.
type Strategy interface {
	// Name is the strategy's name with its parameters ("pct(d=2)").
	Name() string
	// Begin prepares a run.
	Begin(seed uint64, info *Info)
	// Choose takes one decision of the run (see rt.Chooser).
	Choose(d *rt.Decision) int64
}

// label names the strategy of a run, with what it drew for the run
// ("random (amplitude 37%)").
//
//go:norace
func label(s Strategy) string {
	if d, ok := s.(interface{ describe() string }); ok {
		return s.Name() + " (" + d.describe() + ")"
	}
	return s.Name()
}

// observing is a Strategy that watches the run's events too (PCT follows
// which goroutines are runnable).
type observing interface {
	Observer() observe.Observer
}

// Info is what the explorer learned about the program before exploring,
// from its default run: what strategies size their choices on.
type Info struct {
	Abstract bool  // abstract mode: ChoiceRunnable decisions are asked
	Steps    int64 // preemption decisions of the default run (PCT's k)
	// Base is what pair reordering replays and perturbs: a run's
	// operations on channels and sync objects, in order.
	Base func(seed uint64) []opEvent

	index int64                             // the run's index
	seed  func(name string, i int64) uint64 // seedOf for this exploration
}

// StrategyNames are the names -gmp.strategy accepts.
var StrategyNames = []string{"portfolio", "random", "pct", "pct1", "pct2", "pct3", "select", "pairs", "ordinary"}

// NewStrategy returns the strategy called name.
//
//go:norace
func NewStrategy(name string) (Strategy, error) {
	switch name {
	case "", "portfolio":
		return newPortfolio(), nil
	case "random":
		return &randomWalk{}, nil
	case "pct":
		return &pct{}, nil
	case "pct1", "pct2", "pct3":
		return &pct{depth: int(name[3] - '0')}, nil
	case "select":
		return &selectPriority{}, nil
	case "pairs":
		return &pairs{}, nil
	case "ordinary":
		return ordinary{}, nil
	}
	return nil, fmt.Errorf("unknown strategy %q: want one of %s", name, strings.Join(StrategyNames, ", "))
}

// seedOf is the seed of run index of strategy under base for test: a
// pure function, so shards and workers agree without talking.
//
//go:norace
func seedOf(base uint64, test, strategy string, index int64) uint64 {
	h := fnv.New64a()
	fmt.Fprintf(h, "%d\x00%s\x00%s\x00%d", base, test, strategy, index)
	return splitmix(h.Sum64())
}

//go:norace
func splitmix(x uint64) uint64 {
	x += 0x9e3779b97f4a7c15
	x = (x ^ x>>30) * 0xbf58476d1ce4e5b9
	x = (x ^ x>>27) * 0x94d049bb133111eb
	return x ^ x>>31
}

// wyrand is the strategies' generator (the one runtime.cheaprand uses):
// tiny state, so a strategy reseeds it for every run for free.
type wyrand struct{ s uint64 }

//go:norace
func (r *wyrand) Uint64() uint64 {
	r.s += 0xa0761d6478bd642f
	hi, lo := bits.Mul64(r.s, r.s^0xe7037ed1a0b428db)
	return hi ^ lo
}

// rnd wraps a wyrand in math/rand/v2 for its distributions.
type rnd struct {
	src wyrand
	*rand.Rand
}

//go:norace
func (r *rnd) seed(s uint64) {
	r.src.s = s
	if r.Rand == nil {
		r.Rand = rand.New(&r.src)
	}
}

// chance reports true with probability p.
//
//go:norace
func (r *rnd) chance(p float64) bool { return p > 0 && r.Float64() < p }

// logUniform draws from [lo, hi] with a uniform logarithm: as likely
// to be 10–100 µs as 1–10 ms.
//
//go:norace
func (r *rnd) logUniform(lo, hi float64) float64 {
	return lo * math.Exp(r.Float64()*math.Log(hi/lo))
}

// jitter multiplies d by log-normal noise of spread sigma (σ of the
// logarithm): the shape of real latencies, never negative, with a tail.
// It is asked a hundred times a run, on the deciding goroutine's small
// stack, so it avoids math's calls: the normal deviate is the sum of four
// uniforms (Irwin–Hall, scaled to unit variance: within 1% of a normal's
// quantiles up to 2.5σ, with no tail past 3.5σ), and exp is exp2 built
// from the float's bits.
//
//go:norace
func (r *rnd) jitter(d int64, sigma float64) int64 {
	if d <= 0 || sigma == 0 {
		return d
	}
	u := r.src.Uint64()
	z := float64(u&0xffff+u>>16&0xffff+u>>32&0xffff+u>>48) / 65536 // sum of 4 uniforms: mean 2, variance 1/3
	z = (z - 2) * 1.7320508075688772                               // unit variance
	v := float64(d) * exp2(sigma*z*math.Log2E)
	if v > 1e15 {
		v = 1e15
	}
	return int64(v)
}

// exp2 is 2^x for |x| < 1000, to about 0.1%: the integer part goes into
// the exponent bits, the fraction through a cubic.
//
//go:norace
func exp2(x float64) float64 {
	i := math.Floor(x)
	f := x - i
	p := 1 + f*(0.6951786+f*(0.2261681+f*0.0786533)) // 2^f on [0, 1)
	return math.Float64frombits(math.Float64bits(p) + uint64(int64(i))<<52)
}

// holds delays goroutines at runtime calls. A strategy that wants G to
// wait before an operation answers G's preemption decision there (to let
// its P run something else) and adds the wait to the next cost G is
// charged — the operation's own, charged before its effect: to the rest of
// the program G's thread was descheduled by the OS for that long, which
// any real machine can do.
type holds struct {
	gs []int64
	ds []int64
}

//go:norace
func (h *holds) reset() { h.gs, h.ds = h.gs[:0], h.ds[:0] }

// add makes G wait d at its next charge.
//
//go:norace
func (h *holds) add(g, d int64) {
	for i, x := range h.gs {
		if x == g {
			h.ds[i] += d
			return
		}
	}
	h.gs = append(h.gs, g)
	h.ds = append(h.ds, d)
}

// take returns and clears the wait pending for the decision's goroutine,
// if it is a charge of that goroutine.
//
//go:norace
func (h *holds) take(d *rt.Decision) int64 {
	if len(h.gs) == 0 || d.G == 0 || d.Kind != rt.ChoiceCost && d.Kind != rt.ChoiceDuration {
		return 0
	}
	for i, x := range h.gs {
		if x == d.G {
			w := h.ds[i]
			last := len(h.gs) - 1
			h.gs[i], h.ds[i] = h.gs[last], h.ds[last]
			h.gs, h.ds = h.gs[:last], h.ds[:last]
			return w
		}
	}
	return 0
}

// opEvent is one operation of a run on a channel or sync object, as its
// preemption decision announced it.
type opEvent struct {
	G   int64
	Op  rt.Op
	Obj int64
	Nth int64 // the how-many-th operation of G on Obj (1-based)
}

// ordinary takes every default: each run is the ordinary run (what plain
// go test runs, once).
type ordinary struct{}

//go:norace
func (ordinary) Name() string { return "ordinary" }

//go:norace
func (ordinary) Begin(uint64, *Info) {}

//go:norace
func (ordinary) Choose(d *rt.Decision) int64 { return d.Default }
