package translate

import (
	"go/ast"
	"go/token"
	"strconv"
	"strings"
)

// selectStmt rewrites a select statement into a switch on gmp.Select:
//
//	select {                    switch _gmp1, _gmp2 := a.RecvCase(), b.SendCase(x); gmp.Select(_gmp1, _gmp2, gmp.Default()) {
//	case v, ok := <-a:          case 0: v, ok := _gmp1.V, _gmp1.OK
//	case b <- x:                case 1:
//	default:                    default:
//	}                           }
//
// The cases' channel operands and send values are evaluated once, on
// entry, in source order (the switch's init statement); the left-hand side
// of a receive is assigned only in the chosen clause, as the spec says.
// The statement stays a single statement with the select's label, so
// break, continue and goto keep their meaning, and the last clause is the
// switch's default so that a terminating select is a terminating switch.
// select {} blocks forever: for { gmp.Select() }.
func (r *fileRW) selectStmt(n *ast.SelectStmt) string {
	gmp := r.gmp()
	start, end := r.off(n.Pos()), r.off(n.End())
	if len(n.Body.List) == 0 {
		s := "for { " + gmp + ".Select() }"
		return s + r.resync(s, start, end)
	}
	var names, vals, cases []string
	assign := make([]string, len(n.Body.List))
	for i, s := range n.Body.List {
		cc := s.(*ast.CommClause)
		switch comm := cc.Comm.(type) {
		case nil:
			cases = append(cases, gmp+".Default()")
		case *ast.SendStmt:
			t := r.newTemp()
			names = append(names, t)
			vals = append(vals, r.chanExpr(comm.Chan)+".SendCase("+r.node(comm.Value)+")")
			cases = append(cases, t)
		case *ast.ExprStmt:
			u := unparen(comm.X).(*ast.UnaryExpr)
			t := r.newTemp()
			names = append(names, t)
			vals = append(vals, r.chanExpr(u.X)+".RecvCase()")
			cases = append(cases, t)
		case *ast.AssignStmt:
			u := unparen(comm.Rhs[0]).(*ast.UnaryExpr)
			t := r.newTemp()
			names = append(names, t)
			vals = append(vals, r.chanExpr(u.X)+".RecvCase()")
			cases = append(cases, t)
			var lhs []string
			for _, l := range comm.Lhs {
				lhs = append(lhs, r.node(l))
			}
			rhs := t + ".V"
			if len(comm.Lhs) == 2 {
				rhs += ", " + t + ".OK"
			}
			op := "="
			if comm.Tok == token.DEFINE {
				op = ":="
			}
			assign[i] = " " + strings.Join(lhs, ", ") + " " + op + " " + rhs
			if allBlank(comm.Lhs) && comm.Tok == token.DEFINE {
				assign[i] = ""
			}
		}
	}
	var b strings.Builder
	head := "switch "
	if len(names) > 0 {
		head += strings.Join(names, ", ") + " := " + strings.Join(vals, ", ") + "; "
	}
	head += gmp + ".Select(" + strings.Join(cases, ", ") + ") {"
	lbrace := r.off(n.Body.Lbrace) + 1
	b.WriteString(head + r.resync(head, start, lbrace))
	last := lbrace
	for i, s := range n.Body.List {
		cc := s.(*ast.CommClause)
		cs, colon := r.off(cc.Case), r.off(cc.Colon)+1
		b.Write(r.src[last:cs])
		h := "case " + strconv.Itoa(i) + ":"
		if i == len(n.Body.List)-1 {
			h = "default:"
		}
		h += assign[i]
		if assign[i] != "" {
			h += ";"
		}
		b.WriteString(h + r.resync(h, cs, colon))
		var kids []ast.Node
		for _, st := range cc.Body {
			kids = append(kids, st)
		}
		ce := r.off(cc.End())
		b.WriteString(r.spliceRange(colon, ce, kids))
		last = ce
	}
	b.Write(r.src[last:end])
	return b.String()
}

func allBlank(es []ast.Expr) bool {
	for _, e := range es {
		if id, ok := e.(*ast.Ident); !ok || id.Name != "_" {
			return false
		}
	}
	return true
}
