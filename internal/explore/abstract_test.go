package explore

import (
	"math"
	"testing"
	"time"

	"github.com/gmplab/gmp"
	"github.com/gmplab/gmp/internal/rt"
)

// TestAbstractAsks: in abstract mode the runtime asks which runnable
// goroutine runs next, the strategies answer other than the default, and
// faithful mode never asks.
func TestAbstractAsks(t *testing.T) {
	target := TargetFunc(func(cfg gmp.Config) Outcome {
		res, err := gmp.Run(cfg, func() {
			done := gmp.MakeChan[int](8)
			for i := range 8 {
				gmp.Go(func() { gmp.Gosched(); done.Send(i) })
			}
			for range 8 {
				done.Recv()
			}
		})
		return Outcome{Err: err, Result: res}
	})
	for _, abstract := range []bool{false, true} {
		o := &Options{Test: "x", Seed: 1, Strategy: "random", Abstract: abstract, Config: gmp.Config{Procs: 2, Seed: 1, Settle: time.Second}}
		r, err := newRunner(target, o)
		if err != nil {
			t.Fatal(err)
		}
		r.calibrate()
		picks := 0
		for i := range int64(50) {
			r.run(i)
			for _, d := range r.rec.Deviations() {
				if d.Kind == rt.ChoiceRunnable {
					picks++
				}
			}
		}
		if abstract != (picks > 0) {
			t.Errorf("abstract %v: %d picks other than the default in 50 runs", abstract, picks)
		}
	}
}

func TestExp2(t *testing.T) {
	for x := -20.0; x <= 20; x += 0.01 {
		if got, want := exp2(x), math.Exp2(x); math.Abs(got-want)/want > 2e-3 {
			t.Fatalf("exp2(%v) = %v, want %v", x, got, want)
		}
	}
}
