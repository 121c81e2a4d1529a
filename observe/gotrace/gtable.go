package gotrace

// gTable holds the Writer's goroutine states. Runtimes hand goroutine IDs
// out in increasing order, so most IDs are dense and small: they live in
// pages of gPageSize states, indexed directly, which is several times
// faster than a map when a trace creates millions of goroutines. Pages
// whose goroutines have all ended are freed when a generation is written.
// Other IDs (negative or huge) go to a map.
type gTable struct {
	pages []*gPage
	big   map[int64]*gState
}

const (
	gPageBits = 10
	gPageSize = 1 << gPageBits
	maxDenseG = 1 << 32 // IDs below this are paged
)

type gPage struct {
	live int // goroutines in the page that exist
	gs   [gPageSize]gState
}

// get returns the state of goroutine id if it exists, else nil.
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
func (t *gTable) slot(id int64) *gState {
	if uint64(id) < maxDenseG {
		i := id >> gPageBits
		if i >= int64(len(t.pages)) {
			t.pages = append(t.pages, make([]*gPage, i+1-int64(len(t.pages)))...)
		}
		if t.pages[i] == nil {
			t.pages[i] = new(gPage)
		}
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
func (t *gTable) add(id int64, st gState) *gState {
	g := t.slot(id)
	*g = st
	if uint64(id) < maxDenseG {
		t.pages[id>>gPageBits].live++
	}
	return g
}

// remove ends goroutine id, remembering the generation and tick of its end.
func (t *gTable) remove(id int64, gen, tick uint64) {
	g := t.slot(id)
	*g = gState{deadGen: gen, deadTick: tick}
	if uint64(id) < maxDenseG {
		t.pages[id>>gPageBits].live--
	}
}

// compact frees what only held goroutines that ended before generation gen.
func (t *gTable) compact(gen uint64) {
	for i, p := range t.pages {
		if p != nil && p.live == 0 {
			t.pages[i] = nil
		}
	}
	for id, g := range t.big {
		if g.status == 0 && g.deadGen < gen {
			delete(t.big, id)
		}
	}
}
