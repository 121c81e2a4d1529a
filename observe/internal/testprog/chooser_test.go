package testprog_test

import (
	"fmt"
	"hash/fnv"
	"testing"

	"github.com/gmplab/gmp"
	"github.com/gmplab/gmp/internal/link"
	"github.com/gmplab/gmp/internal/rt"
	"github.com/gmplab/gmp/observe"
	"github.com/gmplab/gmp/observe/internal/testprog"
)

// defaults is a Chooser that takes every default, counting decisions by
// kind.
type defaults struct{ n map[rt.ChoiceKind]int }

func (c *defaults) Choose(d *rt.Decision) int64 {
	c.n[d.Kind]++
	return d.Default
}

// streamSum hashes every event of a run.
type streamSum struct{ h uint64 }

func (s *streamSum) Event(ev *observe.Event) {
	h := fnv.New64a()
	fmt.Fprint(h, s.h, ev.Kind, ev.Time, ev.M, ev.P, ev.G, ev.Target, ev.Arg, ev.Arg2, ev.Arg3, ev.Reason, ev.Text)
	s.h = h.Sum64()
}

// TestDefaultChooser: a Chooser that takes every default leaves a run
// exactly as it is without one — every event the same — over the test
// programs (channels, select, sync, timers, netpoll, syscalls,
// GOMAXPROCS, deadlock, panic) under several configurations, while it is
// asked about every kind of decision faithful mode has.
func TestDefaultChooser(t *testing.T) {
	asked := map[rt.ChoiceKind]int{}
	for _, p := range testprog.All() {
		for _, cfg := range []gmp.Config{{Procs: 1, Seed: 1}, {Procs: 4, Seed: 2}, {Procs: 3, Seed: 5, Preempt: gmp.PreemptCooperative}} {
			plain, chosen := &streamSum{}, &streamSum{}
			c := cfg
			c.Observers = []observe.Observer{plain}
			_, err1 := gmp.Run(c, p.Main)
			c.Observers = []observe.Observer{chosen}
			d := &defaults{n: asked}
			link.SetChooser(&c, d, false)
			_, err2 := gmp.Run(c, p.Main)
			if plain.h != chosen.h || fmt.Sprint(err1) != fmt.Sprint(err2) {
				t.Errorf("%s, procs %d: a default Chooser changed the run (%x vs %x; %v vs %v)", p.Name, cfg.Procs, plain.h, chosen.h, err1, err2)
			}
		}
	}
	for _, k := range []rt.ChoiceKind{rt.ChoiceTie, rt.ChoiceRand, rt.ChoiceCost, rt.ChoiceDuration, rt.ChoicePreempt, rt.ChoiceRunnext} {
		if asked[k] == 0 {
			t.Errorf("no %v decision was asked", k)
		}
	}
	t.Logf("decisions asked: %v", asked)
}
