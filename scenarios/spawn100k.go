package scenarios

import (
	"fmt"
	"runtime"
	"syscall"
	stdtime "time"

	"github.com/gmplab/gmp"
	"github.com/gmplab/gmp/time"
)

func init() {
	Register(&Scenario{
		Name:    "spawn100k",
		Section: "§1",
		Summary: "100,000 goroutines that each Gosched and exit; NumGoroutine after a 10ms sleep",
		Doc: `The seed article's first program: main starts 100,000 goroutines that
each call runtime.Gosched and return, sleeps 10ms, and prints
runtime.NumGoroutine. The report gives the goroutines alive at that point,
the peak, the simulated stack memory (2 KiB per live goroutine, Go's
initial stack on linux/amd64) beside the article's "about 200MB", and how
the work spread over the Ps. The simulator's own wall time and memory go
to stderr (they depend on the host, so they are kept out of the
deterministic report).`,
		Runs: []string{"spawn100k"},
		Run:  runSpawn100k,
	})
}

func runSpawn100k(r *Runner) error {
	const n = 100_000
	var alive int
	var spawned stdtime.Duration
	wallStart := stdtime.Now()
	res, err := r.Sim("spawn100k", nil, func() {
		start := time.Now()
		for range n {
			gmp.Go(func() {
				gmp.Gosched() // runtime.Gosched(): make the scheduling visible
			})
		}
		spawned = time.Since(start)
		time.Sleep(10 * stdtime.Millisecond)
		alive = gmp.NumGoroutine()
	})
	wall := stdtime.Since(wallStart)
	if err != nil {
		return err
	}
	s := res.Stats
	r.Printf("spawn100k (§1): %d goroutines, each runtime.Gosched() then exit; main sleeps 10ms\n\n", n)
	r.Printf("  GOMAXPROCS                          %d\n", len(res.Procs))
	r.Printf("  goroutines created                  %d\n", s.GoroutinesCreated)
	r.Printf("  virtual time to start them all      %v\n", spawned)
	r.Printf("  Active goroutines (NumGoroutine)    %d   (after the 10ms sleep)\n", alive)
	r.Printf("  peak live goroutines                %d\n", s.GoroutinesMax)
	r.Printf("  simulated stack memory at the peak  %.1f MiB (2 KiB each)\n", float64(s.GoroutinesMax)*2048/(1<<20))
	r.Printf("  context switches                    %d\n", s.ContextSwitches)
	r.Printf("  run queue overflows to global       %d (runqputslow: 128+1 Gs each)\n", s.RunqOverflows)
	r.Printf("  steals / goroutines stolen          %d / %d\n", s.Steals, s.StolenGs)
	r.Printf("  scheduling latency p50/p99/max      %v / %v / %v\n",
		stdtime.Duration(s.SchedLatencyNS.P50), stdtime.Duration(s.SchedLatencyNS.P99), stdtime.Duration(s.SchedLatencyNS.Max))
	r.Printf("  threads (max)                       %d\n", s.ThreadsMax)
	r.Printf("\n  per P:  executed   schedtick\n")
	for _, p := range res.Procs {
		r.Printf("    P%-3d %9d %11d\n", p.ID, p.Executed, p.Schedtick)
	}
	peak := fmt.Sprintf("%d were (%.1f MiB)", s.GoroutinesMax, float64(s.GoroutinesMax)*2048/(1<<20))
	r.Printf("\nThe article says 100k goroutines take \"about 200MB\": that is 100k × 2 KiB of\n")
	r.Printf("initial stack if they were all alive at once. ")
	switch procs := runProcs(res); {
	case s.GoroutinesMax > n:
		r.Printf("Here they were: nothing ran them\n")
		r.Printf("while main was creating them")
		if s.Preemptions == 0 && procs == 1 {
			r.Printf(" — one P, and main was never preempted")
			if r.wasm() {
				r.Printf(" (the wasm\npreset has no sysmon)")
			}
		}
		r.Printf(".\n")
	case procs == 1:
		r.Printf("Here at most %s:\n", peak)
		r.Printf("with one P the goroutines run only when main leaves it — sysmon preempts\n")
		r.Printf("main at the end of its 10ms time slices (%d preemptions in this run) — so\n", s.Preemptions)
		r.Printf("they pile up in between and are retired in batches.\n")
	case s.Steals > 0:
		r.Printf("Here at most %s,\n", peak)
		r.Printf("because the other Ps steal and retire them while main is still creating\n")
		r.Printf("more (%d steals took %d goroutines).\n", s.Steals, s.StolenGs)
	default:
		r.Printf("Here at most %s.\n", peak)
	}

	var ru syscall.Rusage
	syscall.Getrusage(syscall.RUSAGE_SELF, &ru)
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	fmt.Fprintf(r.Diag, "spawn100k: host wall time %v, max RSS %.0f MiB, host goroutine stacks %.0f MiB\n",
		wall.Round(stdtime.Millisecond), float64(ru.Maxrss)/1024, float64(ms.StackSys)/(1<<20))
	return nil
}
