// Portions of this file are adapted from Go's src/context/context.go:
// Copyright 2014 The Go Authors. All rights reserved. Use of that source
// code is governed by a BSD-style license that can be found in Go's
// LICENSE file.

// Package context mirrors the standard context package on the simulated
// runtime: a Context carries a deadline, a cancellation signal and
// request-scoped values across API boundaries and between goroutines
// running inside gmp.Run.
//
// The implementation is the standard library's, ported structure for
// structure: cancelCtx with its lazily made done channel, its children and
// its cause; timerCtx, whose deadline is a gmp/time AfterFunc timer in the
// simulated runtime's timer heaps, so deadlines and timeouts fire in
// virtual time; propagateCancel with its three ways of following a parent
// (a known cancelCtx, a parent with an AfterFunc method, or a goroutine
// waiting on both Done channels); valueCtx, withoutCancelCtx and
// afterFuncCtx. Cancellation closes the Done channel — a simulated
// channel — so goroutines waiting on it wake in the runtime's close order.
//
// The differences from package context are the ones the simulator needs:
//
//   - Done returns a gmp.Chan[struct{}] (nil for Background and TODO):
//     receive with ctx.Done().Recv(), or in gmp.Select with
//     ctx.Done().RecvCase().
//   - The locks are gmp/sync's, so a goroutine that waits for one parks in
//     the simulated runtime.
//   - The children of a context are canceled in the order they were
//     attached. (Go keeps them in a map, whose iteration order is random;
//     a simulation must not depend on map order.) Under the explorer
//     (gmptest) the order is one of its decisions.
//   - A context belongs to the gmp.Run that created it. Using a cancelable
//     context — Done, Err, Cause, cancel, deriving from it — after that
//     run has ended panics with a message saying so. Creating a cancelable
//     context outside gmp.Run panics as every runtime call does. Background,
//     TODO, WithValue and WithoutCancel touch no runtime state and work
//     anywhere.
//
// Canceled and DeadlineExceeded are the standard library's own values, so
// errors.Is works across the two packages, and every Err and String text is
// the standard library's.
package context

import (
	stdcontext "context"
	"reflect"
	"slices"

	"github.com/gmplab/gmp"
	"github.com/gmplab/gmp/internal/rt"
	"github.com/gmplab/gmp/sync"
	"github.com/gmplab/gmp/time"
)

// A Context carries a deadline, a cancellation signal, and other values
// across API boundaries.
//
// Context's methods may be called by multiple goroutines simultaneously.
type Context interface {
	// Deadline returns the time when work done on behalf of this context
	// should be canceled. Deadline returns ok==false when no deadline is
	// set. Successive calls to Deadline return the same results.
	Deadline() (deadline time.Time, ok bool)

	// Done returns a channel that's closed when work done on behalf of
	// this context should be canceled. Done may return nil if this
	// context can never be canceled. Successive calls to Done return the
	// same value. The close of the Done channel may happen
	// asynchronously, after the cancel function returns.
	Done() gmp.Chan[struct{}]

	// If Done is not yet closed, Err returns nil. If Done is closed, Err
	// returns a non-nil error explaining why: DeadlineExceeded if the
	// context's deadline passed, or Canceled if the context was canceled
	// for some other reason. After Err returns a non-nil error, successive
	// calls to Err return the same error.
	Err() error

	// Value returns the value associated with this context for key, or
	// nil if no value is associated with key. Successive calls to Value
	// with the same key returns the same result.
	Value(key any) any
}

// Canceled is the error returned by [Context.Err] when the context is
// canceled for some reason other than its deadline passing. It is the
// standard library's context.Canceled.
var Canceled = stdcontext.Canceled

// DeadlineExceeded is the error returned by [Context.Err] when the
// context is canceled due to its deadline passing. It is the standard
// library's context.DeadlineExceeded.
var DeadlineExceeded error = stdcontext.DeadlineExceeded

// An emptyCtx is never canceled, has no values, and has no deadline.
// It is the common base of backgroundCtx and todoCtx.
type emptyCtx struct{}

