package rt

import (
	"math/bits"
	"unsafe"
)

// Channels, modelled on chan.go (go1.26).
//
// Element values never pass through this package as values: the generic
// layer (gmp.Chan[T]) owns the buffer and the waiters' value cells, and
// implements ChanOps to copy between them. A cell is a heap *T the generic
// layer lends for one operation; sudog.elem points at it, so the G that
// completes an operation copies straight into (or out of) the cell of the
// one it wakes, as sendDirect/recvDirect do between stacks in Go.

// ChanOps copies elements for one channel; it is implemented by the typed
// channel. Cells and buffer slots are addressed as unsafe.Pointer to T and
// buffer index respectively.
type ChanOps interface {
	BufToCell(i uint, cell unsafe.Pointer) // *cell = buf[i] (cell may be nil: discard)
	CellToBuf(cell unsafe.Pointer, i uint) // buf[i] = *cell
	ClearBuf(i uint)                       // buf[i] = zero
	CellToCell(dst, src unsafe.Pointer)    // *dst = *src
	ClearCell(cell unsafe.Pointer)         // *cell = zero
}

// Hchan is the runtime part of a channel (chan.go:hchan).
type Hchan struct {
	qcount   uint   // total data in the queue
	dataqsiz uint   // size of the circular queue
	closed   uint32 // 1 once closed
	timer    *timer // timer feeding this chan
	sendx    uint   // send index
	recvx    uint   // receive index
	recvq    waitq  // list of recv waiters
	sendq    waitq  // list of send waiters
	ops      ChanOps
	id       int64 // creation order, for reports
	sys      bool  // one of the runtime's own channels: not counted in Stats
	zeroSize bool  // elements of size 0 (racenotify's elemsize == 0)
	//lint:ignore U1000 used under -race (race_on.go)
	race raceChan
}

// waitq is a FIFO list of sudogs (chan.go:waitq).
type waitq struct {
	first *sudog
	last  *sudog
}

// A sudog represents a G in a wait list (runtime2.go:sudog).
type sudog struct {
	g *g

	next *sudog
	prev *sudog
	elem unsafe.Pointer // data element (a cell)

	// For sema.go.
	acquiretime int64
	ticket      uint32

	// isSelect indicates g is participating in a select, so
	// g.selectDone must be CAS'd to win the wake-up race.
	isSelect bool

	// success indicates whether communication over channel c succeeded:
	// true if the goroutine was awoken because a value was delivered,
	// false if awoken because c was closed.
	success bool

	waitlink *sudog // g.waiting list or semaRoot
	c        *Hchan // channel
	casi     int    // select case index

	// For sync.Cond (notifyList).
	ntick uint32
}

var sudogCache []*sudog

// acquireSudog takes a sudog from the cache (proc.go:acquireSudog).
//
//go:norace
func acquireSudog() *sudog {
	if n := len(sudogCache); n > 0 {
		s := sudogCache[n-1]
		sudogCache = sudogCache[:n-1]
		return s
	}
	return new(sudog)
}

// releaseSudog returns s to the cache (proc.go:releaseSudog).
//
//go:norace
func releaseSudog(s *sudog) {
	if s.elem != nil || s.next != nil || s.prev != nil || s.waitlink != nil || s.c != nil {
		throw("runtime: sudog with non-nil fields")
	}
	*s = sudog{}
	sudogCache = append(sudogCache, s)
}

var chanCount int64

// maxAlloc is the largest allocation the runtime attempts on a 64-bit
// Linux (malloc.go: 1<<heapAddrBits, heapAddrBits = 48), and hchanSize the
// size of an hchan (chan.go), which makechan adds to the buffer.
const (
	maxAlloc  = 1 << 48
	hchanSize = 96
)

// CheckMakeChan panics as makechan does for a channel of size elements of
// elemSize bytes: "makechan: size out of range" if size is negative or the
// buffer would not fit in maxAlloc. (The compiler rejects element types of
// 64 KiB or more; a generic Chan reaches makechan's check instead.)
// Models the checks at the top of runtime.makechan.
// Deviation: an element type of 64 KiB or more panics ("makechan: invalid
// channel element type"), which a program can recover, where Go throws;
// there is no alignment check (the typed channel allocates its own buffer).
//
//go:norace
func CheckMakeChan(size int, elemSize uintptr) {
	if elemSize >= 1<<16 {
		panic(plainError("makechan: invalid channel element type"))
	}
	hi, mem := bits.Mul64(uint64(elemSize), uint64(size))
	if size < 0 || hi != 0 || mem > maxAlloc-hchanSize {
		panic(plainError("makechan: size out of range"))
	}
}

