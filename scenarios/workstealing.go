package scenarios

import (
	stdtime "time"

	"github.com/gmplab/gmp"
)

func init() {
	Register(&Scenario{
		Name:    "workstealing",
		Section: "§2.2",
		Summary: "an uneven fan-out on 4 Ps: who steals how much, and the work each P ends up doing",
		Doc: `main, running on P0, starts 300 goroutines of uneven length (50µs to
500µs of CPU each) and waits for them. They all land on P0's run queue —
runnext, then the 256-slot ring (half of which would overflow to the
global queue if it filled) — and the other Ps, woken one spinner at a
time, steal the larger half of P0's ring, and of each other's. The report shows each
P's share of the work and the steals, for Go's policy and for the seed
article's "steal min(n/2, 32)" variant.`,
		Procs: 4,
		Runs:  []string{"go", "article"},
		Run:   runWorkstealing,
	})
}

func workstealingProgram() {
	const n = 300
	done := gmp.MakeChan[int](n)
	for i := range n {
		d := stdtime.Duration((i*37)%10+1) * 50 * stdtime.Microsecond
		gmp.Go(func() {
			gmp.Work(d)
			done.Send(i)
		})
	}
	for range n {
		done.Recv()
	}
}

func runWorkstealing(r *Runner) error {
	r.Printf("workstealing (§2.2): 300 goroutines (50µs–500µs of CPU each) started by main on P0\n")
	for _, variant := range []struct {
		label string
		cap   int
		about string
	}{
		{"go", 0, "Go 1.26: runqsteal takes ceil(half) of the victim's ring; runnext only on the 4th round"},
		{"article", 32, "seed article: steal min(n/2, 32)"},
	} {
		res, err := r.Sim(variant.label, func(c *gmp.Config) { c.StealCap = variant.cap }, workstealingProgram)
		if err != nil {
			return err
		}
		s := res.Stats
		r.Printf("\n%s — %s\n", variant.label, variant.about)
		r.Printf("  makespan %v, steals %d, goroutines stolen %d (%.1f per steal), global-queue takes %d, overflows to global %d\n",
			res.VirtualTime.Round(stdtime.Microsecond), s.Steals, s.StolenGs, perSteal(s.StolenGs, s.Steals), s.GlobalRunqGets, s.RunqOverflows)
		r.Printf("  spinning Ms (max) %d, threads (max) %d, scheduling latency p50 %v p99 %v\n",
			s.SpinningMsMax, s.ThreadsMax, stdtime.Duration(s.SchedLatencyNS.P50), stdtime.Duration(s.SchedLatencyNS.P99))
		r.Printf("  %-4s %10s %10s %8s %8s %8s\n", "P", "work", "busy", "Gs run", "steals", "stolen")
		var total stdtime.Duration
		for _, p := range res.Procs {
			total += p.Work
		}
		for _, p := range res.Procs {
			r.Printf("  P%-3d %10v %10v %8d %8d %8d   %4.1f%% of the work\n", p.ID, p.Work, p.Busy.Round(stdtime.Microsecond), p.Executed, p.Steals, p.Stolen,
				100*float64(p.Work)/float64(total))
		}
	}
	r.Printf("\nmain creates the goroutines faster than one P runs them, but the other Ps,\n")
	r.Printf("woken one spinning M at a time (wakep, resetspinning), steal the larger\n")
	r.Printf("half of P0's ring as it fills, so it rarely reaches its 256 slots; had it\n")
	r.Printf("overflowed, runqputslow would have moved 128+1 Gs to the global queue,\n")
	r.Printf("which the Ps drain in fair shares (min(len/GOMAXPROCS+1, 128)) before they\n")
	r.Printf("steal. The article's cap of 32 changes how much each steal takes, not the\n")
	r.Printf("balance: the Ps end with near-equal shares either way.\n")
	return nil
}

func perSteal(stolen, steals int64) float64 {
	if steals == 0 {
		return 0
	}
	return float64(stolen) / float64(steals)
}
