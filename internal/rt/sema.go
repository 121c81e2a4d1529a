package rt

import "unsafe"

// Semaphores and notify lists, modelled on sema.go (go1.26): what the sync
// package blocks on.
//
// Go keeps the waiters of each address in a treap hashed into 251 roots
// (semTabSize); each treap node heads a list of further waiters on the same
// address. The shape of the tree is not observable, only the per-address
// queue order is, so the simulator keeps one list per address: FIFO
// insertion appends at the tail, LIFO insertion puts the waiter at the head
// (it takes the treap node's place, as root.queue does), and a release
// takes the head. Go draws a treap priority from cheaprand whenever an
// address gets its first waiter (a new leaf); the simulator makes the same
// draw so that the runtime's random stream advances as Go's does.
//
// Invariants:
//   - A sudog is on an address's list only while its G is _Gwaiting (or
//     about to be readied by the releaser that just dequeued it). Go
//     guarantees this with the root lock, which semacquire holds from its
//     last cansemacquire until park_m has changed the G's status
//     (goparkunlock). The simulator has no locks, but gopark charges
//     virtual time before the switch, during which other Ms run; so the
//     sudog is queued by the park's unlock function (semaparkcommit), on
//     g0, after the G is _Gwaiting — the moment Go releases the root lock.
//   - A semrelease that comes while an acquirer is parking finds no waiter
//     and only increments the count; the acquirer's unlock function then
//     takes the count and does not park (park_m resumes the G at once). In
//     Go that releaser would wait for the root lock, then dequeue the
//     acquirer and ready it into its own P's runnext (with a hand-off, and
//     yield to it). Either way the acquirer gets the count; the deviation
//     is where it runs next, and that such a hand-off is not counted in
//     Stats.SemaHandoffs. The window is gopark's CostModel.Park.
//   - sudog.ticket is 0 while queued; 1 means the count was consumed on the
//     waiter's behalf (a hand-off), as in Go.

// semaObj and notifyObj are the ids of a semaphore and a notify list for a
// Chooser (0 when nobody is choosing: the map is not worth keeping).
//
//go:norace
func semaObj(addr *uint32) int64 {
	if chooser == nil {
		return 0
	}
	return objID(unsafe.Pointer(addr))
}

//go:norace
func notifyObj(l *NotifyList) int64 {
	if chooser == nil {
		return 0
	}
	return objID(unsafe.Pointer(l))
}

// SemaReason is the wait reason a semaphore wait records; each maps to the
// waitReason Go's linknamed entry point passes (sema.go).
type SemaReason uint8

const (
	SemaReasonSemacquire    SemaReason = iota // sync.runtime_Semacquire: "semacquire"
	SemaReasonMutexLock                       // internal/sync.runtime_SemacquireMutex: "sync.Mutex.Lock"
	SemaReasonRWMutexRLock                    // sync.runtime_SemacquireRWMutexR: "sync.RWMutex.RLock"
	SemaReasonRWMutexLock                     // sync.runtime_SemacquireRWMutex: "sync.RWMutex.Lock"
	SemaReasonWaitGroupWait                   // sync.runtime_SemacquireWaitGroup: "sync.WaitGroup.Wait"
)

//go:norace
func (r SemaReason) waitReason() waitReason {
	switch r {
	case SemaReasonMutexLock:
		return waitReasonSyncMutexLock
	case SemaReasonRWMutexRLock:
		return waitReasonSyncRWMutexRLock
	case SemaReasonRWMutexLock:
		return waitReasonSyncRWMutexLock
	case SemaReasonWaitGroupWait:
		return waitReasonSyncWaitGroupWait
	}
	return waitReasonSemacquire
}

// String returns the wait reason's text, as a goroutine dump shows it.
//
//go:norace
func (r SemaReason) String() string { return r.waitReason().String() }

