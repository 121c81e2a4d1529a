package racereport

import (
	"os"
	"strings"
	"testing"
)

// The fixtures are the standard error of native programs run with
// go run -race (Go 1.26): the detector's own output, not gmp's.

func TestParseNative(t *testing.T) {
	out, err := os.ReadFile("testdata/multi.txt")
	if err != nil {
		t.Fatal(err)
	}
	rs := Parse(string(out))
	if len(rs) != 2 {
		t.Fatalf("got %d reports, want 2", len(rs))
	}
	r := rs[0]
	if r.Current.Write || !r.Previous.Write {
		t.Errorf("kinds: current write=%v previous write=%v, want read then write", r.Current.Write, r.Previous.Write)
	}
	if r.Current.Goid != 7 || r.Previous.Goid != 8 || r.Current.Addr != 0x5a9a90 {
		t.Errorf("goroutines %d %d addr %#x", r.Current.Goid, r.Previous.Goid, r.Current.Addr)
	}
	if got := Site(r.Current.Stack); got.Func != "main.(*T).work" || got.Line != 9 || !strings.HasSuffix(got.File, "/main.go") {
		t.Errorf("current site %v", got)
	}
	if got := Site(r.Previous.Stack); got.Func != "main.worker" || got.Line != 12 {
		t.Errorf("previous site %v", got)
	}
	if len(r.Current.Created) != 1 || r.Current.Created[0].Line != 21 || !r.Current.Running {
		t.Errorf("current created %v running %v", r.Current.Created, r.Current.Running)
	}
	if len(r.Previous.Created) != 1 || r.Previous.Created[0].Line != 22 || r.Previous.Running {
		t.Errorf("previous created %v running %v", r.Previous.Created, r.Previous.Running)
	}
	// The map race: the runtime's frame is not the site.
	m := rs[1]
	if !m.Previous.Main || m.Previous.Created != nil {
		t.Errorf("previous access should be the main goroutine's: %+v", m.Previous)
	}
	if got := Site(m.Current.Stack); got.Func != "main.main.func1" || got.Line != 26 {
		t.Errorf("map race current site %v", got)
	}
	if got := Site(m.Previous.Stack); got.Func != "main.main" || got.Line != 27 {
		t.Errorf("map race previous site %v", got)
	}
	if !strings.HasPrefix(m.Text, "WARNING: DATA RACE") || !strings.Contains(m.Text, "mapassign_fast64") {
		t.Errorf("text %q", m.Text)
	}
}

func TestSignatureSymmetric(t *testing.T) {
	out, err := os.ReadFile("testdata/closesend.txt")
	if err != nil {
		t.Fatal(err)
	}
	rs := Parse(string(out))
	if len(rs) != 1 {
		t.Fatalf("got %d reports", len(rs))
	}
	r := rs[0]
	want := "data race: read at main.main.func1 (main.go:8) / write at main.main.func2 (main.go:11)"
	if got := r.Signature(); got != want {
		t.Errorf("signature %q, want %q", got, want)
	}
	r.Current, r.Previous = r.Previous, r.Current
	if got := r.Signature(); got != want {
		t.Errorf("swapped signature %q, want %q", got, want)
	}
}

func TestParseTruncated(t *testing.T) {
	out, err := os.ReadFile("testdata/multi.txt")
	if err != nil {
		t.Fatal(err)
	}
	s := string(out)
	cut := s[:strings.LastIndex(s, "Goroutine 9")]
	if rs := Parse(cut); len(rs) != 1 {
		t.Errorf("a report cut short must be dropped: got %d", len(rs))
	}
}

func TestInternal(t *testing.T) {
	for _, c := range []struct {
		fn   string
		want bool
	}{
		{"runtime.chansend", true},
		{"github.com/gmplab/gmp.Chan[go.shape.int].Send", true},
		{"github.com/gmplab/gmp/internal/rt.gbody", true},
		{"github.com/gmplab/gmp/sync.(*WaitGroup).Add", true},
		{"github.com/gmplab/gmp/internal/racesuite.counter.func1", false},
		{"github.com/gmplab/gmp/synchro.F", false},
		{"main.main", false},
	} {
		if got := Internal(Frame{Func: c.fn}); got != c.want {
			t.Errorf("Internal(%s) = %v", c.fn, got)
		}
	}
}
