package rt

import (
	"runtime"
	"slices"
	"testing"
)

func frameNames(pcs []uintptr) []string {
	var out []string
	frames := runtime.CallersFrames(pcs)
	for {
		f, more := frames.Next()
		out = append(out, f.Function)
		if !more {
			break
		}
	}
	return out
}

type suffixChecker struct {
	t       *testing.T
	checked int
	inlined int
}

func (c *suffixChecker) WantStacks() bool { return true }

// Event checks that the frames fpcallers captured are the outer part of
// what runtime.Callers sees from inside the observer (which runs on the
// same goroutine, deeper).
func (c *suffixChecker) Event(ev *Event) {
	if len(ev.Stack) == 0 || (ev.Kind != EvWork && ev.Kind != EvGoCreate && ev.Kind != EvUserLog) {
		return
	}
	var buf [128]uintptr
	n := runtime.Callers(1, buf[:])
	all := frameNames(buf[:n])
	got := frameNames(ev.Stack)
	if len(got) > len(all) || !slices.Equal(all[len(all)-len(got):], got) {
		c.t.Errorf("%v: frame-pointer stack\n%q\nis not a suffix of runtime.Callers'\n%q", ev.Kind, got, all)
	}
	c.checked++
	if slices.Contains(got, "github.com/gmplab/gmp/internal/rt.inlinedWork") {
		c.inlined++
	}
}

//go:noinline
func deepWork(n int) {
	if n == 0 {
		inlinedWork() // inlined: CallersFrames must expand it from the return PC
		Log("x", "y")
		return
	}
	deepWork(n - 1)
}

func inlinedWork() { Work(1000) }

func TestFPCallersMatchRuntimeCallers(t *testing.T) {
	if raceBuild {
		t.Skip("under -race observers run on the event loop's goroutine, not on the stack they describe")
	}
	c := &suffixChecker{t: t}
	_, err := Run(Config{Procs: 2, Costs: DefaultCosts(), Observers: []Observer{c}}, func() {
		for i := range 3 {
			Go(func() { deepWork(i * 3) }, 1)
		}
		deepWork(5)
		Sleep(1e6)
	})
	if err != nil {
		t.Fatal(err)
	}
	if c.inlined == 0 {
		t.Error("no stack went through the inlined frame")
	}
	if c.checked < 8 {
		t.Fatalf("checked only %d stacks", c.checked)
	}
}

//go:noinline
func atDepth(n int, f func()) {
	if n == 0 {
		f()
		return
	}
	atDepth(n-1, f)
}

// BenchmarkCallerStack compares the event stack capture (a frame-pointer
// walk) with runtime.Callers, which it replaced, 16 frames deep.
func BenchmarkCallerStack(b *testing.B) {
	var buf [maxEventStack]uintptr
	b.Run("fpcallers", func(b *testing.B) {
		atDepth(16, func() {
			for b.Loop() {
				fpcallers(buf[:])
			}
		})
	})
	b.Run("runtime.Callers", func(b *testing.B) {
		atDepth(16, func() {
			for b.Loop() {
				runtime.Callers(2, buf[:])
			}
		})
	})
}
