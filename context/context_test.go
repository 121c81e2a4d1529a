package context_test

// Most tests here are ports of the standard library's
// src/context/x_test.go and afterfunc_test.go (Copyright The Go Authors,
// BSD-style license), run inside gmp.Run on Procs 1 and 4: channels are
// gmp channels, goroutines gmp.Go, locks gmp/sync, and time virtual — so
// the "wait until quiescent" timers of the originals become exact virtual
// deadlines.

import (
	stdcontext "context"
	"errors"
	"fmt"
	"math/rand/v2"
	"strings"
	"testing"

	"github.com/gmplab/gmp"
	. "github.com/gmplab/gmp/context"
	"github.com/gmplab/gmp/internal/hostlog"
	"github.com/gmplab/gmp/internal/testnative"
	"github.com/gmplab/gmp/sync"
	"github.com/gmplab/gmp/time"
)

const (
	shortDuration    = 1 * time.Millisecond
	veryLongDuration = 1000 * time.Hour
	ms               = time.Millisecond
)

// sim runs body inside gmp.Run with 1 and with 4 Ps. Inside body use
// t.Errorf (FailNow must not be called from a simulated goroutine).
func sim(t *testing.T, body func(t *testing.T)) {
	t.Helper()
	for _, procs := range []int{1, 4} {
		t.Run(fmt.Sprint("procs", procs), func(t *testing.T) {
			_, err := gmp.Run(gmp.Config{Procs: procs, Seed: 1}, func() { body(t) })
			if err != nil {
				t.Fatalf("gmp.Run: %v", err)
			}
		})
	}
}

// isDone is select { case <-c.Done(): true; default: false }.
func isDone(c Context) bool {
	_, _, ok := c.Done().TryRecv()
	return ok
}

// otherContext is a Context that's not one of the types defined in
// context.go. This lets us test code paths that differ based on the
// underlying type of the Context.
type otherContext struct {
	Context
}

func TestBackground(t *testing.T) {
	c := Background()
	if c == nil {
		t.Fatalf("Background returned nil")
	}
	if d := c.Done(); d != (gmp.Chan[struct{}]{}) {
		t.Errorf("Background().Done() = %v, want nil", d)
	}
	if got, want := fmt.Sprint(c), "context.Background"; got != want {
		t.Errorf("Background().String() = %q want %q", got, want)
	}
	if got, want := fmt.Sprint(TODO()), "context.TODO"; got != want {
		t.Errorf("TODO().String() = %q want %q", got, want)
	}
	if TODO().Done() != (gmp.Chan[struct{}]{}) || TODO().Err() != nil {
		t.Errorf("TODO is not an empty context")
	}
}

func TestWithCancel(t *testing.T) {
	sim(t, func(t *testing.T) {
		c1, cancel := WithCancel(Background())

		if got, want := fmt.Sprint(c1), "context.Background.WithCancel"; got != want {
			t.Errorf("c1.String() = %q want %q", got, want)
		}

		o := otherContext{c1}
		c2, _ := WithCancel(o)
		contexts := []Context{c1, o, c2}

		for i, c := range contexts {
			if d := c.Done(); d == (gmp.Chan[struct{}]{}) {
				t.Errorf("c[%d].Done() == %v want non-nil", i, d)
			}
			if e := c.Err(); e != nil {
				t.Errorf("c[%d].Err() == %v want nil", i, e)
			}
			if isDone(c) {
				t.Errorf("<-c.Done() did not block")
			}
		}

		cancel() // Should propagate synchronously.
		for i, c := range contexts {
			if !isDone(c) {
				t.Errorf("<-c[%d].Done() blocked, but shouldn't have", i)
			}
			if e := c.Err(); e != Canceled {
				t.Errorf("c[%d].Err() == %v want %v", i, e, Canceled)
			}
		}
	})
}

// testDeadline waits for c to time out and checks that it did at its
// deadline, in virtual time: on an idle runtime the timer is noticed by an
// M blocked in netpoll, whose wait is in whole milliseconds, so up to
// about 1 ms late.
func testDeadline(c Context, name string, t *testing.T) {
	t.Helper()
	deadline, ok := c.Deadline()
	if !ok {
		t.Errorf("%s: no deadline", name)
		return
	}
	c.Done().Recv()
	if late := time.Since(deadline); late < 0 || late > 1100*time.Microsecond {
		t.Errorf("%s: Done closed %v after the deadline", name, late)
	}
	if e := c.Err(); e != DeadlineExceeded {
		t.Errorf("%s: c.Err() == %v; want %v", name, e, DeadlineExceeded)
	}
}

func TestDeadline(t *testing.T) {
	sim(t, func(t *testing.T) {
		c, _ := WithDeadline(Background(), time.Now().Add(shortDuration))
		if got, prefix := fmt.Sprint(c), "context.Background.WithDeadline("; !strings.HasPrefix(got, prefix) {
			t.Errorf("c.String() = %q want prefix %q", got, prefix)
		}
		testDeadline(c, "WithDeadline", t)

		c, _ = WithDeadline(Background(), time.Now().Add(shortDuration))
		o := otherContext{c}
		testDeadline(o, "WithDeadline+otherContext", t)

		c, _ = WithDeadline(Background(), time.Now().Add(shortDuration))
		o = otherContext{c}
		c, _ = WithDeadline(o, time.Now().Add(veryLongDuration))
		testDeadline(c, "WithDeadline+otherContext+WithDeadline", t)

		c, _ = WithDeadline(Background(), time.Now().Add(-shortDuration))
		testDeadline(c, "WithDeadline+inthepast", t)

		c, _ = WithDeadline(Background(), time.Now())
		testDeadline(c, "WithDeadline+now", t)
	})
}

func TestTimeout(t *testing.T) {
	sim(t, func(t *testing.T) {
		c, _ := WithTimeout(Background(), shortDuration)
		if got, prefix := fmt.Sprint(c), "context.Background.WithDeadline("; !strings.HasPrefix(got, prefix) {
			t.Errorf("c.String() = %q want prefix %q", got, prefix)
		}
		testDeadline(c, "WithTimeout", t)

		c, _ = WithTimeout(Background(), shortDuration)
		o := otherContext{c}
		testDeadline(o, "WithTimeout+otherContext", t)

		c, _ = WithTimeout(Background(), shortDuration)
		o = otherContext{c}
		c, _ = WithTimeout(o, veryLongDuration)
		testDeadline(c, "WithTimeout+otherContext+WithTimeout", t)

		// A long timeout takes no wall time.
		c, _ = WithTimeout(Background(), time.Hour)
		start := time.Now()
		c.Done().Recv()
		if d := time.Since(start); d < time.Hour || d > time.Hour+2*ms {
			t.Errorf("WithTimeout(1h): Done closed after %v", d)
		}
	})
}

