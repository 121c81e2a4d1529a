package scenarios

import (
	"bytes"
	"fmt"
	"strings"
	stdtime "time"

	"github.com/gmplab/gmp"
	"github.com/gmplab/gmp/internal/rt"
	"github.com/gmplab/gmp/time"
)

func init() {
	Register(&Scenario{
		Name:    "schedtrace",
		Section: "§2.5",
		Summary: "a workload in phases whose GODEBUG=schedtrace lines show idle Ps, spinning threads, queue lengths and threads changing",
		Doc: `Runs a program in four phases — a burst of 600 short goroutines from one
goroutine, a CPU-bound phase on all Ps, a phase of blocking syscalls, and
an idle phase waiting on timers and the network — and prints the
simulated runtime's schedtrace every 2ms, in Go 1.26's exact format, into
the report. Read it column by column: idleprocs falls to 0 in the burst,
runqueue and the per-P queues fill and drain, spinningthreads appear when
work is published, threads grow in the syscall phase and idlethreads
afterwards, and everything goes idle at the end. The report then gives the
article's "health figures" (waiting goroutines, preemptions, netpoll
blocking) as measured.`,
		Procs: 4,
		Runs:  []string{"schedtrace"},
		Run:   runSchedtrace,
	})
}

func schedtraceProgram() {
	// Phase 1: a burst of short goroutines from one goroutine.
	done := gmp.MakeChan[int](1000)
	for i := range 600 {
		gmp.Go(func() { gmp.Work(stdtime.Duration(20+i%5*10) * stdtime.Microsecond); done.Send(i) })
	}
	for range 600 {
		done.Recv()
	}
	// Phase 2: CPU-bound goroutines on every P.
	for i := range 6 {
		gmp.Go(func() { gmp.Work(stdtime.Duration(5+i) * stdtime.Millisecond); done.Send(i) })
	}
	for range 6 {
		done.Recv()
	}
	// Phase 3: blocking syscalls.
	for i := range 12 {
		gmp.Go(func() {
			for range 3 {
				gmp.Syscall(3 * stdtime.Millisecond)
				gmp.Work(300 * stdtime.Microsecond)
			}
			done.Send(i)
		})
	}
	for range 12 {
		done.Recv()
	}
	// Phase 4: idle, waiting on timers and the network.
	for i := range 8 {
		gmp.Go(func() {
			if i%2 == 0 {
				time.Sleep(6 * stdtime.Millisecond)
			} else {
				gmp.NetWait(6 * stdtime.Millisecond)
			}
			done.Send(i)
		})
	}
	for range 8 {
		done.Recv()
	}
}

// netpollBlock measures the time Ms spend blocked in netpoll.
type netpollBlock struct {
	waiting map[int64]int64
	total   int64
}

func (n *netpollBlock) Event(ev *rt.Event) {
	if ev.Kind == rt.EvGoBlock && ev.Reason == "network" {
		n.waiting[ev.G] = ev.Time
	}
	if ev.Kind == rt.EvGoUnblock {
		if t, ok := n.waiting[ev.G]; ok {
			n.total += ev.Time - t
			delete(n.waiting, ev.G)
		}
	}
}

func runSchedtrace(r *Runner) error {
	var trace bytes.Buffer
	nb := &netpollBlock{waiting: map[int64]int64{}}
	every := 2 * stdtime.Millisecond
	if r.Config.SchedTrace > 0 {
		every = r.Config.SchedTrace
	}
	res, err := r.Sim("schedtrace", func(c *gmp.Config) {
		c.SchedTrace = every
		c.SchedTraceOut = &trace
		c.Observers = append(c.Observers, nb)
	}, schedtraceProgram)
	if err != nil {
		return err
	}
	detail := ""
	if r.Config.SchedDetail {
		detail = ",scheddetail=1"
	}
	r.Printf("schedtrace (§2.5): GODEBUG=schedtrace=%v%s on a four-phase workload, %s\n\n", every, detail, nPs(runProcs(res)))
	lines := strings.Split(strings.TrimSuffix(trace.String(), "\n"), "\n")
	if trace.Len() == 0 {
		lines = nil
		r.Printf("  (no schedtrace lines: sysmon prints them, and the wasm preset has no sysmon)\n")
	}
	for _, l := range lines {
		r.Printf("  %s\n", l)
	}
	s := res.Stats
	r.Printf("\nHealth figures (the article's table of gwait / preempted / netpollblock):\n")
	r.Printf("  goroutines created %d, context switches %d\n", s.GoroutinesCreated, s.ContextSwitches)
	r.Printf("  runnable→running latency p50 %s, p99 %s, max %s\n", dur(s.SchedLatencyNS.P50), dur(s.SchedLatencyNS.P99), dur(s.SchedLatencyNS.Max))
	r.Printf("  preemptions %d, syscalls %d (%d retaken), threads max %d\n", s.Preemptions, s.Syscalls, s.SyscallHandoffs, s.ThreadsMax)
	r.Printf("  time goroutines spent blocked in the netpoller: %s (%d woken by netpoll)\n", dur(nb.total), s.NetpollReady)
	if len(lines) > 0 {
		r.Printf("\nNote that sysmon prints the lines, on its own ticks: with schedtrace on it\n")
		r.Printf("never deep-sleeps, but its sleep still grows to 10ms when it has nothing to\n")
		r.Printf("retake, so lines can come later than every %v, as with the real runtime", every)
		if gap := maxSchedGap(lines); gap > every {
			r.Printf("\n(here up to %v apart)", gap)
		}
		r.Printf(".\n")
	}
	return nil
}

// maxSchedGap returns the longest interval between two schedtrace lines
// ("SCHED 12ms: …").
func maxSchedGap(lines []string) stdtime.Duration {
	var gap, last stdtime.Duration
	seen := false
	for _, l := range lines {
		var ms int64
		if _, err := fmt.Sscanf(l, "SCHED %dms:", &ms); err != nil {
			continue
		}
		t := stdtime.Duration(ms) * stdtime.Millisecond
		if seen {
			gap = max(gap, t-last)
		}
		last, seen = t, true
	}
	return gap
}
