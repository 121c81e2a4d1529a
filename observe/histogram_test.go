package observe_test

import (
	"math/rand/v2"
	"slices"
	"testing"

	"github.com/gmplab/gmp/observe"
)

// TestHistogram checks a Histogram against the exact order statistics of
// what it recorded: Count, Sum, Min and Max exactly, every quantile within
// the promised relative error (1/128) below the true nearest-rank value,
// the buckets contiguous and summing to Count.
func TestHistogram(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	for _, gen := range []struct {
		name string
		f    func() int64
	}{
		{"small", func() int64 { return r.Int64N(200) }},
		{"log-uniform", func() int64 { return int64(1) << r.IntN(40) * (1 + r.Int64N(1000)) / 1000 }},
		{"latencies", func() int64 { return 1000 + int64(r.ExpFloat64()*50_000) }},
	} {
		t.Run(gen.name, func(t *testing.T) {
			var h observe.Histogram
			var vals []int64
			var sum int64
			for range 10_000 {
				v := gen.f()
				vals = append(vals, v)
				sum += v
				h.Record(v)
			}
			slices.Sort(vals)
			if h.Count() != int64(len(vals)) || h.Sum() != sum || h.Min() != vals[0] || h.Max() != vals[len(vals)-1] {
				t.Fatalf("count %d sum %d min %d max %d; want %d %d %d %d", h.Count(), h.Sum(), h.Min(), h.Max(), len(vals), sum, vals[0], vals[len(vals)-1])
			}
			for _, q := range []float64{0, 0.01, 0.25, 0.5, 0.9, 0.99, 0.999, 1} {
				exact := vals[int(q*float64(len(vals)-1))]
				got := h.Quantile(q)
				if got > exact || float64(exact-got) > float64(exact)/128 {
					t.Errorf("Quantile(%v) = %d, exact %d", q, got, exact)
				}
			}
			var n, lastHi int64 = 0, -1
			for b := range h.Buckets() {
				if b.Lo >= b.Hi || b.Lo < lastHi || b.Count <= 0 {
					t.Fatalf("bucket %+v after one ending at %d", b, lastHi)
				}
				lastHi = b.Hi
				n += b.Count
			}
			if n != h.Count() {
				t.Errorf("buckets hold %d values, Count is %d", n, h.Count())
			}
		})
	}
}

// TestHistogramMerge: merging two histograms is recording both streams in
// one; a clone is independent of its original.
func TestHistogramMerge(t *testing.T) {
	var a, b, all observe.Histogram
	for i := range int64(5000) {
		v := i * i % 100_003
		if i%3 == 0 {
			a.Record(v)
		} else {
			b.Record(v * 1000)
			v *= 1000
		}
		all.Record(v)
	}
	c := a.Clone()
	c.Merge(&b)
	if c.Count() != all.Count() || c.Sum() != all.Sum() || c.Min() != all.Min() || c.Max() != all.Max() ||
		!slices.Equal(slices.Collect(c.Buckets()), slices.Collect(all.Buckets())) {
		t.Errorf("merged %d/%d/%d/%d, recorded %d/%d/%d/%d", c.Count(), c.Sum(), c.Min(), c.Max(), all.Count(), all.Sum(), all.Min(), all.Max())
	}
	if a.Count() == c.Count() {
		t.Error("Merge into a clone changed the original")
	}
	var empty observe.Histogram
	if empty.Quantile(0.5) != 0 || empty.Mean() != 0 || empty.Min() != 0 {
		t.Error("an empty histogram is not all zeros")
	}
	empty.Record(-5)
	if empty.Min() != 0 || empty.Max() != 0 || empty.Count() != 1 {
		t.Errorf("a negative value: min %d max %d count %d", empty.Min(), empty.Max(), empty.Count())
	}
}

// TestKinds: every kind has its own name, KindSet holds what it is given,
// and AllKinds holds every kind.
func TestKinds(t *testing.T) {
	all := observe.AllKinds.Kinds()
	if len(all) != int(observe.UserRegionEnd) {
		t.Fatalf("AllKinds has %d kinds, the last kind is %d", len(all), observe.UserRegionEnd)
	}
	names := map[string]bool{}
	for i, k := range all {
		if k != observe.Kind(i+1) {
			t.Fatalf("AllKinds.Kinds()[%d] = %d", i, k)
		}
		if n := k.String(); n == "" || names[n] || n[0] < 'A' || n[0] > 'Z' {
			t.Errorf("kind %d is named %q", k, n)
		}
		names[k.String()] = true
	}
	s := observe.KindsOf(observe.GoBlock, observe.GoUnblock, observe.Kind(0), observe.Kind(200))
	if !s.Has(observe.GoBlock) || !s.Has(observe.GoUnblock) || s.Has(observe.GoStart) || s.Has(observe.Kind(200)) ||
		s.String() != "{GoBlock GoUnblock}" {
		t.Errorf("KindsOf(GoBlock, GoUnblock, 0, 200) = %v (%#x)", s, uint64(s))
	}
	if got := observe.GoSyscallEndBlocked.String(); got != "GoSyscallEndBlocked" {
		t.Errorf("GoSyscallEndBlocked.String() = %q", got)
	}
	if got := observe.Kind(250).String(); got != "Kind(250)" {
		t.Errorf("Kind(250).String() = %q", got)
	}
}
