package rt

// Run queues: each P's 256-slot ring plus runnext, and the global queue.
// Modelled on the runq* and globrunq* functions of proc.go (go1.26). The
// real ring is lock-free (only the owner adds; anyone may take by CASing
// the head); here only one accessor runs at a time, so the CAS loops
// collapse to plain updates, but the arithmetic — and so every order and
// count — is Go's.

// runqempty reports whether pp has no Gs on its local run queue,
// including runnext. Models runtime.runqempty.
//
//go:norace
func runqempty(pp *p) bool {
	return pp.runqhead == pp.runqtail && pp.runnext == nil
}

// runqput tries to put gp on the local runnable queue. If next is true, it
// puts gp in pp.runnext, kicking the previous runnext to the tail of the
// ring. If the ring is full, runqputslow moves half of it to the global
// queue. Executed only by the owner P. Models runtime.runqput.
//
//go:norace
func runqput(pp *p, gp *g, next bool) {
	if !haveSysmon && next {
		// Without sysmon, a runnext chain sharing one time slice could
		// starve everyone else, so runnext is not used (as on wasm).
		next = false
	}
	if next && chooser != nil && choose(ChoiceRunnext, SiteReady, 2, 0, gp) == 1 {
		// randomizeScheduler (a -race build) skips runnext half the time.
		next = false
	}
	if next {
		oldnext := pp.runnext
		pp.runnext = gp
		if want(EvRunqPut) {
			runqputEvent(gp, true)
		}
		if oldnext == nil {
			return
		}
		// Kick the old runnext out to the regular run queue.
		gp = oldnext
	}
	h := pp.runqhead
	t := pp.runqtail
	if t-h < uint32(len(pp.runq)) {
		pp.runq[t%uint32(len(pp.runq))] = gp
		pp.runqtail = t + 1
		if want(EvRunqPut) {
			runqputEvent(gp, false)
		}
		return
	}
	// The ring is full: gp goes to the global queue with half of it
	// (runqputslow reports that as RunqOverflow and GlobalRunqPut).
	runqputslow(pp, gp, h, t)
}

// runqputslow puts gp and half of the local queue (128 Gs, the oldest) on
// the global queue as one batch. Models runtime.runqputslow.
//
//go:norace
func runqputslow(pp *p, gp *g, h, t uint32) {
	n := t - h
	n = n / 2
	if n != uint32(len(pp.runq)/2) {
		throw("runqputslow: queue is not full")
	}
	// Go copies the half to a batch array on its stack before the CAS on
	// runqhead that publishes the take; with no thief running meanwhile,
	// the simulator links the Gs straight from the ring (and keeps a G's
	// stack small, since this runs on the G that readied gp).
	var q gQueue
	if chooser != nil {
		// randomizeScheduler (a -race build) shuffles the batch.
		batch := shuffleBuf[:0]
		for i := uint32(0); i < n; i++ {
			batch = append(batch, pp.runq[(h+i)%uint32(len(pp.runq))])
		}
		batch = append(batch, gp)
		for i := 1; i < len(batch); i++ {
			j := choose(ChoiceShuffle, SiteRunqputslow, int64(i+1), int64(i), batch[i])
			batch[i], batch[j] = batch[j], batch[i]
		}
		for _, gp := range batch {
			q.pushBack(gp)
		}
		clear(batch)
		shuffleBuf = batch[:0]
	} else {
		for i := uint32(0); i < n; i++ {
			q.pushBack(pp.runq[(h+i)%uint32(len(pp.runq))])
		}
		q.pushBack(gp)
	}
	pp.runqhead = h + n
	stats.RunqOverflows++
	if want(EvRunqOverflow) {
		evbuf.Arg = int64(n + 1)
		emit(EvRunqOverflow, curm, nil)
	}
	globrunqputbatch(&q)
}

// runqputbatch puts as many Gs from q as fit on the local queue; the
// caller puts the rest on the global queue. Models runtime.runqputbatch.
//
//go:norace
func runqputbatch(pp *p, q *gQueue) {
	h := pp.runqhead
	t := pp.runqtail
	for !q.empty() && t-h < uint32(len(pp.runq)) {
		gp := q.pop()
		pp.runq[t%uint32(len(pp.runq))] = gp
		t++
	}
	if chooser != nil {
		// randomizeScheduler (a -race build) shuffles what went in.
		off := func(o uint32) uint32 { return (pp.runqtail + o) % uint32(len(pp.runq)) }
		for i := uint32(1); i < t-pp.runqtail; i++ {
			j := uint32(choose(ChoiceShuffle, SiteRunqputbatch, int64(i+1), int64(i), pp.runq[off(i)]))
			pp.runq[off(i)], pp.runq[off(j)] = pp.runq[off(j)], pp.runq[off(i)]
		}
	}
	if want(EvRunqPut) && t != pp.runqtail {
		evbuf.Arg2 = int64(t - pp.runqtail)
		emit(EvRunqPut, curm, nil)
	}
	pp.runqtail = t
}

// shuffleBuf is runqputslow's batch when it shuffles (not on the stack:
// runqputslow runs on goroutines' small stacks).
var shuffleBuf []*g