// MakeChan creates one of the runtime's own channels (runtime.main's
// gcenable channel), with a buffer of size elements. Its operations are the
// runtime's, not the program's: Stats does not count them. The program's
// channels are made by InitChan. Models runtime.makechan.
// Deviation: as InitChan's.
//
//go:norace
func MakeChan(ops ChanOps, size int) *Hchan {
	h := new(Hchan)
	InitChan(h, ops, size, 8)
	h.sys = true
	return h
}

// InitChan initialises the hchan h of a channel whose elements ops holds
// (the generic layer embeds the hchan in its channel object, so a channel
// is one allocation). The size must have passed CheckMakeChan.
// Models runtime.makechan.
// Deviation: the buffer is the typed channel's (ops), not part of the
// hchan allocation; there is no channel lock (one goroutine runs at a
// time); id, the creation order, stands in for the hchan's address where Go
// orders channels by it (select's lock order).
//
//go:norace
func InitChan(h *Hchan, ops ChanOps, size int, elemSize uintptr) {
	if size < 0 {
		panic(plainError("makechan: size out of range"))
	}
	chanCount++
	*h = Hchan{dataqsiz: uint(size), ops: ops, id: chanCount, zeroSize: elemSize == 0}
}

// idOrZero is c's id for a Chooser's decisions (0 for a nil channel).
//
//go:norace
func (c *Hchan) idOrZero() int64 {
	if c == nil {
		return 0
	}
	return c.id
}

// plainError is a runtime error without the "runtime error: " prefix
// (panic.go:plainError), e.g. "send on closed channel".
type plainError string

//go:norace
func (e plainError) Error() string { return string(e) }

//go:norace
func (e plainError) RuntimeError() {}

// full reports whether a send on c would block (that is, the channel is
// full). Models runtime.full.
//
//go:norace
func full(c *Hchan) bool {
	if c.dataqsiz == 0 {
		return c.recvq.first == nil
	}
	return c.qcount == c.dataqsiz
}

// empty reports whether a read from c would block. Models runtime.empty.
//
//go:norace
func empty(c *Hchan) bool {
	if c.dataqsiz == 0 {
		return c.sendq.first == nil
	}
	if c.timer != nil {
		c.timer.maybeRunChan(c)
	}
	return c.qcount == 0
}

// ChanSend sends the value in cell on c. If block is false and the send
// would block, it returns false. Models runtime.chansend.
// Deviation: a send that will block pays CostModel.Park before its sudog
// is queued, and looks at the channel again after it (virtual time passed,
// and other Ms ran; in Go the channel lock hides that window).
//
//go:norace
func ChanSend(c *Hchan, cell unsafe.Pointer, block bool) bool {
	gp := getg()
	preemptOp(gp, OpSend, c.idOrZero())
	if c == nil {
		if !block {
			return false
		}
		stats.ChanBlocks++
		gopark(nil, nil, waitReasonChanSendNilChan, blockForever)
		throw("unreachable")
	}
	charge(SiteChanSend, costs.ChanSend)

	// Fast path: check for failed non-blocking operation without
	// acquiring the lock.
	if !block && c.closed == 0 && full(c) {
		return false
	}
	for parkCharged := false; ; parkCharged = true {
		if c.closed != 0 {
			panic(plainError("send on closed channel"))
		}
		if chansendNow(c, cell, nil) {
			return true
		}
		if !block {
			return false
		}
		if parkCharged {
			break
		}
		// Going to block: pay for parking before the sudog is visible
		// (in Go the channel lock hides it until the G is parked), then
		// look again, since time has passed.
		charge(SitePark, costs.Park)
	}

	// Block on the channel. Some receiver will complete our operation.
	mysg := acquireSudog()
	mysg.elem = cell
	mysg.g = gp
	mysg.isSelect = false
	mysg.c = c
	gp.waiting = mysg
	gp.param = nil
	c.sendq.enqueue(mysg)
	c.countBlock()
	goparkCharged(chanparkcommit, c, waitReasonChanSend, blockChanSend)

	// Someone woke us up.
	if mysg != gp.waiting {
		throw("G waiting list is corrupted")
	}
	gp.waiting = nil
	closed := !mysg.success
	gp.param = nil
	mysg.c = nil
	mysg.elem = nil
	releaseSudog(mysg)
	if closed {
		if c.closed == 0 {
			throw("chansend: spurious wakeup")
		}
		panic(plainError("send on closed channel"))
	}
	return true
}

