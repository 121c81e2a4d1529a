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
	when  int64
	key   uint64 // random tie-break among equal whens
	seq   uint64 // insertion order: the final tie-break
	index int    // position in evq, -1 when not queued
}

var (
	evq    []*m // binary min-heap on (when, key, seq)
	evqSeq uint64
)

func evLess(a, b *m) bool {
	if a.ev.when != b.ev.when {
		return a.ev.when < b.ev.when
	}
	if a.ev.key != b.ev.key {
		return a.ev.key < b.ev.key
	}
	return a.ev.seq < b.ev.seq
}

func evqUp(i int) {
	mp := evq[i]
	for i > 0 {
		parent := (i - 1) / 2
		if !evLess(mp, evq[parent]) {
			break
		}
		evq[i] = evq[parent]
		evq[i].ev.index = i
		i = parent
	}
	evq[i] = mp
	mp.ev.index = i
}

func evqDown(i int) {
	n := len(evq)
	mp := evq[i]
	for {
		c := 2*i + 1
		if c >= n {
			break
		}
		if r := c + 1; r < n && evLess(evq[r], evq[c]) {
			c = r
		}
		if !evLess(evq[c], mp) {
			break
		}
		evq[i] = evq[c]
		evq[i].ev.index = i
		i = c
	}
	evq[i] = mp
	mp.ev.index = i
}

// wakeAt schedules mp to be resumed at time when. If mp already has a
// pending wakeup, it is moved.
func wakeAt(mp *m, when int64) {
	if when < now {
		when = now
	}
	mp.ev.when = when
	mp.ev.key = tieRand.next()
	evqSeq++
	mp.ev.seq = evqSeq
	if mp.ev.index >= 0 {
		evqUp(mp.ev.index)
		evqDown(mp.ev.index)
		return
	}
	mp.ev.index = len(evq)
	evq = append(evq, mp)
	evqUp(mp.ev.index)
}

// wakeEarlier moves mp's pending wakeup to when if that is earlier; it
// reports whether it did.
func wakeEarlier(mp *m, when int64) bool {
	if mp.ev.index < 0 || when >= mp.ev.when {
		return false
	}
	wakeAt(mp, when)
	return true
}

// cancelWake removes mp's pending wakeup, if any.
func cancelWake(mp *m) {
	i := mp.ev.index
	if i < 0 {
		return
	}
	last := len(evq) - 1
	if i != last {
		evq[i] = evq[last]
		evq[i].ev.index = i
	}
	evq[last] = nil
	evq = evq[:last]
	if i != last {
		evqUp(i)
		evqDown(i)
	}
	mp.ev.index = -1
}

func evqPop() *m {
	mp := evq[0]
	last := len(evq) - 1
	evq[0] = evq[last]
	evq[0].ev.index = 0
	evq[last] = nil
	evq = evq[:last]
	if last > 0 {
		evqDown(0)
	}
	mp.ev.index = -1
	return mp
}

// mayRunTo reports whether the running M may move the clock to t without
// letting another M act first.
func mayRunTo(t int64) bool {
	if len(evq) == 0 {
		return true
	}
	next := evq[0]
	if t != next.ev.when {
		return t < next.ev.when
	}
	// A tie: draw the running M's key as if it had been queued.
	return tieRand.next() < next.ev.key
}

// advance spends d ns of virtual time on the current M (on its g0 or its
// G, whichever is running).
func advance(d int64) {
	if d <= 0 {
		return
	}
	t := now + d
	if len(evq) == 0 || t < evq[0].ev.when {
		now = t // the common case: nobody else wakes up first
		return
	}
	advanceSlow(t)
}

//go:noinline
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
func msleep(mp *m, t int64) {
	wakeAt(mp, t)
	mpark(mp)
}

// gsleep blocks the running G's M until t while the G stays _Grunning: the
// G is burning CPU (or waiting in a runtime operation) for that long. The
// thread continues with the G when the event loop resumes it.
func gsleep(t int64) {
	gp := curg
	mp := gp.m
	wakeAt(mp, t)
	mp.cont = contG
	curg = nil
	target = nil
	gswitch(gp)
}

// fits reports whether the current M can spend d ns without another M
// acting first, deciding no ties: advance(d) would not block.
func fits(d int64) bool {
	return d <= 0 || len(evq) == 0 || now+d < evq[0].ev.when
}
