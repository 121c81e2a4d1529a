//go:build !race

package calibrate

// The pure park/ready context switch (cost-model entry Schedule), built on
// the runtime's own gopark/goready. Excluded under -race: the unlock
// function runs on the g0 stack, where race instrumentation must not run,
// and race mode is no place to measure costs anyway.

import (
	"runtime"
	"sync/atomic"
	"testing"
	"unsafe"
)

// runtime.gopark and runtime.goready are pull-linkable on purpose
// (go.dev/issue/67401; both carry a push //go:linkname in runtime/proc.go
// and promise not to change signature). The *g, waitReason and
// traceBlockReason parameters are passed as their ABI-identical
// unsafe.Pointer and uint8.

//go:linkname gopark runtime.gopark
func gopark(unlockf func(gp, slot unsafe.Pointer) bool, lock unsafe.Pointer, reason uint8, traceReason uint8, traceskip int)

//go:linkname goready runtime.goready
func goready(gp unsafe.Pointer, traceskip int)

// parkCommit is the unlockf of our gopark calls. park_m calls it on g0
// after the parking goroutine gp is _Gwaiting; it publishes gp in *slot so
// the other side can goready it, and returns true to complete the park.
func parkCommit(gp, slot unsafe.Pointer) bool {
	atomic.StorePointer((*unsafe.Pointer)(slot), gp)
	return true
}

// readyParked takes the parked g published in *slot and readies it,
// yielding until the owner of the slot has finished parking.
func readyParked(slot *unsafe.Pointer) {
	for {
		if gp := atomic.SwapPointer(slot, nil); gp != nil {
			goready(gp, 1)
			return
		}
		runtime.Gosched()
	}
}

// parkPair is two goroutines that hand the P to each other with nothing
// but goready + gopark: no channel, no lock, no sudog.
type parkPair struct {
	main, partner unsafe.Pointer // parked g, published by parkCommit
	quit          atomic.Bool
	done          chan struct{}
}

func newParkPair() *parkPair {
	pp := &parkPair{done: make(chan struct{})}
	go pp.partnerLoop()
	return pp
}

func (pp *parkPair) partnerLoop() {
	for {
		gopark(parkCommit, unsafe.Pointer(&pp.partner), 0, 0, 1)
		if pp.quit.Load() {
			close(pp.done)
			return
		}
		readyParked(&pp.main)
	}
}

// switchToPartner readies the partner and parks the caller; it returns
// when the partner has readied it back: two context switches.
func (pp *parkPair) switchToPartner() {
	readyParked(&pp.partner)
	gopark(parkCommit, unsafe.Pointer(&pp.main), 0, 0, 1)
}

func (pp *parkPair) stop() {
	pp.quit.Store(true)
	readyParked(&pp.partner)
	<-pp.done
}

// BenchmarkParkReady is the pure context switch on GOMAXPROCS=1: goready
// the other goroutine (runqput into runnext) and gopark self (park_m,
// schedule, runnext hit, execute, gogo). Every iteration is two switches;
// ns/switch = goready + gopark + schedule + execute, with no channel or
// lock work, plus the harness (publishing and swapping the parked g
// pointer, about 16% in a CPU profile). This is the Schedule (park one,
// run the next) entry; RESULTS.md subtracts the harness share.
func BenchmarkParkReady(b *testing.B) {
	defer setProcs(1)()
	b.ReportAllocs()
	pp := newParkPair()
	for b.Loop() {
		pp.switchToPartner()
	}
	perLoop(b, 2, "ns/switch")
	pp.stop()
}

// TestParkReady checks the linknamed gopark/goready ping-pong used by
// BenchmarkParkReady for a few thousand switches on both GOMAXPROCS=1 and
// the default.
func TestParkReady(t *testing.T) {
	for _, p := range []int{1, runtime.GOMAXPROCS(0)} {
		func() {
			defer setProcs(p)()
			pp := newParkPair()
			for range 5000 {
				pp.switchToPartner()
			}
			pp.stop()
		}()
	}
}
