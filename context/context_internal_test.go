package context

// Ports of the standard library's src/context/context_test.go (the
// XTest… functions, which look at unexported types; Copyright The Go
// Authors, BSD-style license), run inside gmp.Run.

import (
	"fmt"
	"testing"

	"github.com/gmplab/gmp"
	"github.com/gmplab/gmp/time"
)

const veryLongDuration = 1000 * time.Hour

func sim(t *testing.T, body func(t *testing.T)) {
	t.Helper()
	for _, procs := range []int{1, 4} {
		t.Run(fmt.Sprint("procs", procs), func(t *testing.T) {
			if _, err := gmp.Run(gmp.Config{Procs: procs}, func() { body(t) }); err != nil {
				t.Fatalf("gmp.Run: %v", err)
			}
		})
	}
}

func isDone(c Context) bool {
	_, _, ok := c.Done().TryRecv()
	return ok
}

func nchildren(c *cancelCtx) int {
	if c.children == nil {
		return 0
	}
	return len(c.children.index)
}

func contains(s *childSet, key canceler) bool {
	if s == nil {
		return false
	}
	_, ok := s.index[key]
	return ok
}

func TestParentFinishesChild(t *testing.T) {
	sim(t, func(t *testing.T) {
		// Context tree:
		// parent -> cancelChild
		// parent -> valueChild -> timerChild
		// parent -> afterChild
		parent, cancel := WithCancel(Background())
		cancelChild, stop := WithCancel(parent)
		defer stop()
		valueChild := WithValue(parent, "key", "value")
		timerChild, stop := WithTimeout(valueChild, veryLongDuration)
		defer stop()
		afterStop := AfterFunc(parent, func() {})
		defer afterStop()

		for _, c := range []Context{parent, cancelChild, timerChild, valueChild} {
			if isDone(c) {
				t.Errorf("<-%v.Done() did not block", c)
			}
		}

		// The parent's children should contain the three cancelable
		// children, in the order they were attached.
		pc := parent.(*cancelCtx)
		cc := cancelChild.(*cancelCtx)
		tc := timerChild.(*timerCtx)
		pc.mu.Lock()
		var ac *afterFuncCtx
		for _, c := range pc.children.list {
			if a, ok := c.(*afterFuncCtx); ok {
				ac = a
				break
			}
		}
		if nchildren(pc) != 3 || !contains(pc.children, cc) || !contains(pc.children, tc) || ac == nil {
			t.Errorf("bad linkage: pc.children = %v, want %v, %v, and an afterFunc",
				pc.children.list, cc, tc)
		}
		if l := pc.children.list; len(l) != 3 || l[0] != canceler(cc) || l[1] != canceler(tc) || l[2] != canceler(ac) {
			t.Errorf("children not in attachment order: %v", l)
		}
		pc.mu.Unlock()

		if p, ok := parentCancelCtx(cc.Context); !ok || p != pc {
			t.Errorf("bad linkage: parentCancelCtx(cancelChild.Context) = %v, %v want %v, true", p, ok, pc)
		}
		if p, ok := parentCancelCtx(tc.Context); !ok || p != pc {
			t.Errorf("bad linkage: parentCancelCtx(timerChild.Context) = %v, %v want %v, true", p, ok, pc)
		}
		if p, ok := parentCancelCtx(ac.Context); !ok || p != pc {
			t.Errorf("bad linkage: parentCancelCtx(afterChild.Context) = %v, %v want %v, true", p, ok, pc)
		}

		cancel()

		pc.mu.Lock()
		if nchildren(pc) != 0 {
			t.Errorf("pc.cancel didn't clear pc.children = %v", pc.children)
		}
		pc.mu.Unlock()

		// parent and children should all be finished.
		check := func(ctx Context, name string) {
			if !isDone(ctx) {
				t.Errorf("<-%s.Done() blocked, but shouldn't have", name)
			}
			if e := ctx.Err(); e != Canceled {
				t.Errorf("%s.Err() == %v want %v", name, e, Canceled)
			}
		}
		check(parent, "parent")
		check(cancelChild, "cancelChild")
		check(valueChild, "valueChild")
		check(timerChild, "timerChild")

		// WithCancel should return a canceled context on a canceled
		// parent.
		precanceledChild := WithValue(parent, "key", "value")
		if !isDone(precanceledChild) {
			t.Errorf("<-precanceledChild.Done() blocked, but shouldn't have")
		}
		if e := precanceledChild.Err(); e != Canceled {
			t.Errorf("precanceledChild.Err() == %v want %v", e, Canceled)
		}
	})
}