//go:norace
func (emptyCtx) Deadline() (deadline time.Time, ok bool) {
	return
}

//go:norace
func (emptyCtx) Done() gmp.Chan[struct{}] {
	return gmp.Chan[struct{}]{}
}

//go:norace
func (emptyCtx) Err() error {
	return nil
}

//go:norace
func (emptyCtx) Value(key any) any {
	return nil
}

type backgroundCtx struct{ emptyCtx }

//go:norace
func (backgroundCtx) String() string {
	return "context.Background"
}

type todoCtx struct{ emptyCtx }

//go:norace
func (todoCtx) String() string {
	return "context.TODO"
}

// Background returns a non-nil, empty [Context]. It is never canceled, has
// no values, and has no deadline. It is typically used by the main
// function, initialization, and tests, and as the top-level Context for
// incoming requests.
//
//go:norace
func Background() Context {
	return backgroundCtx{}
}

// TODO returns a non-nil, empty [Context]. Code should use context.TODO
// when it's unclear which Context to use or it is not yet available
// (because the surrounding function has not yet been extended to accept a
// Context parameter).
//
//go:norace
func TODO() Context {
	return todoCtx{}
}

// A CancelFunc tells an operation to abandon its work. A CancelFunc does
// not wait for the work to stop. A CancelFunc may be called by multiple
// goroutines simultaneously. After the first call, subsequent calls to a
// CancelFunc do nothing.
type CancelFunc func()

// WithCancel returns a derived context that points to the parent context
// but has a new Done channel. The returned context's Done channel is
// closed when the returned cancel function is called or when the parent
// context's Done channel is closed, whichever happens first.
//
// Canceling this context releases resources associated with it, so code
// should call cancel as soon as the operations running in this [Context]
// complete.
//
//go:norace
func WithCancel(parent Context) (ctx Context, cancel CancelFunc) {
	c := withCancel(parent)
	return c, func() { c.cancel(true, Canceled, nil) }
}

// A CancelCauseFunc behaves like a [CancelFunc] but additionally sets the
// cancellation cause. This cause can be retrieved by calling [Cause] on
// the canceled Context or on any of its derived Contexts.
//
// If the context has already been canceled, CancelCauseFunc does not set
// the cause. For example, if childContext is derived from parentContext:
//   - if parentContext is canceled with cause1 before childContext is
//     canceled with cause2, then Cause(parentContext) ==
//     Cause(childContext) == cause1
//   - if childContext is canceled with cause2 before parentContext is
//     canceled with cause1, then Cause(parentContext) == cause1 and
//     Cause(childContext) == cause2
type CancelCauseFunc func(cause error)

// WithCancelCause behaves like [WithCancel] but returns a
// [CancelCauseFunc] instead of a [CancelFunc]. Calling cancel with a
// non-nil error (the "cause") records that error in ctx; it can then be
// retrieved using Cause(ctx). Calling cancel with nil sets the cause to
// Canceled.
//
//go:norace
func WithCancelCause(parent Context) (ctx Context, cancel CancelCauseFunc) {
	c := withCancel(parent)
	return c, func(cause error) { c.cancel(true, Canceled, cause) }
}

//go:norace
func withCancel(parent Context) *cancelCtx {
	if parent == nil {
		panic("cannot create context from nil parent")
	}
	c := &cancelCtx{run: currentRun()}
	c.propagateCancel(parent, c)
	return c
}

