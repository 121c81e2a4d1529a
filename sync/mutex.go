// Package sync provides basic synchronization primitives such as mutual
// exclusion locks, for programs running on the simulated runtime (gmp.Run).
// It mirrors the standard package sync: the same types, the same zero
// values, the same methods and the same algorithms — Go 1.26's Mutex with
// its spinning, starvation mode and hand-off, RWMutex with writer
// preference, WaitGroup, Once, Cond — so that the goroutines blocked on
// them wake in the order they would on the real runtime, and misuse panics
// (or dies) with the real runtime's messages. Translating ordinary code is
// an import swap.
//
// Blocking goes through the simulated runtime's semaphores
// (internal/rt/sema.go, modelled on runtime/sema.go): a goroutine blocked
// in Lock parks with wait reason "sync.Mutex.Lock", and a goroutine dump
// shows it with its stack. The uncontended fast paths charge a small
// virtual cost from the run's cost model (gmp.CostModel.MutexLock and
// Atomic); spinning charges MutexSpin per iteration.
//
// Map, Pool and Locker are the standard library's own types (aliases):
// they never block a goroutine, so they need no simulation.
//
// Every method that can block or charge time must be called from a
// simulated goroutine; outside gmp.Run it panics. Values containing the
// types defined in this package should not be copied.
package sync

import (
	"unsafe"

	stdsync "sync"

	"github.com/gmplab/gmp/internal/rt"
)

// A Locker represents an object that can be locked and unlocked.
type Locker = stdsync.Locker

// A Mutex is a mutual exclusion lock.
// The zero value for a Mutex is an unlocked mutex.
//
// A Mutex must not be copied after first use.
//
// Mutex is Go 1.26's internal/sync.Mutex: a state word with the locked,
// woken and starving bits and the waiter count, and a semaphore. In normal
// mode waiters queue FIFO but a woken waiter competes with newly arriving
// goroutines, which may spin a little on a multicore machine; a woken
// waiter that loses is queued at the front. A waiter that has waited more
// than 1ms of virtual time switches the mutex to starvation mode, where
// Unlock hands the mutex directly to the waiter at the front of the queue
// and newcomers queue at the tail.
//
// In the terminology of [the Go memory model],
// the n'th call to [Mutex.Unlock] “synchronizes before” the m'th call to [Mutex.Lock]
// for any n < m.
// A successful call to [Mutex.TryLock] is equivalent to a call to Lock.
// A failed call to TryLock does not establish any “synchronizes before”
// relation at all.
//
// [the Go memory model]: https://go.dev/ref/mem
type Mutex struct {
	state int32
	sema  uint32
}

const (
	mutexLocked = 1 << iota // mutex is locked
	mutexWoken
	mutexStarving
	mutexWaiterShift = iota

	// Mutex fairness.
	//
	// Mutex can be in 2 modes of operations: normal and starvation.
	// In normal mode waiters are queued in FIFO order, but a woken up waiter
	// does not own the mutex and competes with new arriving goroutines over
	// the ownership. New arriving goroutines have an advantage -- they are
	// already running on CPU and there can be lots of them, so a woken up
	// waiter has good chances of losing. In such case it is queued at front
	// of the wait queue. If a waiter fails to acquire the mutex for more than 1ms,
	// it switches mutex to the starvation mode.
	//
	// In starvation mode ownership of the mutex is directly handed off from
	// the unlocking goroutine to the waiter at the front of the queue.
	// New arriving goroutines don't try to acquire the mutex even if it appears
	// to be unlocked, and don't try to spin. Instead they queue themselves at
	// the tail of the wait queue.
	//
	// If a waiter receives ownership of the mutex and sees that either
	// (1) it is the last waiter in the queue, or (2) it waited for less than 1 ms,
	// it switches mutex back to normal operation mode.
	//
	// Normal mode has considerably better performance as a goroutine can acquire
	// a mutex several times in a row even if there are blocked waiters.
	// Starvation mode is important to prevent pathological cases of tail latency.
	//
	// The threshold is measured in virtual time (rt.Nanotime).
	starvationThresholdNs = 1e6 // internal/sync/mutex.go, go1.26
)