// TestDeadlineString: the String of a deadline context prints the virtual
// deadline and the time left, as the standard library does.
func TestDeadlineString(t *testing.T) {
	sim(t, func(t *testing.T) {
		d := gmp.Epoch.Add(time.Second)
		c, cancel := WithDeadline(Background(), d)
		defer cancel()
		want := "context.Background.WithDeadline(2009-11-10 23:00:01 +0000 UTC [" + time.Until(d).String() + "])"
		if got := fmt.Sprint(c); got != want {
			t.Errorf("String() = %q, want %q", got, want)
		}
	})
}

func TestCanceledTimeout(t *testing.T) {
	sim(t, func(t *testing.T) {
		c, _ := WithTimeout(Background(), time.Second)
		o := otherContext{c}
		c, cancel := WithTimeout(o, veryLongDuration)
		cancel() // Should propagate synchronously.
		if !isDone(c) {
			t.Errorf("<-c.Done() blocked, but shouldn't have")
		}
		if e := c.Err(); e != Canceled {
			t.Errorf("c.Err() == %v want %v", e, Canceled)
		}
	})
}

type key1 int
type key2 int

func (k key2) String() string { return fmt.Sprintf("%[1]T(%[1]d)", k) }

var k1 = key1(1)
var k2 = key2(1) // same int as k1, different type
var k3 = key2(3) // same type as k2, different int

// TestValues needs no simulation: WithValue and Value touch no runtime
// state.
func TestValues(t *testing.T) {
	check := func(c Context, nm, v1, v2, v3 string) {
		if v, ok := c.Value(k1).(string); ok == (len(v1) == 0) || v != v1 {
			t.Errorf(`%s.Value(k1).(string) = %q, %t want %q, %t`, nm, v, ok, v1, len(v1) != 0)
		}
		if v, ok := c.Value(k2).(string); ok == (len(v2) == 0) || v != v2 {
			t.Errorf(`%s.Value(k2).(string) = %q, %t want %q, %t`, nm, v, ok, v2, len(v2) != 0)
		}
		if v, ok := c.Value(k3).(string); ok == (len(v3) == 0) || v != v3 {
			t.Errorf(`%s.Value(k3).(string) = %q, %t want %q, %t`, nm, v, ok, v3, len(v3) != 0)
		}
	}

	c0 := Background()
	check(c0, "c0", "", "", "")

	c1 := WithValue(Background(), k1, "c1k1")
	check(c1, "c1", "c1k1", "", "")

	if got, want := fmt.Sprint(c1), `context.Background.WithValue(context_test.key1, c1k1)`; got != want {
		t.Errorf("c.String() = %q want %q", got, want)
	}

	c2 := WithValue(c1, k2, "c2k2")
	check(c2, "c2", "c1k1", "c2k2", "")

	if got, want := fmt.Sprint(c2), `context.Background.WithValue(context_test.key1, c1k1).WithValue(context_test.key2(1), c2k2)`; got != want {
		t.Errorf("c.String() = %q want %q", got, want)
	}

	c3 := WithValue(c2, k3, "c3k3")
	check(c3, "c2", "c1k1", "c2k2", "c3k3")

	c4 := WithValue(c3, k1, nil)
	check(c4, "c4", "", "c2k2", "c3k3")

	if got, want := fmt.Sprint(c4), `context.Background.WithValue(context_test.key1, c1k1).WithValue(context_test.key2(1), c2k2).WithValue(context_test.key2(3), c3k3).WithValue(context_test.key1, <nil>)`; got != want {
		t.Errorf("c.String() = %q want %q", got, want)
	}

	o0 := otherContext{Background()}
	check(o0, "o0", "", "", "")

	o1 := otherContext{WithValue(Background(), k1, "c1k1")}
	check(o1, "o1", "c1k1", "", "")

	o2 := WithValue(o1, k2, "o2k2")
	check(o2, "o2", "c1k1", "o2k2", "")

	o3 := otherContext{c4}
	check(o3, "o3", "", "c2k2", "c3k3")

	o4 := WithValue(o3, k3, nil)
	check(o4, "o4", "", "c2k2", "")
}

// TestValuesThroughCancelable: Value looks through cancelable and
// deadline contexts and WithoutCancel.
func TestValuesThroughCancelable(t *testing.T) {
	sim(t, func(t *testing.T) {
		ctx := WithValue(Background(), k1, "v1")
		ctx, cancel := WithCancel(ctx)
		defer cancel()
		ctx, cancel2 := WithTimeout(ctx, time.Hour)
		defer cancel2()
		ctx = WithValue(ctx, k2, "v2")
		ctx = WithoutCancel(ctx)
		if ctx.Value(k1) != "v1" || ctx.Value(k2) != "v2" || ctx.Value(k3) != nil {
			t.Errorf("Value chain: %v %v %v", ctx.Value(k1), ctx.Value(k2), ctx.Value(k3))
		}
	})
}

func TestSimultaneousCancels(t *testing.T) {
	sim(t, func(t *testing.T) {
		root, cancel := WithCancel(Background())
		ctxs := []Context{root}
		cancels := []CancelFunc{cancel}
		// Create a tree of contexts.
		for q := ctxs; len(q) != 0 && len(ctxs) < 100; q = q[1:] {
			parent := q[0]
			for i := 0; i < 4; i++ {
				ctx, cancel := WithCancel(parent)
				ctxs = append(ctxs, ctx)
				cancels = append(cancels, cancel)
				q = append(q, ctx)
			}
		}
		// Start all the cancels in a random (seeded) order.
		rng := rand.New(rand.NewPCG(3, 4))
		var wg sync.WaitGroup
		for _, i := range rng.Perm(len(cancels)) {
			wg.Go(cancels[i])
		}
		// Wait on all the contexts in a random order.
		for _, i := range rng.Perm(len(ctxs)) {
			ctxs[i].Done().Recv()
		}
		// Wait for all the cancel functions to return.
		wg.Wait()
	})
}

