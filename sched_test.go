package gmp_test

import (
	"fmt"
	"strconv"
	"strings"
	"testing"

	"github.com/gmplab/gmp"
	"github.com/gmplab/gmp/internal/hostlog"
	"github.com/gmplab/gmp/internal/testnative"
	"github.com/gmplab/gmp/observe"
)

// simOrder runs testdata/native/order's program on the simulator.
func simOrder(t *testing.T, n int, cfg gmp.Config) string {
	t.Helper()
	order := &hostlog.Log[int]{}
	_, err := gmp.Run(cfg, func() {
		done := gmp.MakeChan[struct{}](0)
		for i := 0; i < n; i++ {
			gmp.Go(func() {
				if order.Add(i) == n {
					done.Close()
				}
			})
		}
		done.Recv()
	})
	if err != nil {
		t.Fatal(err)
	}
	var b strings.Builder
	for _, v := range order.Get() {
		b.WriteString(strconv.Itoa(v))
		b.WriteByte(' ')
	}
	return strings.TrimSpace(b.String())
}

// TestStartOrderMatchesRuntime runs the same program — main starts n
// goroutines and waits — on the real runtime with GOMAXPROCS=1 and on the
// simulator, and compares the order in which the goroutines first run.
// The order exercises runnext (the last goroutine runs first), the FIFO
// ring, the overflow of half the ring plus one to the global queue at 257
// runnable goroutines (runqputslow), the global queue's fair share
// (globrunqgetbatch) and the every-61st-schedtick global check.
func TestStartOrderMatchesRuntime(t *testing.T) {
	exe := testnative.Build(t, "testdata/native/order")
	for _, n := range []int{1, 5, 20, 254, 255, 256, 257, 258, 300, 600, 2000} {
		t.Run(fmt.Sprint(n), func(t *testing.T) {
			got := simOrder(t, n, gmp.Config{Procs: 1})
			// The real runtime's order is deterministic on GOMAXPROCS=1
			// unless the host interferes: on a loaded machine main can
			// run long enough in wall time for sysmon to preempt it. The
			// simulator reproduces the undisturbed schedule, so retry the
			// native run a few times before calling it a mismatch.
			var want string
			for range 5 {
				if want = testnative.Run(t, exe, 1, strconv.Itoa(n)); want == got {
					break
				}
			}
			if got != want {
				w, g := strings.Fields(want), strings.Fields(got)
				i := 0
				for i < len(w) && i < len(g) && w[i] == g[i] {
					i++
				}
				lo := max(i-5, 0)
				t.Errorf("start order differs from the real runtime at position %d\n real: …%v\n  sim: …%v", i, w[lo:min(i+30, len(w))], g[lo:min(i+30, len(g))])
			}
		})
	}
}

func clip(s string) string {
	if len(s) > 400 {
		return s[:400] + "…"
	}
	return s
}

// runqPuts records the RunqPut events of a run. The program reads the log
// while the observer writes it (on the event loop's host goroutine under
// -race): a hostlog.Log.
type runqPuts struct{ log hostlog.Log[string] }

func (r *runqPuts) Kinds() observe.KindSet { return observe.KindsOf(observe.RunqPut) }
func (r *runqPuts) Event(ev *observe.Event) {
	r.log.Add(fmt.Sprintf("G%d:%d", ev.G, ev.Arg))
}

// TestRunqPutEvents: a go statement puts the new goroutine in runnext
// (Arg 1) and the one it displaces on the ring (Arg 0), one event each.
func TestRunqPutEvents(t *testing.T) {
	obs := &runqPuts{}
	var a, b int64
	var got []string
	_, err := gmp.Run(gmp.Config{Procs: 1, Observers: []observe.Observer{obs}}, func() {
		done := gmp.MakeChan[int](2)
		obs.log.Reset()
		gmp.Go(func() { a = gmp.Goid(); done.Send(1) })
		gmp.Go(func() { b = gmp.Goid(); done.Send(1) })
		got = obs.log.Get()
		done.Recv()
		done.Recv()
	})
	if err != nil {
		t.Fatal(err)
	}
	// (The first go statement displaces a runtime goroutine started
	// during init that has not run yet.)
	var ours []string
	for _, e := range got {
		if strings.HasPrefix(e, fmt.Sprintf("G%d:", a)) || strings.HasPrefix(e, fmt.Sprintf("G%d:", b)) {
			ours = append(ours, e)
		}
	}
	want := fmt.Sprintf("G%d:1 G%d:1 G%d:0", a, b, a)
	if g := strings.Join(ours, " "); g != want {
		t.Errorf("RunqPut events of two go statements: %s, want %s", g, want)
	}
}
