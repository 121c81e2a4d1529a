package gotrace

import "sync"

// gTable holds the Writer's goroutine states. Runtimes hand goroutine IDs
// out in increasing order, so most IDs are dense and small: they live in
// pages of gPageSize states, indexed directly, which is several times
// faster than a map when a trace creates millions of goroutines. A page
// whose goroutines have all ended goes back to gPagePool as soon as IDs
// have moved past it (or when a generation is written), so memory follows
// the goroutines alive, not the goroutines ever created. Other IDs
// (negative or huge) go to a map.
type gTable struct {
	pages []*gPage
	// freed holds, per page index, the end of the last goroutine of a page
	// freed early: a reused ID of that page is ordered after it (see
	// deadTick).
	freed []deadMark
	top   int64 // the page of the highest ID seen
	big   map[int64]*gState
}

const (
	gPageBits = 10
	gPageSize = 1 << gPageBits
	maxDenseG = 1 << 32 // IDs below this are paged
)

type gPage struct {
	live int      // goroutines in the page that exist
	dead deadMark // the latest end of a goroutine of the page
	gs   [gPageSize]gState
}

// deadMark is the generation and tick of a goroutine's end.
type deadMark struct{ gen, tick uint64 }

// gPagePool recycles pages, within a trace and across Writers: fresh
// memory costs page faults and host GC cycles.
var gPagePool = sync.Pool{New: func() any { return new(gPage) }}

// get returns the state of goroutine id if it exists, else nil.
//
//go:norace
func (t *gTable) get(id int64) *gState {
	if uint64(id) < maxDenseG {
		i := id >> gPageBits
		if i >= int64(len(t.pages)) || t.pages[i] == nil {
			return nil
		}
		if g := &t.pages[i].gs[id&(gPageSize-1)]; g.status != 0 {
			return g
		}
		return nil
	}
	if g := t.big[id]; g != nil && g.status != 0 {
		return g
	}
	return nil
}

// slot returns goroutine id's state, existing or not, creating its page.
//
//go:norace
func (t *gTable) slot(id int64) *gState {
	if uint64(id) < maxDenseG {
		i := id >> gPageBits
		if i >= int64(len(t.pages)) {
			t.pages = append(t.pages, make([]*gPage, i+1-int64(len(t.pages)))...)
		}
		if t.pages[i] == nil {
			t.pages[i] = gPagePool.Get().(*gPage)
		}
		t.top = max(t.top, i)
		return &t.pages[i].gs[id&(gPageSize-1)]
	}
	if t.big == nil {
		t.big = make(map[int64]*gState)
	}
	g := t.big[id]
	if g == nil {
		g = new(gState)
		t.big[id] = g
	}
	return g
}

// add makes goroutine id exist with the given state and returns it.
//
//go:norace
func (t *gTable) add(id int64, st gState) *gState {
	g := t.slot(id)
	*g = st
	if uint64(id) < maxDenseG {
		t.pages[id>>gPageBits].live++
	}
	return g
}

// remove ends goroutine id, remembering the generation and tick of its end.
//
//go:norace
func (t *gTable) remove(id int64, gen, tick uint64) {
	g := t.slot(id)
	*g = gState{deadGen: gen, deadTick: tick}
	if uint64(id) >= maxDenseG {
		return
	}
	i := id >> gPageBits
	p := t.pages[i]
	p.live--
	if p.dead.gen != gen || p.dead.tick < tick {
		p.dead = deadMark{gen, tick}
	}
	if p.live == 0 && i < t.top {
		// IDs have moved on: the page is unlikely to be needed again.
		t.free(i)
	}
}

// free returns page i to the pool, remembering its last end.
//
//go:norace
func (t *gTable) free(i int64) {
	p := t.pages[i]
	if i >= int64(len(t.freed)) {
		t.freed = append(t.freed, make([]deadMark, i+1-int64(len(t.freed)))...)
	}
	t.freed[i] = p.dead
	*p = gPage{}
	gPagePool.Put(p)
	t.pages[i] = nil
}

// deadTick returns the tick at which goroutine id last ended in
// generation gen, and whether it did. For an ID in a page freed early it
// is the end of the page's last goroutine: later than needed, which only
// moves a reused ID's creation later.
//
//go:norace
func (t *gTable) deadTick(id int64, gen uint64) (uint64, bool) {
	var d deadMark
	if uint64(id) < maxDenseG {
		i := id >> gPageBits
		if i < int64(len(t.freed)) {
			d = t.freed[i]
		}
		if i < int64(len(t.pages)) && t.pages[i] != nil {
			if g := &t.pages[i].gs[id&(gPageSize-1)]; g.deadGen == gen && (d.gen != gen || g.deadTick > d.tick) {
				d = deadMark{g.deadGen, g.deadTick}
			}
		}
	} else if g := t.big[id]; g != nil {
		d = deadMark{g.deadGen, g.deadTick}
	}
	return d.tick, d.gen == gen
}

// compact frees what only held goroutines that ended before generation gen.
//
//go:norace
func (t *gTable) compact(gen uint64) {
	for i, p := range t.pages {
		if p != nil && p.live == 0 {
			t.free(int64(i))
		}
	}
	for id, g := range t.big {
		if g.status == 0 && g.deadGen < gen {
			delete(t.big, id)
		}
	}
}
