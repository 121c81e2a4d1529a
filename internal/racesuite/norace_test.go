package racesuite

import (
	"go/ast"
	"go/parser"
	"go/token"
	"os/exec"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"testing"
)

// instrumented are the functions of the simulator that are compiled with
// race instrumentation on purpose: each is where a program's own access or
// synchronisation happens (the go statement, a channel send's read of the
// value, the sync wrappers that call Go's race annotations), so that a report
// shows the user's line and the detector sees the edge in the user's
// goroutine. Everything else the simulator runs is //go:norace: its own
// state is shared by every simulated goroutine and would otherwise be
// reported, and its accesses would fill the detector's history.
var instrumented = []string{
	"chan.go: Chan.Close",
	"chan.go: Chan.Send",
	"chan.go: Chan.TrySend",
	"chan.go: Select",
	"errgroup/errgroup.go: (*Group).start",
	"gmp.go: Go",
	"internal/rt/race_on.go: RaceRead",
	"internal/rt/race_on.go: RaceWrite",
	"run.go: Run",
	"sync/waitgroup.go: (*WaitGroup).Add",
	"sync/waitgroup.go: (*WaitGroup).Done",
	"sync/waitgroup.go: (*WaitGroup).Go",
	"sync/waitgroup.go: (*WaitGroup).Wait",
}

// simPackages are the directories (relative to the module root) whose
// non-test files are the simulator; "." is the gmp package itself.
// sync/atomic is left out: its functions are the std ones, and an atomic
// is a synchronisation the detector must see.
var simPackages = []string{
	".", "context", "errgroup", "internal/link", "internal/progrand", "internal/rt",
	"internal/gmpdebug", "maps", "math/rand", "math/rand/v2", "observe", "sync", "time", "trace",
	"gmptest", "gmprun", "internal/explore",
}

// TestNorace checks that every function of the simulator carries
// //go:norace, apart from the instrumented list above.
func TestNorace(t *testing.T) {
	_, self, _, _ := runtime.Caller(0)
	root := filepath.Join(filepath.Dir(self), "..", "..")
	out, err := exec.Command("git", "-C", root, "ls-files", "*.go").Output()
	if err != nil {
		t.Skipf("needs the git checkout: %v", err)
	}
	var missing, seen []string
	fset := token.NewFileSet()
	for _, name := range strings.Fields(string(out)) {
		if strings.HasSuffix(name, "_test.go") || strings.Contains(name, "/testdata/") || strings.Contains(name, "/internal/testprog") || strings.HasPrefix(name, "gmptest/corpus/") {
			continue
		}
		dir := filepath.ToSlash(filepath.Dir(name))
		inSim := false
		for _, p := range simPackages {
			if dir == p || (p != "." && strings.HasPrefix(dir, p+"/") && !strings.HasPrefix(dir, "sync/atomic")) {
				inSim = true
			}
		}
		if !inSim {
			continue
		}
		f, err := parser.ParseFile(fset, filepath.Join(root, name), nil, parser.ParseComments)
		if err != nil {
			t.Fatal(err)
		}
		for _, d := range f.Decls {
			fd, ok := d.(*ast.FuncDecl)
			if !ok || fd.Body == nil {
				continue
			}
			id := name + ": " + funcName(fd)
			norace := fd.Doc != nil && slices.ContainsFunc(fd.Doc.List, func(c *ast.Comment) bool { return c.Text == "//go:norace" })
			switch {
			case slices.Contains(instrumented, id):
				seen = append(seen, id)
				if norace {
					t.Errorf("%s is //go:norace but must be instrumented (see instrumented)", id)
				}
			case !norace:
				missing = append(missing, id)
			}
		}
	}
	for _, id := range missing {
		t.Errorf("%s has no //go:norace: the simulator's own accesses would be reported as races between simulated goroutines", id)
	}
	for _, id := range instrumented {
		if !slices.Contains(seen, id) {
			t.Errorf("instrumented names %s, which no longer exists", id)
		}
	}
}

func funcName(fd *ast.FuncDecl) string {
	if fd.Recv == nil || len(fd.Recv.List) == 0 {
		return fd.Name.Name
	}
	typ := fd.Recv.List[0].Type
	star := ""
	if s, ok := typ.(*ast.StarExpr); ok {
		star, typ = "*", s.X
	}
	switch x := typ.(type) {
	case *ast.IndexExpr:
		typ = x.X
	case *ast.IndexListExpr:
		typ = x.X
	}
	if star != "" {
		return "(" + star + typ.(*ast.Ident).Name + ")." + fd.Name.Name
	}
	return typ.(*ast.Ident).Name + "." + fd.Name.Name
}