// countSend, countRecv and countBlock count an operation on c in Stats,
// unless c is one of the runtime's own channels: ChanSends and ChanRecvs
// when a value moves — from a sender into the buffer or to a receiver, from
// the buffer or a sender to a receiver — so that a parked operation is
// counted by the goroutine that completes it, at that instant, and never
// again when it wakes; ChanBlocks when an operation parks.
//
//go:norace
func (c *Hchan) countSend() {
	if !c.sys {
		stats.ChanSends++
	}
}

//go:norace
func (c *Hchan) countRecv() {
	if !c.sys {
		stats.ChanRecvs++
	}
}

//go:norace
func (c *Hchan) countBlock() {
	if !c.sys {
		stats.ChanBlocks++
	}
}

// chansendNow completes a send on the open channel c if it can do so
// without blocking: straight to a waiting receiver, or into a free buffer
// slot. It reports whether it did. timer is the channel timer sending, if
// it is one (its race context is not the current goroutine's).
//
//go:norace
func chansendNow(c *Hchan, cell unsafe.Pointer, timer *timer) bool {
	if sg := c.recvq.dequeue(); sg != nil {
		// Found a waiting receiver. We pass the value we want to send
		// directly to the receiver, bypassing the channel buffer.
		send(c, sg, cell, timer)
		return true
	}
	if c.qcount < c.dataqsiz {
		// Space is available in the channel buffer. Enqueue the element.
		if raceBuild {
			if timer != nil {
				racenotifytimer(c, c.sendx, nil, timer)
			} else {
				racenotify(c, c.sendx, nil)
			}
		}
		c.ops.CellToBuf(cell, c.sendx)
		c.sendx++
		if c.sendx == c.dataqsiz {
			c.sendx = 0
		}
		c.qcount++
		c.countSend()
		return true
	}
	return false
}

// send processes a send operation on an empty channel c: the value in cell
// goes straight to the receiver sg, which is readied into runnext.
// Models runtime.send.
// Deviation: the value is copied between the typed channel's cells
// (ChanOps.CellToCell), not from stack to stack (sendDirect).
//
//go:norace
func send(c *Hchan, sg *sudog, cell unsafe.Pointer, timer *timer) {
	if raceBuild {
		switch {
		case timer != nil:
			racenotifytimer(c, c.recvx, sg, timer)
		case c.dataqsiz == 0:
			racesync(c, sg)
		default:
			racenotify(c, c.recvx, sg)
		}
		if c.dataqsiz != 0 {
			// The entry a receiver would have used (chan.go:send keeps
			// the indexes moving only when raceenabled).
			c.recvx++
			if c.recvx == c.dataqsiz {
				c.recvx = 0
			}
			c.sendx = c.recvx
		}
	}
	if sg.elem != nil {
		c.ops.CellToCell(sg.elem, cell)
		sg.elem = nil
	}
	c.countSend()
	c.countRecv() // sg's
	gp := sg.g
	gp.param = sg
	sg.success = true
	goready(gp)
}

