package sync

import (
	"unsafe"

	"github.com/gmplab/gmp/internal/rt"
)

// Cond implements a condition variable, a rendezvous point
// for goroutines waiting for or announcing the occurrence
// of an event.
//
// Each Cond has an associated Locker L (often a [*Mutex] or [*RWMutex]),
// which must be held when changing the condition and
// when calling the [Cond.Wait] method.
//
// A Cond must not be copied after first use.
//
// In the terminology of [the Go memory model], Cond arranges that
// a call to [Cond.Broadcast] or [Cond.Signal] “synchronizes before” any Wait call
// that it unblocks.
//
// For many simple use cases, users will be better off using channels than a
// Cond (Broadcast corresponds to closing a channel, and Signal corresponds to
// sending on a channel).
//
// Cond models sync/cond.go and the runtime's ticket-based notifyList
// (runtime/sema.go): Signal wakes the waiter holding the oldest ticket;
// Broadcast readies every waiter in ticket order, each into the waker's
// runnext, so on one P the last waiter runs first.
//
// [the Go memory model]: https://go.dev/ref/mem
type Cond struct {
	noCopy noCopy

	// L is held while observing or changing the condition
	L Locker

	notify  rt.NotifyList
	checker copyChecker
}

// NewCond returns a new Cond with Locker l.
//
//go:norace
func NewCond(l Locker) *Cond {
	return &Cond{L: l}
}

// Wait atomically unlocks c.L and suspends execution
// of the calling goroutine. After later resuming execution,
// Wait locks c.L before returning. Unlike in other systems,
// Wait cannot return unless awoken by [Cond.Broadcast] or [Cond.Signal].
//
// Because c.L is not locked while Wait is waiting, the caller
// typically cannot assume that the condition is true when
// Wait returns. Instead, the caller should Wait in a loop:
//
//	c.L.Lock()
//	for !condition() {
//	    c.Wait()
//	}
//	... make use of condition ...
//	c.L.Unlock()
//
//go:norace
func (c *Cond) Wait() {
	c.checker.check()
	t := c.notify.Add()
	c.L.Unlock()
	c.notify.Wait(t)
	c.L.Lock()
}

// Signal wakes one goroutine waiting on c, if there is any.
//
// It is allowed but not required for the caller to hold c.L
// during the call.
//
// Signal() does not affect goroutine scheduling priority; if other goroutines
// are attempting to lock c.L, they may be awoken before a "waiting" goroutine.
//
//go:norace
func (c *Cond) Signal() {
	c.checker.check()
	c.notify.NotifyOne()
}

// Broadcast wakes all goroutines waiting on c.
//
// It is allowed but not required for the caller to hold c.L
// during the call.
//
//go:norace
func (c *Cond) Broadcast() {
	c.checker.check()
	c.notify.NotifyAll()
}

// copyChecker holds back pointer to itself to detect object copying.
type copyChecker uintptr

//go:norace
func (c *copyChecker) check() {
	// Check if c has been copied in three steps:
	// 1. The first comparison is the fast-path. If c has been initialized and not copied, this will return immediately. Otherwise, c is either not initialized, or has been copied.
	// 2. Ensure c is initialized. If the CAS succeeds, we're done. If it fails, c was either initialized concurrently and we simply lost the race, or c has been copied.
	// 3. Do step 1 again. Now that c is definitely initialized, if this fails, c was copied.
	if uintptr(*c) != uintptr(unsafe.Pointer(c)) &&
		!casUintptr((*uintptr)(c), 0, uintptr(unsafe.Pointer(c))) &&
		uintptr(*c) != uintptr(unsafe.Pointer(c)) {
		panic("sync.Cond is copied")
	}
}

//go:norace
func casUintptr(addr *uintptr, old, new uintptr) bool {
	if *addr != old {
		return false
	}
	*addr = new
	return true
}

// noCopy may be added to structs which must not be copied
// after the first use.
//
// See https://golang.org/issues/8005#issuecomment-190753527
// for details.
//
// Note that it must not be embedded, due to the Lock and Unlock methods.
type noCopy struct{}

// Lock is a no-op used by -copylocks checker from `go vet`.
//
//go:norace
func (*noCopy) Lock() {}

//go:norace
func (*noCopy) Unlock() {}
