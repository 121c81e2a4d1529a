package rt

import "math/bits"

// rng is a small seeded generator (wyrand, as runtime.cheaprand uses on
// 64-bit platforms). The runtime has two independent streams: runRand,
// the simulated runtime's own cheaprand (steal order, select poll order,
// sema treap tickets), and tieRand, which breaks ties between events at the
// same virtual instant. Keeping them apart means that changing how ties are
// broken does not reshuffle the runtime's own random choices.
type rng struct{ s uint64 }

func (r *rng) next() uint64 {
	r.s += 0xa0761d6478bd642f
	hi, lo := bits.Mul64(r.s, r.s^0xe7037ed1a0b428db)
	return hi ^ lo
}

// skip advances r by n values, as n calls of next would (wyrand's state is
// a counter).
func (r *rng) skip(n uint64) {
	r.s += n * 0xa0761d6478bd642f
}

var (
	runRand rng
	tieRand rng
)

func seedRand(seed uint64) {
	runRand = rng{s: seed*0x9e3779b97f4a7c15 + 1}
	tieRand = rng{s: seed*0xbf58476d1ce4e5b9 + 2}
	// Discard a few values so that nearby seeds diverge at once.
	for range 4 {
		runRand.next()
		tieRand.next()
	}
}

// cheaprand models runtime.cheaprand.
// Deviation: one seeded stream for the whole runtime, where Go keeps one per
// M seeded from the OS, so that a run is a function of Config.Seed.
func cheaprand() uint32 { return uint32(runRand.next()) }

// cheaprandn models runtime.cheaprandn: a value in [0, n).
func cheaprandn(n uint32) uint32 {
	return uint32((uint64(cheaprand()) * uint64(n)) >> 32)
}
