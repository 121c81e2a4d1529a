package rt

import "math/bits"

// rng is a small seeded generator (wyrand, as runtime.cheaprand uses on
// 64-bit platforms). The runtime has two independent streams: runRand,
// the simulated runtime's own cheaprand (steal order, select poll order,
// sema treap tickets), and tieRand, which breaks ties between events at the
// same virtual instant. Keeping them apart means that changing how ties are
// broken does not reshuffle the runtime's own random choices.
type rng struct{ s uint64 }

//go:norace
func (r *rng) next() uint64 {
	r.s += 0xa0761d6478bd642f
	hi, lo := bits.Mul64(r.s, r.s^0xe7037ed1a0b428db)
	return hi ^ lo
}

// skip advances r by n values, as n calls of next would (wyrand's state is
// a counter).
//
//go:norace
func (r *rng) skip(n uint64) {
	r.s += n * 0xa0761d6478bd642f
}

var (
	runRand rng
	tieRand rng
)

//go:norace
func seedRand(seed uint64) {
	runRand = rng{s: seed*0x9e3779b97f4a7c15 + 1}
	tieRand = rng{s: seed*0xbf58476d1ce4e5b9 + 2}
	// Discard a few values so that nearby seeds diverge at once.
	for range 4 {
		runRand.next()
		tieRand.next()
	}
}

// cheaprand models runtime.cheaprand; site says what the value is for (a
// Chooser may pick another).
//
//go:norace
func cheaprand(site Site) uint32 {
	v := uint32(runRand.next())
	if chooser != nil {
		v = uint32(choose(ChoiceRand, site, 1<<32, int64(v), curg))
	}
	return v
}

// cheaprandn models runtime.cheaprandn: a value in [0, n).
//
//go:norace
func cheaprandn(site Site, n uint32) uint32 {
	v := uint32((uint64(uint32(runRand.next())) * uint64(n)) >> 32)
	if chooser != nil && n > 1 {
		v = uint32(choose(ChoiceRand, site, int64(n), int64(v), curg))
	}
	return v
}