// runqget gets a G from the local queue: runnext first (the G inherits
// the current time slice), then the head of the ring.
// Models runtime.runqget.
//
//go:norace
func runqget(pp *p) (gp *g, inheritTime bool) {
	if next := pp.runnext; next != nil {
		pp.runnext = nil
		stats.RunnextHits++
		return next, true
	}
	h := pp.runqhead
	t := pp.runqtail
	if t == h {
		return nil, false
	}
	gp = pp.runq[h%uint32(len(pp.runq))]
	pp.runq[h%uint32(len(pp.runq))] = nil
	pp.runqhead = h + 1
	return gp, false
}

// runqgrab grabs the larger half of pp's ring into batch (a ring starting
// at batchHead), or, if the ring is empty and stealRunNextG is set,
// pp's runnext — after backing off for 3 µs if pp is running, to give it
// the chance to run that G itself. Models runtime.runqgrab.
//
//go:norace
func runqgrab(pp *p, batch *[256]*g, batchHead uint32, stealRunNextG bool) uint32 {
	for {
		h := pp.runqhead
		t := pp.runqtail
		n := t - h
		n = n - n/2
		if stealCap > 0 && n > stealCap {
			n = stealCap // the seed article's "steal min(n/2, 32)" knob
		}
		if n == 0 {
			if stealRunNextG {
				// Try to steal from pp.runnext.
				if next := pp.runnext; next != nil {
					if pp.status == _Prunning {
						if mp := pp.m; mp != nil {
							if gp := mp.curg; gp == nil || readgstatus(gp) != _Gsyscall || version < 26 {
								// Sleep to ensure that pp isn't about to
								// run the G we are about to steal: the G
								// running on pp readied it and is likely
								// to block right away. usleep(3) takes
								// the kernel's timer slack on top.
								charge(SiteRunnextBackoff, costs.RunnextBackoff+costs.TimerSlack)
							}
						}
					}
					if pp.runnext != next {
						continue // CAS failed: pp ran or replaced it
					}
					pp.runnext = nil
					batch[batchHead%uint32(len(batch))] = next
					return 1
				}
			}
			return 0
		}
		for i := uint32(0); i < n; i++ {
			batch[(batchHead+i)%uint32(len(batch))] = pp.runq[(h+i)%uint32(len(pp.runq))]
			pp.runq[(h+i)%uint32(len(pp.runq))] = nil
		}
		pp.runqhead = h + n
		return n
	}
}

// runqsteal steals half of p2's local queue into pp's and returns one of
// the stolen Gs to run (the last grabbed), or nil.
// Models runtime.runqsteal.
//
//go:norace
func runqsteal(pp, p2 *p, stealRunNextG bool) *g {
	t := pp.runqtail
	n := runqgrab(p2, &pp.runq, t, stealRunNextG)
	if n == 0 {
		return nil
	}
	stats.Steals++
	stats.StolenGs += int64(n)
	pp.steals++
	pp.stolen += int64(n)
	n--
	gp := pp.runq[(t+n)%uint32(len(pp.runq))]
	pp.runq[(t+n)%uint32(len(pp.runq))] = nil
	if want(EvSteal) {
		evbuf.Arg = int64(n + 1)
		evbuf.Arg2 = int64(p2.id)
		evbuf.Target = gp.goid
		emit(EvSteal, curm, nil)
	}
	if n == 0 {
		return gp
	}
	h := pp.runqhead
	if t-h+n >= uint32(len(pp.runq)) {
		throw("runqsteal: runq overflow")
	}
	pp.runqtail = t + n
	return gp
}

// globrunqput puts gp on the tail of the global queue.
//
//go:norace
func globrunqput(gp *g) {
	sched.runq.pushBack(gp)
	if want(EvGlobalRunqPut) {
		globrunqputEvent(1, false)
	}
}

// globrunqputhead puts gp at the head of the global queue.
//
//go:norace
func globrunqputhead(gp *g) {
	sched.runq.push(gp)
	if want(EvGlobalRunqPut) {
		globrunqputEvent(1, true)
	}
}

// globrunqputbatch puts a batch on the tail of the global queue and clears
// the batch.
//
//go:norace
func globrunqputbatch(batch *gQueue) {
	n := batch.size
	sched.runq.pushBackAll(*batch)
	*batch = gQueue{}
	if want(EvGlobalRunqPut) && n > 0 {
		globrunqputEvent(n, false)
	}
}

// globrunqget takes one G from the global queue (go1.25+).
//
//go:norace
func globrunqget() *g {
	if sched.runq.size == 0 {
		return nil
	}
	return sched.runq.pop()
}

// globrunqgetbatch takes up to n Gs, but at most the P's fair share
// (size/gomaxprocs+1), from the global queue: the first to run now and the
// rest for the caller's (empty) local queue. Models runtime.globrunqgetbatch.
//
//go:norace
func globrunqgetbatch(n int32) (gp *g, q gQueue) {
	if sched.runq.size == 0 {
		return
	}
	n = min(n, sched.runq.size, sched.runq.size/gomaxprocs+1)
	gp = sched.runq.pop()
	n--
	for ; n > 0; n-- {
		q.pushBack(sched.runq.pop())
	}
	return
}