// semaQueue is the list of waiters on one address: the treap node for the
// address and its waitlink list, flattened.
type semaQueue struct {
	head, tail *sudog
	addr       *uint32
	next       *semaQueue // in its semtable bucket
}

// semTabSize is the number of buckets of semtable (sema.go:semTabSize).
const semTabSize = 251

// semtable holds the waiters of every address that has some
// (sema.go:semtable): an address hashes to one of semTabSize buckets,
// each a list of queues — Go's root treaps, flattened. (A map would do,
// but under -race the host runtime records every map write as a memory
// access, which the detector would see the simulated goroutines share.)
// Reset by resetGlobals.
var semtable [semTabSize]*semaQueue

//go:norace
func semaQueueFor(addr *uint32, create bool) *semaQueue {
	root := &semtable[(uintptr(unsafe.Pointer(addr))>>3)%semTabSize]
	for q := *root; q != nil; q = q.next {
		if q.addr == addr {
			return q
		}
	}
	if !create {
		return nil
	}
	q := &semaQueue{addr: addr, next: *root}
	*root = q
	return q
}

// semaDrop removes addr's queue, which has no waiters left.
//
//go:norace
func semaDrop(addr *uint32) {
	for pq := &semtable[(uintptr(unsafe.Pointer(addr))>>3)%semTabSize]; *pq != nil; pq = &(*pq).next {
		if (*pq).addr == addr {
			*pq = (*pq).next
			return
		}
	}
}

// cansemacquire decrements *addr if it is positive.
// Models runtime.cansemacquire (the CAS loop cannot fail here: nothing
// runs concurrently).
//
//go:norace
func cansemacquire(addr *uint32) bool {
	if *addr == 0 {
		return false
	}
	*addr--
	return true
}

// Semacquire waits until *addr > 0 and then decrements it. lifo queues the
// waiter at the head of the address's queue (a sync.Mutex waiter that was
// woken and lost the race re-queues so); reason is the wait reason a dump
// shows. Models runtime.semacquire1.
// Deviation: the waiter is queued by gopark's unlock function, after the
// G is _Gwaiting (see the invariants above).
//
//go:norace
func Semacquire(addr *uint32, lifo bool, reason SemaReason) {
	gp := getg()
	preemptOp(gp, OpAcquire, semaObj(addr))
	// Easy case.
	if cansemacquire(addr) {
		return
	}
	charge(SiteSemaAcquire, costs.SemaAcquire)
	// Harder case: queue ourselves, sleep, and on wake-up either we got
	// the semaphore handed off (ticket) or we compete for it again
	// (barging: a woken waiter may lose to a newcomer).
	s := acquireSudog()
	s.ticket = 0
	s.acquiretime = now
	commit := semaparkcommitFIFO
	if lifo {
		commit = semaparkcommitLIFO
	}
	for {
		// Check cansemacquire to avoid a missed wakeup.
		if cansemacquire(addr) {
			break
		}
		s.elem = unsafe.Pointer(addr)
		gopark(commit, s, reason.waitReason(), blockSync)
		if s.ticket != 0 || cansemacquire(addr) {
			break
		}
	}
	s.ticket = 0
	releaseSudog(s)
}

// semaparkcommitFIFO and semaparkcommitLIFO are Semacquire's unlock
// functions: they run on g0 once the G is _Gwaiting and put its sudog on
// the address's queue — unless a release came while the G was parking, in
// which case they take the count for it and cancel the park. They play the
// part of goparkunlock(&root.lock) in semacquire1.
//
//go:norace
func semaparkcommitFIFO(gp *g, arg any) bool { return semaparkcommit(gp, arg.(*sudog), false) }

//go:norace
func semaparkcommitLIFO(gp *g, arg any) bool { return semaparkcommit(gp, arg.(*sudog), true) }

//go:norace
func semaparkcommit(gp *g, s *sudog, lifo bool) bool {
	addr := (*uint32)(s.elem)
	if cansemacquire(addr) {
		s.elem = nil
		s.ticket = 1
		return false
	}
	semaQueueFor(addr, true).queue(gp, s, lifo)
	return true
}

