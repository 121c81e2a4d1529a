package scenarios

import (
	"fmt"
	"slices"
	stdtime "time"

	"github.com/gmplab/gmp"
	"github.com/gmplab/gmp/internal/hostlog"
	"github.com/gmplab/gmp/time"
)

func init() {
	Register(&Scenario{
		Name:    "preemption",
		Section: "§2.3/§5",
		Summary: "CPU-bound loops beside latency-sensitive goroutines: scheduling delay with async vs cooperative preemption",
		Doc: `Eight goroutines run CPU-bound loops on 4 Ps — 50ms stretches with no
function call (Work), then one call (time.Now) — while four
latency-sensitive goroutines wake every 2ms to do a few µs of work. A wakeup is late when no P is free to run
the woken goroutine — its timer fires only when some P enters the
scheduler. With asynchronous preemption (Go ≥1.14) sysmon preempts each
loop after its 10ms time slice (forcePreemptNS), so a P enters the
scheduler every 10–20ms (sysmon notices a time slice on its 10ms ticks);
with cooperative preemption (Go <1.14, or GODEBUG=asyncpreemptoff=1) a
loop keeps its P until its next call after that. The
report gives the wakeup delay of the latency-sensitive goroutines (p50,
p99, max) and the runtime's own runnable→running latency, beside the
article's claim that async preemption cut P99 scheduling delay from 18ms
to 0.3ms (it says Go 1.22; async preemption arrived in Go 1.14).`,
		Procs: 4,
		Runs:  []string{"async", "cooperative"},
		Run:   runPreemption,
	})
}

func preemptionProgram(delays *hostlog.Log[int64]) func() {
	return func() {
		const hogs, sensitive = 8, 4
		const period = 2 * stdtime.Millisecond
		const duration = 400 * stdtime.Millisecond
		done := gmp.MakeChan[int](hogs + sensitive)
		for range hogs {
			gmp.Go(func() {
				for range int(duration / (50 * stdtime.Millisecond)) {
					gmp.Work(50 * stdtime.Millisecond) // no calls in here…
					time.Now()                         // …then one call
				}
				done.Send(1)
			})
		}
		for range sensitive {
			gmp.Go(func() {
				start := time.Now()
				for i := 1; time.Since(start) < duration; i++ {
					due := start.Add(stdtime.Duration(i) * period)
					time.Sleep(time.Until(due))
					delays.Add(time.Since(due).Nanoseconds())
					gmp.Work(5 * stdtime.Microsecond)
				}
				done.Send(1)
			})
		}
		for range hogs + sensitive {
			done.Recv()
		}
	}
}

func runPreemption(r *Runner) error {
	const hogs, sensitive, due = 8, 4, 4 * 200 // wakeups due in 400ms
	type row struct {
		label          string
		p50, p99, max  int64
		schedP99       int64
		preempts, wake int64
	}
	var rows []row
	procs := 0
	for _, mode := range []struct {
		label string
		m     gmp.PreemptMode
	}{{"async", gmp.PreemptAsync}, {"cooperative", gmp.PreemptCooperative}} {
		var log hostlog.Log[int64]
		res, err := r.Sim(mode.label, func(c *gmp.Config) { c.Preempt = mode.m }, preemptionProgram(&log))
		if err != nil {
			return err
		}
		delays := log.Get()
		procs = runProcs(res)
		slices.Sort(delays)
		rows = append(rows, row{mode.label, percentile(delays, 0.5), percentile(delays, 0.99), delays[len(delays)-1],
			res.Stats.SchedLatencyNS.P99, res.Stats.Preemptions, int64(len(delays))})
	}
	r.Printf("preemption (§2.3/§5): %d CPU-bound loops and %d goroutines waking every 2ms, on %s\n", hogs, sensitive, nPs(procs))
	r.overridden(r.Config.Preempt != gmp.PreemptAsync, "--preempt", "the scenario runs both modes")
	r.Printf("\n  %-12s %10s %10s %10s %12s %12s %12s\n", "preemption", "wake p50", "wake p99", "wake max", "sched p99", "preemptions", "wakeups")
	for _, w := range rows {
		r.Printf("  %-12s %10s %10s %10s %12s %12d %12s\n", w.label, dur(w.p50), dur(w.p99), dur(w.max), dur(w.schedP99), w.preempts, fmt.Sprintf("%d/%d", w.wake, due))
	}
	async, coop := rows[0], rows[1]
	r.Printf("\n  article: P99 scheduling delay 18ms (cooperative) → 0.3ms (async)\n")
	r.Printf("  measured: P99 wakeup delay %s (cooperative) → %s (async)\n\n", dur(coop.p99), dur(async.p99))
	switch {
	case async.preempts == 0 && coop.preempts == 0:
		r.Printf("Nothing was preempted in either run")
		if r.wasm() {
			r.Printf(": the wasm preset has no sysmon, and sysmon\n")
			r.Printf("is what asks a long-running goroutine to yield")
		}
		r.Printf(". The two rows measure the\n")
		r.Printf("same schedule; the comparison needs sysmon (drop --preset wasm).\n")
		return nil
	case async.wake < due || coop.wake < due:
		r.Printf("Not every wakeup due in the 400ms happened (the wakeups column): a goroutine\n")
		r.Printf("kept off the CPU wakes fewer times, so the percentiles of a starved run cover\n")
		r.Printf("fewer, luckier samples — compare the max as well.\n")
	}
	r.para(fmt.Sprintf("Async against cooperative: p99 wakeup delay %s, max %s.", ratio(async.p99, coop.p99), ratio(async.max, coop.max)))
	r.Printf("\nWhere the delay comes from: a sleeping goroutine's timer sits in the heap\n")
	r.Printf("of the P it slept on and fires only when a P runs the scheduler, and the\n")
	r.Printf("woken goroutine then waits its turn in that P's run queue. A loop enters\n")
	r.Printf("the scheduler when sysmon preempts it after its 10ms time slice (async:\n")
	r.Printf("sysmon checks every 10ms, so 10–20ms), or only at its next call (cooperative:\n")
	r.Printf("after its 50ms of Work).")
	if procs > hogs {
		r.Printf(" Here %s outnumber the %d loops: spare Ps run the\n", nPs(procs), hogs)
		r.Printf("timers without waiting for a loop to leave its P, in both modes, so\n")
		r.Printf("preemption makes little difference. The comparison needs every P busy:\n")
		r.Printf("--procs %d or fewer (the default is 4).\n", hogs)
		return nil
	}
	busy := fmt.Sprintf("all %s", nPs(procs))
	if procs == 1 {
		busy = "the only P"
	}
	r.Printf(" Here the %d loops keep %s busy, so no P is\n", hogs, busy)
	r.Printf("idle to take a timer early; the article's 0.3ms needs idle Ps — with every\n")
	r.Printf("P busy, no runtime can run a goroutine sooner than a P enters the scheduler.\n")
	return nil
}

// ratio says how a (async) compares with b (cooperative): "2.5× lower",
// "about the same (within 5%)" or "1.3× higher".
func ratio(a, b int64) string {
	switch {
	case a <= 0 || b <= 0:
		return fmt.Sprintf("%s against %s", dur(a), dur(b))
	case float64(a) < 0.95*float64(b):
		return fmt.Sprintf("%.1f× lower", float64(b)/float64(a))
	case float64(a) > 1.05*float64(b):
		return fmt.Sprintf("%.1f× higher", float64(a)/float64(b))
	}
	return "about the same (within 5%)"
}
