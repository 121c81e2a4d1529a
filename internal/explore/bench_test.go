package explore_test

import (
	"os"
	"testing"
	"time"

	"github.com/gmplab/gmp"
	"github.com/gmplab/gmp/internal/explore"
	"github.com/gmplab/gmp/sync"
)

// tiny is the smallest test worth exploring: two goroutines, a channel.
func tiny() {
	c := gmp.MakeChan[int](0)
	gmp.Go(func() { c.Send(1) })
	c.Recv()
}

// small: four goroutines, a mutex, a channel and a WaitGroup.
func small() {
	var mu sync.Mutex
	var wg sync.WaitGroup
	c := gmp.MakeChan[int](3)
	n := 0
	for i := range 3 {
		wg.Add(1)
		gmp.Go(func() {
			defer wg.Done()
			mu.Lock()
			n++
			mu.Unlock()
			c.Send(i)
		})
	}
	wg.Wait()
	for range 3 {
		c.Recv()
	}
}

// programs are the targets this package's tests and benchmarks explore,
// by name, so that a worker process finds the one it serves.
var programs = map[string]func(){"tiny": tiny, "small": small}

// mainTarget runs main as the program's main goroutine.
func mainTarget(main func()) explore.Target {
	return explore.TargetFunc(func(cfg gmp.Config) explore.Outcome {
		res, err := gmp.Run(cfg, main)
		return explore.Outcome{Err: err, Leaks: res.Leaks, Result: res}
	})
}

func baseConfig() gmp.Config {
	return gmp.Config{Procs: 4, Seed: 1, Settle: time.Second, MaxSteps: 200_000}
}

// workerCommand starts this test binary as a worker for the program
// called name (see TestWorkerHelper).
func workerCommand(name string) *explore.WorkerCommand {
	return &explore.WorkerCommand{Path: os.Args[0], Args: []string{"-test.run=^TestWorkerHelper$", "-test.count=1", "-test.timeout=0"},
		Env: []string{"GMP_TEST_PROGRAM=" + name}}
}

// TestWorkerHelper is a worker process's entry point; in an ordinary run
// of the tests it does nothing.
func TestWorkerHelper(t *testing.T) {
	name := os.Getenv("GMP_TEST_PROGRAM")
	if name == "" || !explore.IsWorker() {
		t.Skip("a worker process's entry point")
	}
	o, err := explore.WorkerOptions(explore.Options{Config: baseConfig()})
	if err != nil {
		t.Fatal(err)
	}
	main, ok := programs[name]
	if !ok {
		main = workerPrograms[name]
	}
	if err := explore.Serve(mainTarget(main), o); err != nil {
		t.Fatal(err)
	}
}

// workerPrograms are the worker tests' programs (worker_test.go).
var workerPrograms = map[string]func(){}

func benchmarkExplore(b *testing.B, name string, parallel int) {
	// Under -race the explorer always runs in workers (race.go): the
	// in-process benchmarks then measure one worker.
	o := explore.Options{Test: name, Runs: int64(b.N), Seed: 1, Config: baseConfig(), Parallel: parallel,
		Worker: workerCommand(name)}
	if parallel > 0 {
		o.Isolate = true
	}
	b.ReportAllocs()
	b.ResetTimer()
	rep, err := explore.Explore(mainTarget(programs[name]), o)
	if err != nil {
		b.Fatal(err)
	}
	if len(rep.Findings) > 0 || rep.Runs != int64(b.N) {
		b.Fatalf("%d runs, findings %v", rep.Runs, rep.Findings)
	}
	b.ReportMetric(float64(rep.Runs)/b.Elapsed().Seconds(), "runs/s")
}

// BenchmarkExploreTiny: schedules explored per second on one core, of
// the tiny program (the target: ≥ 30,000).
func BenchmarkExploreTiny(b *testing.B) { benchmarkExplore(b, "tiny", 0) }

// BenchmarkExploreSmall: the same for the small program (target ≥ 10,000).
func BenchmarkExploreSmall(b *testing.B) { benchmarkExplore(b, "small", 0) }

// BenchmarkExploreWorkers: the small program explored by 1 and 2 worker
// processes; the ratio of their runs/s is the parallel speed-up (target
// ≥ 1.7 on two cores). Worker start-up is included: use -benchtime of a
// few seconds.
func BenchmarkExploreWorkers(b *testing.B) {
	b.Run("workers=1", func(b *testing.B) { benchmarkExplore(b, "small", 1) })
	b.Run("workers=2", func(b *testing.B) { benchmarkExplore(b, "small", 2) })
}

// BenchmarkExploreStrategy: the tiny program under each strategy alone.
func BenchmarkExploreStrategy(b *testing.B) {
	for _, s := range explore.StrategyNames {
		b.Run(s, func(b *testing.B) {
			o := explore.Options{Test: "tiny", Runs: int64(b.N), Seed: 1, Config: baseConfig(), Strategy: s, Worker: workerCommand("tiny")}
			b.ResetTimer()
			rep, err := explore.Explore(mainTarget(tiny), o)
			if err != nil {
				b.Fatal(err)
			}
			b.ReportMetric(float64(rep.Runs)/b.Elapsed().Seconds(), "runs/s")
		})
	}
}
