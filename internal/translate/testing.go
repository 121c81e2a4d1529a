package translate

import (
	"go/ast"
	"go/types"
	"strings"
	"unicode"
	"unicode/utf8"
)

// GmptestPath is the harness package that translated tests call.
const GmptestPath = GmpModule + "/gmptest"

// GmprunPath is the package that a translated command's main calls first.
const GmprunPath = GmpModule + "/gmprun"

// funcDecl enters the simulation at the top of each test, example and
// benchmark of a _test.go file, and of func main in a command:
//
//	func TestX(t *testing.T) {          func TestX(t *testing.T) { if gmptest.Test(t, TestX) { return };
//
// gmptest.Test runs TestX itself as the test goroutine of a simulation and
// returns true; called again from inside the simulation it returns false
// and the body runs. The function keeps its name, so stack traces name
// the user's function, and the inserted call is on the line of the brace.
func (r *fileRW) funcDecl(n *ast.FuncDecl) (string, bool) {
	if n.Body == nil || n.Recv != nil || n.Type.TypeParams != nil {
		return "", false
	}
	name := n.Name.Name
	var entry string
	switch {
	case r.isTest && isTestFunc(name, "Test") && hasParam(r, n, "T"):
		p, ok := paramName(n)
		if !ok {
			r.p.errorf(n.Pos(), "test %s has an unnamed parameter: name it to translate the test", name)
			return "", false
		}
		entry = r.gmptest() + ".Test(" + p + ", " + name + ")"
		if allowsLeaks(n) {
			entry = r.gmptest() + ".TestAllowLeaks(" + p + ", " + name + ")"
		}
	case r.isTest && isTestFunc(name, "Benchmark") && hasParam(r, n, "B"):
		p, ok := paramName(n)
		if !ok {
			return "", false
		}
		entry = r.gmptest() + ".Benchmark(" + p + ", " + name + ")"
	case r.isTest && isTestFunc(name, "Example") && n.Type.Params.NumFields() == 0 && n.Type.Results == nil:
		entry = r.gmptest() + ".Example(" + name + ")"
	case r.isTest && isTestFunc(name, "Fuzz") && hasParam(r, n, "F"):
		r.p.warnf(n.Pos(), "fuzz target %s: f.Fuzz runs its function on real goroutines; the seed corpus is run inside simulations, fuzzing itself is not supported", name)
	case r.isTest && name == "TestMain" && hasParam(r, n, "M"):
		if r.p.simDependent(n.Body, nil) {
			r.p.warnf(n.Pos(), "TestMain runs natively, outside every simulation: its own use of goroutines, channels, timers or contexts panics; each test's simulation starts after m.Run is called")
		}
	case r.p.pkg.Name() == "main" && name == "main" && r.p.tr.Main:
		entry = r.gmprun() + ".Main(main)"
	}
	if entry == "" {
		return "", false
	}
	start := r.off(n.Pos())
	lbrace := r.off(n.Body.Lbrace) + 1
	var kids []ast.Node
	for _, c := range children(n) {
		if c != n.Body {
			kids = append(kids, c)
		}
	}
	head := r.spliceRange(start, lbrace, kids)
	body := r.spliceRange(lbrace, r.off(n.Body.End()), bodyStmts(n.Body))
	return head + " if " + entry + " { return };" + body, true
}

func bodyStmts(b *ast.BlockStmt) []ast.Node {
	var kids []ast.Node
	for _, s := range b.List {
		kids = append(kids, s)
	}
	return kids
}

func (r *fileRW) gmptest() string {
	r.need(GmptestPath, "gmptest")
	return "gmptest"
}

func (r *fileRW) gmprun() string {
	r.need(GmprunPath, "gmprun")
	return "gmprun"
}

// isTestFunc is go test's isTest: name is prefix followed by nothing or by
// a character that is not a lower-case letter.
func isTestFunc(name, prefix string) bool {
	if !strings.HasPrefix(name, prefix) {
		return false
	}
	if len(name) == len(prefix) {
		return true
	}
	r, _ := utf8.DecodeRuneInString(name[len(prefix):])
	return !unicode.IsLower(r)
}

// hasParam reports whether fn takes exactly one *testing.<typ>.
func hasParam(r *fileRW, fn *ast.FuncDecl, typ string) bool {
	if fn.Type.Params.NumFields() != 1 || fn.Type.Results != nil {
		return false
	}
	t := r.typeOf(fn.Type.Params.List[0].Type)
	p, ok := t.(*types.Pointer)
	if !ok {
		return false
	}
	nt, ok := p.Elem().(*types.Named)
	return ok && nt.Obj().Pkg() != nil && nt.Obj().Pkg().Path() == "testing" && nt.Obj().Name() == typ
}

func paramName(fn *ast.FuncDecl) (string, bool) {
	f := fn.Type.Params.List[0]
	if len(f.Names) == 0 || f.Names[0].Name == "_" {
		return "", false
	}
	return f.Names[0].Name, true
}

// testingMethods are the methods of testing's T, B, F and TB whose std
// implementation would block the simulation on a real channel or must run
// inside it: the harness implements them in the simulation.
var testingMethods = map[string]bool{"Run": true, "Parallel": true, "Cleanup": true, "Context": true}

// testingCall rewrites t.Run(…), t.Parallel(), t.Cleanup(f) and
// t.Context() to the harness: gmptest.Run(t, …).
func (r *fileRW) testingCall(n *ast.CallExpr) (string, bool) {
	sel, ok := unparen(n.Fun).(*ast.SelectorExpr)
	if !ok || !testingMethods[sel.Sel.Name] {
		return "", false
	}
	s, ok := r.info().Selections[sel]
	if !ok || s.Kind() != types.MethodVal {
		return "", false
	}
	fn, ok := s.Obj().(*types.Func)
	if !ok || fn.Pkg() == nil || fn.Pkg().Path() != "testing" {
		return "", false
	}
	recvT := r.typeOf(sel.X)
	if named, ok := derefNamed(recvT); ok && named.Obj().Name() == "B" && sel.Sel.Name == "Run" {
		return "", false // b.Run: benchmarks run natively
	}
	if named, ok := derefNamed(recvT); ok && named.Obj().Name() == "F" {
		return "", false
	}
	args := []string{r.node(sel.X)}
	for _, a := range n.Args {
		args = append(args, r.node(a))
	}
	return r.gmptest() + "." + sel.Sel.Name + "(" + strings.Join(args, ", ") + ")", true
}

func derefNamed(t types.Type) (*types.Named, bool) {
	if p, ok := t.(*types.Pointer); ok {
		t = p.Elem()
	}
	n, ok := t.(*types.Named)
	return n, ok
}

// allowsLeaks reports whether a test's doc comment carries the directive
// //gmp:leaks-ok: goroutines it leaves behind are not a failure.
func allowsLeaks(fn *ast.FuncDecl) bool {
	if fn.Doc == nil {
		return false
	}
	for _, c := range fn.Doc.List {
		if strings.TrimSpace(c.Text) == "//gmp:leaks-ok" {
			return true
		}
	}
	return false
}
