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
// Deviation: it reads the current GOMAXPROCS, which differs from the start
// value only if the program changed it.
func NumCPU() int { return rt.GOMAXPROCS(0) }

// LockOSThread and UnlockOSThread are accepted and ignored: a simulated
// goroutine has no host thread of its own to wire.
func LockOSThread() { rt.Goid() }

// UnlockOSThread: see LockOSThread.
func UnlockOSThread() { rt.Goid() }

// Stack formats a stack trace of the calling simulated goroutine into buf
// and returns the number of bytes written, like runtime.Stack. The header
// names the simulated goroutine; the frames are the goroutine's own, below
// gmp's.
// Deviation: with all set, only the calling goroutine is printed.
func Stack(buf []byte, all bool) int {
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
		if len(m) == 0 {
			return
		}
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
		for i, k := range keys {
			v, ok := m[k]
			if !ok {
				if k != k { // NaN: cannot be looked up, still present
					v = vals[i]
				} else {
					continue
				}
			}
			if !yield(k, v) {
				return
			}
		}
	}
}
