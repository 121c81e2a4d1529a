package gtab

import (
	"math/rand/v2"
	"testing"
)

// TestTableMatchesMap checks a Table against a map under random adds and
// deletes, with IDs that grow like goroutine IDs and a few huge or
// negative ones.
func TestTableMatchesMap(t *testing.T) {
	var tab Table[int64]
	want := map[int64]int64{}
	r := rand.New(rand.NewPCG(1, 2))
	next := int64(1)
	for range 200_000 {
		switch x := r.IntN(10); {
		case x < 5:
			id := next
			next += 1 + int64(r.IntN(3))
			if r.IntN(1000) == 0 {
				id = -id
			} else if r.IntN(1000) == 0 {
				id += 1 << 41
			}
			*tab.Add(id) = id * 3
			want[id] = id * 3
		default:
			for id := range want { // a random live one
				tab.Delete(id)
				delete(want, id)
				break
			}
		}
		if tab.Len() != len(want) {
			t.Fatalf("Len %d, want %d", tab.Len(), len(want))
		}
	}
	for id, v := range want {
		if p := tab.Get(id); p == nil || *p != v {
			t.Fatalf("Get(%d) = %v, want %d", id, p, v)
		}
	}
	n, last := 0, int64(-1)
	for id, v := range tab.All() {
		if *v != want[id] {
			t.Fatalf("All: %d = %d, want %d", id, *v, want[id])
		}
		if id >= 0 && id < 1<<40 {
			if id <= last {
				t.Fatalf("All: %d after %d", id, last)
			}
			last = id
		}
		n++
	}
	if n != len(want) {
		t.Fatalf("All yielded %d, want %d", n, len(want))
	}
	if tab.Get(next+5) != nil || tab.Get(1<<50) != nil {
		t.Fatal("Get of an absent ID")
	}
}

// TestTableMemoryFollowsLive checks that pages are recycled and the
// directory starts at the oldest goroutine alive: a million goroutines
// created and ended a few hundred at a time need a few pages, and so do
// stragglers that live long.
func TestTableMemoryFollowsLive(t *testing.T) {
	var tab Table[[4]int64]
	for id := int64(1); id <= 1_000_000; id++ {
		tab.Add(id)
		if id > 300 {
			tab.Delete(id - 300)
		}
		if id%100_000 == 0 {
			if n := tab.pageCount(); n > 16 || len(tab.pages) > 16 {
				t.Fatalf("after %d goroutines: %d pages, a directory of %d, for 300 alive", id, n, len(tab.pages))
			}
		}
	}
	if tab.base < 1_000_000/pageSize-16 {
		t.Errorf("the directory starts at page %d, the oldest goroutine alive is in page %d", tab.base, (1_000_000-300)/pageSize)
	}
	// An ID below the directory still works.
	*tab.Add(5) = [4]int64{5}
	if v := tab.Get(5); v == nil || v[0] != 5 || tab.Get(6) != nil {
		t.Fatal("Add below the directory")
	}
}

func (t *Table[T]) pageCount() int {
	n := len(t.free)
	for _, p := range t.pages {
		if p != nil {
			n++
		}
	}
	return n
}
