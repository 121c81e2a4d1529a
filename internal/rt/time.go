package rt

// Timers, modelled on time.go (go1.26).
//
// Each P has a 4-ary min-heap of timers. Timers are added to the heap of
// the P whose M adds them and are run by that P's findRunnable (check), by
// thieves on their last steal round, and by nobody else; an idle P keeps
// its timers, and timerpMask tells thieves and idle Ms where to look. A
// stopped timer stays in its heap as a zombie until the heap's owner
// cleans it up; a modified one is re-sorted lazily. None of this needs the
// timer and heap locks of the real runtime, but the state bits and the
// order in which timers fire are Go's.

const (
	// timerHeaped is set when the timer is stored in some P's heap.
	timerHeaped uint8 = 1 << iota
	// timerModified is set when t.when has been modified but the heap's
	// heap[i].when entry still needs to be updated.
	timerModified
	// timerZombie is set when the timer has been stopped but is still
	// present in some P's heap.
	timerZombie
)

// maxWhen is the maximum value for a timer's when field.
const maxWhen = 1<<63 - 1

// timerHeapN is the arity of the timer heap.
const timerHeapN = 4

// A timer is a potentially repeating trigger for calling t.f(t.arg, t.seq,
// delay) (time.go:timer).
type timer struct {
	//lint:ignore U1000 used under -race (race_on.go)
	race    raceTimer
	state   uint8
	isChan  bool   // timer has a channel; immutable
	blocked uint32 // number of goroutines blocked on timer's channel

	when   int64
	period int64
	f      func(arg any, seq uintptr, delay int64)
	arg    any
	seq    uintptr

	// ts is the heap holding the timer (nil if not heaped).
	ts *timers

	// isSending counts in-flight sends of a one-shot channel timer
	// (always 0 or 1 here: there is no concurrency).
	isSending int32
}

// timers is a per-P timer heap (time.go:timers).
type timers struct {
	heap            []timerWhen
	zombies         int32
	minWhenHeap     int64 // when of heap[0], 0 if empty
	minWhenModified int64 // earliest when of a timerModified timer, 0 if none
}

type timerWhen struct {
	timer *timer
	when  int64
}

//go:norace
func (tw timerWhen) less(other timerWhen) bool { return tw.when < other.when }

// init sets the timer's function.
//
//go:norace
func (t *timer) init(f func(arg any, seq uintptr, delay int64), arg any) {
	t.f = f
	t.arg = arg
}

// updateHeap updates t as directed by t.state, updating t.state and
// returning whether the heap changed. t must be heap[0] of its heap.
// Models runtime.(*timer).updateHeap.
//
//go:norace
func (t *timer) updateHeap() (updated bool) {
	ts := t.ts
	if ts == nil || t != ts.heap[0].timer {
		badTimer()
	}
	if t.state&timerZombie != 0 {
		t.state &^= timerHeaped | timerZombie | timerModified
		ts.zombies--
		ts.deleteMin()
		return true
	}
	if t.state&timerModified != 0 {
		t.state &^= timerModified
		ts.heap[0].when = t.when
		ts.siftDown(0)
		ts.updateMinWhenHeap()
		return true
	}
	return false
}

// timeSleep puts the current goroutine to sleep for at least ns
// nanoseconds. Models runtime.timeSleep (time.go).
//
//go:norace
func timeSleep(ns int64) {
	gp := getg()
	preemptOp(gp, OpSleep, 0)
	if ns <= 0 {
		return
	}
	t := gp.timer
	if t == nil {
		t = new(timer)
		t.init(goroutineReady, gp)
		gp.timer = t
	}
	when := addTime(now, ns)
	gp.sleepWhen = when
	gp.waitunlockcost = costs.TimerOp // resetForSleep's modify
	gopark(resetForSleep, nil, waitReasonSleep, blockSleep)
}

// resetForSleep is called after the goroutine is parked for timeSleep: the
// timer is armed only once the G is safely asleep.
//
//go:norace
func resetForSleep(gp *g, _ any) bool {
	gp.timer.reset(gp.sleepWhen, 0)
	return true
}

