package context

import (
	stdcontext "context"
	"sync"

	"github.com/gmplab/gmp/time"
)

// ToStd returns a standard context.Context that follows ctx: the bridge
// the translator puts where translated code passes a context to the
// untranslated standard library (http.NewRequestWithContext, slog's
// …Context functions, os/exec.CommandContext). Its Done channel is a real
// channel, closed when ctx is canceled (from inside the simulation, by a
// context.AfterFunc, which never blocks); Deadline and Value are ctx's.
// A standard API that blocks on Done would still block the simulation:
// the bridge is for APIs that only carry or check the context.
//
//go:norace
func ToStd(ctx Context) stdcontext.Context {
	if ctx == nil {
		return nil
	}
	if ctx.Done().IsNil() {
		return bridge{ctx: ctx} // never canceled: a nil Done, as Background's
	}
	b := bridge{ctx: ctx, done: make(chan struct{}), once: new(sync.Once)}
	AfterFunc(ctx, func() { b.once.Do(func() { close(b.done) }) })
	return b
}

type bridge struct {
	ctx  Context
	done chan struct{}
	once *sync.Once
}

//go:norace
func (b bridge) Deadline() (time.Time, bool) { return b.ctx.Deadline() }

//go:norace
func (b bridge) Done() <-chan struct{} { return b.done }

// Err reports ctx's error once the bridge's Done is closed, so that the
// two agree for a standard-library reader.
//
//go:norace
func (b bridge) Err() error {
	if b.done == nil {
		return nil
	}
	select {
	case <-b.done:
		return b.ctx.Err()
	default:
		return nil
	}
}

//go:norace
func (b bridge) Value(key any) any { return b.ctx.Value(key) }
