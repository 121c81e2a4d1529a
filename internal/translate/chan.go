package translate

import (
	"go/ast"
	"go/token"
	"go/types"
	"strings"
)

// special rewrites the constructs that change; ok is false for a node
// that is only spliced.
func (r *fileRW) special(n ast.Node) (string, bool) {
	switch n := n.(type) {
	case *ast.ChanType:
		return r.gmp() + ".Chan[" + r.node(n.Value) + "]", true
	case *ast.UnaryExpr:
		if n.Op == token.ARROW {
			return r.chanExpr(n.X) + ".Recv()", true
		}
		if n.Op == token.TILDE {
			if _, ok := unparen(n.X).(*ast.ChanType); ok {
				// ~chan E: gmp.Chan's underlying type is a struct, so the
				// approximation cannot be kept; the exact type is.
				r.p.warnf(n.Pos(), "constraint ~%s becomes %s: a named channel type no longer satisfies it (use an unnamed channel type as the type argument)", r.orig(n.X), r.node(n.X))
				return r.node(n.X), true
			}
		}
	case *ast.SendStmt:
		return r.chanExpr(n.Chan) + ".Send(" + r.node(n.Value) + ")", true
	case *ast.CallExpr:
		return r.call(n)
	case *ast.SelectorExpr:
		return r.selector(n)
	case *ast.AssignStmt:
		if len(n.Lhs) == 2 && len(n.Rhs) == 1 {
			if u, ok := unparen(n.Rhs[0]).(*ast.UnaryExpr); ok && u.Op == token.ARROW {
				start := r.off(n.Pos())
				rhs := r.off(n.Rhs[0].Pos())
				return r.spliceRange(start, rhs, []ast.Node{n.Lhs[0], n.Lhs[1]}) + r.chanExpr(u.X) + ".Recv2()", true
			}
		}
	case *ast.ValueSpec:
		if s, ok := r.valueSpec(n); ok {
			return s, true
		}
		if len(n.Names) == 2 && len(n.Values) == 1 {
			if u, ok := unparen(n.Values[0]).(*ast.UnaryExpr); ok && u.Op == token.ARROW {
				start := r.off(n.Pos())
				val := r.off(n.Values[0].Pos())
				var kids []ast.Node
				if n.Type != nil {
					kids = append(kids, n.Type)
				}
				return r.spliceRange(start, val, kids) + r.chanExpr(u.X) + ".Recv2()", true
			}
		}
	case *ast.RangeStmt:
		return r.rangeStmt(n)
	case *ast.GoStmt:
		return r.goStmt(n), true
	case *ast.SelectStmt:
		return r.selectStmt(n), true
	case *ast.Ident:
		if n.Name == "nil" {
			if t := r.nils[n]; t != nil {
				return r.nilChan(n, t), true
			}
			if isChanType(r.typeOf(n)) {
				if _, isNil := r.info().Uses[n].(*types.Nil); isNil {
					return r.nilChan(n, r.typeOf(n)), true
				}
			}
		}
	case *ast.BinaryExpr:
		if n.Op == token.EQL || n.Op == token.NEQ {
			x, y := n.X, n.Y
			if isNilIdent(r, x) {
				x, y = y, x
			}
			if isNilIdent(r, y) && isChanType(r.typeOf(x)) {
				s := r.chanExpr(x) + ".IsNil()"
				if n.Op == token.NEQ {
					s = "!" + s
				}
				return s, true
			}
		}
	case *ast.ImportSpec:
		return r.importSpec(n)
	case *ast.FuncDecl:
		if s, ok := r.initFunc(n); ok {
			return s, true
		}
		return r.funcDecl(n)
	case *ast.TypeSwitchStmt:
		r.checkTypeSwitch(n)
	}
	return "", false
}

func isNilIdent(r *fileRW, e ast.Expr) bool {
	id, ok := unparen(e).(*ast.Ident)
	if !ok || id.Name != "nil" {
		return false
	}
	_, isNil := r.info().Uses[id].(*types.Nil)
	return isNil
}

