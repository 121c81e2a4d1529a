package sync

import (
	"unsafe"

	"github.com/gmplab/gmp/internal/rt"
)

// A RWMutex is a reader/writer mutual exclusion lock.
// The lock can be held by an arbitrary number of readers or a single writer.
// The zero value for a RWMutex is an unlocked mutex.
//
// A RWMutex must not be copied after first use.
//
// If any goroutine calls [RWMutex.Lock] while the lock is already held by
// one or more readers, concurrent calls to [RWMutex.RLock] will block until
// the writer has acquired (and released) the lock, to ensure that
// the lock eventually becomes available to the writer.
// Note that this prohibits recursive read-locking.
// A [RWMutex.RLock] cannot be upgraded into a [RWMutex.Lock],
// nor can a [RWMutex.Lock] be downgraded into a [RWMutex.RLock].
//
// In the terminology of [the Go memory model],
// the n'th call to [RWMutex.Unlock] “synchronizes before” the m'th call to Lock
// for any n < m, just as for [Mutex].
// For any call to RLock, there exists an n such that
// the n'th call to Unlock “synchronizes before” that call to RLock,
// and the corresponding call to [RWMutex.RUnlock] “synchronizes before”
// the n+1'th call to Lock.
//
// RWMutex models sync/rwmutex.go (go1.26).
//
// [the Go memory model]: https://go.dev/ref/mem
type RWMutex struct {
	w           Mutex  // held if there are pending writers
	writerSem   uint32 // semaphore for writers to wait for completing readers
	readerSem   uint32 // semaphore for readers to wait for completing writers
	readerCount int32  // number of pending readers
	readerWait  int32  // number of departing readers
}

const rwmutexMaxReaders = 1 << 30 // sync/rwmutex.go

// RLock locks rw for reading.
//
// It should not be used for recursive read locking; a blocked Lock
// call excludes new readers from acquiring the lock. See the
// documentation on the [RWMutex] type.
//
//go:norace
func (rw *RWMutex) RLock() {
	rt.SyncOp(rt.OpRLock, unsafe.Pointer(rw), rt.Costs().Atomic)
	if rt.RaceEnabled {
		rt.RaceRead(unsafe.Pointer(&rw.w))
		rt.RaceDisable()
	}
	if addInt32(&rw.readerCount, 1) < 0 {
		// A writer is pending, wait for it.
		rt.Semacquire(&rw.readerSem, false, rt.SemaReasonRWMutexRLock)
	}
	if rt.RaceEnabled {
		rt.RaceEnable()
		rt.RaceAcquire(unsafe.Pointer(&rw.readerSem))
	}
}

// TryRLock tries to lock rw for reading and reports whether it succeeded.
//
// Note that while correct uses of TryRLock do exist, they are rare,
// and use of TryRLock is often a sign of a deeper problem
// in a particular use of mutexes.
//
//go:norace
func (rw *RWMutex) TryRLock() bool {
	rt.SyncOp(rt.OpRLock, unsafe.Pointer(rw), rt.Costs().Atomic)
	if rt.RaceEnabled {
		rt.RaceRead(unsafe.Pointer(&rw.w))
	}
	for {
		c := rw.readerCount
		if c < 0 {
			return false
		}
		if casInt32(&rw.readerCount, c, c+1) {
			if rt.RaceEnabled {
				rt.RaceAcquire(unsafe.Pointer(&rw.readerSem))
			}
			return true
		}
	}
}

// RUnlock undoes a single [RWMutex.RLock] call;
// it does not affect other simultaneous readers.
// It is a run-time error if rw is not locked for reading
// on entry to RUnlock: the program dies with
// "fatal error: sync: RUnlock of unlocked RWMutex".
//
//go:norace
func (rw *RWMutex) RUnlock() {
	rt.SyncOp(rt.OpRUnlock, unsafe.Pointer(rw), rt.Costs().Atomic)
	if rt.RaceEnabled {
		rt.RaceRead(unsafe.Pointer(&rw.w))
		rt.RaceReleaseMerge(unsafe.Pointer(&rw.writerSem))
		rt.RaceDisable()
	}
	if r := addInt32(&rw.readerCount, -1); r < 0 {
		// Outlined slow-path to allow the fast-path to be inlined
		rw.rUnlockSlow(r)
	}
	if rt.RaceEnabled {
		rt.RaceEnable()
	}
}