func TestInterlockedCancels(t *testing.T) {
	sim(t, func(t *testing.T) {
		parent, cancelParent := WithCancel(Background())
		child, cancelChild := WithCancel(parent)
		gmp.Go(func() {
			parent.Done().Recv()
			cancelChild()
		})
		cancelParent()
		child.Done().Recv()
	})
}

func TestLayersCancel(t *testing.T) {
	for seed := range int64(5) {
		sim(t, func(t *testing.T) { testLayers(t, seed, false) })
	}
}

func TestLayersTimeout(t *testing.T) {
	for seed := range int64(5) {
		sim(t, func(t *testing.T) { testLayers(t, seed, true) })
	}
}

func testLayers(t *testing.T, seed int64, testTimeout bool) {
	r := rand.New(rand.NewPCG(uint64(seed), 0))
	prefix := fmt.Sprintf("seed=%d", seed)
	errorf := func(format string, a ...any) {
		t.Errorf(prefix+format, a...)
	}
	const (
		minLayers = 30
	)
	type value int
	var (
		vals      []*value
		cancels   []CancelFunc
		numTimers int
		ctx       = Background()
	)
	for i := 0; i < minLayers || numTimers == 0 || len(cancels) == 0 || len(vals) == 0; i++ {
		switch r.IntN(3) {
		case 0:
			v := new(value)
			ctx = WithValue(ctx, v, v)
			vals = append(vals, v)
		case 1:
			var cancel CancelFunc
			ctx, cancel = WithCancel(ctx)
			cancels = append(cancels, cancel)
		case 2:
			var cancel CancelFunc
			d := veryLongDuration
			if testTimeout {
				d = shortDuration
			}
			ctx, cancel = WithTimeout(ctx, d)
			cancels = append(cancels, cancel)
			numTimers++
		}
	}
	checkValues := func(when string) {
		for _, key := range vals {
			if val := ctx.Value(key).(*value); key != val {
				errorf("%s: ctx.Value(%p) = %p want %p", when, key, val, key)
			}
		}
	}
	if !testTimeout {
		if isDone(ctx) {
			errorf("ctx should not be canceled yet")
		}
	}
	if s, prefix := fmt.Sprint(ctx), "context.Background."; !strings.HasPrefix(s, prefix) {
		t.Errorf("ctx.String() = %q want prefix %q", s, prefix)
	}
	checkValues("before cancel")
	if testTimeout {
		start := time.Now()
		ctx.Done().Recv()
		if d := time.Since(start); d > 2*ms {
			errorf("ctx timed out after %v, want ≈%v", d, shortDuration)
		}
		if ctx.Err() != DeadlineExceeded {
			errorf("ctx.Err() = %v", ctx.Err())
		}
		checkValues("after timeout")
	} else {
		cancel := cancels[r.IntN(len(cancels))]
		cancel()
		if !isDone(ctx) {
			errorf("ctx should be canceled")
		}
		checkValues("after cancel")
	}
}

func TestWithCancelCanceledParent(t *testing.T) {
	sim(t, func(t *testing.T) {
		parent, pcancel := WithCancelCause(Background())
		cause := fmt.Errorf("Because!")
		pcancel(cause)

		c, _ := WithCancel(parent)
		if !isDone(c) {
			t.Errorf("child not done immediately upon construction")
		}
		if got, want := c.Err(), Canceled; got != want {
			t.Errorf("child not canceled; got = %v, want = %v", got, want)
		}
		if got, want := Cause(c), cause; got != want {
			t.Errorf("child has wrong cause; got = %v, want = %v", got, want)
		}
	})
}

func TestWithCancelSimultaneouslyCanceledParent(t *testing.T) {
	sim(t, func(t *testing.T) {
		// Cancel the parent goroutine concurrently with creating a child.
		for i := 0; i < 100; i++ {
			parent, pcancel := WithCancelCause(Background())
			cause := fmt.Errorf("Because!")
			gmp.Go(func() { pcancel(cause) })

			c, _ := WithCancel(parent)
			c.Done().Recv()
			if got, want := c.Err(), Canceled; got != want {
				t.Errorf("child not canceled; got = %v, want = %v", got, want)
			}
			if got, want := Cause(c), cause; got != want {
				t.Errorf("child has wrong cause; got = %v, want = %v", got, want)
			}
		}
	})
}

func recoveredValue(fn func()) (v any) {
	defer func() { v = recover() }()
	fn()
	return
}

func TestWithValueChecksKey(t *testing.T) {
	panicVal := recoveredValue(func() { _ = WithValue(Background(), []byte("foo"), "bar") })
	if got, want := fmt.Sprint(panicVal), "key is not comparable"; got != want {
		t.Errorf("panic = %q; want %q", got, want)
	}
	panicVal = recoveredValue(func() { _ = WithValue(Background(), nil, "bar") })
	if got, want := fmt.Sprint(panicVal), "nil key"; got != want {
		t.Errorf("panic = %q; want %q", got, want)
	}
}

func TestInvalidDerivedFail(t *testing.T) {
	sim(t, func(t *testing.T) {
		for name, f := range map[string]func(){
			"WithCancel":      func() { _, _ = WithCancel(nil) },
			"WithCancelCause": func() { _, _ = WithCancelCause(nil) },
			"WithDeadline":    func() { _, _ = WithDeadline(nil, time.Now().Add(shortDuration)) },
			"WithTimeout":     func() { _, _ = WithTimeout(nil, shortDuration) },
			"WithValue":       func() { _ = WithValue(nil, "foo", "bar") },
			"WithoutCancel":   func() { _ = WithoutCancel(nil) },
		} {
			if got, want := fmt.Sprint(recoveredValue(f)), "cannot create context from nil parent"; got != want {
				t.Errorf("%s(nil): panic %q, want %q", name, got, want)
			}
		}
	})
}