// goroutineReady is the timer function of Sleep: ready the goroutine.
//
//go:norace
func goroutineReady(arg any, _ uintptr, _ int64) {
	goready(arg.(*g))
}

// addHeap adds t to the timers heap (time.go:addHeap).
//
//go:norace
func (ts *timers) addHeap(t *timer) {
	if !netpollInited {
		netpollGenericInit()
	}
	if t.ts != nil {
		throw("ts set in timer")
	}
	t.ts = ts
	ts.heap = append(ts.heap, timerWhen{t, t.when})
	ts.siftUp(len(ts.heap) - 1)
	if t == ts.heap[0].timer {
		ts.updateMinWhenHeap()
	}
}

// stop stops the timer t and reports whether it was pending (would have
// fired). Models runtime.(*timer).stop (go1.23+ synchronous channels).
//
//go:norace
func (t *timer) stop() bool {
	charge(SiteTimerOp, costs.TimerOp)
	if t.state&timerHeaped != 0 {
		t.state |= timerModified
		if t.state&timerZombie == 0 {
			t.state |= timerZombie
			t.ts.zombies++
		}
	}
	pending := t.when > 0
	t.when = 0
	if t.isChan {
		// Prevent any future sends with stale values.
		t.seq++
		if t.period == 0 && t.isSending > 0 {
			pending = true
		}
		if timerchandrain(t.hchan()) {
			pending = true
		}
	}
	return pending
}

// deleteMin removes timer 0 from ts (time.go:deleteMin).
//
//go:norace
func (ts *timers) deleteMin() {
	t := ts.heap[0].timer
	if t.ts != ts {
		throw("wrong timers")
	}
	t.ts = nil
	last := len(ts.heap) - 1
	if last > 0 {
		ts.heap[0] = ts.heap[last]
	}
	ts.heap[last] = timerWhen{}
	ts.heap = ts.heap[:last]
	if last > 0 {
		ts.siftDown(0)
	}
	ts.updateMinWhenHeap()
	if last == 0 {
		// If there are no timers, then clearly there are no timerModified
		// timers.
		ts.minWhenModified = 0
	}
}

// modify modifies an existing timer and reports whether it was pending.
// Models runtime.(*timer).modify.
//
//go:norace
func (t *timer) modify(when, period int64, f func(arg any, seq uintptr, delay int64), arg any, seq uintptr) bool {
	if when <= 0 {
		throw("timer when must be positive")
	}
	if period < 0 {
		throw("timer period must be non-negative")
	}
	charge(SiteTimerOp, costs.TimerOp)
	oldPeriod := t.period
	t.period = period
	if f != nil {
		t.f = f
		t.arg = arg
		t.seq = seq
	}
	wake := false
	pending := t.when > 0
	t.when = when
	if t.state&timerHeaped != 0 {
		t.state |= timerModified
		if t.state&timerZombie != 0 {
			t.ts.zombies--
			t.state &^= timerZombie
		}
		// The corresponding heap[i].when is updated later. See
		// comments in type timer above and in timers.adjust below.
		if min := t.ts.minWhenModified; min == 0 || when < min {
			wake = true
			t.ts.updateMinWhenModified(when)
		}
	}
	add := t.needsAdd()
	if t.isChan {
		// Prevent any future sends with stale values.
		t.seq++
		if oldPeriod == 0 && t.isSending > 0 {
			pending = true
		}
		if timerchandrain(t.hchan()) {
			pending = true
		}
	}
	if add {
		t.maybeAdd()
	}
	if wake {
		wakeNetPoller(when)
	}
	return pending
}

// needsAdd reports whether t needs to be added to a timers heap: it is
// not in one, is armed, and (if a channel timer) someone is blocked on
// its channel.
//
//go:norace
func (t *timer) needsAdd() bool {
	return t.state&timerHeaped == 0 && t.when > 0 && (!t.isChan || t.blocked > 0)
}

