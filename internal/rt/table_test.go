package rt

import (
	"math/rand/v2"
	"testing"
)

// TestTableMatchesMap runs the same random puts and deletes on a table and
// a map, with keys from a small range so that probe chains collide and
// deletions shift them.
func TestTableMatchesMap(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	tab := Table[uint64, int]{Hash: HashWord}
	ref := map[uint64]int{}
	for i := 0; i < 200000; i++ {
		k := r.Uint64N(300) * 16 // aligned, like addresses
		switch r.IntN(3) {
		case 0, 1:
			tab.Put(k, i)
			ref[k] = i
		case 2:
			tab.Del(k)
			delete(ref, k)
		}
		if tab.Len() != len(ref) {
			t.Fatalf("op %d: len %d, want %d", i, tab.Len(), len(ref))
		}
		if i%1000 == 0 {
			for k := uint64(0); k < 300*16; k += 16 {
				v, ok := tab.Get(k)
				w, wok := ref[k]
				if ok != wok || v != w {
					t.Fatalf("op %d: get(%d) = %d, %v; want %d, %v", i, k, v, ok, w, wok)
				}
			}
		}
	}
}