// TestErrorsAreStd: the errors are the standard library's values, so
// errors.Is and == work across the two packages, with the same texts.
func TestErrorsAreStd(t *testing.T) {
	if Canceled != stdcontext.Canceled || DeadlineExceeded != stdcontext.DeadlineExceeded {
		t.Fatalf("errors are not the standard library's")
	}
	if Canceled.Error() != "context canceled" || DeadlineExceeded.Error() != "context deadline exceeded" {
		t.Errorf("texts: %q, %q", Canceled, DeadlineExceeded)
	}
	i, ok := DeadlineExceeded.(interface{ Timeout() bool })
	if !ok || !i.Timeout() {
		t.Fatal("DeadlineExceeded does not support the Timeout interface")
	}
	sim(t, func(t *testing.T) {
		ctx, cancel := WithTimeout(Background(), ms)
		defer cancel()
		ctx.Done().Recv()
		if err := fmt.Errorf("request: %w", ctx.Err()); !errors.Is(err, stdcontext.DeadlineExceeded) {
			t.Errorf("errors.Is(%v, context.DeadlineExceeded) is false", err)
		}
		c2, cancel2 := WithCancel(Background())
		cancel2()
		if !errors.Is(c2.Err(), stdcontext.Canceled) {
			t.Errorf("errors.Is(%v, context.Canceled) is false", c2.Err())
		}
	})
}

func TestCause(t *testing.T) {
	var (
		forever       = 1e6 * time.Second
		parentCause   = fmt.Errorf("parentCause")
		childCause    = fmt.Errorf("childCause")
		tooSlow       = fmt.Errorf("tooSlow")
		finishedEarly = fmt.Errorf("finishedEarly")
	)
	for _, test := range []struct {
		name  string
		ctx   func() Context
		err   error
		cause error
	}{
		{
			name:  "Background",
			ctx:   Background,
			err:   nil,
			cause: nil,
		},
		{
			name:  "TODO",
			ctx:   TODO,
			err:   nil,
			cause: nil,
		},
		{
			name: "WithCancel",
			ctx: func() Context {
				ctx, cancel := WithCancel(Background())
				cancel()
				return ctx
			},
			err:   Canceled,
			cause: Canceled,
		},
		{
			name: "WithCancelCause",
			ctx: func() Context {
				ctx, cancel := WithCancelCause(Background())
				cancel(parentCause)
				return ctx
			},
			err:   Canceled,
			cause: parentCause,
		},
		{
			name: "WithCancelCause nil",
			ctx: func() Context {
				ctx, cancel := WithCancelCause(Background())
				cancel(nil)
				return ctx
			},
			err:   Canceled,
			cause: Canceled,
		},
		{
			name: "WithCancelCause: parent cause before child",
			ctx: func() Context {
				ctx, cancelParent := WithCancelCause(Background())
				ctx, cancelChild := WithCancelCause(ctx)
				cancelParent(parentCause)
				cancelChild(childCause)
				return ctx
			},
			err:   Canceled,
			cause: parentCause,
		},
		{
			name: "WithCancelCause: parent cause after child",
			ctx: func() Context {
				ctx, cancelParent := WithCancelCause(Background())
				ctx, cancelChild := WithCancelCause(ctx)
				cancelChild(childCause)
				cancelParent(parentCause)
				return ctx
			},
			err:   Canceled,
			cause: childCause,
		},
		{
			name: "WithCancelCause: parent cause before nil",
			ctx: func() Context {
				ctx, cancelParent := WithCancelCause(Background())
				ctx, cancelChild := WithCancel(ctx)
				cancelParent(parentCause)
				cancelChild()
				return ctx
			},
			err:   Canceled,
			cause: parentCause,
		},
		{
			name: "WithCancelCause: parent cause after nil",
			ctx: func() Context {
				ctx, cancelParent := WithCancelCause(Background())
				ctx, cancelChild := WithCancel(ctx)
				cancelChild()
				cancelParent(parentCause)
				return ctx
			},
			err:   Canceled,
			cause: Canceled,
		},
		{
			name: "WithCancelCause: child cause after nil",
			ctx: func() Context {
				ctx, cancelParent := WithCancel(Background())
				ctx, cancelChild := WithCancelCause(ctx)
				cancelParent()
				cancelChild(childCause)
				return ctx
			},
			err:   Canceled,
			cause: Canceled,
		},
		{
			name: "WithCancelCause: child cause before nil",
			ctx: func() Context {
				ctx, cancelParent := WithCancel(Background())
				ctx, cancelChild := WithCancelCause(ctx)
				cancelChild(childCause)
				cancelParent()
				return ctx
			},
			err:   Canceled,
			cause: childCause,
		},
		{
			name: "WithTimeout",
			ctx: func() Context {
				ctx, cancel := WithTimeout(Background(), 0)
				cancel()
				return ctx
			},
			err:   DeadlineExceeded,
			cause: DeadlineExceeded,
		},
		{
			name: "WithTimeout canceled",
			ctx: func() Context {
				ctx, cancel := WithTimeout(Background(), forever)
				cancel()
				return ctx
			},
			err:   Canceled,
			cause: Canceled,
		},
		{
			name: "WithTimeoutCause",
			ctx: func() Context {
				ctx, cancel := WithTimeoutCause(Background(), 0, tooSlow)
				cancel()
				return ctx
			},
			err:   DeadlineExceeded,
			cause: tooSlow,
		},
		{
			name: "WithTimeoutCause fired",
			ctx: func() Context {
				ctx, cancel := WithTimeoutCause(Background(), ms, tooSlow)
				defer cancel()
				ctx.Done().Recv()
				return ctx
			},
			err:   DeadlineExceeded,
			cause: tooSlow,
		},
		{
			name: "WithTimeoutCause canceled",
			ctx: func() Context {
				ctx, cancel := WithTimeoutCause(Background(), forever, tooSlow)
				cancel()
				return ctx
			},
			err:   Canceled,
			cause: Canceled,
		},
		{
			name: "WithTimeoutCause stacked",
			ctx: func() Context {
				ctx, cancel := WithCancelCause(Background())
				ctx, _ = WithTimeoutCause(ctx, 0, tooSlow)
				cancel(finishedEarly)
				return ctx
			},
			err:   DeadlineExceeded,
			cause: tooSlow,
		},
		{
			name: "WithTimeoutCause stacked canceled",
			ctx: func() Context {
				ctx, cancel := WithCancelCause(Background())
				ctx, _ = WithTimeoutCause(ctx, forever, tooSlow)
				cancel(finishedEarly)
				return ctx
			},
			err:   Canceled,
			cause: finishedEarly,
		},
		{
			name: "WithoutCancel",
			ctx: func() Context {
				return WithoutCancel(Background())
			},
			err:   nil,
			cause: nil,
		},
		{
			name: "WithoutCancel canceled",
			ctx: func() Context {
				ctx, cancel := WithCancelCause(Background())
				ctx = WithoutCancel(ctx)
				cancel(finishedEarly)
				return ctx
			},
			err:   nil,
			cause: nil,
		},
		{
			name: "WithoutCancel timeout",
			ctx: func() Context {
				ctx, cancel := WithTimeoutCause(Background(), 0, tooSlow)
				ctx = WithoutCancel(ctx)
				cancel()
				return ctx
			},
			err:   nil,
			cause: nil,
		},
		{
			name: "parent of custom context not canceled",
			ctx: func() Context {
				ctx, _ := WithCancelCause(Background())
				ctx, cancel2 := newCustomContext(ctx)
				cancel2()
				return ctx
			},
			err:   Canceled,
			cause: Canceled,
		},
		{
			name: "parent of custom context is canceled before",
			ctx: func() Context {
				ctx, cancel1 := WithCancelCause(Background())
				ctx, cancel2 := newCustomContext(ctx)
				cancel1(parentCause)
				cancel2()
				return ctx
			},
			err:   Canceled,
			cause: parentCause,
		},
		{
			name: "parent of custom context is canceled after",
			ctx: func() Context {
				ctx, cancel1 := WithCancelCause(Background())
				ctx, cancel2 := newCustomContext(ctx)
				cancel2()
				cancel1(parentCause)
				return ctx
			},
			err: Canceled,
			// This isn't really right: the child context was canceled
			// before the parent context, and shouldn't inherit the
			// parent's cause. However, since the child is a custom
			// context, Cause has no way to tell which was canceled first
			// and returns the parent's cause.
			cause: parentCause,
		},
	} {
		t.Run(test.name, func(t *testing.T) {
			sim(t, func(t *testing.T) {
				ctx := test.ctx()
				if got, want := ctx.Err(), test.err; want != got {
					t.Errorf("ctx.Err() = %v want %v", got, want)
				}
				if got, want := Cause(ctx), test.cause; want != got {
					t.Errorf("Cause(ctx) = %v want %v", got, want)
				}
			})
		})
	}
}

