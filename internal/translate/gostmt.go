package translate

import (
	"go/ast"
	"go/types"
	"strconv"
	"strings"
)

// goStmt rewrites a go statement. The spec evaluates the function value
// and the arguments in the calling goroutine, so they go into temporaries
// before gmp.Go starts a goroutine that makes the call:
//
//	go f(x, y)        gmp.Go2(f, x, y)                 (1–4 arguments, no results)
//	go obj.M(x)       gmp.Go1(obj.M, x)
//	go f(g())         { _gmp1, _gmp2 := g(); gmp.Go(func() { f(_gmp1, _gmp2) }) }
//	go func() {…}()   gmp.Go(func() {…})
//	go f()            gmp.Go(f)          (f of type func(): a nil f throws, as in Go)
//
// gmp.GoN evaluates f and the arguments as the call's operands, in order,
// before the goroutine starts; its frame is hidden in dumps, so the new
// goroutine's stack starts at f, as natively.
// Deviation: the other forms (variadic calls, results, builtins, generic
// callees, multi-value arguments) use a wrapper closure, which is a
// closure of the enclosing function: the closures written after it are
// numbered one higher in stack traces (func2 for func1 …); file:line are
// unchanged.
func (r *fileRW) goStmt(n *ast.GoStmt) string {
	call := n.Call
	fun := unparen(call.Fun)
	gmp := r.gmp()
	start, end := r.off(n.Pos()), r.off(n.End())
	wrap := func(s string) string { return s + r.resync(s, start, end) }

	sig, _ := r.typeOf(call.Fun).Underlying().(*types.Signature)
	if len(call.Args) == 0 && sig != nil && sig.Params().Len() == 0 && sig.Results().Len() == 0 && !r.isGenericFunc(fun) {
		if fl, ok := fun.(*ast.FuncLit); ok {
			return wrap(gmp + ".Go(" + r.node(fl) + ")")
		}
		return wrap(gmp + ".Go(" + r.node(call.Fun) + ")")
	}

	// go f(a, b): gmp.Go2(f, a, b), when the call is that simple.
	nres := 0
	if sig != nil {
		nres = sig.Results().Len()
	}
	maxArgs := map[int]int{0: 4, 1: 3}[nres]
	if sig != nil && !sig.Variadic() && nres <= 1 && len(call.Args) == sig.Params().Len() &&
		len(call.Args) >= 1-nres && len(call.Args) <= maxArgs && !r.isGenericFunc(fun) && !isBuiltinCall(r, fun) && !r.namedFunc(call.Fun) {
		args := []string{r.node(call.Fun)}
		for i, a := range call.Args {
			s := r.node(a)
			tv := r.info().Types[a]
			if b, ok := tv.Type.(*types.Basic); ok && b.Info()&types.IsUntyped != 0 {
				// An untyped argument takes its type from f's parameter.
				if ts, ok := r.typeText(sig.Params().At(i).Type()); ok && !tv.IsNil() {
					s = ts + "(" + s + ")"
				}
			}
			args = append(args, s)
		}
		helper := ".Go"
		if nres == 1 {
			helper = ".GoR"
		}
		return wrap(gmp + helper + strconv.Itoa(len(call.Args)) + "(" + strings.Join(args, ", ") + ")")
	}

	var names, vals []string
	tmp := func(val string) string {
		t := r.newTemp()
		names = append(names, t)
		vals = append(vals, val)
		return t
	}
	var callee string
	builtin := ""
	if id, ok := fun.(*ast.Ident); ok {
		if b, ok := r.info().Uses[id].(*types.Builtin); ok {
			builtin = b.Name()
		}
	}
	switch {
	case builtin != "":
		callee = id(fun)
	case r.isStaticFunc(fun):
		callee = r.node(call.Fun)
	default:
		callee = tmp(r.node(call.Fun))
	}
	var args []string
	for i, a := range call.Args {
		tv := r.info().Types[a]
		switch {
		case tv.Value != nil || tv.IsNil() || tv.IsType():
			args = append(args, r.node(a)) // constants, nil and types have no evaluation
		case isTuple(tv.Type):
			tup := tv.Type.(*types.Tuple)
			var ts []string
			for j := 0; j < tup.Len(); j++ {
				ts = append(ts, r.newTemp())
			}
			names = append(names, strings.Join(ts, ", "))
			vals = append(vals, r.node(a))
			args = append(args, ts...)
		default:
			val := r.node(a)
			if b, ok := tv.Type.(*types.Basic); ok && b.Info()&types.IsUntyped != 0 && sig != nil {
				if pt := paramType(sig, i, call.Ellipsis.IsValid()); pt != nil {
					if s, ok := r.typeText(pt); ok {
						val = s + "(" + val + ")"
					}
				}
			}
			args = append(args, tmp(val))
		}
	}
	var inner string
	if builtin == "close" && len(args) == 1 && isChanType(r.typeOf(call.Args[0])) {
		inner = r.chanOperand(args[0], r.typeOf(call.Args[0])) + ".Close()"
	} else {
		inner = callee + "(" + strings.Join(args, ", ")
		if call.Ellipsis.IsValid() {
			inner += "..."
		}
		inner += ")"
	}
	var b strings.Builder
	b.WriteString("{ ")
	if len(names) > 0 {
		// One assignment per temporary keeps multi-value calls legal;
		// statements run in order, so the spec's left-to-right order of
		// calls holds.
		for i := range names {
			b.WriteString(names[i] + " := " + vals[i] + "; ")
		}
	}
	b.WriteString(gmp + ".Go(func() { " + inner + " }) }")
	return wrap(b.String())
}

