// Package rand mirrors math/rand for simulated programs: the types and
// constructors are the standard library's, and the top-level functions draw
// from the simulation's program generator, which is seeded by the run's
// Config.Seed. A replay of a seed draws the same numbers, which the host's
// randomly seeded global source would not.
//
// Seed is a no-op, as math/rand.Seed is by default since Go 1.24.
package rand

import (
	"math/rand"

	"github.com/gmplab/gmp/internal/progrand"
)

// The standard library's types.
type (
	Rand     = rand.Rand
	Source   = rand.Source
	Source64 = rand.Source64
	Zipf     = rand.Zipf
)

// New returns a new Rand that uses random values from src (rand.New).
//
//go:norace
func New(src Source) *Rand { return rand.New(src) }

// NewSource returns a new pseudo-random Source seeded with seed
// (rand.NewSource).
//
//go:norace
func NewSource(seed int64) Source { return rand.NewSource(seed) }

// NewZipf returns a Zipf variate generator (rand.NewZipf).
//
//go:norace
func NewZipf(r *Rand, s float64, v float64, imax uint64) *Zipf { return rand.NewZipf(r, s, v, imax) }

var global = rand.New(progrand.Source{})

// Seed does nothing: the simulation seeds the generator.
//
//go:norace
func Seed(seed int64) {}

// Int63 returns a non-negative pseudo-random 63-bit integer as an int64.
//
//go:norace
func Int63() int64 { return global.Int63() }

// Uint32 returns a pseudo-random 32-bit value as a uint32.
//
//go:norace
func Uint32() uint32 { return global.Uint32() }

// Uint64 returns a pseudo-random 64-bit value as a uint64.
//
//go:norace
func Uint64() uint64 { return global.Uint64() }

// Int31 returns a non-negative pseudo-random 31-bit integer as an int32.
//
//go:norace
func Int31() int32 { return global.Int31() }

// Int returns a non-negative pseudo-random int.
//
//go:norace
func Int() int { return global.Int() }

// Int63n returns a non-negative pseudo-random number in [0,n).
//
//go:norace
func Int63n(n int64) int64 { return global.Int63n(n) }

// Int31n returns a non-negative pseudo-random number in [0,n).
//
//go:norace
func Int31n(n int32) int32 { return global.Int31n(n) }

// Intn returns a non-negative pseudo-random number in [0,n).
//
//go:norace
func Intn(n int) int { return global.Intn(n) }

// Float64 returns a pseudo-random number in [0.0,1.0).
//
//go:norace
func Float64() float64 { return global.Float64() }

// Float32 returns a pseudo-random number in [0.0,1.0).
//
//go:norace
func Float32() float32 { return global.Float32() }

// Perm returns a pseudo-random permutation of the integers [0,n).
//
//go:norace
func Perm(n int) []int { return global.Perm(n) }

// Shuffle pseudo-randomizes the order of elements.
//
//go:norace
func Shuffle(n int, swap func(i, j int)) { global.Shuffle(n, swap) }

// Read generates len(p) random bytes and writes them into p.
//
//go:norace
func Read(p []byte) (n int, err error) { return global.Read(p) }

// NormFloat64 returns a normally distributed float64.
//
//go:norace
func NormFloat64() float64 { return global.NormFloat64() }

// ExpFloat64 returns an exponentially distributed float64.
//
//go:norace
func ExpFloat64() float64 { return global.ExpFloat64() }
