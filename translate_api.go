package gmp

import (
	"iter"
	"runtime"
	"strconv"
	"strings"

	"github.com/gmplab/gmp/internal/progrand"
	"github.com/gmplab/gmp/internal/rt"
)

// This file holds what translated code (internal/translate) calls besides
// the core API: Go's predeclared channel comparisons, the runtime
// functions it maps, and seeded map iteration.

// IsNil reports whether c is a nil channel (c == nil).
func (c Chan[T]) IsNil() bool { return c.c == nil }

// NumCPU returns the number of CPUs of the simulated machine: the number
// of Ps the run started with (runtime.NumCPU).
func NumCPU() int { return rt.NumCPU() }

// LockOSThread and UnlockOSThread are accepted and ignored: a simulated
// goroutine has no host thread of its own to wire.
func LockOSThread() { rt.Goid() }

// UnlockOSThread undoes LockOSThread, which is to say nothing (see
// LockOSThread).
func UnlockOSThread() { rt.Goid() }

// Stack formats a stack trace of the calling simulated goroutine into buf
// and returns the number of bytes written, like runtime.Stack; with all
// set, the traces of every other goroutine of the simulation follow. The
// frames are the program's own, below gmp's.
func Stack(buf []byte, all bool) int {
	if all {
		return copy(buf, rt.DumpAll())
	}
	host := make([]byte, 64<<10)
	n := runtime.Stack(host, false)
	s := string(host[:n])
	_, frames, _ := strings.Cut(s, "\n")
	var b strings.Builder
	b.WriteString("goroutine " + strconv.FormatInt(rt.Goid(), 10) + " [running]:\n")
	lines := strings.Split(frames, "\n")
	for i := 0; i+1 < len(lines); i += 2 {
		fn := lines[i]
		if strings.HasPrefix(fn, "github.com/gmplab/gmp.Stack(") || strings.HasPrefix(fn, "runtime.Stack(") {
			continue
		}
		if strings.HasPrefix(fn, "github.com/gmplab/gmp/internal/rt.") || strings.HasPrefix(fn, "iter.Pull") || strings.HasPrefix(fn, "github.com/gmplab/gmp/gmptest.") {
			break
		}
		b.WriteString(fn + "\n" + lines[i+1] + "\n")
	}
	return copy(buf, b.String())
}

// MapRange returns an iterator over m's entries in an order drawn from the
// simulation's program generator (seeded by Config.Seed), so that a replay
// ranges in the same order: for k, v := range m becomes for k, v := range
// gmp.MapRange(m). As with Go's range, an entry deleted before it is
// reached is not produced, and one added during the iteration is not.
func MapRange[M ~map[K]V, K comparable, V any](m M) iter.Seq2[K, V] {
	return func(yield func(K, V) bool) {
		for it, k, v, ok := MapFirst(m); ok; k, v, ok = it.Next() {
			if !yield(k, v) {
				return
			}
		}
	}
}

// RangeFirst starts a range over a channel without a range-over-func
// (which code of modules older than Go 1.23 cannot use): the translator
// writes for v := range c as
//
//	for _c, v, _ok := gmp.RangeFirst(c); _ok; v, _ok = _c.Recv2() {
//
// so that c is evaluated once and v is the loop's own variable, with the
// loop-variable semantics of the module's Go version.
func RangeFirst[T any](c Chan[T]) (Chan[T], T, bool) {
	v, ok := c.Recv2()
	return c, v, ok
}

// MapIter is a range over a map in the simulation's seeded order (see
// MapRange), written without a range-over-func:
//
//	for _it, k, v, _ok := gmp.MapFirst(m); _ok; k, v, _ok = _it.Next() {
type MapIter[K comparable, V any] struct {
	keys   []K
	vals   []V
	i      int
	lookup func(K) (V, bool)
}

// MapFirst starts a range over m and returns its first entry.
func MapFirst[M ~map[K]V, K comparable, V any](m M) (*MapIter[K, V], K, V, bool) {
	it := &MapIter[K, V]{lookup: func(k K) (V, bool) { v, ok := m[k]; return v, ok }}
	it.keys, it.vals = mapOrder(m)
	k, v, ok := it.Next()
	return it, k, v, ok
}

// Next returns the next entry; ok is false at the end. An entry deleted
// since the range began is skipped.
func (it *MapIter[K, V]) Next() (k K, v V, ok bool) {
	for it.i < len(it.keys) {
		k = it.keys[it.i]
		i := it.i
		it.i++
		v, ok = it.lookup(k)
		if !ok && k != k { // NaN: cannot be looked up, still present
			v, ok = it.vals[i], true
		}
		if ok {
			return k, v, true
		}
	}
	var zk K
	var zv V
	return zk, zv, false
}

// mapOrder returns m's keys and values in the simulation's seeded order.
func mapOrder[M ~map[K]V, K comparable, V any](m M) ([]K, []V) {
	keys := make([]K, 0, len(m))
	vals := make([]V, 0, len(m))
	for k, v := range m {
		keys = append(keys, k)
		vals = append(vals, v)
	}
	// The host's order is random: put the keys in a canonical order
	// first (by value; see sortKeys), then shuffle from the seed.
	sortKeys(keys, vals)
	for i := len(keys) - 1; i > 0; i-- {
		j := progrand.Intn(i + 1)
		keys[i], keys[j] = keys[j], keys[i]
		vals[i], vals[j] = vals[j], vals[i]
	}
	return keys, vals
}

// Go1 … Go4 are go f(a, …) for a function of one to four parameters and no
// results: f and its arguments are evaluated by the caller (as the go
// statement evaluates them in the calling goroutine), and the new
// goroutine calls f. Unlike a wrapper closure written in the caller, they
// leave the numbering of the caller's closures (main.func1, func2 …) as it
// is natively, and their own frame is hidden in dumps, as the compiler's
// gowrap is not.
func Go1[A any](f func(A), a A) { rt.Go(func() { f(a) }, 2) }

// Go2 is go f(a, b); see Go1.
func Go2[A, B any](f func(A, B), a A, b B) { rt.Go(func() { f(a, b) }, 2) }

// Go3 is go f(a, b, c); see Go1.
func Go3[A, B, C any](f func(A, B, C), a A, b B, c C) { rt.Go(func() { f(a, b, c) }, 2) }

// Go4 is go f(a, b, c, d); see Go1.
func Go4[A, B, C, D any](f func(A, B, C, D), a A, b B, c C, d D) {
	rt.Go(func() { f(a, b, c, d) }, 2)
}

// GoR0 … GoR3 are Go1 … for a function with one result, which the
// goroutine discards (go f(x) where f returns a value).
func GoR0[R any](f func() R) { rt.Go(func() { f() }, 2) }

// GoR1 is go f(a) for f with one result; see GoR0.
func GoR1[A, R any](f func(A) R, a A) { rt.Go(func() { f(a) }, 2) }

// GoR2 is go f(a, b) for f with one result; see GoR0.
func GoR2[A, B, R any](f func(A, B) R, a A, b B) { rt.Go(func() { f(a, b) }, 2) }

// GoR3 is go f(a, b, c) for f with one result; see GoR0.
func GoR3[A, B, C, R any](f func(A, B, C) R, a A, b B, c C) { rt.Go(func() { f(a, b, c) }, 2) }