// ChanRecv receives from c into cell (which may be nil to discard).
// If block is false and no element is available, it returns (false,
// false). Otherwise, if c is closed, it zeros *cell and returns (true,
// false); else it fills in *cell and returns (true, true).
// Models runtime.chanrecv.
// Deviation: a receive that will block pays CostModel.Park first and
// looks again, as in ChanSend.
//
//go:norace
func ChanRecv(c *Hchan, cell unsafe.Pointer, block bool) (selected, received bool) {
	gp := getg()
	preemptOp(gp, OpRecv, c.idOrZero())
	if c == nil {
		if !block {
			return
		}
		stats.ChanBlocks++
		gopark(nil, nil, waitReasonChanReceiveNilChan, blockForever)
		throw("unreachable")
	}
	if c.timer != nil {
		c.timer.maybeRunChan(c)
	}
	charge(SiteChanRecv, costs.ChanRecv)

	// Fast path: check for failed non-blocking operation without
	// acquiring the lock.
	if !block && empty(c) {
		if c.closed == 0 {
			return
		}
		if empty(c) {
			if raceBuild {
				raceacquirechan(c)
			}
			if cell != nil {
				c.ops.ClearCell(cell)
			}
			return true, false
		}
	}

	for parkCharged := false; ; parkCharged = true {
		if c.closed != 0 {
			if c.qcount == 0 {
				if raceBuild {
					raceacquirechan(c)
				}
				if cell != nil {
					c.ops.ClearCell(cell)
				}
				return true, false
			}
			// The channel has been closed, but the channel's buffer has
			// data: deliver it.
		} else if sg := c.sendq.dequeue(); sg != nil {
			// Found a waiting sender. If buffer is size 0, receive value
			// directly from sender. Otherwise, receive from head of queue
			// and add sender's value to the tail of the queue.
			recv(c, sg, cell)
			return true, true
		}

		if c.qcount > 0 {
			// Receive directly from queue.
			if raceBuild {
				racenotify(c, c.recvx, nil)
			}
			c.ops.BufToCell(c.recvx, cell)
			c.ops.ClearBuf(c.recvx)
			c.recvx++
			if c.recvx == c.dataqsiz {
				c.recvx = 0
			}
			c.qcount--
			c.countRecv()
			return true, true
		}
		if !block {
			return false, false
		}
		if parkCharged {
			break
		}
		// Pay for parking before the sudog is visible, then look again
		// (see ChanSend).
		charge(SitePark, costs.Park)
	}

	// No sender available: block on this channel.
	mysg := acquireSudog()
	mysg.elem = cell
	gp.waiting = mysg
	mysg.g = gp
	mysg.isSelect = false
	mysg.c = c
	gp.param = nil
	c.recvq.enqueue(mysg)
	if c.timer != nil {
		blockTimerChan(c)
	}
	c.countBlock()
	goparkCharged(chanparkcommit, c, waitReasonChanReceive, blockChanRecv)

	// Someone woke us up.
	if mysg != gp.waiting {
		throw("G waiting list is corrupted")
	}
	if c.timer != nil {
		unblockTimerChan(c)
	}
	gp.waiting = nil
	success := mysg.success
	gp.param = nil
	mysg.c = nil
	mysg.elem = nil
	releaseSudog(mysg)
	return true, success
}

// recv processes a receive operation on a full channel c: for an
// unbuffered channel the value comes straight from the sender; for a
// buffered one the receiver takes the head of the queue and the sender's
// value goes to the tail (the slot just freed). The sender is readied.
// Models runtime.recv.
// Deviation: values move through the typed channel's cells (ChanOps), not
// from stack to stack (recvDirect).
//
//go:norace
func recv(c *Hchan, sg *sudog, cell unsafe.Pointer) {
	if c.dataqsiz == 0 {
		if raceBuild {
			racesync(c, sg)
		}
		if cell != nil {
			c.ops.CellToCell(cell, sg.elem)
		}
	} else {
		// Queue is full. Take the item at the head of the queue. Make
		// the sender enqueue its item at the tail of the queue. Since
		// the queue is full, those are both the same slot.
		if raceBuild {
			racenotify(c, c.recvx, sg)
		}
		c.ops.BufToCell(c.recvx, cell)
		c.ops.ClearBuf(c.recvx)
		c.ops.CellToBuf(sg.elem, c.recvx)
		c.recvx++
		if c.recvx == c.dataqsiz {
			c.recvx = 0
		}
		c.sendx = c.recvx // c.sendx = (c.sendx+1) % c.dataqsiz
	}
	sg.elem = nil
	c.countRecv()
	c.countSend() // sg's
	gp := sg.g
	gp.param = sg
	sg.success = true
	goready(gp)
}

