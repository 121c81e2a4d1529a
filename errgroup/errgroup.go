// Package errgroup mirrors golang.org/x/sync/errgroup (v0.25.0) on the
// simulated runtime: synchronization, error propagation, and Context
// cancellation for groups of goroutines working on subtasks of a common
// task.
//
// A Group's goroutines are simulated goroutines, its WaitGroup and Once are
// gmp/sync's, its limit is a gmp channel used as a semaphore, and
// WithContext derives a gmp/context context canceled with the first error
// as its cause, exactly as the original does.
package errgroup

import (
	"fmt"

	"github.com/gmplab/gmp"
	"github.com/gmplab/gmp/context"
	"github.com/gmplab/gmp/internal/rt"
	"github.com/gmplab/gmp/sync"
)

type token struct{}

// A Group is a collection of goroutines working on subtasks that are part
// of the same overall task. A Group should not be reused for different
// tasks.
//
// A zero Group is valid, has no limit on the number of active goroutines,
// and does not cancel on error.
type Group struct {
	cancel func(error)

	wg sync.WaitGroup

	sem gmp.Chan[token]

	errOnce sync.Once
	err     error
}

//go:norace
func (g *Group) done() {
	if g.sem != (gmp.Chan[token]{}) {
		g.sem.Recv()
	}
	g.wg.Done()
}

// WithContext returns a new Group and an associated Context derived from
// ctx.
//
// The derived Context is canceled the first time a function passed to Go
// returns a non-nil error or the first time Wait returns, whichever occurs
// first.
//
//go:norace
func WithContext(ctx context.Context) (*Group, context.Context) {
	ctx, cancel := context.WithCancelCause(ctx)
	return &Group{cancel: cancel}, ctx
}

// Wait blocks until all function calls from the Go method have returned,
// then returns the first non-nil error (if any) from them.
//
//go:norace
func (g *Group) Wait() error {
	g.wg.Wait()
	if g.cancel != nil {
		g.cancel(g.err)
	}
	return g.err
}

// Go calls the given function in a new goroutine.
//
// The first call to Go must happen before a Wait. It blocks until the new
// goroutine can be added without the number of goroutines in the group
// exceeding the configured limit.
//
// The first goroutine in the group that returns a non-nil error will
// cancel the associated Context, if any. The error will be returned by
// Wait.
//
//go:norace
func (g *Group) Go(f func() error) {
	if g.sem != (gmp.Chan[token]{}) {
		g.sem.Send(token{})
	}

	g.start(f)
}

// start runs f in a new goroutine of the group.
// It is not inlined: rt.Go names start's caller as the creator.
//
//go:noinline
func (g *Group) start(f func() error) {
	// Instrumented under -race, as gmp.Go: the go statement is here.
	g.wg.Add(1)
	spawn := rt.Go(func() {
		defer g.done()

		if err := f(); err != nil {
			g.errOnce.Do(func() {
				g.err = err
				if g.cancel != nil {
					g.cancel(g.err)
				}
			})
		}
	}, 1)
	if spawn != nil {
		go rt.CoroutineEntry()
		spawn()
	}
}

// TryGo calls the given function in a new goroutine only if the number of
// active goroutines in the group is currently below the configured limit.
//
// The return value reports whether the goroutine was started.
//
//go:norace
func (g *Group) TryGo(f func() error) bool {
	if g.sem != (gmp.Chan[token]{}) {
		if !g.sem.TrySend(token{}) {
			return false
		}
	}

	g.start(f)
	return true
}

// SetLimit limits the number of active goroutines in this group to at
// most n. A negative value indicates no limit. A limit of zero will
// prevent any new goroutines from being added.
//
// Any subsequent call to the Go method will block until it can add an
// active goroutine without exceeding the configured limit.
//
// The limit must not be modified while any goroutines in the group are
// active.
//
//go:norace
func (g *Group) SetLimit(n int) {
	if n < 0 {
		g.sem = gmp.Chan[token]{}
		return
	}
	if g.sem != (gmp.Chan[token]{}) && g.sem.Len() != 0 {
		panic(fmt.Errorf("errgroup: modify limit while %v goroutines in the group are still active", g.sem.Len()))
	}
	g.sem = gmp.MakeChan[token](n)
}
