package trace_test

import (
	"bytes"
	"errors"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	xtrace "golang.org/x/exp/trace"

	"github.com/gmplab/gmp"
	"github.com/gmplab/gmp/context"
	"github.com/gmplab/gmp/observe"
	"github.com/gmplab/gmp/sync"
	"github.com/gmplab/gmp/trace"
)

// jobs runs n jobs on 2 workers, each job a task with a "decode" region
// and a nested "store" region, job i taking (i+1)×100µs of decode work.
func jobs(n int) func() {
	return func() {
		ctx := context.Background()
		var wg sync.WaitGroup
		work := gmp.MakeChan[int](n)
		for i := range n {
			work.Send(i)
		}
		work.Close()
		for range 2 {
			wg.Go(func() {
				for i := range work.All() {
					ctx, task := trace.NewTask(ctx, "job")
					trace.Logf(ctx, "job", "id=%d", i)
					trace.WithRegion(ctx, "decode", func() {
						gmp.Work(time.Duration(i+1) * 100 * time.Microsecond)
						r := trace.StartRegion(ctx, "store")
						gmp.Syscall(50 * time.Microsecond)
						r.End()
					})
					task.End()
				}
			})
		}
		wg.Wait()
	}
}

// userEvents records the annotations as the runtime reports them.
type userEvents struct{ evs []observe.Event }

func (u *userEvents) Kinds() observe.KindSet {
	return observe.KindsOf(observe.UserTaskBegin, observe.UserTaskEnd, observe.UserRegionBegin, observe.UserRegionEnd, observe.UserLog)
}
func (u *userEvents) Event(ev *observe.Event) { e := *ev; e.Stack = nil; u.evs = append(u.evs, e) }

// TestTasksInGoTrace: tasks, regions and logs reach the Go execution trace
// as x/exp/trace reads them — each task with its type, begin and end at
// the virtual times the runtime reported, its regions nested, its logs —
// and the durations the runtime reports are the trace's.
func TestTasksInGoTrace(t *testing.T) {
	const n = 6
	var buf bytes.Buffer
	obs := &userEvents{}
	if _, err := gmp.Run(gmp.Config{Procs: 2, Trace: &buf, Observers: []observe.Observer{obs}}, jobs(n)); err != nil {
		t.Fatal(err)
	}
	r, err := xtrace.NewReader(&buf)
	if err != nil {
		t.Fatal(err)
	}
	type span struct{ begin, end xtrace.Time }
	tasks := map[xtrace.TaskID]*span{}
	regions := map[string][]time.Duration{}
	open := map[xtrace.GoID][]xtrace.Time{}
	logs := 0
	for {
		ev, err := r.ReadEvent()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			t.Fatal(err)
		}
		switch ev.Kind() {
		case xtrace.EventTaskBegin:
			tk := ev.Task()
			if tk.Type != "job" || tk.Parent != xtrace.NoTask {
				t.Errorf("task %+v", tk)
			}
			tasks[tk.ID] = &span{begin: ev.Time()}
		case xtrace.EventTaskEnd:
			tasks[ev.Task().ID].end = ev.Time()
		case xtrace.EventRegionBegin:
			open[ev.Goroutine()] = append(open[ev.Goroutine()], ev.Time())
		case xtrace.EventRegionEnd:
			st := open[ev.Goroutine()]
			regions[ev.Region().Type] = append(regions[ev.Region().Type], time.Duration(ev.Time()-st[len(st)-1]))
			open[ev.Goroutine()] = st[:len(st)-1]
			if ev.Region().Task == xtrace.BackgroundTask {
				t.Errorf("region %q outside its task", ev.Region().Type)
			}
		case xtrace.EventLog:
			if l := ev.Log(); l.Category == "job" && strings.HasPrefix(l.Message, "id=") && l.Task != xtrace.BackgroundTask {
				logs++
			}
		}
	}
	if len(tasks) != n || logs != n || len(regions["decode"]) != n || len(regions["store"]) != n {
		t.Fatalf("trace has %d tasks, %d logs, regions %v; want %d of each", len(tasks), logs, regions, n)
	}
	// The runtime's reported durations are the trace's intervals, to a few
	// ns: the reader moves events that share a timestamp 1 ns apart.
	near := func(a, b time.Duration) bool { return a-b < 10 && b-a < 10 }
	var fromEvents = map[string][]time.Duration{}
	for _, e := range obs.evs {
		switch e.Kind {
		case observe.UserTaskEnd:
			sp := tasks[xtrace.TaskID(e.Arg)]
			if got := time.Duration(sp.end - sp.begin); !near(got, time.Duration(e.Arg2)) {
				t.Errorf("task %d: trace says %v, the event %v", e.Arg, got, time.Duration(e.Arg2))
			}
		case observe.UserRegionEnd:
			fromEvents[e.Reason] = append(fromEvents[e.Reason], time.Duration(e.Arg2))
		}
	}
	for typ, ds := range regions {
		for i, d := range ds {
			if i >= len(fromEvents[typ]) || !near(d, fromEvents[typ][i]) {
				t.Errorf("region %s: trace %v, events %v", typ, ds, fromEvents[typ])
				break
			}
		}
	}
	// A decode region lasts its Work plus the syscall at least.
	for _, d := range regions["decode"] {
		if d < 150*time.Microsecond {
			t.Errorf("decode region of %v, shorter than its work", d)
		}
	}
}

