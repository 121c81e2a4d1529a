// Package progrand is the simulated program's own source of randomness:
// the order of range over a map (gmp.MapRange) and the top-level
// functions of math/rand and math/rand/v2 as translated code sees them.
//
// It is separate from the runtime's cheaprand (steal order, select order),
// so that a program that ranges over a map does not shift the scheduler's
// random choices, and it restarts from the run's seed at the start of every
// simulation, so that replaying a seed reproduces the program's choices
// too, however many runs the process made before.
package progrand

import (
	"math/rand/v2"
	"sync"

	"github.com/gmplab/gmp/internal/rt"
)

var (
	mu      sync.Mutex
	seed    uint64
	run     uint64 // RunID the generator was last reset for
	gen     = rand.New(rand.NewPCG(0, 0x6d6170))
	outside = rand.New(rand.NewPCG(1, 0x6f7574)) // outside any simulation
)

// SetSeed sets the seed of the program generator for the next
// simulations (the harness and `gmp run` pass Config.Seed).
//
//go:norace
func SetSeed(s uint64) {
	mu.Lock()
	seed = s
	run = 0
	mu.Unlock()
}

// Uint64 returns a pseudo-random number from the running simulation's
// program generator (from a fixed-seed generator outside simulations).
//
//go:norace
func Uint64() uint64 {
	mu.Lock()
	defer mu.Unlock()
	id := rt.RunID()
	if id == 0 {
		return outside.Uint64()
	}
	if id != run {
		run = id
		gen = rand.New(rand.NewPCG(seed, 0x6d6170))
	}
	return gen.Uint64()
}

// Intn returns a number in [0, n).
//
//go:norace
func Intn(n int) int {
	if n <= 1 {
		return 0
	}
	return int(Uint64() % uint64(n))
}

// Source is a math/rand/v2 Source (and a math/rand Source64) drawing from
// the program generator.
type Source struct{}

// Uint64 implements rand.Source.
//
//go:norace
func (Source) Uint64() uint64 { return Uint64() }

// Int63 implements math/rand's Source.
//
//go:norace
func (Source) Int63() int64 { return int64(Uint64() >> 1) }

// Seed implements math/rand's Source; the program generator is seeded by
// the simulation, so it is a no-op (as math/rand.Seed is since Go 1.24).
//
//go:norace
func (Source) Seed(int64) {}
