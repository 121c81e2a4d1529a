// Package gtab holds per-goroutine state for the observers, keyed by
// goroutine ID.
//
// A run creates goroutines with increasing IDs (Go's goidgen, handed out
// in per-P batches of 16) and most of them are short-lived: spawn100k
// creates 100,000 and has a few hundred alive at once. A map of pointers
// costs an allocation, a map insert and a delete per goroutine, and a map
// lookup per event. A Table keeps the values in pages of 64 indexed by ID
// — a lookup is two indexings — and recycles a page once its goroutines
// have ended and IDs have moved past it. Its directory of pages starts at
// the page of the oldest goroutine alive, so memory follows the
// goroutines alive (and the span of their IDs), not the goroutines ever
// created. IDs too large for a page index go to a map.
package gtab

import (
	"iter"
	"math/bits"
	"slices"
)

const (
	pageBits = 6
	pageSize = 1 << pageBits
	maxDense = 1 << 40 // IDs below this are paged
	maxFree  = 16      // recycled pages kept for reuse
)

// Table maps goroutine IDs to values of type T. The zero value is an
// empty table. A *T it returns stays valid until the ID is deleted.
type Table[T any] struct {
	pages []*page[T] // pages[i] holds IDs of page base+i
	base  int64
	top   int64      // the page of the highest ID added
	free  []*page[T] // recycled pages, cleared
	big   map[int64]*T
	n     int
}

type page[T any] struct {
	used uint64 // bit j: ID j of the page is in the table
	vals [pageSize]T
}

// Len returns the number of IDs in the table.
//
//go:norace
func (t *Table[T]) Len() int { return t.n }

// Get returns the value of id, or nil if id is not in the table.
//
//go:norace
func (t *Table[T]) Get(id int64) *T {
	if uint64(id) >= maxDense {
		return t.big[id]
	}
	i := id>>pageBits - t.base
	if uint64(i) >= uint64(len(t.pages)) {
		return nil
	}
	p := t.pages[i]
	j := id & (pageSize - 1)
	if p == nil || p.used&(1<<j) == 0 {
		return nil
	}
	return &p.vals[j]
}

// Add adds id with the zero value, or returns its value if it is there.
//
//go:norace
func (t *Table[T]) Add(id int64) *T {
	if uint64(id) >= maxDense {
		if v := t.big[id]; v != nil {
			return v
		}
		if t.big == nil {
			t.big = make(map[int64]*T)
		}
		v := new(T)
		t.big[id] = v
		t.n++
		return v
	}
	pi := id >> pageBits
	if len(t.pages) == 0 {
		t.base = pi
	}
	if pi < t.base {
		// An ID below the oldest page alive: extend the directory down.
		t.pages = slices.Insert(t.pages, 0, make([]*page[T], t.base-pi)...)
		t.base = pi
	}
	i := pi - t.base
	if i >= int64(len(t.pages)) {
		t.pages = append(t.pages, make([]*page[T], i+1-int64(len(t.pages)))...)
	}
	p := t.pages[i]
	if p == nil {
		if n := len(t.free); n > 0 {
			p = t.free[n-1]
			t.free = t.free[:n-1]
		} else {
			p = new(page[T])
		}
		t.pages[i] = p
	}
	t.top = max(t.top, pi)
	j := id & (pageSize - 1)
	if p.used&(1<<j) == 0 {
		p.used |= 1 << j
		t.n++
	}
	return &p.vals[j]
}

// Delete removes id.
//
//go:norace
func (t *Table[T]) Delete(id int64) {
	if uint64(id) >= maxDense {
		if _, ok := t.big[id]; ok {
			delete(t.big, id)
			t.n--
		}
		return
	}
	pi := id >> pageBits
	i := pi - t.base
	if uint64(i) >= uint64(len(t.pages)) || t.pages[i] == nil {
		return
	}
	p := t.pages[i]
	j := id & (pageSize - 1)
	if p.used&(1<<j) == 0 {
		return
	}
	p.used &^= 1 << j
	var zero T
	p.vals[j] = zero
	t.n--
	if p.used != 0 || pi >= t.top {
		// The page of the highest ID stays, or a program that creates and
		// ends one goroutine at a time would clear a page per goroutine.
		return
	}
	// IDs have moved on: recycle the page, and drop the directory's
	// empty head.
	t.pages[i] = nil
	if len(t.free) < maxFree {
		t.free = append(t.free, p)
	}
	for len(t.pages) > 0 && t.pages[0] == nil {
		t.pages = t.pages[1:]
		t.base++
	}
}

// All returns the IDs and values: those below 1<<40 in increasing order,
// then the others in increasing order.
//
//go:norace
func (t *Table[T]) All() iter.Seq2[int64, *T] {
	return func(yield func(int64, *T) bool) {
		for i, p := range t.pages {
			if p == nil {
				continue
			}
			for u := p.used; u != 0; u &= u - 1 {
				j := bits.TrailingZeros64(u)
				if !yield((t.base+int64(i))<<pageBits|int64(j), &p.vals[j]) {
					return
				}
			}
		}
		if len(t.big) == 0 {
			return
		}
		ids := make([]int64, 0, len(t.big))
		for id := range t.big {
			ids = append(ids, id)
		}
		slices.Sort(ids)
		for _, id := range ids {
			if !yield(id, t.big[id]) {
				return
			}
		}
	}
}
