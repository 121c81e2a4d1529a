package calibrate

// Shared helpers, the quick tests that run without -bench, and the memory
// measurement of a blocked goroutine (cost-model note 12).
//
// Benchmark index (README.md has the full mapping to cost-model entries):
//
//	goroutine_test.go  GoCreate, GoCreateRunExit, Gosched, ChanPingPong,
//	                   StealAttemptEmulated, CacheLineTransfer
//	parkready_test.go  ParkReady (not under -race)
//	chan_test.go       ChanBuffered, ChanClose, ChanSelect, ChanTry
//	sync_test.go       Mutex, MutexContended, RWMutexRead, WaitGroup,
//	                   OnceFast, CondSignalNoWaiter
//	time_test.go       Sleep, NewTimerStop, AfterFunc
//	syscall_test.go    Syscall (linux)
//	futex_test.go      FutexWake (linux)
//	thread_test.go     ThreadWake, ThreadCreate
//	spin_test.go       Procyield

import (
	"runtime"
	"runtime/debug"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

// setProcs sets GOMAXPROCS to n and returns a func that restores the
// previous value: `defer setProcs(1)()`.
func setProcs(n int) (restore func()) {
	old := runtime.GOMAXPROCS(n)
	return func() { runtime.GOMAXPROCS(old) }
}

// perOp reports total/count under unit (e.g. "ns/switch").
func perOp(b *testing.B, total time.Duration, count int, unit string) {
	b.Helper()
	if count <= 0 {
		return
	}
	b.ReportMetric(float64(total.Nanoseconds())/float64(count), unit)
}

// perLoop reports the loop's elapsed time divided by div*b.N under unit:
// for a benchmark whose every iteration contains div occurrences of the
// measured operation. Call it after the b.Loop loop has finished.
func perLoop(b *testing.B, div int, unit string) {
	b.Helper()
	perOp(b, b.Elapsed(), b.N*div, unit)
}

// blockedGoroutines is the N of TestBlockedGoroutineMemory.
const blockedGoroutines = 100_000

// State of TestBlockedGoroutineMemory, kept in package variables so that
// `go blockedBody()` allocates no closure and the measured delta is the
// goroutine's own memory.
var (
	blockedGate    chan struct{}
	blockedArrived atomic.Int64
	blockedWG      sync.WaitGroup
)

func blockedBody() {
	blockedArrived.Add(1)
	<-blockedGate
	blockedWG.Done()
}

// TestBlockedGoroutineMemory measures the memory held by one goroutine
// blocked in a channel receive: (StackInuse+HeapInuse after) − (before),
// divided by N, with N = 100k goroutines on GOMAXPROCS=1 and the GC run
// before both readings. The initial goroutine stack is 2 KiB on
// linux/amd64 (runtime stackMin = 2048); the remainder is the g struct
// (~450 B) and its sudog while blocked, plus allocator slack. It also logs
// the creation time of a goroutine that needs a fresh g and stack (malg),
// as opposed to BenchmarkGoCreate, where the g comes from the free list.
func TestBlockedGoroutineMemory(t *testing.T) {
	defer setProcs(1)()
	defer debug.SetGCPercent(debug.SetGCPercent(-1))

	var before, after runtime.MemStats
	blockedGate = make(chan struct{})
	blockedArrived.Store(0)
	runtime.GC()
	runtime.ReadMemStats(&before)

	blockedWG.Add(blockedGoroutines)
	start := time.Now()
	for range blockedGoroutines {
		go blockedBody()
	}
	created := time.Since(start)

	// Let every goroutine run up to its receive and park there. On
	// GOMAXPROCS=1 the creator re-enters the global run queue behind the
	// goroutines it made, so a few rounds are enough.
	deadline := time.Now().Add(10 * time.Second)
	for blockedArrived.Load() < blockedGoroutines {
		if time.Now().After(deadline) {
			t.Fatalf("only %d of %d goroutines started after 10s", blockedArrived.Load(), blockedGoroutines)
		}
		runtime.Gosched()
	}
	for range 4 {
		runtime.Gosched()
	}
	runtime.GC()
	runtime.ReadMemStats(&after)

	stack := int64(after.StackInuse) - int64(before.StackInuse)
	heap := int64(after.HeapInuse) - int64(before.HeapInuse)
	per := float64(stack+heap) / blockedGoroutines
	t.Logf("blocked goroutine: %.0f B each (StackInuse %+d B = %.0f B each, HeapInuse %+d B = %.0f B each, N=%d)",
		per, stack, float64(stack)/blockedGoroutines, heap, float64(heap)/blockedGoroutines, blockedGoroutines)
	t.Logf("fresh goroutine creation (malg + runqput, GOMAXPROCS=1): %.0f ns each",
		float64(created.Nanoseconds())/blockedGoroutines)

	close(blockedGate)
	blockedWG.Wait()

	if per < 2048 || per > 16<<10 {
		t.Errorf("memory per blocked goroutine = %.0f B, want within [2 KiB, 16 KiB]", per)
	}
}

// TestProcyield checks that the spin helper runs and takes time
// proportional to n (smoke test; the number is BenchmarkProcyield's).
func TestProcyield(t *testing.T) {
	procyield(0)
	procyield(1)
	const n = 1 << 16
	start := time.Now()
	procyield(n)
	d := time.Since(start)
	if d <= 0 {
		t.Fatalf("procyield(%d) took %v", n, d)
	}
	t.Logf("procyield(%d): %v (%.2f ns/PAUSE, native=%v)", n, d, float64(d.Nanoseconds())/n, pauseIsNative)
}
