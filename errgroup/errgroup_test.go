package errgroup_test

import (
	"errors"
	"fmt"
	"strings"
	"sync"
	"testing"
	stdtime "time"

	"github.com/gmplab/gmp"
	"github.com/gmplab/gmp/context"
	"github.com/gmplab/gmp/errgroup"
	"github.com/gmplab/gmp/time"
)

func run(t *testing.T, procs int, f func()) {
	t.Helper()
	if _, err := gmp.Run(gmp.Config{Procs: procs}, f); err != nil {
		t.Fatal(err)
	}
}

// TestZeroGroup: Wait returns the first error; all goroutines run.
func TestZeroGroup(t *testing.T) {
	err1 := errors.New("errgroup_test: 1")
	err2 := errors.New("errgroup_test: 2")
	for _, tc := range []struct {
		errs []error
		want error
	}{
		{errs: []error{}},
		{errs: []error{nil}},
		{errs: []error{err1}, want: err1},
		{errs: []error{err1, nil}, want: err1},
		{errs: []error{err1, nil, err2}, want: err1},
	} {
		run(t, 1, func() {
			g := new(errgroup.Group)
			var firstErr error
			for i, err := range tc.errs {
				g.Go(func() error { return err })
				if firstErr == nil && err != nil {
					firstErr = err
				}
				if gErr := g.Wait(); gErr != firstErr {
					t.Errorf("after %T.Go(func() error { return err }) for err in %v\n"+
						"g.Wait() = %v; want %v", g, tc.errs[:i+1], gErr, firstErr)
				}
			}
			if err := g.Wait(); err != tc.want {
				t.Errorf("Wait() = %v, want %v", err, tc.want)
			}
		})
	}
}

// TestWithContext: the context is canceled, with the error as its cause,
// by the first failing function or by Wait.
func TestWithContext(t *testing.T) {
	errDoom := errors.New("group_test: doomed")
	for _, tc := range []struct {
		errs []error
		want error
	}{
		{want: nil},
		{errs: []error{nil}, want: nil},
		{errs: []error{errDoom}, want: errDoom},
		{errs: []error{errDoom, nil}, want: errDoom},
	} {
		run(t, 4, func() {
			g, ctx := errgroup.WithContext(context.Background())
			for _, err := range tc.errs {
				g.Go(func() error { return err })
			}
			if err := g.Wait(); err != tc.want {
				t.Errorf("Wait() = %v, want %v", err, tc.want)
			}
			if _, _, sel := ctx.Done().TryRecv(); !sel {
				t.Errorf("Done not closed after Wait")
			}
			if !errors.Is(ctx.Err(), context.Canceled) {
				t.Errorf("ctx.Err() = %v, want context.Canceled", ctx.Err())
			}
			want := tc.want
			if want == nil {
				want = context.Canceled
			}
			if c := context.Cause(ctx); c != want {
				t.Errorf("Cause(ctx) = %v, want %v", c, want)
			}
		})
	}
}

// TestCancelOthers: the first error cancels the context the others wait
// on, so they stop early.
func TestCancelOthers(t *testing.T) {
	var stoppedAt []stdtime.Duration
	var mu sync.Mutex // a host lock: the goroutines record with no gmp synchronisation between them
	run(t, 4, func() {
		start := time.Now()
		g, ctx := errgroup.WithContext(context.Background())
		g.Go(func() error {
			time.Sleep(5 * stdtime.Millisecond)
			return errors.New("boom")
		})
		for range 3 {
			g.Go(func() error {
				ticker := time.NewTicker(stdtime.Millisecond)
				defer ticker.Stop()
				for {
					done, tick := ctx.Done().RecvCase(), ticker.C.RecvCase()
					if gmp.Select(done, tick) == 0 {
						d := time.Since(start)
						mu.Lock()
						stoppedAt = append(stoppedAt, d)
						mu.Unlock()
						return ctx.Err()
					}
				}
			})
		}
		if err := g.Wait(); err == nil || err.Error() != "boom" {
			t.Errorf("Wait() = %v", err)
		}
	})
	if len(stoppedAt) != 3 {
		t.Fatalf("%d goroutines stopped", len(stoppedAt))
	}
	for _, d := range stoppedAt {
		if d < 5*stdtime.Millisecond || d > 7*stdtime.Millisecond {
			t.Errorf("a goroutine stopped at %v, want just after the 5ms failure", d)
		}
	}
}

// TestSetLimit: at most n goroutines are active; Go blocks meanwhile and
// TryGo fails.
func TestSetLimit(t *testing.T) {
	run(t, 4, func() {
		const limit = 3
		g := new(errgroup.Group)
		g.SetLimit(limit)
		// Host-locked counts: the active goroutines count with no gmp
		// synchronisation between them.
		var mu sync.Mutex
		active, maxActive := 0, 0
		for range 20 {
			g.Go(func() error {
				mu.Lock()
				active++
				maxActive = max(maxActive, active)
				mu.Unlock()
				time.Sleep(stdtime.Millisecond)
				mu.Lock()
				active--
				mu.Unlock()
				return nil
			})
		}
		if err := g.Wait(); err != nil {
			t.Fatal(err)
		}
		if maxActive != limit {
			t.Errorf("max active %d, want %d", maxActive, limit)
		}
	})
	run(t, 1, func() {
		g := new(errgroup.Group)
		g.SetLimit(1)
		block := gmp.MakeChan[struct{}](0)
		if !g.TryGo(func() error { block.Recv(); return nil }) {
			t.Error("TryGo failed below the limit")
		}
		if g.TryGo(func() error { return nil }) {
			t.Error("TryGo succeeded at the limit")
		}
		msg := func() (msg string) {
			defer func() { msg = fmt.Sprint(recover()) }()
			g.SetLimit(2)
			return ""
		}()
		if !strings.Contains(msg, "errgroup: modify limit while 1 goroutines in the group are still active") {
			t.Errorf("SetLimit while active: %q", msg)
		}
		block.Close()
		g.Wait()
		if !g.TryGo(func() error { return nil }) {
			t.Error("TryGo failed after Wait")
		}
		g.Wait()
		g.SetLimit(0)
		if g.TryGo(func() error { return nil }) {
			t.Error("TryGo succeeded with limit 0")
		}
	})
}

// TestCreatedBy: the group's goroutines say where they were created.
func TestCreatedBy(t *testing.T) {
	_, err := gmp.Run(gmp.Config{}, func() {
		g := new(errgroup.Group)
		g.Go(func() error { gmp.MakeChan[int](0).Recv(); return nil })
		g.Wait()
	})
	if !gmp.IsDeadlock(err) || !strings.Contains(err.Error(), "created by github.com/gmplab/gmp/errgroup.(*Group).Go in goroutine 1") {
		t.Errorf("err = %v", err)
	}
}
