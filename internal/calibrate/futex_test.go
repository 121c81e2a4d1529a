//go:build linux

package calibrate

// Raw futex ping-pong between two OS threads: the kernel-level thread
// wakeup latency under the runtime's notewakeup/notesleep (cost-model
// entry ThreadWake).

import (
	"runtime"
	"sync/atomic"
	"syscall"
	"testing"
	"unsafe"
)

const (
	futexWaitPrivate = 0 | 128 // FUTEX_WAIT | FUTEX_PRIVATE_FLAG
	futexWakePrivate = 1 | 128 // FUTEX_WAKE | FUTEX_PRIVATE_FLAG
)

// futexTimeout bounds each raw FUTEX_WAIT so that the waiting goroutine
// returns to Go code (and can be preempted, e.g. for a GC stop-the-world)
// at least once per millisecond.
var futexTimeout = syscall.NsecToTimespec(1e6)

// futexFlag is one direction of the ping-pong, on its own cache line.
type futexFlag struct {
	v atomic.Uint32
	_ [60]byte
}

// wait blocks the calling thread in FUTEX_WAIT until the flag is set, then
// clears it. Like the runtime's futexsleep it goes straight to the kernel
// without spinning.
func (f *futexFlag) wait() {
	for f.v.Load() == 0 {
		f.waitOnce()
	}
	f.v.Store(0)
}

// waitOnce is one bounded FUTEX_WAIT. It must stay a real (not inlined,
// not nosplit) call: RawSyscall6 is nosplit and a signal almost always
// lands while the thread is in the kernel, so this function's prologue
// is where a stop-the-world (e.g. b.Loop's ReadMemStats) can preempt a
// goroutine that is waiting here for a partner that is already stopped.
//
//go:noinline
func (f *futexFlag) waitOnce() {
	syscall.RawSyscall6(syscall.SYS_FUTEX, uintptr(unsafe.Pointer(&f.v)), futexWaitPrivate, 0,
		uintptr(unsafe.Pointer(&futexTimeout)), 0, 0)
}

// signal sets the flag and wakes its waiter (the runtime's futexwakeup).
func (f *futexFlag) signal() {
	f.v.Store(1)
	syscall.RawSyscall6(syscall.SYS_FUTEX, uintptr(unsafe.Pointer(&f.v)), futexWakePrivate, 1, 0, 0, 0)
}

// BenchmarkFutexWake is a ping-pong between two goroutines locked to their
// own OS threads on GOMAXPROCS=2 that block in raw FUTEX_WAIT system calls
// (no entersyscall, so neither P is handed off) and wake each other with
// FUTEX_WAKE. Half the round trip (ns/wake) is one thread wakeup: the
// waker's FUTEX_WAKE call plus the time until the woken thread runs user
// code again. This is the ThreadWake entry; it excludes the runtime's
// own work around notewakeup (P handoff, schedule).
func BenchmarkFutexWake(b *testing.B) {
	defer setProcs(2)()
	b.ReportAllocs()
	var ping, pong futexFlag
	var quit atomic.Bool
	done := make(chan struct{})
	go func() {
		runtime.LockOSThread()
		defer runtime.UnlockOSThread()
		for {
			ping.wait()
			if quit.Load() {
				close(done)
				return
			}
			pong.signal()
		}
	}()
	runtime.LockOSThread()
	defer runtime.UnlockOSThread()
	for b.Loop() {
		ping.signal()
		pong.wait()
	}
	perLoop(b, 1, "ns/roundtrip")
	perLoop(b, 2, "ns/wake")
	quit.Store(true)
	ping.signal()
	<-done
}