// Cause returns a non-nil error explaining why c was canceled. The first
// cancellation of c or one of its parents sets the cause. If that
// cancellation happened via a call to CancelCauseFunc(err), then [Cause]
// returns err. Otherwise Cause(c) returns the same value as c.Err().
// Cause returns nil if c has not been canceled yet.
//
//go:norace
func Cause(c Context) error {
	err := c.Err()
	if err == nil {
		return nil
	}
	if cc, ok := c.Value(&cancelCtxKey).(*cancelCtx); ok {
		cc.mu.Lock()
		cause := cc.cause
		cc.mu.Unlock()
		if cause != nil {
			return cause
		}
		// Either this context is not canceled, or it is canceled and the
		// cancellation happened in a custom context implementation rather
		// than a *cancelCtx.
	}
	// There is no cancelCtxKey value with a cause, so we know that c is
	// not a descendant of some canceled Context created by
	// WithCancelCause. Therefore, there is no specific cause to return.
	// If this is not one of the standard Context types, it might still
	// have an error even though it won't have a cause.
	return err
}

// AfterFunc arranges to call f in its own goroutine after ctx is canceled.
// If ctx is already canceled, AfterFunc calls f immediately in its own
// goroutine.
//
// Multiple calls to AfterFunc on a context operate independently; one does
// not replace another.
//
// Calling the returned stop function stops the association of ctx with f.
// It returns true if the call stopped f from being run. If stop returns
// false, either the context is canceled and f has been started in its own
// goroutine; or f was already stopped. The stop function does not wait for
// f to complete before returning.
//
//go:norace
func AfterFunc(ctx Context, f func()) (stop func() bool) {
	a := &afterFuncCtx{
		f: f,
	}
	a.cancelCtx.run = currentRun()
	a.cancelCtx.propagateCancel(ctx, a)
	return func() bool {
		stopped := false
		a.once.Do(func() {
			stopped = true
		})
		if stopped {
			a.cancel(true, Canceled, nil)
		}
		return stopped
	}
}

type afterFuncer interface {
	AfterFunc(func()) func() bool
}

type afterFuncCtx struct {
	cancelCtx
	once sync.Once // either starts running f or stops f from running
	f    func()
}

//go:norace
func (a *afterFuncCtx) cancel(removeFromParent bool, err, cause error) {
	a.cancelCtx.cancel(false, err, cause)
	if removeFromParent {
		removeChild(a.Context, a)
	}
	a.once.Do(func() {
		gmp.Go(a.f)
	})
}

// A stopCtx is used as the parent context of a cancelCtx when an AfterFunc
// has been registered with the parent. It holds the stop function used to
// unregister the AfterFunc.
type stopCtx struct {
	Context
	stop func() bool
}

// goroutines counts the number of goroutines ever created by
// propagateCancel; for testing.
var goroutines int32

// &cancelCtxKey is the key that a cancelCtx returns itself for.
var cancelCtxKey int

// parentCancelCtx returns the underlying *cancelCtx for parent. It does
// this by looking up parent.Value(&cancelCtxKey) to find the innermost
// enclosing *cancelCtx and then checking whether parent.Done() matches
// that *cancelCtx. (If not, the *cancelCtx has been wrapped in a custom
// implementation providing a different done channel, in which case we
// should not bypass it.)
//
//go:norace
func parentCancelCtx(parent Context) (*cancelCtx, bool) {
	done := parent.Done()
	if done == closedchan() || done == (gmp.Chan[struct{}]{}) {
		return nil, false
	}
	p, ok := parent.Value(&cancelCtxKey).(*cancelCtx)
	if !ok {
		return nil, false
	}
	pdone := p.done
	if pdone != done {
		return nil, false
	}
	return p, true
}

// removeChild removes a context from its parent.
//
//go:norace
func removeChild(parent Context, child canceler) {
	if s, ok := parent.(stopCtx); ok {
		s.stop()
		return
	}
	p, ok := parentCancelCtx(parent)
	if !ok {
		return
	}
	p.mu.Lock()
	if p.children != nil {
		p.children.remove(child)
	}
	p.mu.Unlock()
}

// A canceler is a context type that can be canceled directly. The
// implementations are *cancelCtx and *timerCtx.
type canceler interface {
	cancel(removeFromParent bool, err, cause error)
	Done() gmp.Chan[struct{}]
}

