package explore

import "github.com/gmplab/gmp/internal/rt"

// portfolio runs the strategies side by side: run i takes member i mod 8
// of a fixed rotation, with its own seed. No strategy wins everywhere
// (explorer.md): random walks find the bugs that need odd timing,
// PCT the ones that need a few goroutines to run in a precise order,
// select priority the ones hidden behind a select's favourite case, pair
// reordering the ones of two operations on one object in the unusual
// order. Random walks are the cheapest per bug found on the corpus, so
// they get three turns in eight.
//
// Anchor: explorer.md's "worker w takes strategy w mod |S|"; here the
// rotation is by run index rather than by worker, so that which strategy
// runs which index does not depend on how many workers there are.
type portfolio struct {
	members []Strategy
}

//go:norace
func newPortfolio() *portfolio {
	rw1, rw2, rw3 := &randomWalk{}, &randomWalk{}, &randomWalk{}
	p1, p2 := &pct{}, &pct{}
	return &portfolio{members: []Strategy{rw1, p1, &pairs{}, rw2, &selectPriority{}, p2, &pairs{}, rw3}}
}

//go:norace
func (p *portfolio) Name() string { return "portfolio" }

// pick returns the member that runs index i.
//
//go:norace
func (p *portfolio) pick(i int64) Strategy { return p.members[i%int64(len(p.members))] }

// Begin and Choose are never called: the explorer runs pick(i).
//
//go:norace
func (p *portfolio) Begin(uint64, *Info) { panic("portfolio.Begin") }

//go:norace
func (p *portfolio) Choose(d *rt.Decision) int64 { return d.Default }