// RaceAddr is the address at which the race detector sees c's sends (a
// read) and its close (a write), Go's c.raceaddr(): a send racing with
// the close is a data race.
//
//go:norace
func (c *Hchan) RaceAddr() unsafe.Pointer { return unsafe.Pointer(&c.closed) }

// chanparkcommit is the unlock function of a channel park.
//
//go:norace
func chanparkcommit(gp *g, _ any) bool { return true }

// ChanClose closes c. Models runtime.closechan: every waiting receiver
// gets the zero value and every waiting sender will panic; they are
// readied last-enqueued-sender first, first-enqueued-receiver last (the
// list is a stack), so the first receiver ends in runnext and runs first.
//
//go:norace
func ChanClose(c *Hchan) {
	gp := getg()
	preemptOp(gp, OpClose, c.idOrZero())
	if c == nil {
		panic(plainError("close of nil channel"))
	}
	charge(SiteChanClose, costs.ChanClose)
	if c.closed != 0 {
		panic(plainError("close of closed channel"))
	}
	if raceBuild {
		racereleasechan(c)
	}
	c.closed = 1

	var glist gList
	// release all readers
	for {
		sg := c.recvq.dequeue()
		if sg == nil {
			break
		}
		if sg.elem != nil {
			c.ops.ClearCell(sg.elem)
			sg.elem = nil
		}
		gp := sg.g
		gp.param = sg
		sg.success = false
		if raceBuild {
			racemergeg(gp) // raceacquireg(gp, c.raceaddr())
		}
		glist.push(gp)
	}
	// release all writers (they will panic)
	for {
		sg := c.sendq.dequeue()
		if sg == nil {
			break
		}
		sg.elem = nil
		gp := sg.g
		gp.param = sg
		sg.success = false
		if raceBuild {
			racemergeg(gp) // raceacquireg(gp, c.raceaddr())
		}
		glist.push(gp)
	}
	// Ready all Gs now that we've dropped the channel lock.
	for !glist.empty() {
		gp := glist.pop()
		goready(gp)
	}
}

// ChanLen returns len(c); timer channels report 0 (go1.23+).
// Models runtime.chanlen.
//
//go:norace
func ChanLen(c *Hchan) int {
	if c == nil {
		return 0
	}
	if c.timer != nil {
		return 0
	}
	return int(c.qcount)
}

// ChanCap returns cap(c); timer channels report 0 (go1.23+).
// Models runtime.chancap.
//
//go:norace
func ChanCap(c *Hchan) int {
	if c == nil {
		return 0
	}
	if c.timer != nil {
		return 0
	}
	return int(c.dataqsiz)
}

// ChanState is a snapshot of a channel's hchan fields.
type ChanState struct {
	QCount   uint
	DataqSiz uint
	SendX    uint
	RecvX    uint
	Closed   bool
	SendQ    []int64 // goids waiting to send, in queue order
	RecvQ    []int64 // goids waiting to receive, in queue order
}

// ChanSnapshot returns c's state.
//
//go:norace
func ChanSnapshot(c *Hchan) ChanState {
	if c == nil {
		return ChanState{}
	}
	st := ChanState{QCount: c.qcount, DataqSiz: c.dataqsiz, SendX: c.sendx, RecvX: c.recvx, Closed: c.closed != 0}
	for sg := c.sendq.first; sg != nil; sg = sg.next {
		st.SendQ = append(st.SendQ, sg.g.goid)
	}
	for sg := c.recvq.first; sg != nil; sg = sg.next {
		st.RecvQ = append(st.RecvQ, sg.g.goid)
	}
	return st
}

//go:norace
func (q *waitq) enqueue(sgp *sudog) {
	sgp.next = nil
	x := q.last
	if x == nil {
		sgp.prev = nil
		q.first = sgp
		q.last = sgp
		return
	}
	sgp.prev = x
	x.next = sgp
	q.last = sgp
}

