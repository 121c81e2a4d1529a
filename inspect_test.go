package gmp_test

import (
	"strings"
	"testing"

	"github.com/gmplab/gmp"
	"github.com/gmplab/gmp/observe"
)

// TestGoroutines: gmp.Goroutines, called by a simulated goroutine, lists
// every live goroutine with its status, wait reason and stack (the
// program's frames, through observe.Frames), the runtime's own marked.
func TestGoroutines(t *testing.T) {
	var gs []observe.Goroutine
	_, err := gmp.Run(gmp.Config{Procs: 2}, func() {
		c := gmp.MakeChan[int](0)
		for range 3 {
			gmp.Go(func() { c.Recv() })
		}
		gmp.Gosched()
		gs = gmp.Goroutines(true)
		c.Close()
	})
	if err != nil {
		t.Fatal(err)
	}
	var running, waiting, system int
	for _, g := range gs {
		frames := observe.Frames(g.Stack)
		switch {
		case g.System:
			system++
			if len(frames) != 0 {
				t.Errorf("runtime goroutine %d has program frames %v", g.Goid, frames)
			}
		case g.Status == observe.Grunning:
			running++
		case g.Status == observe.Gwaiting && g.WaitReason == "chan receive":
			waiting++
			if len(frames) < 2 || !strings.HasSuffix(frames[len(frames)-1].Function, "TestGoroutines.func1.1") {
				t.Errorf("goroutine %d blocked at %v", g.Goid, frames)
			}
		default:
			t.Errorf("unexpected goroutine %+v", g)
		}
	}
	if running != 1 || waiting != 3 || system != 5 {
		t.Errorf("%d running, %d waiting, %d of the runtime's; want 1, 3, 5", running, waiting, system)
	}
}
