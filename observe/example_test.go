package observe_test

import (
	"fmt"
	"time"

	"github.com/gmplab/gmp"
	"github.com/gmplab/gmp/observe"
	gtime "github.com/gmplab/gmp/time"
)

// waits records how long the program's goroutines waited on channels.
type waits struct {
	since map[int64]int64
	log   []string
}

func (w *waits) Kinds() observe.KindSet {
	return observe.KindsOf(observe.GoBlock, observe.GoUnblock)
}

// WantStacks asks for Event.Stack, to tell the program's waits from the
// runtime's own (runtime.main waits on a channel of its own at start-up).
func (w *waits) WantStacks() bool { return true }

func (w *waits) Event(ev *observe.Event) {
	switch ev.Kind {
	case observe.GoBlock:
		frames := observe.Frames(ev.Stack)
		if observe.WaitReason(ev.Arg).String() == "chan receive" && len(frames) > 0 {
			w.since[ev.G] = ev.Time
			w.log = append(w.log, fmt.Sprintf("goroutine %d blocks in %s", ev.G, frames[len(frames)-1].Function))
		}
	case observe.GoUnblock:
		if t, ok := w.since[ev.G]; ok {
			delete(w.since, ev.G)
			w.log = append(w.log, fmt.Sprintf("goroutine %d waited %v", ev.G, time.Duration(ev.Time-t)))
		}
	}
}

// An observer that subscribes to two kinds of event, asks for stacks, and
// measures how long the program's goroutines wait on channels.
func ExampleSubscriber() {
	w := &waits{since: map[int64]int64{}}
	_, err := gmp.Run(gmp.Config{Procs: 1, Costs: &gmp.CostModel{}, Observers: []observe.Observer{w}}, func() {
		c := gmp.MakeChan[int](0)
		gmp.Go(func() {
			gtime.Sleep(3 * time.Millisecond)
			c.Send(1)
		})
		c.Recv()
	})
	if err != nil {
		panic(err)
	}
	for _, l := range w.log {
		fmt.Println(l)
	}
	// Output:
	// goroutine 1 blocks in github.com/gmplab/gmp/observe_test.ExampleSubscriber.func1
	// goroutine 1 waited 3ms
}