func TestCauseRace(t *testing.T) {
	sim(t, func(t *testing.T) {
		cause := errors.New("TestCauseRace")
		ctx, cancel := WithCancelCause(Background())
		gmp.Go(func() {
			cancel(cause)
		})
		for {
			// Poll Cause, rather than waiting for Done, to test that
			// access to the underlying cause is synchronized properly.
			if err := Cause(ctx); err != nil {
				if err != cause {
					t.Errorf("Cause returned %v, want %v", err, cause)
				}
				break
			}
			gmp.Gosched()
		}
	})
}

func TestWithoutCancel(t *testing.T) {
	key, value := "key", "value"
	ctx := WithValue(Background(), key, value)
	ctx = WithoutCancel(ctx)
	if d, ok := ctx.Deadline(); !d.IsZero() || ok != false {
		t.Errorf("ctx.Deadline() = %v, %v want zero, false", d, ok)
	}
	if done := ctx.Done(); done != (gmp.Chan[struct{}]{}) {
		t.Errorf("ctx.Done() = %v want nil", done)
	}
	if err := ctx.Err(); err != nil {
		t.Errorf("ctx.Err() = %v want nil", err)
	}
	if v := ctx.Value(key); v != value {
		t.Errorf("ctx.Value(%q) = %q want %q", key, v, value)
	}
	if got, want := fmt.Sprint(ctx), "context.Background.WithValue(key, value).WithoutCancel"; got != want {
		t.Errorf("String() = %q, want %q", got, want)
	}
	// Canceling the parent does not cancel it, and it has no deadline.
	sim(t, func(t *testing.T) {
		parent, cancel := WithTimeout(Background(), time.Second)
		ctx := WithoutCancel(parent)
		child, cancelChild := WithCancel(ctx)
		defer cancelChild()
		cancel()
		if ctx.Err() != nil || child.Err() != nil || Cause(ctx) != nil {
			t.Errorf("WithoutCancel: canceled with its parent: %v %v %v", ctx.Err(), child.Err(), Cause(ctx))
		}
		if _, ok := child.Deadline(); ok {
			t.Errorf("a child of WithoutCancel inherited the deadline")
		}
	})
}

type customDoneContext struct {
	Context
	donec gmp.Chan[struct{}]
}

func (c *customDoneContext) Done() gmp.Chan[struct{}] {
	return c.donec
}

func TestCustomContextPropagation(t *testing.T) {
	sim(t, func(t *testing.T) {
		cause := errors.New("TestCustomContextPropagation")
		donec := gmp.MakeChan[struct{}](0)
		ctx1, cancel1 := WithCancelCause(Background())
		ctx2 := &customDoneContext{
			Context: ctx1,
			donec:   donec,
		}
		ctx3, cancel3 := WithCancel(ctx2)
		defer cancel3()

		cancel1(cause)
		donec.Close()

		ctx3.Done().Recv()
		if got, want := ctx3.Err(), Canceled; got != want {
			t.Errorf("child not canceled; got = %v, want = %v", got, want)
		}
		if got, want := Cause(ctx3), cause; got != want {
			t.Errorf("child has wrong cause; got = %v, want = %v", got, want)
		}
	})
}

// customCauseContext is a custom Context used to test context.Cause.
type customCauseContext struct {
	mu   sync.Mutex
	done gmp.Chan[struct{}]
	err  error

	cancelChild CancelFunc
}

func (ccc *customCauseContext) Deadline() (deadline time.Time, ok bool) {
	return
}

func (ccc *customCauseContext) Done() gmp.Chan[struct{}] {
	ccc.mu.Lock()
	defer ccc.mu.Unlock()
	return ccc.done
}

func (ccc *customCauseContext) Err() error {
	ccc.mu.Lock()
	defer ccc.mu.Unlock()
	return ccc.err
}

func (ccc *customCauseContext) Value(key any) any {
	return nil
}

func (ccc *customCauseContext) cancel() {
	ccc.mu.Lock()
	ccc.err = Canceled
	ccc.done.Close()
	cancelChild := ccc.cancelChild
	ccc.mu.Unlock()

	if cancelChild != nil {
		cancelChild()
	}
}

func (ccc *customCauseContext) setCancelChild(cancelChild CancelFunc) {
	ccc.cancelChild = cancelChild
}

