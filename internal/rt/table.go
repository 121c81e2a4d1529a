package rt

// A Table is a hash table from keys that are numbers or addresses to V,
// with open addressing and linear probing. The simulator uses it instead
// of a map for state that any simulated goroutine may touch: under -race
// the host runtime records every map write as a memory access, which the
// detector would see goroutines that never synchronised share, while the
// table's accesses, in norace code, go unrecorded. Iteration order is
// never used, so it cannot make a run depend on addresses.
type Table[K comparable, V any] struct {
	keys []K
	vals []V
	used []bool
	n    int
	Hash func(K) uint64 // must be set before use
}

// Get returns k's value and whether k is present.
//
//go:norace
func (t *Table[K, V]) Get(k K) (V, bool) {
	if t.n > 0 {
		mask := uint64(len(t.keys) - 1)
		for i := t.Hash(k) & mask; t.used[i]; i = (i + 1) & mask {
			if t.keys[i] == k {
				return t.vals[i], true
			}
		}
	}
	var zero V
	return zero, false
}

// Put sets k's value to v.
//
//go:norace
func (t *Table[K, V]) Put(k K, v V) {
	if (t.n+1)*4 > len(t.keys)*3 {
		t.Grow()
	}
	mask := uint64(len(t.keys) - 1)
	i := t.Hash(k) & mask
	for ; t.used[i]; i = (i + 1) & mask {
		if t.keys[i] == k {
			t.vals[i] = v
			return
		}
	}
	t.keys[i], t.vals[i], t.used[i] = k, v, true
	t.n++
}

// Del removes k, if present (backward-shift deletion: no tombstones).
//
//go:norace
func (t *Table[K, V]) Del(k K) {
	if t.n == 0 {
		return
	}
	mask := uint64(len(t.keys) - 1)
	i := t.Hash(k) & mask
	for ; ; i = (i + 1) & mask {
		if !t.used[i] {
			return
		}
		if t.keys[i] == k {
			break
		}
	}
	var zk K
	var zv V
	for j := (i + 1) & mask; t.used[j]; j = (j + 1) & mask {
		// Move the entry at j into the hole at i if its home slot is
		// not between the hole and j (cyclically).
		h := t.Hash(t.keys[j]) & mask
		if (j > i && (h <= i || h > j)) || (j < i && h <= i && h > j) {
			t.keys[i], t.vals[i] = t.keys[j], t.vals[j]
			i = j
		}
	}
	t.keys[i], t.vals[i], t.used[i] = zk, zv, false
	t.n--
}

// Len returns the number of keys.
//
//go:norace
func (t *Table[K, V]) Len() int { return t.n }

//go:norace
func (t *Table[K, V]) Grow() {
	size := 2 * len(t.keys)
	if size < 16 {
		size = 16
	}
	keys, vals, used := t.keys, t.vals, t.used
	t.keys, t.vals, t.used, t.n = make([]K, size), make([]V, size), make([]bool, size), 0
	for i, u := range used {
		if u {
			t.Put(keys[i], vals[i])
		}
	}
}

// HashWord spreads a word (an address, an index) over all 64 bits
// (MurmurHash3's finalizer).
//
//go:norace
func HashWord(x uint64) uint64 {
	x ^= x >> 33
	x *= 0xff51afd7ed558ccd
	x ^= x >> 33
	x *= 0xc4ceb9fe1a85ec53
	x ^= x >> 33
	return x
}
