package sync

import (
	"unsafe"

	"github.com/gmplab/gmp/internal/rt"
)

// A WaitGroup is a counting semaphore typically used to wait
// for a group of goroutines or tasks to finish.
//
// Typically, a main goroutine will start tasks, each in a new
// goroutine, by calling [WaitGroup.Go] and then wait for all tasks to
// complete by calling [WaitGroup.Wait]. For example:
//
//	var wg sync.WaitGroup
//	wg.Go(task1)
//	wg.Go(task2)
//	wg.Wait()
//
// A WaitGroup may also be used for tracking tasks without using Go to
// start new goroutines by using [WaitGroup.Add] and [WaitGroup.Done].
//
// The previous example can be rewritten using explicitly created
// goroutines along with Add and Done:
//
//	var wg sync.WaitGroup
//	wg.Add(1)
//	gmp.Go(func() {
//		defer wg.Done()
//		task1()
//	})
//	wg.Add(1)
//	gmp.Go(func() {
//		defer wg.Done()
//		task2()
//	})
//	wg.Wait()
//
// This pattern is common in code that predates [WaitGroup.Go].
//
// A WaitGroup must not be copied after first use.
//
// WaitGroup models sync/waitgroup.go (go1.26). When the counter drops to
// zero, Add releases the waiters in the order they started waiting, each
// into the releasing P's runnext slot, so on one P the last waiter runs
// first.
type WaitGroup struct {
	noCopy noCopy

	// Bits (high to low):
	//   bits[0:32]  counter
	//   bits[32]    flag: synctest bubble membership (always clear here)
	//   bits[33:64] wait count
	state uint64
	sema  uint32
}

// Add adds delta, which may be negative, to the [WaitGroup] task counter.
// If the counter becomes zero, all goroutines blocked on [WaitGroup.Wait] are released.
// If the counter goes negative, Add panics.
//
// Callers should prefer [WaitGroup.Go].
//
// Note that calls with a positive delta that occur when the counter is zero
// must happen before a Wait. Calls with a negative delta, or calls with a
// positive delta that start when the counter is greater than zero, may happen
// at any time.
// Typically this means the calls to Add should execute before the statement
// creating the goroutine or other event to be waited for.
// If a WaitGroup is reused to wait for several independent sets of events,
// new Add calls must happen after all previous Wait calls have returned.
// See the WaitGroup example.
//
//go:noinline
func (wg *WaitGroup) Add(delta int) {
	// Instrumented under -race (not norace) and never inlined: a race
	// between Add and Wait names the caller's line. The work is add's.
	wg.add(delta)
}

//go:norace
func (wg *WaitGroup) add(delta int) {
	rt.SyncOp(rt.OpWGAdd, unsafe.Pointer(wg), rt.Costs().Atomic)
	if rt.RaceEnabled {
		if delta < 0 {
			// Synchronize decrements with Wait.
			rt.RaceReleaseMerge(unsafe.Pointer(wg))
		}
		rt.RaceDisable()
		defer rt.RaceEnable()
	}
	wg.state += uint64(delta) << 32
	state := wg.state
	v := int32(state >> 32)
	w := uint32(state & 0x7fffffff)
	if rt.RaceEnabled && delta > 0 && v == int32(delta) {
		// The first increment must be synchronized with Wait.
		// Need to model this as a read, because there can be
		// several concurrent wg.counter transitions from 0.
		rt.RaceRead(unsafe.Pointer(&wg.sema))
	}
	if v < 0 {
		panic("sync: negative WaitGroup counter")
	}
	if w != 0 && delta > 0 && v == int32(delta) {
		panic("sync: WaitGroup misuse: Add called concurrently with Wait")
	}
	if v > 0 || w == 0 {
		return
	}
	// This goroutine has set counter to 0 when waiters > 0.
	// Now there can't be concurrent mutations of state:
	// - Adds must not happen concurrently with Wait,
	// - Wait does not increment waiters if it sees counter == 0.
	// Still do a cheap sanity check to detect WaitGroup misuse.
	// The load is an atomic of its own: it is charged, and an Add that
	// another P makes meanwhile is caught here (and by that Add's own
	// check above), as on a real multicore machine.
	rt.Charge(rt.Costs().Atomic)
	if wg.state != state {
		panic("sync: WaitGroup misuse: Add called concurrently with Wait")
	}
	// Reset waiters count to 0.
	wg.state = 0
	for ; w != 0; w-- {
		rt.Semrelease(&wg.sema, false)
	}
}

