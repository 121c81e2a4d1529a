package rt

import "unsafe"

// select, modelled on select.go (go1.26).

// Scase is one case of a select: a send of the value in Elem's cell, or a
// receive into it. A nil C is a case that can never proceed.
type Scase struct {
	C    *Hchan
	Elem unsafe.Pointer
}

// sortkey orders channels for locking. Go uses the hchan address; the
// simulator uses the creation order, which is deterministic and has the
// same effect (a total order in which duplicates are adjacent).
//
//go:norace
func (c *Hchan) sortkey() int64 { return c.id }

// Selectgo implements the select statement. cases holds nsends send
// cases followed by the receive cases. It returns the index of the chosen
// case (-1 for default when !block) and, for a receive, whether a value
// was received (false: the channel was closed).
// Models runtime.selectgo: a random poll order from the runtime's
// generator, then the first ready case in that order; otherwise enqueue on
// every channel in lock order, park, and on wake dequeue from the losers.
// Deviation: the lock order sorts channels by creation order (sortkey),
// not by address, and no locks are taken; a select that will block pays
// CostModel.Park before it queues its sudogs and polls the cases again
// after it (as ChanSend does).
//
//go:norace
func Selectgo(cases []Scase, nsends int, block bool) (int, bool) {
	gp := getg()
	preemptOp(gp, OpSelect, 0)
	ncases := len(cases)
	charge(SiteSelect, costs.Select+int64(ncases)*costs.SelectCase)

	var orderBuf [32]uint16
	var order []uint16
	if 2*ncases <= len(orderBuf) {
		order = orderBuf[:2*ncases]
	} else {
		order = make([]uint16, 2*ncases)
	}
	pollorder := order[:ncases:ncases]
	lockorder := order[ncases:][:ncases:ncases]

	// generate permuted order
	norder := 0
	for i := range cases {
		cas := &cases[i]
		// Omit cases without channels from the poll and lock orders.
		if cas.C == nil {
			cas.Elem = nil // allow GC
			continue
		}
		if cas.C.timer != nil {
			cas.C.timer.maybeRunChan(cas.C)
		}
		j := cheaprandn(SiteSelectOrder, uint32(norder+1))
		pollorder[norder] = pollorder[j]
		pollorder[j] = uint16(i)
		norder++
	}
	pollorder = pollorder[:norder]
	lockorder = lockorder[:norder]

	// sort the cases by Hchan sortkey to get the locking order (heap
	// sort, as Go does, so duplicates end up in poll-dependent order).
	for i := range lockorder {
		j := i
		c := cases[pollorder[i]].C
		for j > 0 && cases[lockorder[(j-1)/2]].C.sortkey() < c.sortkey() {
			k := (j - 1) / 2
			lockorder[j] = lockorder[k]
			j = k
		}
		lockorder[j] = pollorder[i]
	}
	for i := len(lockorder) - 1; i >= 0; i-- {
		o := lockorder[i]
		c := cases[o].C
		lockorder[i] = lockorder[0]
		j := 0
		for {
			k := j*2 + 1
			if k >= i {
				break
			}
			if k+1 < i && cases[lockorder[k]].C.sortkey() < cases[lockorder[k+1]].C.sortkey() {
				k++
			}
			if c.sortkey() < cases[lockorder[k]].C.sortkey() {
				lockorder[j] = lockorder[k]
				j = k
				continue
			}
			break
		}
		lockorder[j] = o
	}

	// pass 1 - look for something already waiting
	for parkCharged := false; ; parkCharged = true {
		for _, casei := range pollorder {
			casi := int(casei)
			cas := &cases[casi]
			c := cas.C
			if casi >= nsends {
				if sg := c.sendq.dequeue(); sg != nil {
					// can receive from sleeping sender (sg)
					recv(c, sg, cas.Elem)
					return casi, true
				}
				if c.qcount > 0 {
					// can receive from buffer
					if raceBuild {
						racenotify(c, c.recvx, nil)
					}
					c.ops.BufToCell(c.recvx, cas.Elem)
					c.ops.ClearBuf(c.recvx)
					c.recvx++
					if c.recvx == c.dataqsiz {
						c.recvx = 0
					}
					c.qcount--
					c.countRecv()
					return casi, true
				}
				if c.closed != 0 {
					// read at end of closed channel
					if raceBuild {
						raceacquirechan(c)
					}
					if cas.Elem != nil {
						c.ops.ClearCell(cas.Elem)
					}
					return casi, false
				}
			} else {
				if c.closed != 0 {
					// send on closed channel
					panic(plainError("send on closed channel"))
				}
				// can send to a sleeping receiver, or to the buffer
				if chansendNow(c, cas.Elem, nil) {
					return casi, false
				}
			}
		}

		if !block {
			return -1, false
		}
		if parkCharged {
			break
		}
		// Going to block: pay for parking before the sudogs are visible,
		// then look again (see ChanSend).
		charge(SitePark, costs.Park)
	}

	// pass 2 - enqueue on all chans
	if gp.waiting != nil {
		throw("gp.waiting != nil")
	}
	nextp := &gp.waiting
	for _, casei := range lockorder {
		casi := int(casei)
		cas := &cases[casi]
		c := cas.C
		sg := acquireSudog()
		sg.g = gp
		sg.isSelect = true
		// No stack splits between assigning elem and enqueuing sg on
		// gp.waiting where copystack can find it.
		sg.elem = cas.Elem
		sg.c = c
		sg.casi = casi
		// Construct waiting list in lock order.
		*nextp = sg
		nextp = &sg.waitlink
		if casi < nsends {
			c.sendq.enqueue(sg)
		} else {
			c.recvq.enqueue(sg)
		}
		if c.timer != nil {
			blockTimerChan(c)
		}
	}

	// wait for someone to wake us up
	gp.param = nil
	stats.ChanBlocks++ // a select of the program's: the runtime's own never selects
	reason := waitReasonSelect
	if norder == 0 {
		reason = waitReasonSelect // all channels nil: Go parks with "select"
	}
	goparkCharged(selparkcommit, nil, reason, blockSelect)

	gp.selectDone = false
	sg := gp.param
	gp.param = nil

	// pass 3 - dequeue from unsuccessful chans; otherwise they stack up
	// on quiet channels. Record the successful case, if any. We singly-
	// linked up the sudogs in lock order.
	casi := -1
	var cas *Scase
	caseSuccess := false
	sglist := gp.waiting
	// Clear all elem before unlinking from gp.waiting.
	for sg1 := gp.waiting; sg1 != nil; sg1 = sg1.waitlink {
		sg1.isSelect = false
		sg1.elem = nil
		sg1.c = nil
	}
	gp.waiting = nil

	for _, casei := range lockorder {
		k := &cases[casei]
		if k.C.timer != nil {
			unblockTimerChan(k.C)
		}
		if sg == sglist {
			// sg has already been dequeued by the G that woke us up.
			casi = int(casei)
			cas = k
			caseSuccess = sglist.success
		} else {
			c := k.C
			if int(casei) < nsends {
				c.sendq.dequeueSudoG(sglist)
			} else {
				c.recvq.dequeueSudoG(sglist)
			}
		}
		sgnext := sglist.waitlink
		sglist.waitlink = nil
		releaseSudog(sglist)
		sglist = sgnext
	}
	if cas == nil {
		throw("selectgo: bad wakeup")
	}
	if casi < nsends {
		if !caseSuccess {
			panic(plainError("send on closed channel"))
		}
		return casi, false
	}
	return casi, caseSuccess
}

// selparkcommit is the unlock function of a select park.
//
//go:norace
func selparkcommit(gp *g, _ any) bool { return true }

// CountSelect counts a select statement in Stats.SelectCalls. The generic
// layer calls it once per select, whatever the select compiles to: a
// Selectgo, a single (non-)blocking channel operation, or Block.
//
//go:norace
func CountSelect() {
	getg()
	stats.SelectCalls++
}

// Block parks the current goroutine forever: select {} with no cases.
// Models runtime.block (select.go).
//
//go:norace
func Block() {
	gp := getg()
	preemptOp(gp, OpSelect, 0)
	stats.ChanBlocks++
	gopark(nil, nil, waitReasonSelectNoCases, blockForever)
	throw("unreachable")
}