// TestMisnestedRegion: a region ended out of order is left out, and the
// trace stays readable (its readers reject a misnested end).
func TestMisnestedRegion(t *testing.T) {
	var buf bytes.Buffer
	_, err := gmp.Run(gmp.Config{Procs: 1, Trace: &buf}, func() {
		ctx := context.Background()
		a := trace.StartRegion(ctx, "a")
		b := trace.StartRegion(ctx, "b")
		a.End() // wrong order
		b.End()
		var r2 *trace.Region
		done := gmp.MakeChan[int](0)
		gmp.Go(func() { r2 = trace.StartRegion(ctx, "other"); done.Send(1) })
		done.Recv()
		r2.End() // on another goroutine
		trace.WithRegion(ctx, "ok", func() { gmp.Work(time.Microsecond) })
	})
	if err != nil {
		t.Fatal(err)
	}
	r, err := xtrace.NewReader(&buf)
	if err != nil {
		t.Fatal(err)
	}
	ends := map[string]int{}
	for {
		ev, err := r.ReadEvent()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			t.Fatalf("the trace does not read: %v", err)
		}
		if ev.Kind() == xtrace.EventRegionEnd {
			ends[ev.Region().Type]++
		}
	}
	if ends["ok"] != 1 || ends["b"] != 1 || ends["a"] != 0 || ends["other"] != 0 {
		t.Errorf("region ends %v, want b and ok", ends)
	}
}

// TestIsEnabled: annotations are recorded only when some observer
// listens, and task ids start at 1 in every run.
func TestIsEnabled(t *testing.T) {
	var on, off bool
	gmp.Run(gmp.Config{}, func() { off = trace.IsEnabled() })
	obs := &userEvents{}
	for range 2 {
		obs.evs = nil
		gmp.Run(gmp.Config{Observers: []observe.Observer{obs}}, func() {
			on = trace.IsEnabled()
			_, task := trace.NewTask(context.Background(), "x")
			task.End()
			task.End() // counted once
		})
		if len(obs.evs) != 2 || obs.evs[0].Arg != 1 || obs.evs[1].Kind != observe.UserTaskEnd {
			t.Errorf("events %+v, want task 1 begun and ended once", obs.evs)
		}
	}
	if off || !on {
		t.Errorf("IsEnabled: %v without observers, %v with", off, on)
	}
}

// TestGoToolTrace: go tool trace's task summary lists the tasks.
func TestGoToolTrace(t *testing.T) {
	if testing.Short() {
		t.Skip("runs go tool trace")
	}
	f := filepath.Join(t.TempDir(), "t.trace")
	if _, err := gmp.Run(gmp.Config{Procs: 2, TraceFile: f}, jobs(3)); err != nil {
		t.Fatal(err)
	}
	out, err := exec.Command("go", "tool", "trace", "-d=parsed", f).CombinedOutput()
	if err != nil {
		t.Fatalf("go tool trace: %v\n%s", err, out)
	}
	if c := strings.Count(string(out), "TaskBegin"); c != 3 {
		t.Errorf("go tool trace -d=parsed shows %d TaskBegin, want 3", c)
	}
	_ = os.Remove(f)
}
