package gmp_test

import (
	"strings"
	"testing"

	"github.com/gmplab/gmp"
	"github.com/gmplab/gmp/observe"
)

// TestGoroutines: gmp.Goroutines, called by a simulated goroutine, lists
// every live goroutine with its status and wait reason, the runtime's own
// marked, and the caller's stack; called by an observer at the End event,
// every goroutine's stack too (the program's frames, through
// observe.Frames).
func TestGoroutines(t *testing.T) {
	var during []observe.Goroutine
	end := &endSnapshot{}
	_, err := gmp.Run(gmp.Config{Procs: 2, Observers: []observe.Observer{end}}, func() {
		c := gmp.MakeChan[int](0)
		for range 3 {
			gmp.Go(func() { c.Recv() })
		}
		gmp.Gosched()
		during = gmp.Goroutines(true)
	})
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		when   string
		gs     []observe.Goroutine
		stacks bool // every goroutine's, not only the caller's
	}{{"during the run", during, false}, {"at End", end.gs, true}} {
		var running, waiting, system int
		for _, g := range c.gs {
			frames := observe.Frames(g.Stack)
			switch {
			case g.System:
				system++
				if len(frames) != 0 {
					t.Errorf("%s: runtime goroutine %d has program frames %v", c.when, g.Goid, frames)
				}
			case g.Status == observe.Grunning: // main: the caller, or the goroutine that returned at End
				running++
				if !c.stacks && (len(frames) == 0 || !strings.HasSuffix(frames[len(frames)-1].Function, "TestGoroutines.func1")) {
					t.Errorf("%s: the caller's stack is %v", c.when, frames)
				}
			case g.Status == observe.Gwaiting && g.WaitReason == "chan receive":
				waiting++
				if c.stacks && (len(frames) < 2 || !strings.HasSuffix(frames[len(frames)-1].Function, "TestGoroutines.func1.1")) {
					t.Errorf("%s: goroutine %d blocked at %v", c.when, g.Goid, frames)
				}
			default:
				t.Errorf("%s: unexpected goroutine %+v", c.when, g)
			}
		}
		if running != 1 || waiting != 3 || system != 5 {
			t.Errorf("%s: %d running, %d waiting, %d of the runtime's; want 1, 3, 5", c.when, running, waiting, system)
		}
	}
}

// endSnapshot takes gmp.Goroutines(true) at the End event.
type endSnapshot struct{ gs []observe.Goroutine }

func (e *endSnapshot) Kinds() observe.KindSet { return observe.KindsOf(observe.End) }

func (e *endSnapshot) Event(*observe.Event) { e.gs = gmp.Goroutines(true) }