// dequeue pops the first waiter, skipping select waiters whose select
// already completed through another case. Models runtime.(*waitq).dequeue.
// Deviation: selectDone is a plain bool set here, where Go wins it with a
// CompareAndSwap (nothing runs concurrently).
//
//go:norace
func (q *waitq) dequeue() *sudog {
	for {
		sgp := q.first
		if sgp == nil {
			return nil
		}
		y := sgp.next
		if y == nil {
			q.first = nil
			q.last = nil
		} else {
			y.prev = nil
			q.first = y
			sgp.next = nil // mark as removed (see dequeueSudoG)
		}
		// if a goroutine was put on this queue because of a select, there
		// is a small window between the goroutine being woken up by a
		// different case and it grabbing the channel locks. Once it has
		// the lock it removes itself from the queue, so we won't see it
		// after that. Here, the select winner is decided by selectDone.
		if sgp.isSelect {
			if sgp.g.selectDone {
				continue
			}
			sgp.g.selectDone = true
		}
		return sgp
	}
}

// dequeueSudoG removes sgp from q (select.go's losers' cleanup).
//
//go:norace
func (q *waitq) dequeueSudoG(sgp *sudog) {
	x := sgp.prev
	y := sgp.next
	if x != nil {
		if y != nil {
			// middle of queue
			x.next = y
			y.prev = x
			sgp.next = nil
			sgp.prev = nil
			return
		}
		// end of queue
		x.next = nil
		q.last = x
		sgp.prev = nil
		return
	}
	if y != nil {
		// start of queue
		y.prev = nil
		q.first = y
		sgp.next = nil
		return
	}
	// x==y==nil. Either sgp is the only element in the queue, or it has
	// already been removed. Use q.first to disambiguate.
	if q.first == sgp {
		q.first = nil
		q.last = nil
	}
}

// timerchandrain removes all elements in the timer channel c's buffer,
// reporting whether any were removed. Models runtime.timerchandrain.
//
//go:norace
func timerchandrain(c *Hchan) bool {
	if c.qcount == 0 {
		return false
	}
	any := false
	for c.qcount > 0 {
		any = true
		c.ops.ClearBuf(c.recvx)
		c.recvx++
		if c.recvx == c.dataqsiz {
			c.recvx = 0
		}
		c.qcount--
	}
	return any
}

// hchan returns the channel of a channel timer.
//
//go:norace
func (t *timer) hchan() *Hchan {
	if !t.isChan {
		badTimer()
	}
	return t.arg.(*TimerChanArg).C
}

// TimerChanArg is the argument of a channel timer's function: the
// channel and whatever the time package needs to send on it.
type TimerChanArg struct {
	C    *Hchan
	Send func(c *Hchan, seq uintptr, delay int64) // sendTime, on the timer's thread
}

// maybeRunChan checks whether the timer needs to run to send a value to
// its associated channel. If so, it does. Models runtime.maybeRunChan.
//
//go:norace
func (t *timer) maybeRunChan(c *Hchan) {
	if t.state&timerHeaped != 0 {
		// If the timer is in the heap, the ordinary timer code is in
		// charge of sending when appropriate.
		return
	}
	if t.when == 0 || t.when > now {
		return
	}
	t.unlockAndRun(now)
}

// blockTimerChan is called when a channel op has decided to block on c.
// The caller holds the channel lock for c and possibly other channels. In
// the case where c is a timer channel, it puts the timer in a heap.
//
//go:norace
func blockTimerChan(c *Hchan) {
	t := c.timer
	if !t.isChan {
		badTimer()
	}
	t.blocked++
	// If this is the first enqueue after a recent dequeue, the timer may
	// still be in the heap but marked as a zombie. Unmark it in this case,
	// if the timer is still pending.
	if t.state&timerHeaped != 0 && t.state&timerZombie != 0 && t.when > 0 {
		t.state &^= timerZombie
		t.ts.zombies--
	}
	if t.needsAdd() {
		t.maybeAdd()
	}
}

// unblockTimerChan is called when a channel op that was blocked on c is no
// longer blocked: a zombie timer is left in the heap, to be removed lazily.
//
//go:norace
func unblockTimerChan(c *Hchan) {
	t := c.timer
	if !t.isChan || t.blocked == 0 {
		badTimer()
	}
	t.blocked--
	if t.blocked == 0 && t.state&timerHeaped != 0 && t.state&timerZombie == 0 {
		// Last goroutine that was blocked on this timer. Mark for
		// removal from heap but do not clear t.when, so that we know
		// what time it is still meant to trigger.
		t.state |= timerZombie
		t.ts.zombies++
	}
}