func TestChildFinishesFirst(t *testing.T) {
	sim(t, func(t *testing.T) {
		cancelable, stop := WithCancel(Background())
		defer stop()
		for _, parent := range []Context{Background(), cancelable} {
			child, cancel := WithCancel(parent)

			if isDone(child) || (parent.Done() != (gmp.Chan[struct{}]{}) && isDone(parent)) {
				t.Errorf("parent or child done before any cancel")
			}

			cc := child.(*cancelCtx)
			pc, pcok := parent.(*cancelCtx) // pcok == false when parent == Background()
			if p, ok := parentCancelCtx(cc.Context); ok != pcok || (ok && pc != p) {
				t.Errorf("bad linkage: parentCancelCtx(cc.Context) = %v, %v want %v, %v", p, ok, pc, pcok)
			}

			if pcok {
				pc.mu.Lock()
				if nchildren(pc) != 1 || !contains(pc.children, cc) {
					t.Errorf("bad linkage: pc.children = %v, cc = %v", pc.children, cc)
				}
				pc.mu.Unlock()
			}

			cancel()

			if pcok {
				pc.mu.Lock()
				if nchildren(pc) != 0 {
					t.Errorf("child's cancel didn't remove self from pc.children = %v", pc.children)
				}
				pc.mu.Unlock()
			}

			// child should be finished.
			if !isDone(child) {
				t.Errorf("<-child.Done() blocked, but shouldn't have")
			}
			if e := child.Err(); e != Canceled {
				t.Errorf("child.Err() == %v want %v", e, Canceled)
			}

			// parent should not be finished.
			if parent.Done() != (gmp.Chan[struct{}]{}) && isDone(parent) {
				t.Errorf("<-parent.Done() did not block")
			}
			if e := parent.Err(); e != nil {
				t.Errorf("parent.Err() == %v want nil", e)
			}
		}
	})
}

func TestCancelRemoves(t *testing.T) {
	sim(t, func(t *testing.T) {
		checkChildren := func(when string, ctx Context, want int) {
			if got := nchildren(ctx.(*cancelCtx)); got != want {
				t.Errorf("%s: context has %d children, want %d", when, got, want)
			}
		}

		ctx, _ := WithCancel(Background())
		checkChildren("after creation", ctx, 0)
		_, cancel := WithCancel(ctx)
		checkChildren("with WithCancel child ", ctx, 1)
		cancel()
		checkChildren("after canceling WithCancel child", ctx, 0)

		ctx, _ = WithCancel(Background())
		checkChildren("after creation", ctx, 0)
		_, cancel = WithTimeout(ctx, 60*time.Minute)
		checkChildren("with WithTimeout child ", ctx, 1)
		cancel()
		checkChildren("after canceling WithTimeout child", ctx, 0)

		ctx, _ = WithCancel(Background())
		checkChildren("after creation", ctx, 0)
		stop := AfterFunc(ctx, func() {})
		checkChildren("with AfterFunc child ", ctx, 1)
		stop()
		checkChildren("after stopping AfterFunc child ", ctx, 0)
	})
}

type myCtx struct {
	Context
}

type myDoneCtx struct {
	Context
}

