package pprof_test

import (
	"runtime"
	"testing"

	"github.com/gmplab/gmp"
	"github.com/gmplab/gmp/observe"
	"github.com/gmplab/gmp/observe/pprof"
	gsync "github.com/gmplab/gmp/sync"
)

// churn is a program that creates n goroutines, a few hundred alive at a
// time, each of which burns CPU, blocks on a channel and a mutex, and
// yields: every profile gets samples from every goroutine.
func churn(n int) func() {
	return func() {
		var mu gsync.Mutex
		var wg gsync.WaitGroup
		sem := gmp.MakeChan[struct{}](200)
		for range n {
			sem.Send(struct{}{})
			wg.Add(1)
			gmp.Go(func() {
				defer wg.Done()
				gmp.Work(1000)
				mu.Lock()
				gmp.Gosched()
				mu.Unlock()
				sem.Recv()
			})
		}
		wg.Wait()
	}
}

type nopObserver struct{}

func (nopObserver) Event(*observe.Event) {}
func (nopObserver) WantStacks() bool     { return true }

// heapAfter runs churn(n) with obs and returns the heap in use after a GC,
// with obs still reachable.
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

// TestMemoryFlat checks that a profile's memory does not grow with the
// number of goroutines a run creates: samples are aggregated by stack.
// It runs the same program creating 2,000 and 20,000 goroutines and
// compares (1) the samples in each profile, which must not grow with the
// goroutines (a longer run can reach a stack on more Ps: at most twice
// as many), and
// (2) the heap the Observer retains after the run — the heap in use with
// it alive, minus the heap after the same run with an observer that
// keeps nothing (the simulator's own pools grow with the goroutines too)
// — which must not grow by more than 256 KB.
func TestMemoryFlat(t *testing.T) {
	if testing.Short() {
		t.Skip("runs 44,000 goroutines")
	}
	const small, large = 2_000, 20_000
	heapAfter(t, large, nopObserver{}) // warm the simulator's pools
	var samples [2][]int
	var retained [2]int64
	for i, n := range []int{small, large} {
		base := heapAfter(t, n, nopObserver{})
		obs := pprof.New()
		with := heapAfter(t, n, obs)
		retained[i] = int64(with) - int64(base)
		for _, k := range pprof.Kinds() {
			samples[i] = append(samples[i], len(obs.Profile(k).Sample))
		}
		runtime.KeepAlive(obs)
	}
	t.Logf("samples per profile: %v for %d goroutines, %v for %d; observer heap: %d KB, %d KB",
		samples[0], small, samples[1], large, retained[0]>>10, retained[1]>>10)
	for k := range samples[0] {
		if samples[1][k] > 2*samples[0][k] {
			t.Errorf("%s: %d samples for %d goroutines, %d for %d", pprof.Kinds()[k].File(), samples[0][k], small, samples[1][k], large)
		}
	}
	if retained[1] > retained[0]+256<<10 {
		t.Errorf("the observer retains %d KB after %d goroutines, %d KB after %d", retained[1]>>10, large, retained[0]>>10, small)
	}
}
