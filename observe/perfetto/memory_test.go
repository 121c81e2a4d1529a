package perfetto_test

import (
	"io"
	"runtime"
	"testing"
	"time"

	"github.com/gmplab/gmp"
	"github.com/gmplab/gmp/observe"
	"github.com/gmplab/gmp/observe/perfetto"
)

// churn creates n goroutines, a hundred alive at a time, each of which
// makes a syscall, blocks on a channel and yields.
func churn(n int) func() {
	return func() {
		sem := gmp.MakeChan[struct{}](100)
		done := gmp.MakeChan[struct{}](0)
		for range n {
			sem.Send(struct{}{})
			gmp.Go(func() {
				gmp.Syscall(time.Microsecond)
				gmp.Gosched()
				sem.Recv()
			})
		}
		gmp.Go(func() {
			for range 100 {
				sem.Send(struct{}{})
			}
			done.Close()
		})
		done.Recv()
	}
}

type nopObserver struct{}

func (nopObserver) Event(*observe.Event) {}

// heapAfter runs churn(n) with obs and returns the heap allocated after a
// GC, with obs still reachable.
func heapAfter(t *testing.T, n int, obs observe.Observer) uint64 {
	t.Helper()
	if _, err := gmp.Run(gmp.Config{Procs: 4, Seed: 1, Observers: []observe.Observer{obs}}, churn(n)); err != nil {
		t.Fatal(err)
	}
	runtime.GC()
	runtime.GC()
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	runtime.KeepAlive(obs)
	return ms.HeapAlloc
}

// TestMemoryFlat checks that the Observer's memory does not grow with the
// goroutines a run creates: it runs the same program creating 2,000 and
// 20,000 goroutines, with and without goroutine tracks, in both formats,
// and compares the heap the Observer retains after the run (the heap with
// it alive minus the heap after the same run with an observer that keeps
// nothing), which must not grow by more than 256 KB.
func TestMemoryFlat(t *testing.T) {
	if testing.Short() {
		t.Skip("runs 44,000 goroutines a case")
	}
	const small, large = 2_000, 20_000
	heapAfter(t, large, nopObserver{}) // warm the simulator's pools
	for _, opts := range []perfetto.Options{{}, {NoGoroutineTracks: true}, {Format: perfetto.JSON}} {
		var retained [2]int64
		for i, n := range []int{small, large} {
			base := heapAfter(t, n, nopObserver{})
			obs := perfetto.New(io.Discard, opts)
			retained[i] = int64(heapAfter(t, n, obs)) - int64(base)
			runtime.KeepAlive(obs)
		}
		t.Logf("%+v: the observer retains %d KB after %d goroutines, %d KB after %d", opts, retained[0]>>10, small, retained[1]>>10, large)
		if retained[1] > retained[0]+256<<10 {
			t.Errorf("%+v: the observer retains %d KB after %d goroutines, %d KB after %d", opts, retained[1]>>10, large, retained[0]>>10, small)
		}
	}
}
