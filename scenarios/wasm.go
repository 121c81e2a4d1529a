package scenarios

import (
	"fmt"
	"slices"
	"strings"
	stdtime "time"

	"github.com/gmplab/gmp"
	"github.com/gmplab/gmp/internal/hostlog"
	"github.com/gmplab/gmp/time"
)

func init() {
	Register(&Scenario{
		Name:    "wasm",
		Section: "§5",
		Summary: "the same request-handling workload on the wasm preset (one P, one thread, no sysmon) and on 4 Ps",
		Doc: `A small server handles 40 requests that arrive 1ms apart; each does 300µs
of CPU work, a 2ms blocking syscall (a file write) and waits 1ms on the
network. On 4 Ps a syscall only costs its own goroutine: sysmon hands the P
to another thread. On the wasm preset — GOMAXPROCS forced to 1, no threads,
no sysmon — a blocking syscall stops everything, and runnext is never used
(without sysmon to preempt, a runnext chain could starve the rest). The
report compares request latency and total time.`,
		Runs: []string{"wasm", "default"},
		Run:  runWasm,
	})
}

func wasmProgram(lat *hostlog.Log[int64]) func() {
	return func() {
		const n = 40
		done := gmp.MakeChan[int](n)
		start := time.Now()
		for i := range n {
			arrive := start.Add(stdtime.Duration(i) * stdtime.Millisecond)
			time.Sleep(time.Until(arrive))
			gmp.Go(func() {
				gmp.Work(300 * stdtime.Microsecond)
				gmp.Syscall(2 * stdtime.Millisecond)
				gmp.NetWait(stdtime.Millisecond)
				lat.Add(time.Since(arrive).Nanoseconds())
				done.Send(i)
			})
		}
		for range n {
			done.Recv()
		}
	}
}

func runWasm(r *Runner) error {
	r.Printf("wasm (§5): 40 requests, 1ms apart, each 300µs CPU + 2ms syscall + 1ms network wait\n")
	if r.wasm() {
		r.Printf("  (--preset wasm makes both runs wasm: there is nothing to compare)\n")
	}
	r.Printf("\n  %-14s %10s %10s %10s %12s %8s %9s\n", "runtime", "lat p50", "lat p99", "lat max", "total", "threads", "handoffs")
	var results [2]*gmp.Result
	for i, v := range []struct {
		label  string
		adjust func(*gmp.Config)
	}{
		{"wasm", func(c *gmp.Config) { c.Preset = "wasm" }},
		{"default", func(c *gmp.Config) {
			if !r.ProcsSet {
				c.Procs = 4
			}
		}},
	} {
		var log hostlog.Log[int64]
		res, err := r.Sim(v.label, v.adjust, wasmProgram(&log))
		if err != nil {
			return err
		}
		lat := log.Get()
		results[i] = res
		row := "wasm"
		if i == 1 {
			row = nPs(runProcs(res))
			if r.wasm() {
				row += " (wasm)"
			}
		}
		slices.Sort(lat)
		r.Printf("  %-14s %10s %10s %10s %12s %8d %9d\n", row, dur(percentile(lat, 0.5)), dur(percentile(lat, 0.99)), dur(lat[len(lat)-1]),
			dur(res.VirtualTime.Nanoseconds()), res.Stats.ThreadsMax, res.Stats.SyscallHandoffs)
	}
	r.Printf("\n")
	w, d := results[0], results[1]
	var b strings.Builder
	b.WriteString(`The article: "WASM: one P, no threads (GOMAXPROCS forced to 1)". `)
	fmt.Fprintf(&b, "On the preset every 2ms syscall holds the only thread (threads max %d), so requests queue behind each other's syscalls", w.Stats.ThreadsMax)
	switch {
	case r.wasm():
		b.WriteString(". Here both runs are wasm: drop --preset wasm to compare with threads and sysmon.")
	case d.VirtualTime < w.VirtualTime:
		fmt.Fprintf(&b, "; with %s, threads and sysmon the syscalls overlap (%d threads; sysmon retook a P from a syscall %s), and the program ends at %s instead of %s.",
			nPs(runProcs(d)), d.Stats.ThreadsMax, times(d.Stats.SyscallHandoffs), dur(d.VirtualTime.Nanoseconds()), dur(w.VirtualTime.Nanoseconds()))
	default:
		fmt.Fprintf(&b, "; with %s, threads and sysmon the program ends at %s against %s.", nPs(runProcs(d)), dur(d.VirtualTime.Nanoseconds()), dur(w.VirtualTime.Nanoseconds()))
	}
	r.para(b.String())
	return nil
}