// queue adds s to the waiters on its address: at the tail, or with lifo at
// the head. Models semaRoot.queue.
// Deviation: one list per address, not a treap of addresses each heading a
// list; the order of each address's waiters, and the cheaprand draw for a
// new treap node, are Go's.
//
//go:norace
func (q *semaQueue) queue(gp *g, s *sudog, lifo bool) {
	s.g = gp
	s.waitlink = nil
	if q.head == nil {
		// A new leaf in the treap of unique addresses: Go draws its
		// priority, s.ticket = cheaprand() | 1 (reset to 0 on dequeue).
		// The treap's shape is not observable, so the value is not a
		// decision: only the random stream advances, as Go's does.
		_ = runRand.next()
	}
	if lifo {
		s.waitlink = q.head
		q.head = s
		if q.tail == nil {
			q.tail = s
		}
		return
	}
	if q.tail == nil {
		q.head = s
	} else {
		q.tail.waitlink = s
	}
	q.tail = s
}

// dequeue removes and returns the first waiter. Models semaRoot.dequeue.
// Deviation: no treap to rebalance (see queue).
//
//go:norace
func (q *semaQueue) dequeue() *sudog {
	s := q.head
	if s == nil {
		return nil
	}
	q.head = s.waitlink
	if q.head == nil {
		q.tail = nil
	}
	s.waitlink = nil
	s.elem = nil
	return s
}

// Semrelease increments *addr and wakes the first waiter, if any, into the
// current P's runnext. With handoff, the count goes straight to that waiter
// and the releaser yields (to the tail of its local run queue) so that the
// waiter runs at once, inheriting the time slice: a starving sync.Mutex.
// Models runtime.semrelease1.
// Deviation: a release that comes while an acquirer is still parking finds
// no waiter and only increments the count (see the invariants above).
//
//go:norace
func Semrelease(addr *uint32, handoff bool) {
	gp := getg()
	preemptOp(gp, OpRelease, semaObj(addr))
	*addr++
	// Easy case: no waiters? This check must happen after the increment,
	// to avoid a missed wakeup (see the loop in Semacquire).
	if q := semaQueueFor(addr, false); q == nil || q.head == nil {
		return
	}
	charge(SiteSemaRelease, costs.SemaRelease)
	// Harder case: search for a waiter and wake it. Re-check: another M
	// may have taken the waiter while this one was spending the time above
	// (Go re-checks root.nwait under the lock).
	q := semaQueueFor(addr, false)
	if q == nil || q.head == nil {
		return
	}
	s := q.dequeue()
	if q.head == nil {
		semaDrop(addr)
	}
	if s.ticket != 0 {
		throw("corrupted semaphore ticket")
	}
	if handoff && cansemacquire(addr) {
		s.ticket = 1
		stats.SemaHandoffs++
	}
	goready(s.g)
	if s.ticket == 1 && curm.locks == 0 {
		// Direct G handoff: goready has put the waiter G in runnext of
		// the current P; we now call the scheduler so that we start
		// running the waiter G immediately. The waiter inherits our time
		// slice, and goyield puts us on the local run queue's tail, not
		// the global one.
		goyield()
	}
}

// SemaWaiters reports how many goroutines wait on addr (for tests and
// reports).
//
//go:norace
func SemaWaiters(addr *uint32) int {
	q := semaQueueFor(addr, false)
	if q == nil {
		return 0
	}
	n := 0
	for s := q.head; s != nil; s = s.waitlink {
		n++
	}
	return n
}

// NotifyList is a ticket-based notification list (sema.go:notifyList),
// used by sync.Cond. The zero value is ready to use.
type NotifyList struct {
	wait   uint32 // ticket number of the next waiter
	notify uint32 // ticket number of the next waiter to be notified
	head   *sudog
	tail   *sudog
}