// Done decrements the [WaitGroup] task counter by one.
// It is equivalent to Add(-1).
//
// Callers should prefer [WaitGroup.Go].
//
// In the terminology of [the Go memory model], a call to Done
// "synchronizes before" the return of any Wait call that it unblocks.
//
// [the Go memory model]: https://go.dev/ref/mem
//
//go:noinline
func (wg *WaitGroup) Done() {
	wg.Add(-1)
}

// Wait blocks until the [WaitGroup] task counter is zero.
//
//go:noinline
func (wg *WaitGroup) Wait() {
	// Instrumented under -race, as Add.
	wg.wait()
}

//go:norace
func (wg *WaitGroup) wait() {
	rt.SyncOp(rt.OpWGWait, unsafe.Pointer(wg), rt.Costs().Atomic)
	if rt.RaceEnabled {
		rt.RaceDisable()
	}
	for {
		state := wg.state
		v := int32(state >> 32)
		w := uint32(state & 0x7fffffff)
		if v == 0 {
			// Counter is 0, no need to wait.
			if rt.RaceEnabled {
				rt.RaceEnable()
				rt.RaceAcquire(unsafe.Pointer(wg))
			}
			return
		}
		// Increment waiters count.
		if casUint64(&wg.state, state, state+1) {
			if rt.RaceEnabled && w == 0 {
				// Wait must be synchronized with the first Add.
				// Need to model this is as a write to race with the read in Add.
				// As a consequence, can do the write only for the first waiter,
				// otherwise concurrent Waits will race with each other.
				rt.RaceWrite(unsafe.Pointer(&wg.sema))
			}
			rt.Semacquire(&wg.sema, false, rt.SemaReasonWaitGroupWait)
			isReset := wg.state != 0
			if rt.RaceEnabled {
				rt.RaceEnable()
				rt.RaceAcquire(unsafe.Pointer(wg))
			}
			if isReset {
				panic("sync: WaitGroup is reused before previous Wait has returned")
			}
			return
		}
	}
}

// Go calls f in a new goroutine and adds that task to the [WaitGroup].
// When f returns, the task is removed from the WaitGroup.
//
// The function f must not panic. If it does, the panic is not recovered:
// the program dies with it, and Done is not called, so Wait cannot return
// first (Go 1.26).
//
// If the WaitGroup is empty, Go must happen before a [WaitGroup.Wait].
// Typically, this simply means Go is called to start tasks before Wait is called.
// If the WaitGroup is not empty, Go may happen at any time.
// This means a goroutine started by Go may itself call Go.
// If a WaitGroup is reused to wait for several independent sets of tasks,
// new Go calls must happen after all previous Wait calls have returned.
//
// The new goroutine is created by Go itself: a goroutine dump shows
// "created by github.com/gmplab/gmp/sync.(*WaitGroup).Go", as Go's shows
// "created by sync.(*WaitGroup).Go".
//
// In the terminology of [the Go memory model], the return from f
// "synchronizes before" the return of any Wait call that it unblocks.
//
// [the Go memory model]: https://go.dev/ref/mem
//
//go:noinline
func (wg *WaitGroup) Go(f func()) {
	// Instrumented under -race, as gmp.Go: the go statement is here.
	wg.Add(1)
	spawn := rt.Go(func() {
		defer func() {
			if x := recover(); x != nil {
				// f panicked, which will be fatal because
				// this is a new goroutine.
				//
				// Calling Done will unblock Wait in the main goroutine,
				// allowing it to race with the fatal panic and
				// possibly even exit the process (os.Exit(0))
				// before the panic completes.
				//
				// This is almost certainly undesirable,
				// so instead avoid calling Done and simply panic.
				panic(x)
			}

			// f completed normally, or abruptly using goexit.
			// Either way, decrement the semaphore.
			wg.Done()
		}()
		f()
	}, 0)
	if spawn != nil {
		go rt.CoroutineEntry()
		spawn()
	}
}

//go:norace
func casUint64(addr *uint64, old, new uint64) bool {
	if *addr != old {
		return false
	}
	*addr = new
	return true
}
