package scenarios

import (
	"fmt"
	"maps"
	"runtime"
	"slices"
	"strings"
	"sync"

	"github.com/gmplab/gmp"
	"github.com/gmplab/gmp/internal/hostlog"
	"github.com/gmplab/gmp/observe"
)

func init() {
	Register(&Scenario{
		Name:    "runnext",
		Section: "§2.2",
		Summary: "GOMAXPROCS=1: five go statements start in the order 4 0 1 2 3 (runnext), beside the real runtime",
		Doc: `On one P, each go statement puts the new goroutine in runnext and kicks
the previous runnext to the tail of the ring. After five go statements
runnext holds goroutine 4 and the ring holds 0 1 2 3, so when main waits
they start in the order 4 0 1 2 3. The report shows the queues after each
go statement and the start order, and runs the same program on the real
runtime (GOMAXPROCS=1, in this process) for comparison.`,
		Procs: 1,
		Runs:  []string{"runnext"},
		Run:   runRunnext,
	})
}

// runnextSnap is main's P right after one go statement.
type runnextSnap struct {
	p       int32
	runnext int64
	ring    []int64
	newest  int64  // the goroutine the go statement created
	where   string // where that goroutine is, if not on main's P
	system  map[int64]bool
}

func runRunnext(r *Runner) error {
	var orderLog hostlog.Log[string]
	var snaps []runnextSnap
	res, err := r.Sim("runnext", func(c *gmp.Config) {
		if !r.ProcsSet {
			c.Procs = 1
		}
	}, func() {
		me := gmp.Goid()
		done := gmp.MakeChan[struct{}](5)
		for i := range 5 {
			gmp.Go(func() {
				orderLog.Add(fmt.Sprint(i))
				done.Send(struct{}{})
			})
			snaps = append(snaps, snapRunnext(gmp.Sched(), me))
		}
		for range 5 {
			done.Recv()
		}
	})
	if err != nil {
		return err
	}
	order := orderLog.Get()
	procs := runProcs(res)
	r.Printf("runnext (§2.2): five go statements on GOMAXPROCS=%d, then main waits\n\n", procs)
	system := map[int64]bool{}
	for i, s := range snaps {
		line := fmt.Sprintf("after go #%d (G%d): main's %s runnext=%s ring=%s", i, s.newest, pp(s.p), gname(s.runnext), goids(s.ring))
		if s.where != "" {
			line += fmt.Sprintf("; G%d is %s", s.newest, s.where)
		}
		r.Printf("  %s\n", line)
		for id := range s.system {
			system[id] = true
		}
	}
	r.Printf("\n  simulated start order: %s\n", strings.Join(order, " "))
	switch {
	case r.wasm():
		native := nativeRunnext()
		if raceEnabled {
			native = "(not comparable: -race randomizes runnext)"
		}
		r.Printf("  the wasm preset has no sysmon, and without sysmon runqput never uses\n")
		r.Printf("  runnext (proc.go), as on js/wasm: the goroutines start in the order\n")
		r.Printf("  they were created. Not comparable with this host's runtime, which has\n")
		r.Printf("  sysmon (%s, GOMAXPROCS=1: %s).\n", runtime.Version(), native)
	case procs == 1:
		native := nativeRunnext()
		verdict := "the same order"
		if native != strings.Join(order, " ") {
			verdict = "a different order"
		}
		if raceEnabled {
			native, verdict = "(not comparable: -race randomizes runnext)", "nothing to compare"
		}
		r.Printf("  real runtime (%s, GOMAXPROCS=1): %s — %s\n", runtime.Version(), native, verdict)
	default:
		r.Printf("  no comparison with the real runtime: on %s its start order depends on\n", nPs(procs))
		r.Printf("  which idle P steals first, and is not repeatable. runnext's order shows\n")
		r.Printf("  on one P: run with --procs 1 (the scenario's default).\n")
	}
	var sys []string
	for _, id := range slices.Sorted(maps.Keys(system)) {
		sys = append(sys, gname(id))
	}
	if len(sys) > 0 {
		r.Printf("\n%s in the ring are the runtime's own goroutines, started during init\n", strings.Join(sys, " "))
		r.Printf("(runtime.main's background goroutines), queued ahead of the program's;\n")
		r.Printf("when they run they park at once.\n")
	}
	return nil
}

// snapRunnext describes main's P in st, and where the newest goroutine is.
func snapRunnext(st observe.SchedState, me int64) runnextSnap {
	s := runnextSnap{p: -1, system: map[int64]bool{}}
	system := map[int64]bool{}
	for _, g := range st.Gs {
		s.newest = max(s.newest, g.Goid)
		if g.System {
			system[g.Goid] = true
		}
	}
	for _, m := range st.Ms {
		if m.CurG == me {
			s.p = m.P
		}
	}
	for _, p := range st.Ps {
		inRing := slices.Contains(p.Runq, s.newest)
		if p.ID == s.p {
			s.runnext, s.ring = p.Runnext, p.Runq
			for _, id := range append([]int64{p.Runnext}, p.Runq...) {
				if system[id] {
					s.system[id] = true
				}
			}
			if p.Runnext == s.newest || inRing {
				continue
			}
		}
		switch {
		case p.Runnext == s.newest:
			s.where = fmt.Sprintf("in P%d's runnext", p.ID)
		case inRing:
			s.where = fmt.Sprintf("in P%d's ring", p.ID)
		}
	}
	if s.where == "" && s.runnext != s.newest && !slices.Contains(s.ring, s.newest) {
		s.where = "no longer queued on main's P: another P took it"
		for _, m := range st.Ms {
			if m.CurG == s.newest {
				s.where = fmt.Sprintf("already running on M%d/%s: another P took it", m.ID, pp(m.P))
			}
		}
		if slices.Contains(st.GlobalRunq, s.newest) {
			s.where = "in the global run queue"
		}
	}
	return s
}

func gname(id int64) string {
	if id == 0 {
		return "none"
	}
	return fmt.Sprintf("G%d", id)
}

func goids(ids []int64) string {
	var b strings.Builder
	b.WriteByte('[')
	for i, id := range ids {
		if i > 0 {
			b.WriteByte(' ')
		}
		fmt.Fprintf(&b, "G%d", id)
	}
	b.WriteByte(']')
	return b.String()
}

// nativeRunnext runs the program on the real runtime with GOMAXPROCS=1.
func nativeRunnext() string {
	old := runtime.GOMAXPROCS(1)
	defer runtime.GOMAXPROCS(old)
	var mu sync.Mutex
	var order []string
	var wg sync.WaitGroup
	for i := range 5 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			mu.Lock()
			order = append(order, fmt.Sprint(i))
			mu.Unlock()
		}()
	}
	wg.Wait()
	return strings.Join(order, " ")
}
