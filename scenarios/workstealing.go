package scenarios

import (
	"fmt"
	"strings"
	stdtime "time"

	"github.com/gmplab/gmp"
	"github.com/gmplab/gmp/internal/rt"
)

func init() {
	Register(&Scenario{
		Name:    "workstealing",
		Section: "§2.2",
		Summary: "an uneven fan-out on 4 Ps: who steals how much, and the work each P ends up doing",
		Doc: `main starts 300 goroutines of uneven length (50µs to 500µs of CPU
each) and waits for them. They all land on main's P's run queue —
runnext, then the 256-slot ring (half of which would overflow to the
global queue if it filled) — and the other Ps, woken one spinner at a
time, steal the larger half of that ring, and of each other's. The report shows each
P's share of the work and the steals, for Go's policy and for the seed
article's "steal min(n/2, 32)" variant.`,
		Procs: 4,
		Runs:  []string{"go", "article"},
		Run:   runWorkstealing,
	})
}

// workstealingProgram starts the goroutines from main and records, in
// *mainP, the P main ran on.
func workstealingProgram(mainP *int32) func() {
	return func() {
		const n = 300
		me := gmp.Goid()
		for _, m := range gmp.Sched().Ms {
			if m.CurG == me {
				*mainP = m.P
			}
		}
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
}

// stealSizes records how many goroutines each steal took.
type stealSizes struct{ largest int64 }

func (s *stealSizes) Event(ev *rt.Event) {
	if ev.Kind == rt.EvSteal {
		s.largest = max(s.largest, ev.Arg)
	}
}

func runWorkstealing(r *Runner) error {
	type result struct {
		label   string
		res     *gmp.Result
		largest int64
		spread  [2]float64 // smallest and largest share of the work, %
	}
	var runs []result
	var mainP int32
	var out strings.Builder
	for _, variant := range []struct {
		label string
		cap   int
		about string
	}{
		{"go", 0, "Go's policy: runqsteal takes ceil(half) of the victim's ring; runnext only on the 4th round"},
		{"article", 32, "seed article: steal min(n/2, 32)"},
	} {
		sizes := &stealSizes{}
		res, err := r.Sim(variant.label, func(c *gmp.Config) {
			c.StealCap = variant.cap
			c.Observers = append(c.Observers, sizes)
		}, workstealingProgram(&mainP))
		if err != nil {
			return err
		}
		s := res.Stats
		fmt.Fprintf(&out, "\n%s — %s\n", variant.label, variant.about)
		fmt.Fprintf(&out, "  makespan %v, steals %d, goroutines stolen %d (%.1f per steal, at most %d), global-queue takes %d, overflows to global %d\n",
			res.VirtualTime.Round(stdtime.Microsecond), s.Steals, s.StolenGs, perSteal(s.StolenGs, s.Steals), sizes.largest, s.GlobalRunqGets, s.RunqOverflows)
		fmt.Fprintf(&out, "  spinning Ms (max) %d, threads (max) %d, scheduling latency p50 %v p99 %v\n",
			s.SpinningMsMax, s.ThreadsMax, stdtime.Duration(s.SchedLatencyNS.P50), stdtime.Duration(s.SchedLatencyNS.P99))
		fmt.Fprintf(&out, "  %-4s %10s %10s %8s %8s %8s\n", "P", "work", "busy", "Gs run", "steals", "stolen")
		var total stdtime.Duration
		for _, p := range res.Procs {
			total += p.Work
		}
		rs := result{label: variant.label, res: res, largest: sizes.largest, spread: [2]float64{100, 0}}
		for _, p := range res.Procs {
			share := 100 * float64(p.Work) / float64(total)
			rs.spread = [2]float64{min(rs.spread[0], share), max(rs.spread[1], share)}
			fmt.Fprintf(&out, "  P%-3d %10v %10v %8d %8d %8d   %4.1f%% of the work\n", p.ID, p.Work, p.Busy.Round(stdtime.Microsecond), p.Executed, p.Steals, p.Stolen, share)
		}
		runs = append(runs, rs)
	}
	procs := runProcs(runs[0].res)
	r.Printf("workstealing (§2.2): 300 goroutines (50µs–500µs of CPU each) started by main on P%d, %s\n", mainP, nPs(procs))
	r.overridden(r.Config.StealCap != 0, "--steal-cap", "the scenario runs Go's policy and the article's cap of 32")
	r.Printf("%s", out.String())
	goRun, art := runs[0], runs[1]
	r.Printf("\n")
	if goRun.res.Stats.Steals == 0 && art.res.Stats.Steals == 0 {
		r.Printf("No P stole anything: with %s there is no other P to steal, and both\n", nPs(procs))
		r.Printf("runs are the same program on P%d alone. Stealing needs --procs 2 or more\n", mainP)
		r.Printf("(the default is 4).\n")
		return nil
	}
	r.Printf("main creates the goroutines on P%d; the other Ps, woken one spinning M at a\n", mainP)
	r.Printf("time (wakep, resetspinning), steal the larger half of its ring, and of each\n")
	r.Printf("other's, as it fills. ")
	if o := goRun.res.Stats.RunqOverflows; o > 0 {
		r.Printf("In Go's run the ring still overflowed %s:\n", times(o))
		r.Printf("runqputslow moved 128+1 goroutines to the global queue each time, which\n")
		r.Printf("the Ps drain in fair shares (min(len/GOMAXPROCS+1, 128)) before they steal.\n")
	} else {
		r.Printf("In Go's run the ring never reached its 256 slots:\n")
		r.Printf("nothing overflowed to the global queue.\n")
	}
	if goRun.largest <= 32 {
		r.Printf("No steal in Go's run took more than 32 goroutines (at most %d), so the\n", goRun.largest)
		r.Printf("article's cap of 32 could not change a single one.\n")
	} else {
		r.Printf("Go's largest steal took %d goroutines; the article's cap holds each\n", goRun.largest)
		r.Printf("steal to 32 (here at most %d). Steals: %d with the cap, %d without.\n", art.largest, art.res.Stats.Steals, goRun.res.Stats.Steals)
	}
	r.Printf("Each P's share of the work: %.1f%%–%.1f%% with Go's policy, %.1f%%–%.1f%%\n",
		goRun.spread[0], goRun.spread[1], art.spread[0], art.spread[1])
	fair := 100 / float64(procs) // each P's share if the work were spread evenly
	switch {
	case goRun.spread[1]-goRun.spread[0] < fair/5 && art.spread[1]-art.spread[0] < fair/5:
		r.Printf("with the cap: near-equal either way (an even share is %.1f%%).\n", fair)
	default:
		r.Printf("with the cap, where an even share is %.1f%%: the work is not spread\n", fair)
		r.Printf("evenly over the %s.\n", nPs(procs))
	}
	return nil
}

func perSteal(stolen, steals int64) float64 {
	if steals == 0 {
		return 0
	}
	return float64(stolen) / float64(steals)
}

// times says how many times: "once", "twice", "3 times".
func times(n int64) string {
	switch n {
	case 1:
		return "once"
	case 2:
		return "twice"
	}
	return fmt.Sprintf("%d times", n)
}