//go:norace
func (rw *RWMutex) rUnlockSlow(r int32) {
	if r+1 == 0 || r+1 == -rwmutexMaxReaders {
		if rt.RaceEnabled {
			rt.RaceEnable()
		}
		rt.Throw("sync: RUnlock of unlocked RWMutex")
	}
	// A writer is pending.
	if addInt32(&rw.readerWait, -1) == 0 {
		// The last reader unblocks the writer.
		rt.Semrelease(&rw.writerSem, false)
	}
}

// Lock locks rw for writing.
// If the lock is already locked for reading or writing,
// Lock blocks until the lock is available.
//
//go:norace
func (rw *RWMutex) Lock() {
	if rt.RaceEnabled {
		rt.RaceRead(unsafe.Pointer(&rw.w))
		rt.RaceDisable()
	}
	// First, resolve competition with other writers.
	rw.w.Lock()
	// Announce to readers there is a pending writer.
	rt.Charge(rt.Costs().Atomic)
	r := addInt32(&rw.readerCount, -rwmutexMaxReaders) + rwmutexMaxReaders
	// Wait for active readers.
	if r != 0 && addInt32(&rw.readerWait, r) != 0 {
		rt.Semacquire(&rw.writerSem, false, rt.SemaReasonRWMutexLock)
	}
	if rt.RaceEnabled {
		rt.RaceEnable()
		rt.RaceAcquire(unsafe.Pointer(&rw.readerSem))
		rt.RaceAcquire(unsafe.Pointer(&rw.writerSem))
	}
}

// TryLock tries to lock rw for writing and reports whether it succeeded.
//
// Note that while correct uses of TryLock do exist, they are rare,
// and use of TryLock is often a sign of a deeper problem
// in a particular use of mutexes.
//
//go:norace
func (rw *RWMutex) TryLock() bool {
	if rt.RaceEnabled {
		rt.RaceRead(unsafe.Pointer(&rw.w))
		rt.RaceDisable()
	}
	if !rw.w.TryLock() {
		if rt.RaceEnabled {
			rt.RaceEnable()
		}
		return false
	}
	rt.Charge(rt.Costs().Atomic)
	if !casInt32(&rw.readerCount, 0, -rwmutexMaxReaders) {
		rw.w.Unlock()
		if rt.RaceEnabled {
			rt.RaceEnable()
		}
		return false
	}
	if rt.RaceEnabled {
		rt.RaceEnable()
		rt.RaceAcquire(unsafe.Pointer(&rw.readerSem))
		rt.RaceAcquire(unsafe.Pointer(&rw.writerSem))
	}
	return true
}

// Unlock unlocks rw for writing. It is a run-time error if rw is
// not locked for writing on entry to Unlock: the program dies with
// "fatal error: sync: Unlock of unlocked RWMutex".
//
// As with Mutexes, a locked [RWMutex] is not associated with a particular
// goroutine. One goroutine may [RWMutex.RLock] ([RWMutex.Lock]) a RWMutex and then
// arrange for another goroutine to [RWMutex.RUnlock] ([RWMutex.Unlock]) it.
//
//go:norace
func (rw *RWMutex) Unlock() {
	// Announce to readers there is no active writer.
	rt.SyncOp(rt.OpUnlock, unsafe.Pointer(rw), rt.Costs().Atomic)
	if rt.RaceEnabled {
		rt.RaceRead(unsafe.Pointer(&rw.w))
		rt.RaceRelease(unsafe.Pointer(&rw.readerSem))
		rt.RaceDisable()
	}
	r := addInt32(&rw.readerCount, rwmutexMaxReaders)
	if r >= rwmutexMaxReaders {
		if rt.RaceEnabled {
			rt.RaceEnable()
		}
		rt.Throw("sync: Unlock of unlocked RWMutex")
	}
	// Unblock blocked readers, if any.
	for i := 0; i < int(r); i++ {
		rt.Semrelease(&rw.readerSem, false)
	}
	// Allow other writers to proceed.
	rw.w.Unlock()
	if rt.RaceEnabled {
		rt.RaceEnable()
	}
}

// RLocker returns a [Locker] interface that implements
// the [Locker.Lock] and [Locker.Unlock] methods by calling rw.RLock and rw.RUnlock.
//
//go:norace
func (rw *RWMutex) RLocker() Locker {
	return (*rlocker)(rw)
}

type rlocker RWMutex

//go:norace
func (r *rlocker) Lock() { (*RWMutex)(r).RLock() }

//go:norace
func (r *rlocker) Unlock() { (*RWMutex)(r).RUnlock() }