// maybeAdd adds t to the current P's heap if it needs to be there.
// Models runtime.(*timer).maybeAdd.
//
//go:norace
func (t *timer) maybeAdd() {
	ts := &curm.p.timers
	ts.cleanHead()
	when := int64(0)
	wake := false
	if t.needsAdd() {
		t.state |= timerHeaped
		when = t.when
		wakeTime := ts.wakeTime()
		wake = wakeTime == 0 || when < wakeTime
		ts.addHeap(t)
	}
	if wake {
		wakeNetPoller(when)
	}
}

// reset resets the time when a timer should fire.
//
//go:norace
func (t *timer) reset(when, period int64) bool {
	return t.modify(when, period, nil, nil, 0)
}

// cleanHead cleans up the head of the timer queue: zombies and modified
// timers at the top are removed or re-sorted. Models runtime.cleanHead.
//
//go:norace
func (ts *timers) cleanHead() {
	for {
		if len(ts.heap) == 0 {
			return
		}
		// Delete zombies from the tail of the heap cheaply.
		n := len(ts.heap)
		if t := ts.heap[n-1].timer; t.state&timerZombie != 0 {
			t.state &^= timerHeaped | timerZombie | timerModified
			t.ts = nil
			ts.zombies--
			ts.heap[n-1] = timerWhen{}
			ts.heap = ts.heap[:n-1]
			continue
		}
		t := ts.heap[0].timer
		if t.ts != ts {
			throw("bad ts")
		}
		if t.state&(timerModified|timerZombie) == 0 {
			return
		}
		if !t.updateHeap() {
			return
		}
	}
}

// take moves any timers from src into ts (procresize).
//
//go:norace
func (ts *timers) take(src *timers) {
	if len(src.heap) > 0 {
		for _, tw := range src.heap {
			t := tw.timer
			t.ts = nil
			if t.state&timerZombie != 0 {
				t.state &^= timerHeaped | timerZombie | timerModified
			} else {
				t.state &^= timerModified
				ts.addHeap(t)
			}
		}
		src.heap = nil
		src.zombies = 0
		src.minWhenHeap = 0
		src.minWhenModified = 0
	}
}

// adjust looks through the timers for any that were modified to run
// earlier and puts them in the right place, and removes zombies.
// Models runtime.(*timers).adjust.
//
//go:norace
func (ts *timers) adjust(now int64, force bool) {
	if !force {
		first := ts.minWhenModified
		if first == 0 || first > now {
			return
		}
	}
	// minWhenHeap is the earliest when among all the timers.
	ts.minWhenHeap = ts.wakeTime()
	ts.minWhenModified = 0
	changed := false
	for i := 0; i < len(ts.heap); i++ {
		tw := &ts.heap[i]
		t := tw.timer
		if t.ts != ts {
			throw("bad ts")
		}
		if t.state&(timerModified|timerZombie) == 0 {
			continue
		}
		switch {
		case t.state&timerHeaped == 0:
			badTimer()
		case t.state&timerZombie != 0:
			ts.zombies--
			t.state &^= timerHeaped | timerZombie | timerModified
			n := len(ts.heap)
			ts.heap[i] = ts.heap[n-1]
			ts.heap[n-1] = timerWhen{}
			ts.heap = ts.heap[:n-1]
			t.ts = nil
			i--
			changed = true
		case t.state&timerModified != 0:
			tw.when = t.when
			t.state &^= timerModified
			changed = true
		}
	}
	if changed {
		ts.initHeap()
	}
	ts.updateMinWhenHeap()
}

// wakeTime looks at the timers and returns the time when we should wake
// up the netpoller, or 0 if there are no timers.
//
//go:norace
func (ts *timers) wakeTime() int64 {
	nextWhen := ts.minWhenModified
	when := ts.minWhenHeap
	if when == 0 || (nextWhen != 0 && nextWhen < when) {
		when = nextWhen
	}
	return when
}