// The atomics of the real Mutex are plain memory operations here: only one
// simulated goroutine executes at a time, and nothing between a load and
// the CAS that follows it spends virtual time, so no other goroutine can
// interleave. The helpers keep Go's structure readable.

//go:norace
func casInt32(addr *int32, old, new int32) bool {
	if *addr != old {
		return false
	}
	*addr = new
	return true
}

//go:norace
func addInt32(addr *int32, delta int32) int32 {
	*addr += delta
	return *addr
}

// Lock locks m.
// If the lock is already in use, the calling goroutine
// blocks until the mutex is available.
//
// Models internal/sync/mutex.go:Lock. The fast path charges
// CostModel.MutexLock before its CAS.
//
//go:norace
func (m *Mutex) Lock() {
	rt.SyncOp(rt.OpLock, unsafe.Pointer(m), rt.Costs().MutexLock)
	// Fast path: grab unlocked mutex.
	if casInt32(&m.state, 0, mutexLocked) {
		if rt.RaceEnabled {
			rt.RaceAcquire(unsafe.Pointer(m))
		}
		return
	}
	// Slow path (outlined so that the fast path can be inlined)
	m.lockSlow()
	if rt.RaceEnabled {
		rt.RaceAcquire(unsafe.Pointer(m))
	}
}

// TryLock tries to lock m and reports whether it succeeded.
//
// Note that while correct uses of TryLock do exist, they are rare,
// and use of TryLock is often a sign of a deeper problem
// in a particular use of mutexes.
//
// Models internal/sync/mutex.go:TryLock.
//
//go:norace
func (m *Mutex) TryLock() bool {
	rt.SyncOp(rt.OpLock, unsafe.Pointer(m), rt.Costs().Atomic)
	old := m.state
	if old&(mutexLocked|mutexStarving) != 0 {
		return false
	}

	// There may be a goroutine waiting for the mutex, but we are
	// running now and can try to grab the mutex before that
	// goroutine wakes up.
	if !casInt32(&m.state, old, old|mutexLocked) {
		return false
	}
	if rt.RaceEnabled {
		rt.RaceAcquire(unsafe.Pointer(m))
	}
	return true
}

// lockSlow models internal/sync/mutex.go:lockSlow.
//
//go:norace
func (m *Mutex) lockSlow() {
	var waitStartTime int64
	starving := false
	awoke := false
	iter := 0
	old := m.state
	for {
		// Don't spin in starvation mode, ownership is handed off to waiters
		// so we won't be able to acquire the mutex anyway.
		if old&(mutexLocked|mutexStarving) == mutexLocked && rt.CanSpin(iter) {
			// Active spinning makes sense.
			// Try to set mutexWoken flag to inform Unlock
			// to not wake other blocked goroutines.
			if !awoke && old&mutexWoken == 0 && old>>mutexWaiterShift != 0 &&
				casInt32(&m.state, old, old|mutexWoken) {
				awoke = true
			}
			rt.DoSpin() // other Ms run meanwhile: the holder may unlock
			iter++
			old = m.state
			continue
		}
		new := old
		// Don't try to acquire starving mutex, new arriving goroutines must queue.
		if old&mutexStarving == 0 {
			new |= mutexLocked
		}
		if old&(mutexLocked|mutexStarving) != 0 {
			new += 1 << mutexWaiterShift
		}
		// The current goroutine switches mutex to starvation mode.
		// But if the mutex is currently unlocked, don't do the switch.
		// Unlock expects that starving mutex has waiters, which will not
		// be true in this case.
		if starving && old&mutexLocked != 0 {
			new |= mutexStarving
		}
		if awoke {
			// The goroutine has been woken from sleep,
			// so we need to reset the flag in either case.
			if new&mutexWoken == 0 {
				rt.Throw("sync: inconsistent mutex state")
			}
			new &^= mutexWoken
		}
		if casInt32(&m.state, old, new) {
			if old&mutexStarving == 0 && new&mutexStarving != 0 {
				rt.CountStarvation()
			}
			if old&(mutexLocked|mutexStarving) == 0 {
				break // locked the mutex with CAS
			}
			// If we were already waiting before, queue at the front of the queue.
			queueLifo := waitStartTime != 0
			if waitStartTime == 0 {
				waitStartTime = rt.RuntimeNanotime()
			}
			rt.Semacquire(&m.sema, queueLifo, rt.SemaReasonMutexLock)
			starving = starving || rt.RuntimeNanotime()-waitStartTime > starvationThresholdNs
			old = m.state
			if old&mutexStarving != 0 {
				// If this goroutine was woken and mutex is in starvation mode,
				// ownership was handed off to us but mutex is in somewhat
				// inconsistent state: mutexLocked is not set and we are still
				// accounted as waiter. Fix that.
				if old&(mutexLocked|mutexWoken) != 0 || old>>mutexWaiterShift == 0 {
					rt.Throw("sync: inconsistent mutex state")
				}
				delta := int32(mutexLocked - 1<<mutexWaiterShift)
				if !starving || old>>mutexWaiterShift == 1 {
					// Exit starvation mode.
					// Critical to do it here and consider wait time.
					// Starvation mode is so inefficient, that two goroutines
					// can go lock-step infinitely once they switch mutex
					// to starvation mode.
					delta -= mutexStarving
				}
				addInt32(&m.state, delta)
				break
			}
			awoke = true
			iter = 0
		} else {
			old = m.state
		}
	}
}