// chanExpr returns the rewritten text of e, a channel-typed expression, as
// an operand on which gmp.Chan's methods can be called: a named channel
// type or a type parameter is converted to its gmp.Chan, and an operand
// that is not a primary expression is parenthesised.
func (r *fileRW) chanExpr(e ast.Expr) string {
	s := r.node(e)
	t := r.typeOf(e)
	switch types.Unalias(t).(type) {
	case *types.Named, *types.TypeParam:
		c := chanOf(t)
		if c == nil {
			r.p.errorf(e.Pos(), "channel operation on %s, whose type has no single channel type", r.orig(e))
			return s
		}
		elem, ok := r.typeText(c.Elem())
		if !ok {
			r.p.errorf(e.Pos(), "cannot name the element type %s of channel type %s here: use a channel of an exported type", c.Elem(), t)
		}
		return r.gmp() + ".Chan[" + elem + "](" + s + ")"
	}
	switch unparen(e).(type) {
	case *ast.Ident, *ast.SelectorExpr, *ast.CallExpr, *ast.IndexExpr, *ast.IndexListExpr, *ast.TypeAssertExpr, *ast.CompositeLit:
		if _, paren := e.(*ast.ParenExpr); paren {
			return s
		}
		return s
	case *ast.UnaryExpr:
		if u := unparen(e).(*ast.UnaryExpr); u.Op == token.ARROW {
			return s // rewritten to a call
		}
	}
	if _, paren := e.(*ast.ParenExpr); paren {
		return s
	}
	return "(" + s + ")"
}

// nilChan returns the zero value of channel type t (a typed nil).
func (r *fileRW) nilChan(at ast.Node, t types.Type) string {
	s, ok := r.typeText(t)
	if !ok {
		r.p.errorf(at.Pos(), "cannot name the channel type %s here for a nil channel", t)
		return "nil"
	}
	return "(" + s + "{})"
}

// call rewrites the builtins on channels and the calls the harness
// intercepts.
func (r *fileRW) call(n *ast.CallExpr) (string, bool) {
	fun := unparen(n.Fun)
	if id, ok := fun.(*ast.Ident); ok {
		if b, ok := r.info().Uses[id].(*types.Builtin); ok {
			return r.builtin(n, b.Name())
		}
	}
	if s, ok := r.testingCall(n); ok {
		return s, true
	}
	r.checkCall(n)
	return "", false
}

func (r *fileRW) builtin(n *ast.CallExpr, name string) (string, bool) {
	switch name {
	case "make":
		t := r.typeOf(n.Args[0])
		c := chanOf(t)
		if c == nil {
			return "", false
		}
		size := "0"
		if len(n.Args) > 1 {
			size = r.node(n.Args[1])
			if st := r.typeOf(n.Args[1]); st != nil {
				if b, ok := st.Underlying().(*types.Basic); !ok || (b.Kind() != types.Int && b.Info()&types.IsUntyped == 0) {
					size = "int(" + size + ")"
				}
			}
		}
		if ct, ok := unparen(n.Args[0]).(*ast.ChanType); ok {
			return r.gmp() + ".MakeChan[" + r.node(ct.Value) + "](" + size + ")", true
		}
		// A named channel type or a type parameter.
		elem, ok := r.typeText(c.Elem())
		if !ok {
			r.p.errorf(n.Pos(), "cannot name the element type %s of %s here", c.Elem(), t)
		}
		return r.node(n.Args[0]) + "(" + r.gmp() + ".MakeChan[" + elem + "](" + size + "))", true
	case "close", "len", "cap":
		if len(n.Args) != 1 || !isChanType(r.typeOf(n.Args[0])) {
			return "", false
		}
		m := map[string]string{"close": "Close", "len": "Len", "cap": "Cap"}[name]
		return r.chanExpr(n.Args[0]) + "." + m + "()", true
	}
	return "", false
}

