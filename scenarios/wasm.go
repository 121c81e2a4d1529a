package scenarios

import (
	"slices"
	stdtime "time"

	"github.com/gmplab/gmp"
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

func wasmProgram(lat *[]int64) func() {
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
				*lat = append(*lat, time.Since(arrive).Nanoseconds())
				done.Send(i)
			})
		}
		for range n {
			done.Recv()
		}
	}
}

func runWasm(r *Runner) error {
	r.Printf("wasm (§5): 40 requests, 1ms apart, each 300µs CPU + 2ms syscall + 1ms network wait\n\n")
	r.Printf("  %-14s %10s %10s %10s %12s %8s %9s\n", "runtime", "lat p50", "lat p99", "lat max", "total", "threads", "handoffs")
	for _, v := range []struct {
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
		var lat []int64
		res, err := r.Sim(v.label, v.adjust, wasmProgram(&lat))
		if err != nil {
			return err
		}
		slices.Sort(lat)
		r.Printf("  %-14s %10s %10s %10s %12s %8d %9d\n", v.label, dur(percentile(lat, 0.5)), dur(percentile(lat, 0.99)), dur(lat[len(lat)-1]),
			dur(res.VirtualTime.Nanoseconds()), res.Stats.ThreadsMax, res.Stats.SyscallHandoffs)
	}
	r.Printf("\nThe article: \"WASM: one P, no threads (GOMAXPROCS forced to 1)\". On the\n")
	r.Printf("preset every 2ms syscall holds the only thread, so requests queue behind\n")
	r.Printf("each other's syscalls; with 4 Ps and sysmon the syscalls overlap.\n")
	return nil
}
