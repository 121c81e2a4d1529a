package scenarios

import (
	"errors"
	"fmt"
	"strings"
	stdtime "time"

	"github.com/gmplab/gmp"
	"github.com/gmplab/gmp/context"
	"github.com/gmplab/gmp/errgroup"
	"github.com/gmplab/gmp/internal/hostlog"
	"github.com/gmplab/gmp/time"
)

func init() {
	Register(&Scenario{
		Name:    "errgroup-leak",
		Section: "§5",
		Summary: "a fan-out that leaks goroutines on the first error, and the errgroup.WithContext version that does not",
		Doc: `The article's goroutine leak: a handler fans out 8 fetches whose results
go to an unbuffered channel, and returns on the first error without
reading the rest — the remaining fetchers block forever on their send, and
the server goes on with them still parked. gmp reports them as leaks
when main returns, with their stacks, as goleak would. The fixed version runs the fetches in an
errgroup.WithContext group: the first error cancels the context, every
fetcher selects on ctx.Done() as well as its send, and Wait returns only
when all of them have finished — no leak.`,
		Procs: 4,
		Runs:  []string{"leaking", "errgroup"},
		Run:   runErrgroupLeak,
	})
	Register(&Scenario{
		Name:    "cancel-cause",
		Section: "§5",
		Summary: "context.WithCancelCause + errgroup: a failure deep in a tree of goroutines, and its cause reaching every one of them",
		Doc: `A request handler starts an errgroup of three services; each starts two
workers in its own errgroup under the group's context. One worker fails
after 3ms with a specific error. The first error cancels its group's
context with that error as the cause, cancellation propagates down and up
the tree (the request's WithCancelCause context is canceled by the
failing group's Wait), and every goroutine observes ctx.Err() ==
context.Canceled and context.Cause(ctx) == the original error. The report
lists when each goroutine saw the cancellation and what cause it read.`,
		Procs: 4,
		Runs:  []string{"cancel-cause"},
		Run:   runCancelCause,
	})
}

var errFetch = errors.New("fetch shard 3: connection reset")

// fetch pretends to fetch shard i: network wait, then a result or an
// error for shard 3.
func fetch(i int) (string, error) {
	gmp.NetWait(stdtime.Duration(1+i) * stdtime.Millisecond)
	if i == 3 {
		return "", errFetch
	}
	return fmt.Sprint("shard", i), nil
}

func runErrgroupLeak(r *Runner) error {
	r.Printf("errgroup-leak (§5): fan out 8 fetches; shard 3 fails after 4ms\n")
	res, err := r.Sim("leaking", nil, func() {
		type result struct {
			v   string
			err error
		}
		handler := func() error {
			results := gmp.MakeChan[result](0)
			for i := range 8 {
				gmp.Go(func() {
					v, err := fetch(i)
					results.Send(result{v, err}) // blocks forever once nobody reads
				})
			}
			for range 8 {
				if res := results.Recv(); res.err != nil {
					return res.err // give up on the first error
				}
			}
			return nil
		}
		handler()
		time.Sleep(20 * stdtime.Millisecond) // the server goes on running
	})
	if err != nil {
		return err
	}
	leaks := res.Leaks
	r.Printf("\nleaking version: %d goroutines still alive when main returned:\n", len(res.Leaks))
	for _, l := range res.Leaks {
		r.Printf("  goroutine %d [%s] — %s\n", l.Goid, l.Status, firstFrame(l.Dump))
	}
	if len(res.Leaks) > 0 {
		r.Printf("\n  one of them in full:\n")
		for _, line := range strings.Split(strings.TrimSpace(res.Leaks[0].Dump), "\n") {
			r.Printf("    %s\n", line)
		}
	}

	var waitErr error
	res, err = r.Sim("errgroup", nil, func() {
		g, ctx := errgroup.WithContext(context.Background())
		results := gmp.MakeChan[string](0)
		for i := range 8 {
			g.Go(func() error {
				v, err := fetch(i)
				if err != nil {
					return err
				}
				send := results.SendCase(v)
				if gmp.Select(send, ctx.Done().RecvCase()) == 1 {
					return ctx.Err()
				}
				return nil
			})
		}
		gmp.Go(func() {
			for range results.All() {
			}
		})
		waitErr = g.Wait()
		results.Close()
		time.Sleep(20 * stdtime.Millisecond) // the server goes on running
	})
	if err != nil {
		return err
	}
	leaked := len(leaks)
	r.Printf("\nerrgroup version: Wait returned %q; %d goroutines alive when main returned\n", waitErr, len(res.Leaks))
	if leaked > 0 {
		r.Printf("\nThe leak is visible to tests: Config.LeakIsError turns it into an error, and\n")
		r.Printf("each leaked goroutine's dump says where it blocked and who started it.\n")
	}
	return nil
}