func (d *myDoneCtx) Done() gmp.Chan[struct{}] {
	return gmp.MakeChan[struct{}](0)
}

func TestCustomContextGoroutines(t *testing.T) {
	sim(t, func(t *testing.T) {
		g := goroutines
		checkNoGoroutine := func() {
			t.Helper()
			if now := goroutines; now != g {
				t.Errorf("%d goroutines created", now-g)
			}
		}
		checkCreatedGoroutine := func() {
			t.Helper()
			now := goroutines
			if now != g+1 {
				t.Errorf("%d goroutines created, want 1", now-g)
			}
			g = now
		}

		_, cancel0 := WithCancel(&myDoneCtx{Background()})
		cancel0()
		checkCreatedGoroutine()

		_, cancel0 = WithTimeout(&myDoneCtx{Background()}, veryLongDuration)
		cancel0()
		checkCreatedGoroutine()

		checkNoGoroutine()
		defer checkNoGoroutine()

		ctx1, cancel1 := WithCancel(Background())
		defer cancel1()
		checkNoGoroutine()

		ctx2 := &myCtx{ctx1}
		ctx3, cancel3 := WithCancel(ctx2)
		defer cancel3()
		checkNoGoroutine()

		_, cancel3b := WithCancel(&myDoneCtx{ctx2})
		defer cancel3b()
		checkCreatedGoroutine() // ctx1 is not providing Done, must not be used

		ctx4, cancel4 := WithTimeout(ctx3, veryLongDuration)
		defer cancel4()
		checkNoGoroutine()

		ctx5, cancel5 := WithCancel(ctx4)
		defer cancel5()
		checkNoGoroutine()

		cancel5()
		checkNoGoroutine()

		_, cancel6 := WithTimeout(ctx5, veryLongDuration)
		defer cancel6()
		checkNoGoroutine()

		// Check applied to canceled context.
		cancel6()
		cancel1()
		_, cancel7 := WithCancel(ctx5)
		defer cancel7()
		checkNoGoroutine()
	})
}

// TestClosedchanPerRun: a context canceled before anyone asked for Done
// gets the run's closed channel, made once per run.
func TestClosedchanPerRun(t *testing.T) {
	var first gmp.Chan[struct{}]
	for run := range 2 {
		if _, err := gmp.Run(gmp.Config{Procs: 1}, func() {
			a, cancelA := WithCancel(Background())
			b, cancelB := WithCancel(Background())
			cancelA()
			cancelB()
			if a.Done() != b.Done() || a.Done() != closedchan() {
				t.Errorf("run %d: canceled contexts do not share the run's closed channel", run)
			}
			if _, ok, sel := a.Done().TryRecv(); !sel || ok {
				t.Errorf("run %d: closedchan is not closed", run)
			}
			if run == 0 {
				first = a.Done()
			} else if a.Done() == first {
				t.Errorf("run %d reused the closed channel of an earlier run", run)
			}
		}); err != nil {
			t.Fatal(err)
		}
	}
}

// TestChildSetCompaction: removing most children keeps the rest in order.
func TestChildSetCompaction(t *testing.T) {
	var s childSet
	var cs []*cancelCtx
	for range 100 {
		c := new(cancelCtx)
		cs = append(cs, c)
		s.add(c)
	}
	for i, c := range cs {
		if i%10 != 3 {
			s.remove(c)
		}
	}
	var got []int
	for _, c := range s.list {
		if c == nil {
			continue
		}
		for i := range cs {
			if canceler(cs[i]) == c {
				got = append(got, i)
			}
		}
	}
	if fmt.Sprint(got) != "[3 13 23 33 43 53 63 73 83 93]" || len(s.index) != 10 {
		t.Errorf("after removals: %v (index %d)", got, len(s.index))
	}
	for i, c := range s.list {
		if c != nil && s.index[c] != i {
			t.Errorf("index of %p is %d, want %d", c, s.index[c], i)
		}
	}
}