// rangeStmt rewrites a range over a channel, and over a map when map
// order is controlled, as a three-clause loop (range-over-func would need
// Go 1.23 in modules that may be older, and the three-clause loop keeps
// the module's loop-variable semantics):
//
//	for v := range ch      for _c, v, _ok := gmp.RangeFirst(ch); _ok; v, _ok = _c.Recv2() {
//	for k, v := range m    for _it, k, v, _ok := gmp.MapFirst(m); _ok; k, v, _ok = _it.Next() {
//
// The assigning forms (for v = range ch) receive into temporaries and
// assign at the top of the body.
func (r *fileRW) rangeStmt(n *ast.RangeStmt) (string, bool) {
	t := r.typeOf(n.X)
	isChan := isChanType(t)
	if !isChan && (mapOf(t) == nil || !r.p.tr.MapOrder || n.Key == nil) {
		return "", false
	}
	if m := mapOf(t); m != nil && refKey(m.Key(), 0) {
		r.p.warnf(n.Pos(), "range over a map keyed by %s: keys that are pointers, channels or interfaces holding them have no order that a replay can reproduce: uncontrolled nondeterminism", m.Key())
	}
	gmp := r.gmp()
	it, ok := r.newTemp(), r.newTemp()
	var vars []string // the loop's variables (or temporaries)
	var assign string
	exprs := []ast.Expr{n.Key, n.Value}
	nv := 2
	if isChan {
		nv = 1
	}
	define := n.Tok == token.DEFINE
	var lhs, tmps []string
	for i := 0; i < nv; i++ {
		e := exprs[i]
		switch {
		case e == nil:
			vars = append(vars, "_")
		case define:
			vars = append(vars, r.node(e))
		default:
			if id, isId := e.(*ast.Ident); isId && id.Name == "_" {
				vars = append(vars, "_")
				continue
			}
			tv := r.newTemp()
			vars = append(vars, tv)
			lhs = append(lhs, r.node(e))
			tmps = append(tmps, tv)
		}
	}
	if len(lhs) > 0 {
		assign = " " + strings.Join(lhs, ", ") + " = " + strings.Join(tmps, ", ") + ";"
	}
	vs := strings.Join(vars, ", ")
	var head string
	if isChan {
		head = "for " + it + ", " + vs + ", " + ok + " := " + gmp + ".RangeFirst(" + r.chanExpr(n.X) + "); " + ok + "; " + vs + ", " + ok + " = " + it + ".Recv2() {"
	} else {
		head = "for " + it + ", " + vs + ", " + ok + " := " + gmp + ".MapFirst(" + r.node(n.X) + "); " + ok + "; " + vs + ", " + ok + " = " + it + ".Next() {"
	}
	start, lbrace := r.off(n.Pos()), r.off(n.Body.Lbrace)+1
	head += r.resync(head, start, lbrace)
	body := r.spliceRange(lbrace, r.off(n.Body.End()), bodyStmts(n.Body))
	return head + assign + body, true
}

// checkTypeSwitch reports a type switch whose cases differ only in channel
// direction: they become the same type.
func (r *fileRW) checkTypeSwitch(n *ast.TypeSwitchStmt) {
	seen := map[string]bool{}
	for _, s := range n.Body.List {
		cc := s.(*ast.CaseClause)
		for _, e := range cc.List {
			t := r.typeOf(e)
			if t == nil || !strings.Contains(t.String(), "chan") {
				continue
			}
			k := strings.NewReplacer("<-chan ", "chan ", "chan<- ", "chan ").Replace(t.String())
			if seen[k] {
				r.p.errorf(e.Pos(), "type switch cases %s differ only in channel direction, which the translation drops: they would be duplicate cases", k)
			}
			seen[k] = true
		}
	}
}

// refKey reports whether map keys of type t are ordered by address.
func refKey(t types.Type, depth int) bool {
	if depth > 4 {
		return false
	}
	switch u := t.Underlying().(type) {
	case *types.Pointer, *types.Chan, *types.Signature:
		return true
	case *types.Interface:
		return !u.Empty() // any keys are usually values; named interfaces usually hold pointers
	case *types.Struct:
		for i := 0; i < u.NumFields(); i++ {
			if refKey(u.Field(i).Type(), depth+1) {
				return true
			}
		}
	case *types.Array:
		return refKey(u.Elem(), depth+1)
	}
	return false
}
