package explore

import (
	"math/bits"
	"slices"

	"github.com/gmplab/gmp/internal/rt"
)

// A Deviation is one decision a run took differently from an ordinary
// run: the sparse list of them, with the run's Config, is the schedule —
// what a failure file stores, replay re-applies and shrinking cuts down.
type Deviation struct {
	Index   int64         // the decision's index in the run (rt.Decision.Index)
	Kind    rt.ChoiceKind // what was decided
	Site    rt.Site       // where
	G       int64         // the goroutine concerned (0: a thread, or none)
	Nth     int64         // 1-based: the how-many-th decision of (G, Kind, Site) it was; 0 if unknown
	N       int64         // the number of options (0: a duration)
	Default int64         // what an ordinary run takes
	Value   int64         // what this run took
	Time    int64         // virtual time, ns
	M       int64         // the deciding thread
	Op      rt.Op         // for a preemption: what G was about to do
	Obj     int64         // … and to which object
	Gs      []int64       // for a tie or abstract mode's pick: the goroutines of the options
	// Where is where G was, as the narrator found it ("worker.go:42"),
	// when the deviation's goroutine was the one deciding; "" otherwise.
	Where string
}

// key identifies a decision independently of its index: the how-many-th
// decision of its kind and site that its goroutine asked. Deleting an
// earlier deviation shifts every later index, but leaves most keys where
// they were, so the shrinker matches deviations by key.
type key struct {
	gks
	nth int64
}

// gks is a goroutine with a kind and a site: what Nth counts.
type gks struct {
	g  int64
	ks uint16 // kind<<8 | site
}

//go:norace
func gksOf(g int64, k rt.ChoiceKind, s rt.Site) gks {
	return gks{g: g, ks: uint16(k)<<8 | uint16(s)}
}

//go:norace
func keyOf(d *Deviation) key {
	return key{gks: gksOf(d.G, d.Kind, d.Site), nth: d.Nth}
}

// hashing: the checksum of a run is a rolling hash over every decision
// (kind, site, goroutine, default, value, virtual time) — what the
// simulation asked and answered, in order. Two runs of a deterministic
// program under the same schedule have the same checksum; a program whose
// behaviour depends on anything else (map order, the wall clock, host
// goroutines, state left by an earlier run) asks different questions, and
// the checksums part at the first one.

const (
	hashInit = 0x9e3779b97f4a7c15
	hashMul  = 0xbf58476d1ce4e5b9
)

// mix folds x into h.
//
//go:norace
func mix(h, x uint64) uint64 {
	h ^= x
	h *= hashMul
	return bits.RotateLeft64(h, 29)
}

// decisionHash folds one decision and the value taken into h.
//
//go:norace
func decisionHash(h uint64, d *rt.Decision, v int64) uint64 {
	h = mix(h, uint64(d.Kind)|uint64(d.Site)<<8|uint64(d.Op)<<16|uint64(d.G)<<24)
	h = mix(h, uint64(d.Default))
	h = mix(h, uint64(v)^uint64(d.Time)<<1)
	return h
}

// A Recorder is the Chooser the explorer installs: it asks a strategy for
// each decision and keeps the run's checksum and its deviations from the
// default. Choose runs on the simulated goroutine that decides, and must
// be cheap: an ordinary explored run asks a hundred or so decisions.
type Recorder struct {
	strategy   Chooser
	hash       uint64
	decisions  int64
	devs       []Deviation
	keepDevs   bool // record deviations (off only for throughput checks)
	limitDevs  int  // stop recording past this many (a runaway run); 0: no limit
	overflowed bool // more deviations than limitDevs
	countNth   bool // fill Deviation.Nth (needs a count per key)
	nth        map[gks]int64
	narrate    *narrator // if set, deviations get a Where
	preempts   int64     // preemption decisions asked (PCT's step count)
	// order hashes the run's interleaving: which goroutine reached
	// which runtime call (a preemption decision), in order — what a
	// different schedule changes, unlike the checksum, which every
	// jittered cost changes too.
	order uint64
}

// A Chooser is a strategy's side of a decision; see Strategy.
type Chooser interface {
	Choose(d *rt.Decision) int64
}

// defaultChooser takes every default.
type defaultChooser struct{}

//go:norace
func (defaultChooser) Choose(d *rt.Decision) int64 { return d.Default }

// reset prepares r for a run steered by s.
//
//go:norace
func (r *Recorder) reset(s Chooser) {
	r.strategy = s
	r.hash = hashInit
	r.decisions = 0
	r.devs = r.devs[:0]
	r.keepDevs = true
	r.overflowed = false
	r.preempts = 0
	r.order = hashInit
	if r.countNth {
		clear(r.nth)
	}
}

// Choose implements rt.Chooser. It runs on the deciding goroutine's
// stack, which starts small: a big frame here would make every new
// goroutine's stack grow (a copy of a few µs), so the rare paths are
// functions of their own.
//
//go:norace
func (r *Recorder) Choose(d *rt.Decision) int64 {
	v := r.strategy.Choose(d)
	if d.N > 0 && (v < 0 || v >= d.N) || v < 0 {
		// A strategy's bug must not become the program's: clamp.
		v = d.Default
	}
	r.hash = decisionHash(r.hash, d, v)
	r.decisions++
	if d.Kind == rt.ChoicePreempt {
		r.preempts++
		r.order = mix(r.order, uint64(d.G)<<8|uint64(d.Op))
	}
	if r.countNth || v != d.Default {
		r.record(d, v)
	}
	return v
}