// check runs any timers in ts that are ready. If now is not 0 it is the
// current time. It returns the passed time or the current time if now was
// passed as 0, the time when the next timer should run or 0 if there is no
// next timer, and reports whether it ran any timers.
// Models runtime.(*timers).check.
//
//go:norace
func (ts *timers) check(tnow int64) (rnow, pollUntil int64, ran bool) {
	next := ts.wakeTime()
	if next == 0 {
		return tnow, 0, false
	}
	if tnow == 0 {
		tnow = now
	}
	// If this is the local P, and there are a lot of deleted timers,
	// clear them out.
	force := curm.p != nil && ts == &curm.p.timers && int(ts.zombies) > len(ts.heap)/4
	if tnow < next && !force {
		// Next timer is not ready to run, and we don't need to clear
		// deleted timers.
		return tnow, next, false
	}
	if len(ts.heap) > 0 {
		ts.adjust(tnow, false)
		for len(ts.heap) > 0 {
			// Note that runtimer may temporarily unlock ts.
			if tw := ts.run(tnow); tw != 0 {
				if tw > 0 {
					pollUntil = tw
				}
				break
			}
			ran = true
		}
		force = curm.p != nil && ts == &curm.p.timers && int(ts.zombies) > len(ts.heap)/4
		if force {
			ts.adjust(tnow, true)
		}
	}
	return tnow, pollUntil, ran
}

// run examines the first timer in ts. If it is ready based on now, it runs
// the timer and removes or updates it. Returns 0 if it ran a timer, -1 if
// there are no more timers, or the time when the first timer should run.
// Models runtime.(*timers).run.
//
//go:norace
func (ts *timers) run(tnow int64) int64 {
Redo:
	if len(ts.heap) == 0 {
		return -1
	}
	tw := ts.heap[0]
	t := tw.timer
	if t.ts != ts {
		throw("bad ts")
	}
	if t.state&(timerModified|timerZombie) == 0 && tw.when > tnow {
		// Fast path: not ready to run.
		return tw.when
	}
	if t.updateHeap() {
		goto Redo
	}
	if t.state&timerHeaped == 0 || t.state&timerModified != 0 {
		badTimer()
	}
	if t.when > tnow {
		// Not ready to run.
		return t.when
	}
	t.unlockAndRun(tnow)
	return 0
}

// unlockAndRun runs timer t (which must be ready): it reschedules or
// removes it and calls its function. Models runtime.(*timer).unlockAndRun.
//
//go:norace
func (t *timer) unlockAndRun(tnow int64) {
	if t.state&(timerModified|timerZombie) != 0 {
		badTimer()
	}
	f := t.f
	arg := t.arg
	seq := t.seq
	var next int64
	delay := tnow - t.when
	if t.period > 0 {
		// Leave in heap but adjust next time to fire.
		next = t.when + t.period*(1+delay/t.period)
		if next < 0 { // check for overflow.
			next = maxWhen
		}
	} else {
		next = 0
	}
	t.when = next
	if t.state&timerHeaped != 0 {
		t.state |= timerModified
		if next == 0 {
			t.state |= timerZombie
			t.ts.zombies++
		}
		t.updateHeap()
	}
	if t.isChan && t.period == 0 {
		// Tell Stop/Reset that we are sending a value: if they run
		// before the send commits (TimerChanSend), they bump t.seq, the
		// value is dropped, and they report the timer as stopped.
		t.isSending++
	}
	stats.TimersFired++
	if want(EvTimerFire) {
		evbuf.Arg = delay
		emit(EvTimerFire, curm, nil)
	}
	// For a channel timer, f ends in TimerChanSend, which plays the part
	// of Go's sendLock: it drops the value if t.seq no longer matches seq.
	if raceBuild {
		racetimerrun(t)
	}
	f(arg, seq, delay)
	if raceBuild {
		racetimerrun(nil)
	}
}

// updateMinWhenHeap sets ts.minWhenHeap to ts.heap[0].when.
//
//go:norace
func (ts *timers) updateMinWhenHeap() {
	if len(ts.heap) == 0 {
		ts.minWhenHeap = 0
	} else {
		ts.minWhenHeap = ts.heap[0].when
	}
}