func TestCustomContextCause(t *testing.T) {
	sim(t, func(t *testing.T) {
		// Test if we cancel a custom context, Err and Cause return
		// Canceled.
		ccc := &customCauseContext{
			done: gmp.MakeChan[struct{}](0),
		}
		ccc.cancel()
		if got := ccc.Err(); got != Canceled {
			t.Errorf("ccc.Err() = %v, want %v", got, Canceled)
		}
		if got := Cause(ccc); got != Canceled {
			t.Errorf("Cause(ccc) = %v, want %v", got, Canceled)
		}

		// Test that if we pass a custom context to WithCancelCause, and
		// then cancel that child context with a cause, that the cause of
		// the child canceled context is correct but that the parent
		// custom context is not canceled.
		ccc = &customCauseContext{
			done: gmp.MakeChan[struct{}](0),
		}
		ctx, causeFunc := WithCancelCause(ccc)
		cause := errors.New("TestCustomContextCause")
		causeFunc(cause)
		if got := ctx.Err(); got != Canceled {
			t.Errorf("after CancelCauseFunc ctx.Err() = %v, want %v", got, Canceled)
		}
		if got := Cause(ctx); got != cause {
			t.Errorf("after CancelCauseFunc Cause(ctx) = %v, want %v", got, cause)
		}
		if got := ccc.Err(); got != nil {
			t.Errorf("after CancelCauseFunc ccc.Err() = %v, want %v", got, nil)
		}
		if got := Cause(ccc); got != nil {
			t.Errorf("after CancelCauseFunc Cause(ccc) = %v, want %v", got, nil)
		}

		// Test that if we now cancel the parent custom context, the cause
		// of the child canceled context is still correct, and the parent
		// custom context is canceled without a cause.
		ccc.cancel()
		if got := ctx.Err(); got != Canceled {
			t.Errorf("after CancelCauseFunc ctx.Err() = %v, want %v", got, Canceled)
		}
		if got := Cause(ctx); got != cause {
			t.Errorf("after CancelCauseFunc Cause(ctx) = %v, want %v", got, cause)
		}
		if got := ccc.Err(); got != Canceled {
			t.Errorf("after CancelCauseFunc ccc.Err() = %v, want %v", got, Canceled)
		}
		if got := Cause(ccc); got != Canceled {
			t.Errorf("after CancelCauseFunc Cause(ccc) = %v, want %v", got, Canceled)
		}

		// Test that if we associate a custom context with a child, then
		// canceling the custom context cancels the child.
		ccc = &customCauseContext{
			done: gmp.MakeChan[struct{}](0),
		}
		ctx, cancelFunc := WithCancel(ccc)
		ccc.setCancelChild(cancelFunc)
		ccc.cancel()
		if got := ctx.Err(); got != Canceled {
			t.Errorf("after CancelCauseFunc ctx.Err() = %v, want %v", got, Canceled)
		}
		if got := Cause(ctx); got != Canceled {
			t.Errorf("after CancelCauseFunc Cause(ctx) = %v, want %v", got, Canceled)
		}
		if got := ccc.Err(); got != Canceled {
			t.Errorf("after CancelCauseFunc ccc.Err() = %v, want %v", got, Canceled)
		}
		if got := Cause(ccc); got != Canceled {
			t.Errorf("after CancelCauseFunc Cause(ccc) = %v, want %v", got, Canceled)
		}
	})
}

func TestAfterFuncCalledAfterCancel(t *testing.T) {
	sim(t, func(t *testing.T) {
		ctx, cancel := WithCancel(Background())
		donec := gmp.MakeChan[struct{}](0)
		stop := AfterFunc(ctx, func() {
			donec.Close()
		})
		if gmp.Select(donec.RecvCase(), time.After(shortDuration).RecvCase()) == 0 {
			t.Errorf("AfterFunc called before context is done")
			return
		}
		cancel()
		donec.Recv()
		if stop() {
			t.Errorf("stop() = true, want false")
		}
	})
}

func TestAfterFuncCalledAfterTimeout(t *testing.T) {
	sim(t, func(t *testing.T) {
		ctx, cancel := WithTimeout(Background(), shortDuration)
		defer cancel()
		donec := gmp.MakeChan[struct{}](0)
		start := time.Now()
		AfterFunc(ctx, func() {
			donec.Close()
		})
		donec.Recv()
		if d := time.Since(start); d < shortDuration {
			t.Errorf("AfterFunc ran %v after the 1ms timeout started", d)
		}
	})
}

func TestAfterFuncCalledImmediately(t *testing.T) {
	sim(t, func(t *testing.T) {
		ctx, cancel := WithCancel(Background())
		cancel()
		donec := gmp.MakeChan[struct{}](0)
		AfterFunc(ctx, func() {
			donec.Close()
		})
		donec.Recv()
	})
}

func TestAfterFuncNotCalledAfterStop(t *testing.T) {
	sim(t, func(t *testing.T) {
		ctx, cancel := WithCancel(Background())
		donec := gmp.MakeChan[struct{}](0)
		stop := AfterFunc(ctx, func() {
			donec.Close()
		})
		if !stop() {
			t.Errorf("stop() = false, want true")
		}
		cancel()
		if gmp.Select(donec.RecvCase(), time.After(shortDuration).RecvCase()) == 0 {
			t.Errorf("AfterFunc called for already-canceled context")
		}
		if stop() {
			t.Errorf("stop() = true, want false")
		}
	})
}

// This test verifies that canceling a context does not block waiting for
// AfterFuncs to finish.
func TestAfterFuncCalledAsynchronously(t *testing.T) {
	sim(t, func(t *testing.T) {
		ctx, cancel := WithCancel(Background())
		donec := gmp.MakeChan[struct{}](0)
		stop := AfterFunc(ctx, func() {
			// The channel send blocks until donec is read from.
			donec.Send(struct{}{})
		})
		defer stop()
		cancel()
		// After cancel returns, read from donec and unblock the
		// AfterFunc.
		donec.Recv()
	})
}

// customContext is a custom Context implementation.
type customContext struct {
	parent Context

	doneOnce sync.Once
	donec    gmp.Chan[struct{}]
	err      error
}

func newCustomContext(parent Context) (Context, CancelFunc) {
	c := &customContext{
		parent: parent,
		donec:  gmp.MakeChan[struct{}](0),
	}
	AfterFunc(parent, func() {
		c.doneOnce.Do(func() {
			c.err = parent.Err()
			c.donec.Close()
		})
	})
	return c, func() {
		c.doneOnce.Do(func() {
			c.err = Canceled
			c.donec.Close()
		})
	}
}

func (c *customContext) Deadline() (time.Time, bool) {
	return c.parent.Deadline()
}

