package scenarios

import (
	"fmt"
	"runtime"
	"strings"
	"sync"

	"github.com/gmplab/gmp"
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

func runRunnext(r *Runner) error {
	var order []string
	var snaps []string
	_, err := r.Sim("runnext", func(c *gmp.Config) {
		if !r.ProcsSet {
			c.Procs = 1
		}
	}, func() {
		done := gmp.MakeChan[struct{}](5)
		for i := range 5 {
			gmp.Go(func() {
				order = append(order, fmt.Sprint(i))
				done.Send(struct{}{})
			})
			st := gmp.Sched()
			p := st.Ps[0]
			snaps = append(snaps, fmt.Sprintf("after go #%d: runnext=G%d ring=%v", i, p.Runnext, goids(p.Runq)))
		}
		for range 5 {
			done.Recv()
		}
	})
	if err != nil {
		return err
	}
	r.Printf("runnext (§2.2): five go statements on GOMAXPROCS=%d, then main waits\n\n", r.Runs[len(r.Runs)-1].Config.Procs)
	for _, s := range snaps {
		r.Printf("  %s\n", s)
	}
	r.Printf("\n  simulated start order: %s\n", strings.Join(order, " "))
	if r.Runs[len(r.Runs)-1].Config.Procs == 1 {
		native := nativeRunnext()
		if raceEnabled {
			native = "(not comparable: -race randomizes runnext)"
		}
		r.Printf("  real runtime (%s, GOMAXPROCS=1): %s\n", runtime.Version(), native)
	}
	r.Printf("\nThe ring also holds the runtime's GOMAXPROCS updater and finalizer goroutines\n")
	r.Printf("(started during init); they run first, park, and the user goroutines follow.\n")
	return nil
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