// less checks if a < b, considering a & b running counts that may
// overflow the 32-bit range, and that their "unwrapped" difference is
// always less than 2^31.
//
//go:norace
func less(a, b uint32) bool {
	return int32(a-b) < 0
}

// Add adds the caller to the notify list such that it can receive
// notifications. The caller must eventually call Wait to wait for a
// notification, passing the returned ticket number.
// Models runtime.notifyListAdd.
//
//go:norace
func (l *NotifyList) Add() uint32 {
	getg()
	charge(SiteAtomic, costs.Atomic)
	t := l.wait
	l.wait++
	return t
}

// Wait waits for a notification. If one has been sent since Add was
// called, it returns immediately. Otherwise, it blocks.
// Models runtime.notifyListWait.
// Deviation: the waiter is appended by gopark's unlock function, once the
// G is _Gwaiting (as for Semacquire).
//
//go:norace
func (l *NotifyList) Wait(t uint32) {
	gp := getg()
	// Return right away if this ticket has already been notified.
	if less(t, l.notify) {
		return
	}
	s := acquireSudog()
	s.g = gp
	s.ntick = t
	s.elem = unsafe.Pointer(l)
	gopark(notifyListCommit, s, waitReasonSyncCondWait, blockCondWait)
	s.elem = nil
	s.next = nil
	releaseSudog(s)
}

// notifyListCommit is NotifyList.Wait's unlock function: it enqueues the
// sudog once the G is _Gwaiting, unless the ticket was notified while the
// G was parking (then the park is cancelled, as notifyListWait returns
// when it sees t < notify under the lock).
//
//go:norace
func notifyListCommit(gp *g, arg any) bool {
	s := arg.(*sudog)
	l := (*NotifyList)(s.elem)
	if less(s.ntick, l.notify) {
		return false
	}
	if l.tail == nil {
		l.head = s
	} else {
		l.tail.next = s
	}
	l.tail = s
	return true
}

// NotifyAll notifies all entries in the list: they are readied in list
// order, so the last one ends in runnext and runs first.
// Models runtime.notifyListNotifyAll.
//
//go:norace
func (l *NotifyList) NotifyAll() {
	gp := getg()
	preemptOp(gp, OpNotify, notifyObj(l))
	// Fast-path: if there are no new waiters since the last notification
	// we don't need to acquire the lock.
	if l.wait == l.notify {
		return
	}
	// Pull the list out into a local variable, waiters will be readied
	// outside the lock.
	s := l.head
	l.head = nil
	l.tail = nil
	// Update the next ticket to be notified. We can set it to the current
	// value of wait because any previous waiters are already in the list
	// or will notice that they have already been notified when trying to
	// add themselves to the list.
	l.notify = l.wait
	for s != nil {
		next := s.next
		s.next = nil
		goready(s.g)
		s = next
	}
}

// NotifyOne notifies one entry in the list: the one with the oldest
// un-notified ticket. Models runtime.notifyListNotifyOne.
//
//go:norace
func (l *NotifyList) NotifyOne() {
	gp := getg()
	preemptOp(gp, OpNotify, notifyObj(l))
	// Fast-path: if there are no new waiters since the last notification
	// we don't need to acquire the lock at all.
	if l.wait == l.notify {
		return
	}
	// Re-check under the lock if we need to do anything.
	t := l.notify
	if t == l.wait {
		return
	}
	// Update the next notify ticket number.
	l.notify = t + 1
	// Try to find the g that needs to be notified. If it hasn't made it
	// to the list yet we won't find it, but it won't park itself once it
	// sees the new notify number.
	for p, s := (*sudog)(nil), l.head; s != nil; p, s = s, s.next {
		if s.ntick == t {
			n := s.next
			if p != nil {
				p.next = n
			} else {
				l.head = n
			}
			if n == nil {
				l.tail = p
			}
			s.next = nil
			goready(s.g)
			return
		}
	}
}