// Unlock unlocks m.
// It is a run-time error if m is not locked on entry to Unlock:
// the program dies with "fatal error: sync: unlock of unlocked mutex",
// which cannot be recovered.
//
// A locked [Mutex] is not associated with a particular goroutine.
// It is allowed for one goroutine to lock a Mutex and then
// arrange for another goroutine to unlock it.
//
// Models internal/sync/mutex.go:Unlock. The fast path charges
// CostModel.MutexLock before its atomic add.
//
//go:norace
func (m *Mutex) Unlock() {
	rt.SyncOp(rt.OpUnlock, unsafe.Pointer(m), rt.Costs().MutexLock)
	if rt.RaceEnabled {
		rt.RaceRead(unsafe.Pointer(&m.state))
		rt.RaceRelease(unsafe.Pointer(m))
	}
	// Fast path: drop lock bit.
	new := addInt32(&m.state, -mutexLocked)
	if new != 0 {
		// Outlined slow path to allow inlining the fast path.
		m.unlockSlow(new)
	}
}

// unlockSlow models internal/sync/mutex.go:unlockSlow.
//
//go:norace
func (m *Mutex) unlockSlow(new int32) {
	if (new+mutexLocked)&mutexLocked == 0 {
		rt.Throw("sync: unlock of unlocked mutex")
	}
	if new&mutexStarving == 0 {
		old := new
		for {
			// If there are no waiters or a goroutine has already
			// been woken or grabbed the lock, no need to wake anyone.
			// In starvation mode ownership is directly handed off from unlocking
			// goroutine to the next waiter. We are not part of this chain,
			// since we did not observe mutexStarving when we unlocked the mutex above.
			// So get off the way.
			if old>>mutexWaiterShift == 0 || old&(mutexLocked|mutexWoken|mutexStarving) != 0 {
				return
			}
			// Grab the right to wake someone.
			new = (old - 1<<mutexWaiterShift) | mutexWoken
			if casInt32(&m.state, old, new) {
				rt.Semrelease(&m.sema, false)
				return
			}
			old = m.state
		}
	} else {
		// Starving mode: handoff mutex ownership to the next waiter, and yield
		// our time slice so that the next waiter can start to run immediately.
		// Note: mutexLocked is not set, the waiter will set it after wakeup.
		// But mutex is still considered locked if mutexStarving is set,
		// so new coming goroutines won't acquire it.
		rt.Semrelease(&m.sema, true)
	}
}