func (c *customContext) Done() gmp.Chan[struct{}] {
	return c.donec
}

func (c *customContext) Err() error {
	if _, _, ok := c.donec.TryRecv(); ok {
		return c.err
	}
	return nil
}

func (c *customContext) Value(key any) any {
	return c.parent.Value(key)
}

// Issue #75533: a non-nil Err implies a closed Done, even while cancel is
// still running in another goroutine.
func TestContextErrDoneRace(t *testing.T) {
	sim(t, func(t *testing.T) {
		for range 10 {
			ctx, cancel := WithCancel(Background())
			donec := ctx.Done()
			gmp.Go(cancel)
			for ctx.Err() == nil {
				gmp.Gosched()
			}
			if _, _, ok := donec.TryRecv(); !ok {
				t.Errorf("ctx.Err is non-nil, but ctx.Done is not closed")
				return
			}
		}
	})
}

// afterFuncContext is a context that's not one of the types defined in
// context.go, that supports registering AfterFuncs (afterfunc_test.go).
type afterFuncContext struct {
	mu         sync.Mutex
	afterFuncs map[*byte]func()
	order      []*byte // registration order, so cancel is deterministic
	done       gmp.Chan[struct{}]
	err        error
}

var _ Context = (*afterFuncContext)(nil)

func (c *afterFuncContext) Deadline() (time.Time, bool) {
	return time.Time{}, false
}

func (c *afterFuncContext) Done() gmp.Chan[struct{}] {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.done == (gmp.Chan[struct{}]{}) {
		c.done = gmp.MakeChan[struct{}](0)
	}
	return c.done
}

func (c *afterFuncContext) Err() error {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.err
}

func (c *afterFuncContext) Value(key any) any {
	return nil
}

func (c *afterFuncContext) AfterFunc(f func()) func() bool {
	c.mu.Lock()
	defer c.mu.Unlock()
	k := new(byte)
	if c.afterFuncs == nil {
		c.afterFuncs = make(map[*byte]func())
	}
	c.afterFuncs[k] = f
	c.order = append(c.order, k)
	return func() bool {
		c.mu.Lock()
		defer c.mu.Unlock()
		_, ok := c.afterFuncs[k]
		delete(c.afterFuncs, k)
		return ok
	}
}

func (c *afterFuncContext) cancel(err error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.err != nil {
		return
	}
	c.err = err
	for _, k := range c.order {
		if f, ok := c.afterFuncs[k]; ok {
			gmp.Go(f)
		}
	}
	c.afterFuncs = nil
}

func TestCustomContextAfterFunc(t *testing.T) {
	sim(t, func(t *testing.T) {
		// Cancel.
		ctx0 := &afterFuncContext{}
		ctx1, cancel := WithCancel(ctx0)
		defer cancel()
		ctx0.cancel(Canceled)
		ctx1.Done().Recv()

		// Timeout.
		ctx0 = &afterFuncContext{}
		ctx1, cancel = WithTimeout(ctx0, veryLongDuration)
		defer cancel()
		ctx0.cancel(Canceled)
		ctx1.Done().Recv()

		// AfterFunc.
		ctx0 = &afterFuncContext{}
		donec := gmp.MakeChan[struct{}](0)
		stop := AfterFunc(ctx0, func() {
			donec.Close()
		})
		defer stop()
		ctx0.cancel(Canceled)
		donec.Recv()
	})
}

func TestCustomContextAfterFuncUnregister(t *testing.T) {
	sim(t, func(t *testing.T) {
		ctx0 := &afterFuncContext{}
		_, cancel1 := WithCancel(ctx0)
		_, cancel2 := WithCancel(ctx0)
		if got, want := len(ctx0.afterFuncs), 2; got != want {
			t.Errorf("after WithCancel(ctx0): ctx0 has %v afterFuncs, want %v", got, want)
		}
		cancel1()
		cancel2()
		if got, want := len(ctx0.afterFuncs), 0; got != want {
			t.Errorf("after canceling WithCancel(ctx0): ctx0 has %v afterFuncs, want %v", got, want)
		}

		ctx0 = &afterFuncContext{}
		_, cancel := WithTimeout(ctx0, veryLongDuration)
		if got, want := len(ctx0.afterFuncs), 1; got != want {
			t.Errorf("after WithTimeout(ctx0, d): ctx0 has %v afterFuncs, want %v", got, want)
		}
		cancel()
		if got, want := len(ctx0.afterFuncs), 0; got != want {
			t.Errorf("after canceling WithTimeout(ctx0, d): ctx0 has %v afterFuncs, want %v", got, want)
		}

		ctx0 = &afterFuncContext{}
		stop := AfterFunc(ctx0, func() {})
		if got, want := len(ctx0.afterFuncs), 1; got != want {
			t.Errorf("after AfterFunc(ctx0, f): ctx0 has %v afterFuncs, want %v", got, want)
		}
		stop()
		if got, want := len(ctx0.afterFuncs), 0; got != want {
			t.Errorf("after stopping AfterFunc(ctx0, f): ctx0 has %v afterFuncs, want %v", got, want)
		}
	})
}

// TestDoneWakeOrderMatchesRuntime runs testdata/doneorder on the real
// runtime with GOMAXPROCS=1 and the same program on the simulator: five
// goroutines blocked on one Done channel wake, when the context is
// canceled or times out, in the order closechan readies them.
func TestDoneWakeOrderMatchesRuntime(t *testing.T) {
	exe := testnative.Build(t, "context/testdata/doneorder")
	for _, mode := range []string{"cancel", "timeout"} {
		t.Run(mode, func(t *testing.T) {
			want := testnative.Run(t, exe, 1, mode)
			var order hostlog.Log[string]
			_, err := gmp.Run(gmp.Config{Procs: 1}, func() {
				const n = 5
				var (
					ctx    Context
					cancel CancelFunc
				)
				if mode == "cancel" {
					ctx, cancel = WithCancel(Background())
				} else {
					ctx, cancel = WithTimeout(Background(), 2*ms)
				}
				defer cancel()
				var wg sync.WaitGroup
				for i := range n {
					wg.Add(1)
					gmp.Go(func() {
						defer wg.Done()
						ctx.Done().Recv()
						order.Add(fmt.Sprint(i))
					})
				}
				gmp.Gosched()
				if mode == "cancel" {
					cancel()
				}
				wg.Wait()
			})
			if err != nil {
				t.Fatal(err)
			}
			if got := strings.Join(order.Get(), " "); got != want {
				t.Errorf("wake order: sim %q, real runtime %q", got, want)
			}
		})
	}
}

