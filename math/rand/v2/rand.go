// Package rand mirrors math/rand/v2 for simulated programs: the types and
// constructors are the standard library's, and the top-level functions draw
// from the simulation's program generator, seeded by the run's
// Config.Seed, so that a replay draws the same numbers.
package rand

import (
	"math/rand/v2"

	"github.com/gmplab/gmp/internal/progrand"
)

// The standard library's types.
type (
	Rand    = rand.Rand
	Source  = rand.Source
	PCG     = rand.PCG
	ChaCha8 = rand.ChaCha8
	Zipf    = rand.Zipf
)

// New returns a new Rand that uses random values from src.
//
//go:norace
func New(src Source) *Rand { return rand.New(src) }

// NewPCG returns a new PCG seeded with the given values.
//
//go:norace
func NewPCG(seed1, seed2 uint64) *PCG { return rand.NewPCG(seed1, seed2) }

// NewChaCha8 returns a new ChaCha8 seeded with the given seed.
//
//go:norace
func NewChaCha8(seed [32]byte) *ChaCha8 { return rand.NewChaCha8(seed) }

// NewZipf returns a Zipf variate generator.
//
//go:norace
func NewZipf(r *Rand, s float64, v float64, imax uint64) *Zipf { return rand.NewZipf(r, s, v, imax) }

var global = rand.New(progrand.Source{})

// Int64 returns a non-negative pseudo-random 63-bit integer as an int64.
//
//go:norace
func Int64() int64 { return global.Int64() }

// Uint32 returns a pseudo-random 32-bit value as a uint32.
//
//go:norace
func Uint32() uint32 { return global.Uint32() }

// Uint64 returns a pseudo-random 64-bit value as a uint64.
//
//go:norace
func Uint64() uint64 { return global.Uint64() }

// Int32 returns a non-negative pseudo-random 31-bit integer as an int32.
//
//go:norace
func Int32() int32 { return global.Int32() }

// Int returns a non-negative pseudo-random int.
//
//go:norace
func Int() int { return global.Int() }

// Uint returns a pseudo-random uint.
//
//go:norace
func Uint() uint { return global.Uint() }

// Int64N returns a non-negative pseudo-random number in [0,n).
//
//go:norace
func Int64N(n int64) int64 { return global.Int64N(n) }

// Uint64N returns a non-negative pseudo-random number in [0,n).
//
//go:norace
func Uint64N(n uint64) uint64 { return global.Uint64N(n) }

// Int32N returns a non-negative pseudo-random number in [0,n).
//
//go:norace
func Int32N(n int32) int32 { return global.Int32N(n) }

// Uint32N returns a non-negative pseudo-random number in [0,n).
//
//go:norace
func Uint32N(n uint32) uint32 { return global.Uint32N(n) }

// IntN returns a non-negative pseudo-random number in [0,n).
//
//go:norace
func IntN(n int) int { return global.IntN(n) }

// UintN returns a non-negative pseudo-random number in [0,n).
//
//go:norace
func UintN(n uint) uint { return global.UintN(n) }

// N returns a pseudo-random number in [0,n), for any integer type.
//
//go:norace
func N[Int intType](n Int) Int {
	if n <= 0 {
		panic("invalid argument to N")
	}
	return Int(global.Uint64N(uint64(n)))
}

type intType interface {
	~int | ~int8 | ~int16 | ~int32 | ~int64 | ~uint | ~uint8 | ~uint16 | ~uint32 | ~uint64 | ~uintptr
}

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

// NormFloat64 returns a normally distributed float64.
//
//go:norace
func NormFloat64() float64 { return global.NormFloat64() }

// ExpFloat64 returns an exponentially distributed float64.
//
//go:norace
func ExpFloat64() float64 { return global.ExpFloat64() }
