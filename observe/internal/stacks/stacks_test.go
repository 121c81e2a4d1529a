package stacks

import (
	"runtime"
	"slices"
	"testing"
)

//go:noinline
func outer() []uintptr { return middle() }

func middle() []uintptr { return inner() } // inlined into outer

func inner() []uintptr { // inlined too
	pcs := make([]uintptr, 32)
	return pcs[:runtime.Callers(1, pcs)]
}

// TestAppendExpandsInlinedFrames checks that Append shows inlined calls as
// frames, once each. (internal/rt's tests check that its frame-pointer
// stacks symbolize like runtime.Callers'.)
func TestAppendExpandsInlinedFrames(t *testing.T) {
	var got []string
	for _, f := range NewTable().Append(nil, outer()) {
		got = append(got, f.Func)
	}
	const pkg = "github.com/gmplab/gmp/observe/internal/stacks."
	want := []string{pkg + "inner", pkg + "middle", pkg + "outer", pkg + "TestAppendExpandsInlinedFrames", "testing.tRunner"}
	if !slices.Equal(got, want) {
		t.Fatalf("frames:\n got %q\nwant %q", got, want)
	}
}

func TestIsAPI(t *testing.T) {
	for fn, want := range map[string]bool{
		"github.com/gmplab/gmp.Work":                         true,
		"github.com/gmplab/gmp.(*Chan[...]).Recv":            true,
		"github.com/gmplab/gmp/sync.(*Mutex).Lock":           true,
		"github.com/gmplab/gmp/scenarios.runSpawn100k.func1": false,
		"github.com/gmplab/gmp/internal/rt.Work":             false,
		"main.main":                                          false,
	} {
		if IsAPI(fn) != want {
			t.Errorf("IsAPI(%q) = %v", fn, !want)
		}
	}
}
