package explore_test

import (
	"os"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/gmplab/gmp"
	"github.com/gmplab/gmp/internal/explore"
	"github.com/gmplab/gmp/sync"
)

// racy: two goroutines append to a shared log under a mutex, the second
// one checking an order that the schedule decides — a failure in a few
// percent of explored runs, of two kinds.
func racy() {
	var mu sync.Mutex
	var log []int
	var wg sync.WaitGroup
	for i := range 3 {
		wg.Add(1)
		gmp.Go(func() {
			defer wg.Done()
			gmp.Work(time.Duration(10+20*i) * time.Microsecond)
			mu.Lock()
			log = append(log, i)
			mu.Unlock()
		})
	}
	wg.Wait()
	switch {
	case log[0] == 2:
		panic("2 went first")
	case log[1] == 0:
		gmp.MakeChan[int](0).Recv() // a deadlock
	}
}

// crashy kills its process in some runs (os.Exit inside the simulation:
// nothing gmp can catch), and racy's failures in others.
func crashy() {
	racy()
	if gmp.Now().Sub(gmp.Epoch)%101 == 0 {
		os.Exit(7)
	}
}

// hangs blocks its host goroutine forever in some runs, with gmp's
// watchdog off: only the coordinator can tell.
func hangs() {
	racy()
	if gmp.Now().Sub(gmp.Epoch)/time.Microsecond%89 == 7 {
		select {}
	}
}

func init() {
	programs["racy"] = racy
	workerPrograms["crashy"] = crashy
	workerPrograms["hangs"] = hangs
}

// summary is what must not depend on how the runs were spread.
func summary(rep *explore.Report) []string {
	var out []string
	for _, f := range rep.Findings {
		out = append(out, f.Signature+" first="+itoa(f.First)+" count="+itoa(f.Count))
	}
	slices.Sort(out)
	return out
}

func itoa(n int64) string { return strconv.FormatInt(n, 10) }

// TestWorkersAgree: the same exploration in this process, in two worker
// processes, and as the union of three shards finds the same failures,
// first at the same runs, as often: a run depends on its index only.
func TestWorkersAgree(t *testing.T) {
	if testing.Short() {
		t.Skip("starts worker processes")
	}
	base := explore.Options{Test: "racy", Runs: 600, Seed: 3, Config: baseConfig(), ShrinkRuns: 50}
	here, err := explore.Explore(mainTarget(racy), base)
	if err != nil {
		t.Fatal(err)
	}
	if len(here.Findings) < 2 {
		t.Fatalf("racy: %d distinct failures in %d runs, want 2", len(here.Findings), here.Runs)
	}
	o := base
	o.Parallel, o.Worker = 2, workerCommand("racy")
	par, err := explore.Explore(mainTarget(racy), o)
	if err != nil {
		t.Fatal(err)
	}
	if a, b := summary(here), summary(par); !slices.Equal(a, b) || par.Runs != here.Runs {
		t.Errorf("in this process: %d runs %v\nin 2 workers: %d runs %v", here.Runs, a, par.Runs, b)
	}
	for i, f := range par.Findings {
		if f.Schedule == nil || f.Nondet != "" || len(f.Sentences) != len(f.Schedule.Deviations) {
			t.Errorf("finding %d not settled by its worker: %+v", i, f)
		}
	}
	// Shards: each runs a third; merged by signature they are the whole.
	merged := map[string]*explore.Finding{}
	var runs int64
	for i := range int64(3) {
		o := base
		o.Shard = explore.Shard{I: i, N: 3}
		rep, err := explore.Explore(mainTarget(racy), o)
		if err != nil {
			t.Fatal(err)
		}
		runs += rep.Runs
		for _, f := range rep.Findings {
			m := merged[f.Signature]
			if m == nil {
				merged[f.Signature] = f
				continue
			}
			m.Count += f.Count
			m.First = min(m.First, f.First)
		}
	}
	un := &explore.Report{Runs: runs}
	for _, f := range merged {
		un.Findings = append(un.Findings, f)
	}
	if a, b := summary(here), summary(un); !slices.Equal(a, b) || runs != here.Runs {
		t.Errorf("unsharded: %d runs %v\n3 shards: %d runs %v", here.Runs, a, runs, b)
	}
}

// TestWorkerCrash: a run that kills its worker process is reported as a
// crash with the worker's last words, the worker is replaced, and every
// other run is still made.
func TestWorkerCrash(t *testing.T) {
	if testing.Short() {
		t.Skip("starts worker processes")
	}
	o := explore.Options{Test: "crashy", Runs: 300, Seed: 1, Config: baseConfig(), ShrinkRuns: 20,
		Parallel: 2, Worker: workerCommand("crashy")}
	rep, err := explore.Explore(mainTarget(crashy), o)
	if err != nil {
		t.Fatal(err)
	}
	var crashes int64
	for _, f := range rep.Findings {
		if f.Kind == explore.Crash {
			crashes += f.Count
			if !strings.Contains(f.Crash, "exit status 7") {
				t.Errorf("crash report without the exit status: %q", f.Crash)
			}
		}
	}
	if crashes == 0 || rep.Restarts == 0 {
		t.Errorf("%d crashes, %d restarts: want some of each", crashes, rep.Restarts)
	}
	if rep.Runs != o.Runs {
		t.Errorf("%d runs made, want %d", rep.Runs, o.Runs)
	}
	t.Log(rep.Summary())
}

// TestWorkerHang: a worker whose simulation hangs outside gmp's reach
// is killed after the hang timeout, its run reported, and replaced.
func TestWorkerHang(t *testing.T) {
	if testing.Short() {
		t.Skip("starts worker processes")
	}
	defer explore.SetHangTimeout(time.Second)()
	cfg := baseConfig()
	cfg.Watchdog = -1
	o := explore.Options{Test: "hangs", Runs: 300, Seed: 1, Config: cfg, ShrinkRuns: 20,
		Parallel: 2, Worker: workerCommand("hangs")}
	start := time.Now()
	rep, err := explore.Explore(mainTarget(hangs), o)
	if err != nil {
		t.Fatal(err)
	}
	var hung bool
	for _, f := range rep.Findings {
		if f.Kind == explore.Crash && strings.Contains(f.Crash, "hung") {
			hung = true
		}
	}
	if !hung || rep.Runs != o.Runs {
		t.Errorf("hung run reported: %v; %d runs of %d; findings %v", hung, rep.Runs, o.Runs, summary(rep))
	}
	t.Logf("%s in %v", rep.Summary(), time.Since(start))
}
