package gmptest_test

import (
	"strings"
	"sync/atomic"
	"testing"

	"github.com/gmplab/gmp"
	"github.com/gmplab/gmp/gmptest"
	"github.com/gmplab/gmp/sync"
)

// RunTest is the explorer's entry point: one simulation of one test body,
// its outcome returned rather than reported. Each case runs on a subtest
// of its own, whose failures are the body's (checked through Outcome).

func TestRunTestOutcomes(t *testing.T) {
	cases := []struct {
		name string
		body func(*testing.T)
		want gmptest.Status
	}{
		{"pass", func(t *testing.T) {
			c := gmp.MakeChan[int](1)
			c.Send(1)
			c.Recv()
		}, gmptest.Pass},
		{"leak", func(t *testing.T) {
			c := gmp.MakeChan[int](0)
			gmp.Go(func() { c.Send(1) })
		}, gmptest.Leak},
		{"deadlock", func(t *testing.T) {
			gmp.MakeChan[int](0).Recv()
		}, gmptest.Deadlock},
		{"limit", func(t *testing.T) {
			for {
				gmp.Gosched()
			}
		}, gmptest.Limit},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			out := gmptest.RunTest(t, gmp.Config{Procs: 2, Seed: 1, MaxSteps: 10000}, c.body)
			if out.Status != c.want {
				t.Errorf("status %v, want %v (err %v)", out.Status, c.want, out.Err)
			}
		})
	}
}

// racy may lose an update when its two goroutines interleave: the kind
// of planted bug the explorer hunts; here only its determinism is checked.
// The counter is a host atomic, loaded and stored separately: the update
// is still lost (a race condition, check then act), but it is no data race
// for the race detector, and the atomics are invisible to the simulation.
func racy(n *atomic.Int64) func(*testing.T) {
	return func(t *testing.T) {
		var wg sync.WaitGroup
		n.Store(0)
		for range 2 {
			wg.Add(1)
			gmp.Go(func() {
				defer wg.Done()
				v := n.Load()
				gmp.Work(1000)
				n.Store(v + 1)
			})
		}
		wg.Wait()
	}
}

func TestRunTestDeterministic(t *testing.T) {
	for _, procs := range []int{1, 2, 4} {
		for _, seed := range []uint64{1, 2} {
			var n0 int64
			var vt0 gmp.Result
			for i := range 3 {
				var counter atomic.Int64
				out := gmptest.RunTest(t, gmp.Config{Procs: procs, Seed: seed}, racy(&counter))
				if out.Status != gmptest.Pass {
					t.Fatalf("status %v: %v", out.Status, out.Err)
				}
				n := counter.Load()
				if i == 0 {
					n0, vt0 = n, *out.Result
				} else if n != n0 || out.Result.VirtualTime != vt0.VirtualTime || out.Result.Stats.ContextSwitches != vt0.Stats.ContextSwitches {
					t.Errorf("procs %d seed %d: run %d: n=%d at %v, first n=%d at %v", procs, seed, i, n, out.Result.VirtualTime, n0, vt0.VirtualTime)
				}
			}
			if procs == 1 && n0 != 2 {
				t.Errorf("one P: the goroutines cannot overlap, yet n = %d", n0)
			}
		}
	}
}

// TestReadSettingsBadInput: a GMPTEST setting gmp test could not have
// written is an error that names it, never a silent default.
func TestReadSettingsBadInput(t *testing.T) {
	for _, env := range []string{"preempt=nosuch", "procs=x", "nosuch=1", "maxtime=5"} {
		t.Setenv("GMPTEST", env)
		if _, err := gmptest.ReadSettings(); err == nil || !strings.Contains(err.Error(), env) {
			t.Errorf("GMPTEST=%s: err = %v", env, err)
		}
	}
	t.Setenv("GMPTEST", "preempt=cooperative,procs=2")
	s, err := gmptest.ReadSettings()
	if err != nil || s.Config.Preempt != gmp.PreemptCooperative || s.Config.Procs != 2 {
		t.Errorf("preempt=cooperative,procs=2: %+v, %v", s.Config, err)
	}
}
