package rt

// Semaphores and notify lists, modelled on sema.go (go1.26): what the sync
// package blocks on.
//
// Go keeps the waiters of each address in a treap hashed into 251 roots;
// the shape of that tree is not observable, only the per-address queue
// order is, so the simulator keeps one FIFO list per address (LIFO
// insertion puts a waiter at the head, as the treap's list does).

// SemaReason is the wait reason a semaphore wait records.
type SemaReason uint8

const (
	SemaReasonSemacquire SemaReason = iota
	SemaReasonMutexLock
	SemaReasonRWMutexRLock
	SemaReasonRWMutexLock
	SemaReasonWaitGroupWait
)

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

// semaQueue is the list of waiters on one address.
type semaQueue struct {
	head, tail *sudog
}

var semtable map[*uint32]*semaQueue

func semaQueueFor(addr *uint32, create bool) *semaQueue {
	q := semtable[addr]
	if q == nil && create {
		if semtable == nil {
			semtable = make(map[*uint32]*semaQueue)
		}
		q = new(semaQueue)
		semtable[addr] = q
	}
	return q
}

// cansemacquire decrements *addr if it is positive.
func cansemacquire(addr *uint32) bool {
	if *addr == 0 {
		return false
	}
	*addr--
	return true
}

// Semacquire waits until *addr > 0 and then decrements it. lifo queues the
// waiter at the head of the address's queue (a Mutex waiter that was woken
// and lost the race re-queues so). Models runtime.semacquire1.
func Semacquire(addr *uint32, lifo bool, reason SemaReason) {
	gp := getg()
	preemptCheck()
	// Easy case.
	if cansemacquire(addr) {
		return
	}
	advance(costs.SemaAcquire)
	// Harder case: queue ourselves, sleep, and on wake-up either we got
	// the semaphore handed off (ticket) or we compete for it again.
	s := acquireSudog()
	s.ticket = 0
	s.acquiretime = now
	for {
		if cansemacquire(addr) {
			break
		}
		semaQueueFor(addr, true).queue(gp, s, lifo)
		gopark(nil, nil, reason.waitReason(), blockSync)
		if s.ticket != 0 || cansemacquire(addr) {
			break
		}
	}
	s.ticket = 0
	releaseSudog(s)
}

func (q *semaQueue) queue(gp *g, s *sudog, lifo bool) {
	s.g = gp
	s.waitlink = nil
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
	return s
}

// Semrelease increments *addr and wakes the first waiter, if any. With
// handoff, the count goes straight to that waiter and the releaser yields
// so that it runs at once (starving sync.Mutex). Models runtime.semrelease1.
func Semrelease(addr *uint32, handoff bool) {
	getg()
	preemptCheck()
	*addr++
	q := semaQueueFor(addr, false)
	if q == nil || q.head == nil {
		return
	}
	advance(costs.SemaRelease)
	s := q.dequeue()
	if q.head == nil {
		delete(semtable, addr)
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
		// Direct G handoff: readyWithTime has added the waiter G as
		// runnext in the current P; we now call the scheduler so that we
		// start running the waiter G immediately.
		goyield()
	}
}

// SemaWaiters reports how many goroutines wait on addr (for tests and
// reports).
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
// used by sync.Cond.
type NotifyList struct {
	wait   uint32 // ticket number of the next waiter
	notify uint32 // ticket number of the next waiter to be notified
	head   *sudog
	tail   *sudog
}

// less checks if a < b, considering a & b running counts that may
// overflow the 32-bit range, and that their "unwrapped" difference is
// always less than 2^31.
func less(a, b uint32) bool {
	return int32(a-b) < 0
}

// Add adds the caller to the notify list such that it can receive
// notifications. The caller must eventually call Wait to wait for a
// notification, passing the returned ticket number.
func (l *NotifyList) Add() uint32 {
	getg()
	advance(costs.Atomic)
	t := l.wait
	l.wait++
	return t
}

// Wait waits for a notification. If one has been sent since Add was
// called, it returns immediately. Otherwise, it blocks.
// Models runtime.notifyListWait.
func (l *NotifyList) Wait(t uint32) {
	gp := getg()
	// Return right away if this ticket has already been notified.
	if less(t, l.notify) {
		return
	}
	s := acquireSudog()
	s.g = gp
	s.ntick = t
	if l.tail == nil {
		l.head = s
	} else {
		l.tail.next = s
	}
	l.tail = s
	gopark(nil, nil, waitReasonSyncCondWait, blockCondWait)
	s.next = nil
	releaseSudog(s)
}

// NotifyAll notifies all entries in the list: they are readied in list
// order, so the last one ends in runnext and runs first.
// Models runtime.notifyListNotifyAll.
func (l *NotifyList) NotifyAll() {
	getg()
	preemptCheck()
	// Fast-path: if there are no new waiters since the last notification
	// we don't need to acquire the lock.
	if l.wait == l.notify {
		return
	}
	s := l.head
	l.head = nil
	l.tail = nil
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
func (l *NotifyList) NotifyOne() {
	getg()
	preemptCheck()
	// Fast-path: if there are no new waiters since the last notification
	// we don't need to acquire the lock at all.
	if l.wait == l.notify {
		return
	}
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

// active_spin and active_spin_cnt are sync.Mutex's spinning limits
// (proc.go).
const (
	activeSpin    = 4
	activeSpinCnt = 30
)

// CanSpin reports whether a sync.Mutex may spin on iteration i: only a
// few times, on a multicore machine with GOMAXPROCS>1, at least one other
// running P and an empty local run queue (spinning is unfair otherwise).
// Models runtime.internal_sync_runtime_canSpin.
func CanSpin(i int) bool {
	getg()
	if i >= activeSpin || numCPUStartup <= 1 || gomaxprocs <= sched.npidle+sched.nmspinning+1 {
		return false
	}
	if pp := curm.p; !runqempty(pp) {
		return false
	}
	return true
}

// numCPUStartup is the simulated machine's CPU count: as many as Ps.
var numCPUStartup int32 = 64

// DoSpin spins for one iteration: procyield(active_spin_cnt).
// Models runtime.internal_sync_runtime_doSpin.
func DoSpin() {
	getg()
	stats.MutexSpins++
	advance(costs.MutexSpin)
}

// Charge spends ns of virtual time on the current goroutine's M: the cost
// of a fast path in a mirror package (an atomic, an uncontended lock).
func Charge(ns int64) {
	getg()
	advance(ns)
}

// Costs returns the run's cost model.
func Costs() *CostModel { return &costs }

// CountStarvation records a sync.Mutex entering starvation mode.
func CountStarvation() { stats.MutexStarvationEnters++ }