// record counts the decision per key and records it if it deviates.
//
//go:noinline
//go:norace
func (r *Recorder) record(d *rt.Decision, v int64) {
	var nth int64
	if r.countNth {
		k := gksOf(d.G, d.Kind, d.Site)
		nth = r.nth[k] + 1
		r.nth[k] = nth
	}
	if v != d.Default && r.keepDevs {
		if r.limitDevs > 0 && len(r.devs) >= r.limitDevs {
			r.overflowed = true
			return
		}
		// Filled in place: a Deviation literal would be a temporary on
		// this small stack.
		r.devs = slices.Grow(r.devs, 1)[:len(r.devs)+1]
		dev := &r.devs[len(r.devs)-1]
		dev.Index, dev.Kind, dev.Site, dev.G, dev.Nth, dev.N = d.Index, d.Kind, d.Site, d.G, nth, d.N
		dev.Default, dev.Value, dev.Time, dev.M, dev.Op, dev.Obj = d.Default, v, d.Time, d.M, d.Op, d.Obj
		dev.Gs, dev.Where = nil, ""
		if len(d.Gs) > 0 && (d.Kind == rt.ChoiceTie || d.Kind == rt.ChoiceRunnable) {
			dev.Gs = append([]int64(nil), d.Gs...)
		}
		if r.narrate != nil {
			dev.Where = r.narrate.where(d)
		}
	}
}

// Order returns the hash of the run's interleaving.
//
//go:norace
func (r *Recorder) Order() uint64 { return r.order }

// Sum returns the run's checksum.
//
//go:norace
func (r *Recorder) Sum() uint64 { return r.hash }

// Deviations returns the run's deviations (valid until the next run).
//
//go:norace
func (r *Recorder) Deviations() []Deviation { return r.devs }

// Decisions returns how many decisions the run asked.
//
//go:norace
func (r *Recorder) Decisions() int64 { return r.decisions }

// withNth makes r number each decision per (G, Kind, Site), for
// deviations that replay by key.
//
//go:norace
func (r *Recorder) withNth() *Recorder {
	r.countNth = true
	if r.nth == nil {
		r.nth = make(map[gks]int64)
	}
	return r
}

// A replayer steers a run back along a recorded list of deviations,
// taking the default everywhere else. byKey matches each deviation by
// (G, Kind, Site, Nth) — robust to the shifts of indices that removing
// another deviation causes (the shrinker's mode); otherwise by index,
// checking kind, site and goroutine, which is exact for an unchanged
// program. Where a recorded deviation does not fit the decision asked
// (another kind, or a value outside its options), the replayer takes the
// default and notes the first such divergence.
type replayer struct {
	devs  []Deviation
	byKey bool
	next  int           // by index: the next deviation to meet
	keyed map[key]int32 // by key: the deviation to apply
	nth   map[gks]int64

	applied   int
	diverged  bool
	divergeAt int64  // the decision index of the first divergence
	divergeAs string // what was expected there
	shift     bool   // a deviation met by key at another index than recorded
}

//go:norace
func newReplayer(devs []Deviation, byKey bool) *replayer {
	p := &replayer{devs: devs, byKey: byKey, divergeAt: -1}
	if byKey {
		p.keyed = make(map[key]int32, len(devs))
		p.nth = make(map[gks]int64)
		for i := range devs {
			p.keyed[keyOf(&devs[i])] = int32(i)
		}
	}
	return p
}

//go:norace
func (p *replayer) Choose(d *rt.Decision) int64 {
	if p.byKey {
		k := gksOf(d.G, d.Kind, d.Site)
		n := p.nth[k] + 1
		p.nth[k] = n
		idx, ok := p.keyed[key{gks: k, nth: n}]
		if !ok {
			return d.Default
		}
		dev := &p.devs[idx]
		if !fits(dev, d) {
			p.noteDivergence(d, dev)
			return d.Default
		}
		if dev.Index != d.Index {
			p.shift = true
		}
		p.applied++
		return dev.Value
	}
	for p.next < len(p.devs) && p.devs[p.next].Index < d.Index {
		p.next++ // passed without being asked: the run has diverged
		if !p.diverged {
			p.noteDivergence(d, &p.devs[p.next-1])
		}
	}
	if p.next >= len(p.devs) || p.devs[p.next].Index != d.Index {
		return d.Default
	}
	dev := &p.devs[p.next]
	p.next++
	if dev.Kind != d.Kind || dev.Site != d.Site || dev.G != d.G || !fits(dev, d) {
		p.noteDivergence(d, dev)
		return d.Default
	}
	p.applied++
	return dev.Value
}

// fits reports whether dev's value is an option of d.
//
//go:norace
func fits(dev *Deviation, d *rt.Decision) bool {
	if dev.Kind != d.Kind {
		return false
	}
	if d.N > 0 {
		return dev.Value >= 0 && dev.Value < d.N
	}
	return dev.Value >= 0
}

//go:norace
func (p *replayer) noteDivergence(d *rt.Decision, dev *Deviation) {
	if p.diverged {
		return
	}
	p.diverged = true
	p.divergeAt = d.Index
	p.divergeAs = sentenceShort(dev) + "; the run asked " + decisionShort(d)
}
