package context_test

import (
	"errors"
	"fmt"

	"github.com/gmplab/gmp"
	"github.com/gmplab/gmp/context"
	"github.com/gmplab/gmp/time"
)

// This example demonstrates the use of a cancelable context to prevent a
// goroutine leak. By the end of the example function, the goroutine
// started by gen will return without leaking.
func ExampleWithCancel() {
	res, _ := gmp.Run(gmp.Config{Procs: 2}, func() {
		// gen generates integers in a separate goroutine and sends them
		// to the returned channel. The callers of gen need to cancel the
		// context once they are done consuming generated integers not to
		// leak the internal goroutine started by gen.
		gen := func(ctx context.Context) gmp.Chan[int] {
			dst := gmp.MakeChan[int](0)
			n := 1
			gmp.Go(func() {
				done, send := ctx.Done().RecvCase(), dst.SendCase(0)
				for {
					send.V = n
					switch gmp.Select(done, send) {
					case 0:
						return // returning not to leak the goroutine
					case 1:
						n++
					}
				}
			})
			return dst
		}

		ctx, cancel := context.WithCancel(context.Background())
		defer cancel() // cancel when we are finished consuming integers

		for n := range gen(ctx).All() {
			fmt.Println(n)
			if n == 5 {
				break
			}
		}
		cancel()
		// The generator returns as soon as it runs again. (Without this
		// pause main would exit first, and the run would report the
		// goroutine as leaked: it is runnable, but has not run yet.)
		time.Sleep(time.Millisecond)
	})
	fmt.Println("leaked goroutines:", len(res.Leaks))
	// Output:
	// 1
	// 2
	// 3
	// 4
	// 5
	// leaked goroutines: 0
}

// This example passes a context with a deadline to tell a blocking
// function that it should abandon its work as soon as it gets to it. The
// deadline is virtual: the example takes no wall time.
func ExampleWithDeadline() {
	gmp.Run(gmp.Config{}, func() {
		neverReady := gmp.MakeChan[struct{}](0) // never closed
		d := time.Now().Add(50 * time.Millisecond)
		ctx, cancel := context.WithDeadline(context.Background(), d)

		// Even though ctx will be expired, it is good practice to call
		// its cancellation function in any case. Failure to do so may
		// keep the context and its parent alive longer than necessary.
		defer cancel()

		switch gmp.Select(neverReady.RecvCase(), ctx.Done().RecvCase()) {
		case 0:
			fmt.Println("ready")
		case 1:
			fmt.Println(ctx.Err())
			fmt.Println("late by less than 1.1ms:", time.Since(d) < 1100*time.Microsecond)
		}
	})
	// Output:
	// context deadline exceeded
	// late by less than 1.1ms: true
}

// This example passes a context with a timeout to tell a blocking function
// that it should abandon its work after the timeout elapses, and gives the
// timeout a cause.
func ExampleWithTimeoutCause() {
	gmp.Run(gmp.Config{}, func() {
		errSlow := errors.New("backend too slow")
		ctx, cancel := context.WithTimeoutCause(context.Background(), time.Second, errSlow)
		defer cancel()

		reply := gmp.MakeChan[string](1)
		gmp.Go(func() {
			time.Sleep(3 * time.Second) // a slow backend
			reply.Send("pong")
		})
		switch gmp.Select(reply.RecvCase(), ctx.Done().RecvCase()) {
		case 0:
			fmt.Println("reply")
		case 1:
			fmt.Println(ctx.Err())
			fmt.Println(context.Cause(ctx))
		}
	})
	// Output:
	// context deadline exceeded
	// backend too slow
}

// This example demonstrates how a value can be passed to the context and
// also how to retrieve it if it exists.
func ExampleWithValue() {
	type favContextKey string

	f := func(ctx context.Context, k favContextKey) {
		if v := ctx.Value(k); v != nil {
			fmt.Println("found value:", v)
			return
		}
		fmt.Println("key not found:", k)
	}

	k := favContextKey("language")
	ctx := context.WithValue(context.Background(), k, "Go")

	f(ctx, k)
	f(ctx, favContextKey("color"))

	// Output:
	// found value: Go
	// key not found: color
}

// This example shows the cause of a cancellation reaching every goroutine
// working under the context, and AfterFunc running cleanup in a goroutine
// of its own.
func ExampleAfterFunc() {
	gmp.Run(gmp.Config{Procs: 1}, func() {
		ctx, cancel := context.WithCancelCause(context.Background())
		done := gmp.MakeChan[string](3)
		for i := range 3 {
			gmp.Go(func() {
				ctx.Done().Recv()
				done.Send(fmt.Sprintf("worker %d: %v", i, context.Cause(ctx)))
			})
		}
		stop := context.AfterFunc(ctx, func() { done.Send("cleanup") })
		defer stop()
		gmp.Gosched() // let the workers block
		cancel(errors.New("config changed"))
		for range 4 {
			fmt.Println(done.Recv())
		}
	})
	// Unordered output:
	// worker 0: config changed
	// worker 1: config changed
	// worker 2: config changed
	// cleanup
}
