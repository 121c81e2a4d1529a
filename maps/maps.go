// Package maps mirrors the standard maps package for simulated programs:
// All, Keys and Values iterate in the order gmp.MapRange draws from the
// run's seed (so a replay sees the same order), and the other functions
// are the standard library's.
package maps

import (
	"iter"
	"maps"

	"github.com/gmplab/gmp"
)

// All returns an iterator over key-value pairs from m, in the simulation's
// seeded order.
//
//go:norace
func All[Map ~map[K]V, K comparable, V any](m Map) iter.Seq2[K, V] { return gmp.MapRange(m) }

// Keys returns an iterator over keys in m, in the simulation's seeded order.
//
//go:norace
func Keys[Map ~map[K]V, K comparable, V any](m Map) iter.Seq[K] {
	return func(yield func(K) bool) {
		for k := range gmp.MapRange(m) {
			if !yield(k) {
				return
			}
		}
	}
}

// Values returns an iterator over values in m, in the simulation's seeded
// order.
//
//go:norace
func Values[Map ~map[K]V, K comparable, V any](m Map) iter.Seq[V] {
	return func(yield func(V) bool) {
		for _, v := range gmp.MapRange(m) {
			if !yield(v) {
				return
			}
		}
	}
}

// Equal reports whether two maps contain the same key/value pairs.
//
//go:norace
func Equal[M1, M2 ~map[K]V, K, V comparable](m1 M1, m2 M2) bool { return maps.Equal(m1, m2) }

// EqualFunc is like Equal, but compares values using eq.
//
//go:norace
func EqualFunc[M1 ~map[K]V1, M2 ~map[K]V2, K comparable, V1, V2 any](m1 M1, m2 M2, eq func(V1, V2) bool) bool {
	return maps.EqualFunc(m1, m2, eq)
}

// Clone returns a copy of m.
//
//go:norace
func Clone[M ~map[K]V, K comparable, V any](m M) M { return maps.Clone(m) }

// Copy copies all key/value pairs in src adding them to dst.
//
//go:norace
func Copy[M1 ~map[K]V, M2 ~map[K]V, K comparable, V any](dst M1, src M2) { maps.Copy(dst, src) }

// DeleteFunc deletes any key/value pairs from m for which del returns true.
//
//go:norace
func DeleteFunc[M ~map[K]V, K comparable, V any](m M, del func(K, V) bool) { maps.DeleteFunc(m, del) }

// Insert adds the key-value pairs from seq to m.
//
//go:norace
func Insert[Map ~map[K]V, K comparable, V any](m Map, seq iter.Seq2[K, V]) { maps.Insert(m, seq) }

// Collect collects key-value pairs from seq into a new map.
//
//go:norace
func Collect[K comparable, V any](seq iter.Seq2[K, V]) map[K]V { return maps.Collect(seq) }