// A cancelCtx can be canceled. When canceled, it also cancels any children
// that implement canceler.
type cancelCtx struct {
	Context

	mu       sync.Mutex         // protects following fields
	done     gmp.Chan[struct{}] // created lazily, closed by first cancel call
	children *childSet          // set to nil by the first cancel call
	err      error              // set to non-nil by the first cancel call
	cause    error              // set to non-nil by the first cancel call

	run uint64 // the gmp.Run it belongs to (rt.RunID)
}

//go:norace
func (c *cancelCtx) Value(key any) any {
	if key == &cancelCtxKey {
		return c
	}
	return value(c.Context, key)
}

//go:norace
func (c *cancelCtx) Done() gmp.Chan[struct{}] {
	c.checkRun()
	d := c.done
	if d != (gmp.Chan[struct{}]{}) {
		return d
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	d = c.done
	if d == (gmp.Chan[struct{}]{}) {
		d = gmp.MakeChan[struct{}](0)
		c.done = d
	}
	return d
}

//go:norace
func (c *cancelCtx) Err() error {
	c.checkRun()
	// The atomic load costs virtual time, so that a goroutine polling Err
	// in a loop (for ctx.Err() == nil {}) lets the other Ps run — as they
	// do on real hardware while it spins.
	chargeAtomic()
	// An atomic load is ~5x faster than a mutex, which can matter in
	// tight loops.
	if err := c.err; err != nil {
		// Ensure the done channel has been closed before returning a
		// non-nil error.
		c.Done().Recv()
		return err
	}
	return nil
}

// propagateCancel arranges for child to be canceled when parent is. It
// sets the parent context of cancelCtx.
//
//go:norace
func (c *cancelCtx) propagateCancel(parent Context, child canceler) {
	c.Context = parent

	done := parent.Done()
	if done == (gmp.Chan[struct{}]{}) {
		return // parent is never canceled
	}

	// select { case <-done: …; default: }
	if _, _, ok := done.TryRecv(); ok {
		// parent is already canceled
		child.cancel(false, parent.Err(), Cause(parent))
		return
	}

	if p, ok := parentCancelCtx(parent); ok {
		// parent is a *cancelCtx, or derives from one.
		p.mu.Lock()
		if err := p.err; err != nil {
			// parent has already been canceled
			child.cancel(false, err, p.cause)
		} else {
			if p.children == nil {
				p.children = new(childSet)
			}
			p.children.add(child)
		}
		p.mu.Unlock()
		return
	}

	if a, ok := parent.(afterFuncer); ok {
		// parent implements an AfterFunc method.
		c.mu.Lock()
		stop := a.AfterFunc(func() {
			child.cancel(false, parent.Err(), Cause(parent))
		})
		c.Context = stopCtx{
			Context: parent,
			stop:    stop,
		}
		c.mu.Unlock()
		return
	}

	goroutines++
	gmp.Go(func() {
		pd, cd := parent.Done().RecvCase(), child.Done().RecvCase()
		if gmp.Select(pd, cd) == 0 {
			child.cancel(false, parent.Err(), Cause(parent))
		}
	})
}

type stringer interface {
	String() string
}

//go:norace
func contextName(c Context) string {
	if s, ok := c.(stringer); ok {
		return s.String()
	}
	return reflect.TypeOf(c).String()
}

//go:norace
func (c *cancelCtx) String() string {
	return contextName(c.Context) + ".WithCancel"
}

// cancel closes c.done, cancels each of c's children, and, if
// removeFromParent is true, removes c from its parent's children. cancel
// sets c.cause to cause if this is the first time c is canceled.
//
//go:norace
func (c *cancelCtx) cancel(removeFromParent bool, err, cause error) {
	if err == nil {
		panic("context: internal error: missing cancel error")
	}
	c.checkRun()
	if cause == nil {
		cause = err
	}
	c.mu.Lock()
	if c.err != nil {
		c.mu.Unlock()
		return // already canceled
	}
	c.err = err
	c.cause = cause
	d := c.done
	if d == (gmp.Chan[struct{}]{}) {
		c.done = closedchan()
	} else {
		d.Close()
	}
	if c.children != nil {
		list := c.children.list
		if rt.Exploring() {
			// Go cancels the children in map order: the explorer
			// chooses one.
			list = slices.DeleteFunc(slices.Clone(list), func(c canceler) bool { return c == nil })
			rt.ChooseOrder(rt.SiteContext, len(list), func(i, j int) { list[i], list[j] = list[j], list[i] })
		}
		for _, child := range list {
			if child != nil {
				// NOTE: acquiring the child's lock while holding
				// parent's lock.
				child.cancel(false, err, cause)
			}
		}
	}
	c.children = nil
	c.mu.Unlock()

	if removeFromParent {
		removeChild(c.Context, c)
	}
}

// WithoutCancel returns a derived context that points to the parent
// context and is not canceled when parent is canceled. The returned
// context returns no Deadline or Err, and its Done channel is nil. Calling
// [Cause] on the returned context returns nil.
//
//go:norace
func WithoutCancel(parent Context) Context {
	if parent == nil {
		panic("cannot create context from nil parent")
	}
	return withoutCancelCtx{parent}
}

type withoutCancelCtx struct {
	c Context
}

//go:norace
func (withoutCancelCtx) Deadline() (deadline time.Time, ok bool) {
	return
}

//go:norace
func (withoutCancelCtx) Done() gmp.Chan[struct{}] {
	return gmp.Chan[struct{}]{}
}

//go:norace
func (withoutCancelCtx) Err() error {
	return nil
}

//go:norace
func (c withoutCancelCtx) Value(key any) any {
	return value(c, key)
}

//go:norace
func (c withoutCancelCtx) String() string {
	return contextName(c.c) + ".WithoutCancel"
}

// WithDeadline returns a derived context that points to the parent
// context but has the deadline adjusted to be no later than d. If the
// parent's deadline is already earlier than d, WithDeadline(parent, d) is
// semantically equivalent to parent. The returned [Context.Done] channel
// is closed when the deadline expires, when the returned cancel function
// is called, or when the parent context's Done channel is closed,
// whichever happens first. The deadline is a gmp/time AfterFunc timer: it
// expires in virtual time.
//
// Canceling this context releases resources associated with it, so code
// should call cancel as soon as the operations running in this [Context]
// complete.
//
//go:norace
func WithDeadline(parent Context, d time.Time) (Context, CancelFunc) {
	return WithDeadlineCause(parent, d, nil)
}

// WithDeadlineCause behaves like [WithDeadline] but also sets the cause of
// the returned Context when the deadline is exceeded. The returned
// [CancelFunc] does not set the cause.
//
//go:norace
func WithDeadlineCause(parent Context, d time.Time, cause error) (Context, CancelFunc) {
	if parent == nil {
		panic("cannot create context from nil parent")
	}
	if cur, ok := parent.Deadline(); ok && cur.Before(d) {
		// The current deadline is already sooner than the new one.
		return WithCancel(parent)
	}
	c := &timerCtx{
		deadline: d,
	}
	c.cancelCtx.run = currentRun()
	c.cancelCtx.propagateCancel(parent, c)
	dur := time.Until(d)
	if dur <= 0 {
		c.cancel(true, DeadlineExceeded, cause) // deadline has already passed
		return c, func() { c.cancel(false, Canceled, nil) }
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.err == nil {
		c.timer = time.AfterFunc(dur, func() {
			c.cancel(true, DeadlineExceeded, cause)
		})
	}
	return c, func() { c.cancel(true, Canceled, nil) }
}

// A timerCtx carries a timer and a deadline. It embeds a cancelCtx to
// implement Done and Err. It implements cancel by stopping its timer then
// delegating to cancelCtx.cancel.
type timerCtx struct {
	cancelCtx
	timer *time.Timer // Under cancelCtx.mu.

	deadline time.Time
}

//go:norace
func (c *timerCtx) Deadline() (deadline time.Time, ok bool) {
	return c.deadline, true
}

//go:norace
func (c *timerCtx) String() string {
	return contextName(c.cancelCtx.Context) + ".WithDeadline(" +
		c.deadline.String() + " [" +
		time.Until(c.deadline).String() + "])"
}

//go:norace
func (c *timerCtx) cancel(removeFromParent bool, err, cause error) {
	c.cancelCtx.cancel(false, err, cause)
	if removeFromParent {
		// Remove this timerCtx from its parent cancelCtx's children.
		removeChild(c.cancelCtx.Context, c)
	}
	c.mu.Lock()
	if c.timer != nil {
		c.timer.Stop()
		c.timer = nil
	}
	c.mu.Unlock()
}

// WithTimeout returns WithDeadline(parent, time.Now().Add(timeout)), on
// the virtual clock.
//
// Canceling this context releases resources associated with it, so code
// should call cancel as soon as the operations running in this [Context]
// complete:
//
//	func slowOperationWithTimeout(ctx context.Context) (Result, error) {
//		ctx, cancel := context.WithTimeout(ctx, 100*time.Millisecond)
//		defer cancel()  // releases resources if slowOperation completes before timeout elapses
//		return slowOperation(ctx)
//	}
//
//go:norace
func WithTimeout(parent Context, timeout time.Duration) (Context, CancelFunc) {
	return WithDeadline(parent, time.Now().Add(timeout))
}

// WithTimeoutCause behaves like [WithTimeout] but also sets the cause of
// the returned Context when the timeout expires. The returned [CancelFunc]
// does not set the cause.
//
//go:norace
func WithTimeoutCause(parent Context, timeout time.Duration, cause error) (Context, CancelFunc) {
	return WithDeadlineCause(parent, time.Now().Add(timeout), cause)
}

// WithValue returns a derived context that points to the parent Context.
// In the derived context, the value associated with key is val.
//
// Use context Values only for request-scoped data that transits processes
// and APIs, not for passing optional parameters to functions.
//
// The provided key must be comparable and should not be of type string or
// any other built-in type to avoid collisions between packages using
// context. Users of WithValue should define their own types for keys.
//
//go:norace
func WithValue(parent Context, key, val any) Context {
	if parent == nil {
		panic("cannot create context from nil parent")
	}
	if key == nil {
		panic("nil key")
	}
	if !reflect.TypeOf(key).Comparable() {
		panic("key is not comparable")
	}
	return &valueCtx{parent, key, val}
}

// A valueCtx carries a key-value pair. It implements Value for that key
// and delegates all other calls to the embedded Context.
type valueCtx struct {
	Context
	key, val any
}

// stringify tries a bit to stringify v, without using fmt, since we don't
// want context depending on the unicode tables. This is only used by
// *valueCtx.String().
//
//go:norace
func stringify(v any) string {
	switch s := v.(type) {
	case stringer:
		return s.String()
	case string:
		return s
	case nil:
		return "<nil>"
	}
	return reflect.TypeOf(v).String()
}

//go:norace
func (c *valueCtx) String() string {
	return contextName(c.Context) + ".WithValue(" +
		stringify(c.key) + ", " +
		stringify(c.val) + ")"
}

//go:norace
func (c *valueCtx) Value(key any) any {
	if c.key == key {
		return c.val
	}
	return value(c.Context, key)
}

//go:norace
func value(c Context, key any) any {
	for {
		switch ctx := c.(type) {
		case *valueCtx:
			if key == ctx.key {
				return ctx.val
			}
			c = ctx.Context
		case *cancelCtx:
			if key == &cancelCtxKey {
				return c
			}
			c = ctx.Context
		case withoutCancelCtx:
			if key == &cancelCtxKey {
				// This implements Cause(ctx) == nil when ctx is
				// created using WithoutCancel.
				return nil
			}
			c = ctx.c
		case *timerCtx:
			if key == &cancelCtxKey {
				return &ctx.cancelCtx
			}
			c = ctx.Context
		case backgroundCtx, todoCtx:
			return nil
		default:
			return c.Value(key)
		}
	}
}