// updateMinWhenModified updates ts.minWhenModified to be <= when.
//
//go:norace
func (ts *timers) updateMinWhenModified(when int64) {
	if old := ts.minWhenModified; old == 0 || when < old {
		ts.minWhenModified = when
	}
}

// timeSleepUntil returns the time when the next timer should fire
// (maxWhen if there are none). Models runtime.timeSleepUntil.
//
//go:norace
func timeSleepUntil() int64 {
	next := int64(maxWhen)
	for _, pp := range allp {
		if w := pp.timers.wakeTime(); w != 0 {
			next = min(next, w)
		}
	}
	return next
}

// siftUp puts the timer at position i in the right place in the heap.
//
//go:norace
func (ts *timers) siftUp(i int) {
	heap := ts.heap
	if i >= len(heap) {
		badTimer()
	}
	tw := heap[i]
	when := tw.when
	if when <= 0 {
		badTimer()
	}
	for i > 0 {
		p := int(uint(i-1) / timerHeapN) // parent
		if !tw.less(heap[p]) {
			break
		}
		heap[i] = heap[p]
		i = p
	}
	if heap[i].timer != tw.timer {
		heap[i] = tw
	}
}

// siftDown puts the timer at position i in the right place in the heap.
//
//go:norace
func (ts *timers) siftDown(i int) {
	heap := ts.heap
	n := len(heap)
	if i >= n {
		badTimer()
	}
	if i*timerHeapN+1 >= n {
		return
	}
	tw := heap[i]
	when := tw.when
	if when <= 0 {
		badTimer()
	}
	for {
		leftChild := i*timerHeapN + 1
		if leftChild >= n {
			break
		}
		w := tw
		c := -1
		for j, tw := range heap[leftChild:min(leftChild+timerHeapN, n)] {
			if tw.less(w) {
				w = tw
				c = leftChild + j
			}
		}
		if c < 0 {
			break
		}
		heap[i] = heap[c]
		i = c
	}
	if heap[i].timer != tw.timer {
		heap[i] = tw
	}
}

// initHeap reestablishes the heap order in the slice ts.heap.
//
//go:norace
func (ts *timers) initHeap() {
	if len(ts.heap) <= 1 {
		return
	}
	for i := int(uint(len(ts.heap)-1-1) / timerHeapN); i >= 0; i-- {
		ts.siftDown(i)
	}
}

// verify checks that ts is in a valid state: the 4-ary heap order, the
// timers' back pointers and state bits, the zombie count and
// minWhenHeap. Models runtime.(*timers).verify (Go calls it only when
// the verifyTimers constant is set; tests call it through VerifyTimers).
//
//go:norace
func (ts *timers) verify() {
	zombies := int32(0)
	for i, tw := range ts.heap {
		t := tw.timer
		if t.ts != ts {
			throwf("bad timer heap at %d: timer's ts is not this heap", i)
		}
		if t.state&timerHeaped == 0 {
			throwf("bad timer heap at %d: timer in heap without timerHeaped", i)
		}
		if t.state&timerZombie != 0 {
			zombies++
		}
		if t.state&(timerModified|timerZombie) == 0 && tw.when != t.when {
			throwf("bad timer heap at %d: heap when %d, timer when %d, not modified", i, tw.when, t.when)
		}
		if i == 0 {
			// First timer has no parent.
			continue
		}
		// The heap is timerHeapN-ary. See siftupTimer and siftdownTimer.
		p := int(uint(i-1) / timerHeapN)
		if tw.less(ts.heap[p]) {
			throwf("bad timer heap at %d: %d: %d, %d: %d", i, p, ts.heap[p].when, i, tw.when)
		}
	}
	if zombies != ts.zombies {
		throwf("bad timer heap: %d zombies, counted %d", zombies, ts.zombies)
	}
	if len(ts.heap) > 0 && ts.minWhenHeap != ts.heap[0].when || len(ts.heap) == 0 && ts.minWhenHeap != 0 {
		throwf("bad timer heap: minWhenHeap %d", ts.minWhenHeap)
	}
}

//go:norace
func badTimer() {
	throw("timer data corruption")
}
