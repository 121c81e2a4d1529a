package rt

// The virtual clock and the event queue.
//
// Virtual time (now, in ns) only moves forward, and only here. Every M is
// an actor with at most one pending wakeup in the event queue; the event
// loop (run.go) pops the earliest wakeup, sets now to its time and resumes
// that M's coroutine. Code running on behalf of an M — scheduler code on its
// g0 or user code on its current G — spends virtual time with advance: if
// no other M wakes up first, the clock simply moves; otherwise the M
// sleeps until its time comes, and the others run in between. Ties between
// wakeups at the same instant are broken by a key drawn from the seeded
// tie-break generator, so parallel Ps interleave deterministically but
// not in a fixed order.

// event is an M's slot in the event queue.
type event struct {
	when  int64 // valid while queued, and after evqPop returns the M
	index int   // position in evq, -1 when not queued
}

// An evEntry is a queued wakeup. The keys live in the heap itself, so that
// sifting compares without following a pointer per M (with hundreds of Ms
// the heap is the event loop's hottest data).
type evEntry struct {
	when int64
	key  uint64 // random tie-break among equal whens
	seq  uint64 // insertion order: the final tie-break
	mp   *m
}

//go:norace
func (a *evEntry) less(b *evEntry) bool {
	if a.when != b.when {
		return a.when < b.when
	}
	if a.key != b.key {
		return a.key < b.key
	}
	return a.seq < b.seq
}

// evqArity is the event heap's fan-out: a 4-ary heap is shallower than a
// binary one, and its children share cache lines.
const evqArity = 4

var (
	evq    []evEntry // 4-ary min-heap on (when, key, seq)
	evqSeq uint64
)

//go:norace
func evqUp(i int) {
	e := evq[i]
	for i > 0 {
		parent := (i - 1) / evqArity
		if !e.less(&evq[parent]) {
			break
		}
		evq[i] = evq[parent]
		evq[i].mp.ev.index = i
		i = parent
	}
	evq[i] = e
	e.mp.ev.index = i
}

//go:norace
func evqDown(i int) {
	n := len(evq)
	e := evq[i]
	for {
		c := evqArity*i + 1
		if c >= n {
			break
		}
		best := c
		for j := c + 1; j < c+evqArity && j < n; j++ {
			if evq[j].less(&evq[best]) {
				best = j
			}
		}
		if !evq[best].less(&e) {
			break
		}
		evq[i] = evq[best]
		evq[i].mp.ev.index = i
		i = best
	}
	evq[i] = e
	e.mp.ev.index = i
}

// wakeAt schedules mp to be resumed at time when. If mp already has a
// pending wakeup, it is moved.
//
//go:norace
func wakeAt(mp *m, when int64) {
	if evqLeaving.mp != nil {
		throw("wakeAt: a thread is still leaving for the event loop")
	}
	if when < now {
		when = now
	}
	mp.ev.when = when
	evqSeq++
	e := evEntry{when: when, key: tieRand.next(), seq: evqSeq, mp: mp}
	if i := mp.ev.index; i >= 0 {
		evq[i] = e
		evqUp(i)
		evqDown(mp.ev.index)
		return
	}
	mp.ev.index = len(evq)
	evq = append(evq, e)
	evqUp(mp.ev.index)
}

// evqLeaving is the wakeup of the thread that is blocking and handing
// control to the event loop (sleepAt): the loop pushes it and pops the
// earliest wakeup in one sift (evqPushPop) — the common step of a run with
// many Ps, where nearly every charge of virtual time hands over to another
// thread. Nothing touches the queue between sleepAt and the loop.
var evqLeaving evEntry

// sleepAt is wakeAt(mp, when) for the current M, which is about to return
// control to the event loop (it must not be queued already).
//
//go:norace
func sleepAt(mp *m, when int64) {
	if mp.ev.index >= 0 || evqLeaving.mp != nil {
		throw("sleepAt: thread already queued")
	}
	if when < now {
		when = now
	}
	mp.ev.when = when
	evqSeq++
	evqLeaving = evEntry{when: when, key: tieRand.next(), seq: evqSeq, mp: mp}
}

// evqPushPop queues the leaving thread's wakeup and returns the M with the
// earliest wakeup, which may be the leaving one.
//
//go:norace
func evqPushPop() *m {
	e := evqLeaving
	evqLeaving = evEntry{}
	if len(evq) == 0 || e.less(&evq[0]) {
		return e.mp
	}
	mp := evq[0].mp
	mp.ev.index = -1
	evq[0] = e
	e.mp.ev.index = 0
	evqDown(0)
	return mp
}

// wakeEarlier moves mp's pending wakeup to when if that is earlier; it
// reports whether it did.
//
//go:norace
func wakeEarlier(mp *m, when int64) bool {
	if mp.ev.index < 0 || when >= mp.ev.when {
		return false
	}
	wakeAt(mp, when)
	return true
}