func isBuiltinCall(r *fileRW, fun ast.Expr) bool {
	id, ok := fun.(*ast.Ident)
	if !ok {
		return false
	}
	_, b := r.info().Uses[id].(*types.Builtin)
	return b
}

// namedFunc reports whether e's type is a named function type, which
// type inference would not unify with func(A) the way the call does.
func (r *fileRW) namedFunc(e ast.Expr) bool {
	_, named := types.Unalias(r.typeOf(e)).(*types.Named)
	return named
}

func id(e ast.Expr) string { return e.(*ast.Ident).Name }

func isTuple(t types.Type) bool {
	_, ok := t.(*types.Tuple)
	return ok
}

// paramType returns the type the i'th argument is assigned to.
func paramType(sig *types.Signature, i int, spread bool) types.Type {
	n := sig.Params().Len()
	if sig.Variadic() && i >= n-1 {
		t := sig.Params().At(n - 1).Type()
		if spread {
			return t
		}
		return t.(*types.Slice).Elem()
	}
	if i < n {
		return sig.Params().At(i).Type()
	}
	return nil
}

// isStaticFunc reports whether e names a declared function (not a
// variable, not a method value): evaluating it has no effect, so it needs
// no temporary, and a generic one must be called to be instantiated.
func (r *fileRW) isStaticFunc(e ast.Expr) bool {
	switch e := e.(type) {
	case *ast.Ident:
		_, ok := r.info().Uses[e].(*types.Func)
		return ok
	case *ast.SelectorExpr:
		if _, isPkg := r.info().Uses[identOf(e.X)].(*types.PkgName); isPkg {
			_, ok := r.info().Uses[e.Sel].(*types.Func)
			return ok
		}
	case *ast.IndexExpr:
		return r.isStaticFunc(e.X)
	case *ast.IndexListExpr:
		return r.isStaticFunc(e.X)
	}
	return false
}

func (r *fileRW) isGenericFunc(e ast.Expr) bool {
	var ident *ast.Ident
	switch e := e.(type) {
	case *ast.Ident:
		ident = e
	case *ast.SelectorExpr:
		ident = e.Sel
	default:
		return false
	}
	_, ok := r.info().Instances[ident]
	return ok
}

func identOf(e ast.Expr) *ast.Ident {
	id, _ := e.(*ast.Ident)
	if id == nil {
		return &ast.Ident{}
	}
	return id
}

// chanOperand is chanExpr for a temporary holding a value of type t.
func (r *fileRW) chanOperand(s string, t types.Type) string {
	switch types.Unalias(t).(type) {
	case *types.Named, *types.TypeParam:
		elem, _ := r.typeText(chanOf(t).Elem())
		return r.gmp() + ".Chan[" + elem + "](" + s + ")"
	}
	return s
}
