// Package gtab holds per-goroutine state for the observers, keyed by
// goroutine ID.
//
// A run creates goroutines with increasing IDs (Go's goidgen, handed out
// in per-P batches) and most of them are short-lived: spawn100k creates
// 100,000 and has a few hundred alive at once. A map of pointers costs an
// allocation and a map insert and delete per goroutine; a Table keeps the
// values in pages of 1024 indexed by ID, and recycles a page once its
// goroutines have ended and IDs have moved past it, so its memory follows
// the goroutines alive, not the goroutines ever created. IDs too large
// for a page index go to a map.
package gtab

import (
	"iter"
	"slices"
)

const (
	pageBits = 10
	pageSize = 1 << pageBits
	maxDense = 1 << 32 // IDs below this are paged
)

// Table maps goroutine IDs to values of type T. The zero value is an
// empty table. A *T it returns stays valid until the ID is deleted.
type Table[T any] struct {
	pages []*page[T]
	free  []*page[T] // recycled pages, cleared
	top   int64      // the page of the highest ID added
	big   map[int64]*T
	n     int
}

type page[T any] struct {
	live int
	used [pageSize / 64]uint64
	vals [pageSize]T
}

// Len returns the number of IDs in the table.
func (t *Table[T]) Len() int { return t.n }

// Get returns the value of id, or nil if id is not in the table.
func (t *Table[T]) Get(id int64) *T {
	if uint64(id) >= maxDense {
		return t.big[id]
	}
	i := id >> pageBits
	if i >= int64(len(t.pages)) {
		return nil
	}
	p := t.pages[i]
	if p == nil {
		return nil
	}
	j := id & (pageSize - 1)
	if p.used[j>>6]&(1<<(j&63)) == 0 {
		return nil
	}
	return &p.vals[j]
}

// Add adds id with the zero value, or returns its value if it is there.
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
	i := id >> pageBits
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
	t.top = max(t.top, i)
	j := id & (pageSize - 1)
	if p.used[j>>6]&(1<<(j&63)) == 0 {
		p.used[j>>6] |= 1 << (j & 63)
		p.live++
		t.n++
	}
	return &p.vals[j]
}

// Delete removes id.
func (t *Table[T]) Delete(id int64) {
	if uint64(id) >= maxDense {
		if _, ok := t.big[id]; ok {
			delete(t.big, id)
			t.n--
		}
		return
	}
	i := id >> pageBits
	if i >= int64(len(t.pages)) || t.pages[i] == nil {
		return
	}
	p := t.pages[i]
	j := id & (pageSize - 1)
	if p.used[j>>6]&(1<<(j&63)) == 0 {
		return
	}
	p.used[j>>6] &^= 1 << (j & 63)
	var zero T
	p.vals[j] = zero
	p.live--
	t.n--
	if p.live == 0 && i < t.top {
		// IDs have moved on: recycle the page. (The page of the highest
		// ID stays, or a program that creates and ends one goroutine at a
		// time would clear a page per goroutine.)
		t.pages[i] = nil
		*p = page[T]{}
		t.free = append(t.free, p)
	}
}

// All returns the IDs and values: those below 1<<32 in increasing order,
// then the others in increasing order.
func (t *Table[T]) All() iter.Seq2[int64, *T] {
	return func(yield func(int64, *T) bool) {
		for i, p := range t.pages {
			if p == nil {
				continue
			}
			for j := range pageSize {
				if p.used[j>>6]&(1<<(j&63)) != 0 {
					if !yield(int64(i)<<pageBits|int64(j), &p.vals[j]) {
						return
					}
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