// TestFinishedSimulation: a cancelable context belongs to the gmp.Run that
// made it; using it after that run ended panics, saying so.
func TestFinishedSimulation(t *testing.T) {
	var (
		ctx, tctx Context
		cancel    CancelFunc
	)
	_, err := gmp.Run(gmp.Config{Procs: 1}, func() {
		ctx, cancel = WithCancel(Background())
		tctx, _ = WithTimeout(ctx, time.Hour)
	})
	if err != nil {
		t.Fatal(err)
	}
	const finished = "context: use of a context from a finished simulation"
	uses := map[string]func(){
		"Done":            func() { ctx.Done() },
		"Err":             func() { _ = ctx.Err() },
		"Cause":           func() { _ = Cause(ctx) },
		"cancel":          func() { cancel() },
		"WithCancel":      func() { WithCancel(ctx) },
		"WithTimeout":     func() { WithTimeout(ctx, time.Second) },
		"AfterFunc":       func() { AfterFunc(ctx, func() {}) },
		"timer ctx Err":   func() { _ = tctx.Err() },
		"WithValue, Done": func() { WithValue(ctx, k1, 1).Done() },
	}
	check := func(where string) {
		for name, f := range uses {
			r := recoveredValue(f)
			if s := fmt.Sprint(r); !strings.HasPrefix(s, finished) {
				t.Errorf("%s %s: panic %v, want %q…", where, name, r, finished)
			}
		}
	}
	// After the run, outside any run. (WithCancel and friends first
	// complain that they are outside gmp.Run.)
	for _, name := range []string{"Done", "Err", "Cause", "cancel", "timer ctx Err", "WithValue, Done"} {
		if s := fmt.Sprint(recoveredValue(uses[name])); !strings.HasPrefix(s, finished) {
			t.Errorf("after the run, %s: panic %q, want %q…", name, s, finished)
		}
	}
	// In a later run.
	_, err = gmp.Run(gmp.Config{Procs: 1}, func() { check("in a later run,") })
	if err != nil {
		t.Fatal(err)
	}
	// What needs no runtime still works.
	if v := WithValue(ctx, k1, "v").Value(k1); v != "v" {
		t.Errorf("Value after the run: %v", v)
	}
	if _, ok := tctx.Deadline(); !ok {
		t.Errorf("Deadline after the run: none")
	}
	// The message names both runs.
	_, _ = gmp.Run(gmp.Config{Procs: 1}, func() {
		s := fmt.Sprint(recoveredValue(func() { ctx.Err() }))
		if !strings.Contains(s, "created in gmp.Run #") || !strings.Contains(s, "this is gmp.Run #") {
			t.Errorf("message does not name the runs: %s", s)
		}
	})
}

// TestOutsideRun: making a cancelable context needs the runtime.
func TestOutsideRun(t *testing.T) {
	const outside = "gmp: called outside gmp.Run"
	for name, f := range map[string]func(){
		"WithCancel":        func() { WithCancel(Background()) },
		"WithCancelCause":   func() { WithCancelCause(Background()) },
		"WithTimeout":       func() { WithTimeout(Background(), time.Second) },
		"WithDeadline":      func() { WithDeadline(Background(), gmp.Epoch) },
		"WithTimeoutCause":  func() { WithTimeoutCause(Background(), time.Second, nil) },
		"WithDeadlineCause": func() { WithDeadlineCause(Background(), gmp.Epoch, nil) },
		"AfterFunc":         func() { AfterFunc(Background(), func() {}) },
	} {
		if s := fmt.Sprint(recoveredValue(f)); !strings.HasPrefix(s, outside) {
			t.Errorf("%s outside gmp.Run: panic %q, want %q…", name, s, outside)
		}
	}
	// These touch no runtime state.
	ctx := WithoutCancel(WithValue(TODO(), k1, 1))
	if ctx.Value(k1) != 1 || ctx.Err() != nil || ctx.Done() != (gmp.Chan[struct{}]{}) || Cause(ctx) != nil {
		t.Errorf("WithValue/WithoutCancel outside gmp.Run misbehave")
	}
}

// cancelTree is a workload: a tree of contexts with deadlines, causes and
// AfterFuncs, goroutines waiting on them, and cancellations from several
// goroutines. It logs who saw what, when.
func cancelTree(log *hostlog.Log[string]) func() {
	return func() {
		root, cancelRoot := WithCancelCause(Background())
		var wg sync.WaitGroup
		for i := range 6 {
			ctx, cancel := WithTimeout(root, time.Duration(i+1)*700*time.Microsecond)
			for j := range 3 {
				child, cancelChild := WithCancel(ctx)
				wg.Go(func() {
					defer cancelChild()
					timeout := time.After(time.Duration(j+1) * 900 * time.Microsecond)
					switch gmp.Select(child.Done().RecvCase(), timeout.RecvCase()) {
					case 0:
						log.Add(fmt.Sprintf("%d.%d:%v@%v", i, j, Cause(child), time.Since(gmp.Epoch)))
					case 1:
						if j == 2 {
							cancel()
						}
						log.Add(fmt.Sprintf("%d.%d:timeout@%v", i, j, time.Since(gmp.Epoch)))
					}
				})
			}
			AfterFunc(ctx, func() { log.Add(fmt.Sprintf("after%d@%v", i, time.Since(gmp.Epoch))) })
		}
		time.Sleep(2 * ms)
		cancelRoot(errors.New("shutdown"))
		wg.Wait()
		time.Sleep(ms) // let the AfterFunc goroutines run
	}
}

// TestDeterminism: same seed, same timeline.
func TestDeterminism(t *testing.T) {
	for _, procs := range []int{1, 4} {
		var runs []string
		for range 2 {
			var log hostlog.Log[string]
			res, err := gmp.Run(gmp.Config{Procs: procs, Seed: 11}, cancelTree(&log))
			if err != nil {
				t.Fatal(err)
			}
			runs = append(runs, strings.Join(log.Get(), " ")+fmt.Sprintf(" end@%v", res.VirtualTime))
		}
		if runs[0] != runs[1] {
			t.Errorf("procs %d: two runs with the same seed differ:\n%s\n%s", procs, runs[0], runs[1])
		}
		t.Logf("procs %d: %s", procs, runs[0])
	}
}
