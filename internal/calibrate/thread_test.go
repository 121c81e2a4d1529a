package calibrate

// OS thread benchmarks: cost-model entries ThreadWake (futex wake → woken
// thread running) and ThreadCreate (newm).

import (
	"runtime"
	"testing"
)

// BenchmarkThreadWake is a ping-pong over two unbuffered channels between
// two goroutines each locked to its own OS thread (runtime.LockOSThread),
// on GOMAXPROCS=2. A locked goroutine can run only on its own M, so every
// handoff makes the sender's M hand its P to the receiver's M
// (startlockedm: notewakeup = futex wake) and go to sleep itself
// (stoplockedm: futex wait). Half the round trip (ns/wake) is one thread
// wakeup including the P handoff and the channel operations; subtract a
// BenchmarkChanPingPong/procs=1 ns/switch for the channel and scheduler
// part if the model charges those separately.
func BenchmarkThreadWake(b *testing.B) {
	defer setProcs(2)()
	b.ReportAllocs()
	ping, pong := make(chan int), make(chan int)
	go func() {
		runtime.LockOSThread()
		defer runtime.UnlockOSThread()
		for v := range ping {
			pong <- v
		}
		close(pong)
	}()
	runtime.LockOSThread()
	defer runtime.UnlockOSThread()
	for b.Loop() {
		ping <- 1
		<-pong
	}
	perLoop(b, 1, "ns/roundtrip")
	perLoop(b, 2, "ns/wake")
	close(ping)
	<-pong
}

var threadDone = make(chan struct{})

func lockAndExit() {
	runtime.LockOSThread()
	threadDone <- struct{}{}
	// Returning while locked makes goexit0 terminate this OS thread.
}

func plainExit() {
	threadDone <- struct{}{}
}

// BenchmarkThreadCreate measures the cost of one OS thread exit + creation
// on GOMAXPROCS=2. In "locked-exit" each iteration starts a goroutine that
// calls LockOSThread and returns without unlocking, which kills the thread
// it ran on (gdestroy → mstart → mexit); its P is handed off and, as the
// process loses one M per iteration, a new M must be made (newm →
// newosproc = clone; through the template thread when newm runs on the
// dying, still-locked M). strace -f -c counts one clone per iteration.
// "plain-exit" is the same goroutine without LockOSThread. The difference
// is the ThreadCreate entry (it includes the old thread's exit, which the
// simulator does not charge separately).
func BenchmarkThreadCreate(b *testing.B) {
	b.Run("locked-exit", func(b *testing.B) {
		defer setProcs(2)()
		b.ReportAllocs()
		for b.Loop() {
			go lockAndExit()
			<-threadDone
		}
	})
	b.Run("plain-exit", func(b *testing.B) {
		defer setProcs(2)()
		b.ReportAllocs()
		for b.Loop() {
			go plainExit()
			<-threadDone
		}
	})
}
