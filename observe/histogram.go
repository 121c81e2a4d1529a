package observe

import (
	"iter"
	"math/bits"
)

// Histogram is a log-linear histogram of non-negative int64 values (the
// scheduling latencies of gmp.Stats, in ns; or any latency or size a program
// records). Values below 128 have a bucket each; above, each power of two is
// split into 128 buckets, so a quantile is within 1/128 (0.8%) of the true
// value. Count, Sum, Min and Max are exact. The zero value is an empty
// histogram. A Histogram is not safe for use by several host goroutines at
// once (simulated goroutines run one at a time, so they may share one).
type Histogram struct {
	count int64
	sum   int64
	min   int64
	max   int64
	// groups holds the buckets 128 (one power of two) at a time, each
	// allocated when a value first falls in it: a run's latencies span a
	// few powers of two, and a run must not pay for the others.
	groups [64]*[1 << histSub]int64
}

// Bucket is one bucket of a Histogram: Count values fell in [Lo, Hi).
type Bucket struct {
	// Lo is the smallest value the bucket holds.
	Lo int64
	// Hi is the smallest value above the bucket.
	Hi int64
	// Count is the number of values recorded in it.
	Count int64
}

// histSub is the resolution: 2^histSub buckets per power of two.
const histSub = 7

//go:norace
func histIndex(v int64) int {
	if v < 1<<histSub {
		return int(v)
	}
	e := bits.Len64(uint64(v)) - 1 // v in [2^e, 2^(e+1))
	sub := int(uint64(v)>>(e-histSub)) & (1<<histSub - 1)
	return (e-histSub+1)<<histSub + sub
}

// histLower returns the smallest value in bucket i.
//
//go:norace
func histLower(i int) int64 {
	if i < 1<<histSub {
		return int64(i)
	}
	e := i>>histSub + histSub - 1
	sub := int64(i & (1<<histSub - 1))
	return (1<<histSub + sub) << (e - histSub)
}

// Record adds v to h. A negative v counts as 0.
//
//go:norace
func (h *Histogram) Record(v int64) {
	if v < 0 {
		v = 0
	}
	i := histIndex(v)
	g := h.groups[i>>histSub]
	if g == nil {
		g = h.newGroup(i >> histSub)
	}
	g[i&(1<<histSub-1)]++
	if h.count == 0 || v < h.min {
		h.min = v
	}
	h.count++
	h.sum += v
	h.max = max(h.max, v)
}

// newGroup allocates the buckets of power of two k. It is not inlined:
// Record runs on simulated goroutines' stacks, which must stay small.
//
//go:noinline
//go:norace
func (h *Histogram) newGroup(k int) *[1 << histSub]int64 {
	g := new([1 << histSub]int64)
	h.groups[k] = g
	return g
}

// Merge adds every value recorded in o to h.
//
//go:norace
func (h *Histogram) Merge(o *Histogram) {
	if o.count == 0 {
		return
	}
	for gi, og := range o.groups {
		if og == nil {
			continue
		}
		g := h.groups[gi]
		if g == nil {
			g = new([1 << histSub]int64)
			h.groups[gi] = g
		}
		for j, c := range og {
			g[j] += c
		}
	}
	if h.count == 0 || o.min < h.min {
		h.min = o.min
	}
	h.count += o.count
	h.sum += o.sum
	h.max = max(h.max, o.max)
}

// Count returns the number of values recorded.
//
//go:norace
func (h *Histogram) Count() int64 { return h.count }

// Sum returns the sum of the values recorded.
//
//go:norace
func (h *Histogram) Sum() int64 { return h.sum }

// Min returns the smallest value recorded, 0 if none was.
//
//go:norace
func (h *Histogram) Min() int64 { return h.min }

// Max returns the largest value recorded, 0 if none was.
//
//go:norace
func (h *Histogram) Max() int64 { return h.max }

// Mean returns the mean of the values recorded, 0 if none was.
//
//go:norace
func (h *Histogram) Mean() float64 {
	if h.count == 0 {
		return 0
	}
	return float64(h.sum) / float64(h.count)
}

// Quantile returns an estimate of the q-quantile (0 ≤ q ≤ 1) by nearest
// rank: the lower bound of the bucket that holds the value of rank
// ⌊q·(Count−1)⌋+1, clamped to [Min, Max]. Quantile(0) is Min and Quantile(1)
// is Max, exactly; an empty histogram returns 0.
//
//go:norace
func (h *Histogram) Quantile(q float64) int64 {
	if h.count == 0 {
		return 0
	}
	if q <= 0 {
		return h.min
	}
	if q >= 1 {
		return h.max
	}
	rank := int64(q*float64(h.count-1)) + 1
	var seen int64
	for gi, g := range h.groups {
		if g == nil {
			continue
		}
		for j, c := range g {
			seen += c
			if seen >= rank {
				return min(max(histLower(gi<<histSub+j), h.min), h.max)
			}
		}
	}
	return h.max
}

// Buckets returns the non-empty buckets in increasing order.
//
//go:norace
func (h *Histogram) Buckets() iter.Seq[Bucket] {
	return func(yield func(Bucket) bool) {
		for gi, g := range h.groups {
			if g == nil {
				continue
			}
			for j, c := range g {
				i := gi<<histSub + j
				if c != 0 && !yield(Bucket{Lo: histLower(i), Hi: histLower(i + 1), Count: c}) {
					return
				}
			}
		}
	}
}

// Clone returns a copy of h that shares nothing with it.
//
//go:norace
func (h *Histogram) Clone() *Histogram {
	c := *h
	for i, g := range h.groups {
		if g != nil {
			cg := *g
			c.groups[i] = &cg
		}
	}
	return &c
}
