// Package trace mirrors runtime/trace's user annotations — tasks, regions
// and logs — for programs running on gmp's simulated runtime, so that code
// written against runtime/trace runs on gmp with an import swap
// (runtime/trace → github.com/gmplab/gmp/trace, context →
// github.com/gmplab/gmp/context).
//
// A task is a logical operation (a request, a job) that may span
// goroutines; a region is a stretch of one goroutine's work, optionally in
// a task. gmp measures both in virtual time: they appear as tasks and
// regions in the Go execution trace (gmp.Config.Trace, `go tool trace`'s
// "User-defined tasks" and "User-defined regions" pages), as the
// observe.UserTaskBegin … UserRegionEnd events, and as p50/p99 latencies
// by type in `gmp run`'s sweep table.
//
//	ctx, task := trace.NewTask(ctx, "job")
//	defer task.End()
//	trace.WithRegion(ctx, "decode", func() { gmp.Work(200 * time.Microsecond) })
//	trace.Log(ctx, "job", "done")
//
// Deviation: runtime/trace.Start, Stop and the flight recorder are absent;
// a simulation's trace is configured with gmp.Config.Trace (`gmp run
// --trace`). As in runtime/trace, regions must nest on their goroutine and
// end on the goroutine that began them; a region that breaks the rule is
// left out of the Go execution trace (whose readers would reject it)
// rather than reported.
package trace

import (
	"fmt"

	"github.com/gmplab/gmp/context"
	"github.com/gmplab/gmp/internal/rt"
)

// ids hands out task ids, from 1 in each run (runtime/trace's newID is
// process-wide; a simulation must not depend on the runs before it).
var ids struct {
	run  uint64
	next int64
}

//go:norace
func newID() int64 {
	if r := rt.RunID(); ids.run != r {
		ids.run, ids.next = r, 0
	}
	ids.next++
	return ids.next
}

// Task is a logical operation, begun by NewTask and ended by End.
type Task struct {
	id    int64
	typ   string
	start int64
	ended bool
}

type traceContextKey struct{}

// NewTask creates a task instance of type taskType and returns it with a
// Context that carries it. If pctx carries a task, the new task is its
// child. End the task with Task.End.
//
// Models runtime/trace.NewTask.
//
//go:norace
func NewTask(pctx context.Context, taskType string) (ctx context.Context, task *Task) {
	pid := fromContext(pctx).id
	id := newID()
	start := rt.UserTaskBegin(id, pid, taskType)
	s := &Task{id: id, typ: taskType, start: start}
	return context.WithValue(pctx, traceContextKey{}, s), s
}

// End marks the end of the operation the task stands for. Deviation:
// runtime/trace records every End; gmp records the first, so that a
// task's latency is counted once.
//
//go:norace
func (t *Task) End() {
	if t == nil || t.ended || t.id == 0 {
		return
	}
	t.ended = true
	rt.UserTaskEnd(t.id, t.typ, t.start)
}

var bgTask = Task{id: 0}

// fromContext returns the task in ctx, or the background task.
//
//go:norace
func fromContext(ctx context.Context) *Task {
	if ctx != nil {
		if s, ok := ctx.Value(traceContextKey{}).(*Task); ok {
			return s
		}
	}
	return &bgTask
}

// Region is a stretch of one goroutine's execution, begun by StartRegion
// and ended by End.
type Region struct {
	task  int64
	typ   string
	goid  int64
	start int64
	ended bool
}

// StartRegion starts a region of type regionType on the calling goroutine,
// in the task ctx carries (or the background task), and returns it. End it
// on the same goroutine, in last-in first-out order with the goroutine's
// other regions:
//
//	defer trace.StartRegion(ctx, "myTracedRegion").End()
//
// Models runtime/trace.StartRegion.
//
//go:norace
func StartRegion(ctx context.Context, regionType string) *Region {
	task := fromContext(ctx).id
	goid, start := rt.UserRegionBegin(task, regionType)
	return &Region{task: task, typ: regionType, goid: goid, start: start}
}

// End marks the end of the region. Calling it twice, or on a nil Region,
// does nothing.
//
//go:norace
func (r *Region) End() {
	if r == nil || r.ended {
		return
	}
	r.ended = true
	rt.UserRegionEnd(r.task, r.typ, r.start)
}

// WithRegion runs fn in a region of type regionType on the calling
// goroutine, in the task ctx carries. Models runtime/trace.WithRegion.
//
//go:norace
func WithRegion(ctx context.Context, regionType string, fn func()) {
	r := StartRegion(ctx, regionType)
	defer r.End()
	fn()
}

// Log emits a one-off event with the given category and message, in the
// task ctx carries. Category may be empty. Models runtime/trace.Log.
//
//go:norace
func Log(ctx context.Context, category, message string) {
	rt.UserLog(fromContext(ctx).id, category, message)
}

// Logf is like Log, but the message is formatted with fmt.Sprintf.
//
//go:norace
func Logf(ctx context.Context, category, format string, args ...any) {
	if !rt.UserTraceEnabled() {
		return // as runtime/trace: no formatting when nobody listens
	}
	Log(ctx, category, fmt.Sprintf(format, args...))
}

// IsEnabled reports whether the annotations are being recorded: whether
// an observer of the run (a Go execution trace, the HTML report, the
// sweep's latency table) receives them. Like the other calls, it must be
// called from a simulated goroutine.
//
//go:norace
func IsEnabled() bool { return rt.UserTraceEnabled() }