// firstFrame returns the first function named in a goroutine dump.
func firstFrame(dump string) string {
	lines := strings.Split(dump, "\n")
	if len(lines) > 1 {
		return strings.TrimSpace(lines[1])
	}
	return ""
}

func runCancelCause(r *Runner) error {
	type seen struct {
		who   string
		at    stdtime.Duration
		err   error
		cause error
	}
	var obsLog hostlog.Log[seen]
	var waitErr, reqCause error
	_, err := r.Sim("cancel-cause", nil, func() {
		start := time.Now()
		req, cancelReq := context.WithCancelCause(context.Background())
		defer cancelReq(nil)
		g, gctx := errgroup.WithContext(req)
		watch := func(who string, ctx context.Context) {
			ctx.Done().Recv()
			obsLog.Add(seen{who, time.Since(start), ctx.Err(), context.Cause(ctx)})
		}
		for s := range 3 {
			g.Go(func() error {
				sg, sctx := errgroup.WithContext(gctx)
				for w := range 2 {
					sg.Go(func() error {
						if s == 1 && w == 0 {
							time.Sleep(3 * stdtime.Millisecond)
							return fmt.Errorf("service %d worker %d: %w", s, w, errFetch)
						}
						watch(fmt.Sprintf("service %d worker %d", s, w), sctx)
						return sctx.Err()
					})
				}
				err := sg.Wait()
				watch(fmt.Sprintf("service %d", s), sctx)
				return err
			})
		}
		waitErr = g.Wait()
		cancelReq(waitErr)
		reqCause = context.Cause(req)
	})
	if err != nil {
		return err
	}
	obs := obsLog.Get()
	r.Printf("cancel-cause (§5): 3 services × 2 workers; service 1 worker 0 fails at 3ms\n\n")
	r.Printf("  %-20s %10s %-18s %s\n", "goroutine", "saw it at", "ctx.Err()", "context.Cause(ctx)")
	for _, o := range obs {
		r.Printf("  %-20s %10s %-18v %v\n", o.who, dur(o.at.Nanoseconds()), o.err, o.cause)
	}
	r.Printf("\n  errgroup Wait: %v\n  request context's cause: %v (errors.Is(cause, errFetch) = %v)\n", waitErr, reqCause, errors.Is(reqCause, errFetch))
	same := len(obs) > 0
	for _, o := range obs {
		same = same && errors.Is(o.cause, errFetch) && o.cause == obs[0].cause && errors.Is(o.err, context.Canceled)
	}
	if same {
		r.Printf("\nEvery goroutine read the same cause: the first error of the innermost\n")
		r.Printf("group, passed as the cause to its cancel and inherited by everything\n")
		r.Printf("derived from that context; ctx.Err() stayed context.Canceled, the std value.\n")
	} else {
		r.Printf("\nThe goroutines did not all read the failing worker's error as the cause\n")
		r.Printf("(see the table).\n")
	}
	return nil
}
