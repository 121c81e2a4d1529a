package context

import (
	"strconv"

	"github.com/gmplab/gmp"
	"github.com/gmplab/gmp/internal/rt"
)

// What the port needs from the simulator: the run a context belongs to,
// a closed channel per run, and a deterministic set of children.

// currentRun returns the id of the running simulation. Outside a
// simulated goroutine it panics with the runtime's "called outside
// gmp.Run" message, as every call that needs the runtime does.
//
//go:norace
func currentRun() uint64 {
	rt.Goid() // a runtime call: panics outside gmp.Run
	return rt.RunID()
}

// checkRun panics if c belongs to a simulation other than the running one
// (the one that created it has ended).
//
//go:norace
func (c *cancelCtx) checkRun() {
	if cur := rt.RunID(); c.run != cur {
		msg := "context: use of a context from a finished simulation (it was created in gmp.Run #" +
			strconv.FormatUint(c.run, 10) + ", "
		if cur == 0 {
			msg += "and no simulation is running now"
		} else {
			msg += "this is gmp.Run #" + strconv.FormatUint(cur, 10)
		}
		panic(msg + "); a context must not outlive its simulation")
	}
}

// closed is the run's reusable closed channel (context.go:closedchan).
var closed struct {
	run uint64
	ch  gmp.Chan[struct{}]
}

// closedchan returns the running simulation's closed channel, the Done
// channel of every context canceled before anyone asked for its Done.
// Deviation: Go closes closedchan once, in init; a simulated channel
// belongs to one run, so each run makes its own the first time it needs
// one, and that close costs the virtual time of a close.
//
//go:norace
func closedchan() gmp.Chan[struct{}] {
	id := rt.RunID()
	if closed.run == id && closed.ch != (gmp.Chan[struct{}]{}) {
		return closed.ch
	}
	if id == 0 {
		return gmp.Chan[struct{}]{} // outside any run: compares unequal to any Done channel
	}
	ch := gmp.MakeChan[struct{}](0)
	closed.run, closed.ch = id, ch
	ch.Close()
	return ch
}

// childSet is a cancelCtx's children in the order they were attached.
// Deviation: Go's children is a map[canceler]struct{}, iterated in random
// order when the parent is canceled; here the order is attachment order,
// so that a run never depends on map iteration order.
type childSet struct {
	index map[canceler]int // position in list
	list  []canceler       // nil where a child was removed
	holes int
}

//go:norace
func (s *childSet) add(c canceler) {
	if _, ok := s.index[c]; ok {
		return
	}
	if s.index == nil {
		s.index = make(map[canceler]int)
	}
	s.index[c] = len(s.list)
	s.list = append(s.list, c)
}

//go:norace
func (s *childSet) remove(c canceler) {
	i, ok := s.index[c]
	if !ok {
		return
	}
	delete(s.index, c)
	s.list[i] = nil
	s.holes++
	if s.holes > 16 && s.holes > len(s.list)/2 {
		// Compact, keeping the order.
		n := 0
		for _, c := range s.list {
			if c != nil {
				s.index[c] = n
				s.list[n] = c
				n++
			}
		}
		clear(s.list[n:])
		s.list = s.list[:n]
		s.holes = 0
	}
}

// chargeAtomic spends the virtual time of an atomic load.
//
//go:norace
func chargeAtomic() { rt.Charge(rt.Costs().Atomic) }