// evqPush queues an entry whose key was drawn already.
//
//go:norace
func evqPush(e evEntry) {
	e.mp.ev.when = e.when
	e.mp.ev.index = len(evq)
	evq = append(evq, e)
	evqUp(e.mp.ev.index)
}

// evqPopChoose is evqPop when a Chooser decides ties: the threads due at
// the earliest instant are the options, in the order their keys give
// (the default is the first), and the ones not chosen go back.
//
//go:norace
func evqPopChoose() *m {
	if evqLeaving.mp != nil {
		e := evqLeaving
		evqLeaving = evEntry{}
		evqPush(e)
	}
	first := evq[0]
	mp := evqPop()
	if len(evq) == 0 || evq[0].when != first.when {
		return mp
	}
	tied := tiedBuf[:0]
	tied = append(tied, first)
	for len(evq) > 0 && evq[0].when == first.when {
		tied = append(tied, evq[0])
		evqPop()
	}
	gs := decision.Gs[:0]
	for _, e := range tied {
		gs = append(gs, curgOf(e.mp))
	}
	decision.Gs = gs
	c := chooseTie(int64(len(tied)), 0)
	for i, e := range tied {
		if int64(i) != c {
			evqPush(e)
		}
	}
	tiedBuf = tied[:0]
	return tied[c].mp
}

var tiedBuf []evEntry

// curgOf is the goroutine mp runs, or 0.
//
//go:norace
func curgOf(mp *m) int64 {
	if mp != nil && mp.curg != nil {
		return mp.curg.goid
	}
	if mp != nil && mp.nextg != nil {
		return mp.nextg.goid
	}
	return 0
}

// evqPop removes and returns the M with the earliest wakeup. It moves the
// hole left by the root down along the smallest children to a leaf and
// fills it with the last entry from there (Floyd's trick): the last entry
// almost always belongs near the bottom, so this saves a comparison per
// level over sifting it down from the root.
//
//go:norace
func evqPop() *m {
	mp := evq[0].mp
	last := len(evq) - 1
	e := evq[last]
	evq[last] = evEntry{}
	evq = evq[:last]
	mp.ev.index = -1
	if last == 0 {
		return mp
	}
	i := 0
	for {
		c := evqArity*i + 1
		if c >= last {
			break
		}
		best := c
		for j := c + 1; j < c+evqArity && j < last; j++ {
			if evq[j].less(&evq[best]) {
				best = j
			}
		}
		evq[i] = evq[best]
		evq[i].mp.ev.index = i
		i = best
	}
	evq[i] = e
	e.mp.ev.index = i
	evqUp(i)
	return mp
}

// mayRunTo reports whether the running M may move the clock to t without
// letting another M act first.
//
//go:norace
func mayRunTo(t int64) bool {
	if len(evq) == 0 {
		return true
	}
	next := &evq[0]
	if t != next.when {
		return t < next.when
	}
	// A tie: draw the running M's key as if it had been queued.
	first := tieRand.next() < next.key
	if chooser != nil {
		// Option 1: the running thread goes on; 0: the queued one first.
		def := int64(0)
		if first {
			def = 1
		}
		decision.Gs = append(decision.Gs[:0], curgOf(curm), curgOf(next.mp))
		first = chooseTie(2, def) == 1
	}
	return first
}

// addTime returns t+d for a d ≥ 0, saturating at maxWhen (the end of
// virtual time, about 292 years in) as the runtime clamps a timer's when:
// every deadline the simulator computes goes through here, so that a
// huge duration can never wrap around into the past.
//
//go:norace
func addTime(t, d int64) int64 {
	if d > maxWhen-t {
		return maxWhen
	}
	return t + d
}

// advance spends d ns of virtual time on the current M (on its g0 or its
// G, whichever is running).
//
//go:norace
func advance(d int64) {
	if d <= 0 {
		return
	}
	t := addTime(now, d)
	if len(evq) == 0 || t < evq[0].when {
		now = t // the common case: nobody else wakes up first
		return
	}
	advanceSlow(t)
}

//go:noinline
//go:norace
func advanceSlow(t int64) {
	if mayRunTo(t) {
		now = t
		return
	}
	if curg != nil {
		gsleep(t)
	} else {
		msleep(curm, t)
	}
}

// msleep blocks the current M's g0 until virtual time t.
//
//go:norace
func msleep(mp *m, t int64) {
	sleepAt(mp, t)
	mpark(mp)
}

// gsleep blocks the running G's M until t while the G stays _Grunning: the
// G is burning CPU (or waiting in a runtime operation) for that long. The
// thread continues with the G when the event loop resumes it.
//
//go:norace
func gsleep(t int64) {
	gp := curg
	mp := gp.m
	sleepAt(mp, t)
	mp.cont = contG
	curg = nil
	target = nil
	gswitch(gp)
}

// fits reports whether the current M can spend d ns without another M
// acting first, deciding no ties: advance(d) would not block.
//
//go:norace
func fits(d int64) bool {
	return d <= 0 || len(evq) == 0 || addTime(now, d) < evq[0].when
}
