package translate

import (
	"fmt"
	"go/ast"
	"go/token"
	"go/types"
	"sort"
	"strconv"
	"strings"
)

// GmpModule is the import path of gmp's module; the generated code imports
// its root package, mirrors and harness below it.
const GmpModule = "github.com/gmplab/gmp"

// fileRW rewrites one file. The rewrite is bottom-up: node returns the
// rewritten text of a node, which is its original text unless the node
// or a descendant changes.
type fileRW struct {
	p        *pkgRW
	file     *ast.File
	tf       *token.File
	src      []byte
	filename string

	gmpName string            // local name of the gmp import in this file
	imports map[string]string // import path → local name, after swaps
	added   map[string]string // imports this file needs that it lacked: path → name
	tmp     int               // counter for temporaries
	removed map[*types.PkgName]int
	uses    map[*types.PkgName]int
	isTest  bool
	nils    map[*ast.Ident]types.Type // nil → the channel type it is assigned to
	ctxArgs map[ast.Expr]bool         // context arguments of standard calls, bridged with context.ToStd
	convs   map[ast.Expr]types.Type   // channel values assigned across named/unnamed: convert
}

// pkgRW is the state shared by the files of one package.
type pkgRW struct {
	tr    *Translator
	pkg   *types.Package
	info  *types.Info
	fset  *token.FileSet
	diags []Diagnostic
	path  string
	inits *initPlan
}

// Diagnostic is something the translator cannot translate faithfully: a
// position in the user's source, what, and why or what to do.
type Diagnostic struct {
	Pos  token.Position
	Msg  string
	Warn bool // a warning: the translation proceeds (e.g. nondeterminism it cannot control)
}

func (d Diagnostic) String() string {
	kind := ""
	if d.Warn {
		kind = "warning: "
	}
	return fmt.Sprintf("%s: %s%s", d.Pos, kind, d.Msg)
}

func (p *pkgRW) errorf(pos token.Pos, format string, args ...any) {
	p.diags = append(p.diags, Diagnostic{Pos: p.fset.Position(pos), Msg: fmt.Sprintf(format, args...)})
}

func (p *pkgRW) warnf(pos token.Pos, format string, args ...any) {
	p.diags = append(p.diags, Diagnostic{Pos: p.fset.Position(pos), Msg: fmt.Sprintf(format, args...), Warn: true})
}

func (r *fileRW) off(pos token.Pos) int { return r.tf.Offset(pos) }

func (r *fileRW) orig(n ast.Node) string {
	return string(r.src[r.off(n.Pos()):r.off(n.End())])
}

func (r *fileRW) info() *types.Info { return r.p.info }

// node returns the rewritten text of n.
func (r *fileRW) node(n ast.Node) string {
	s, ok := r.special(n)
	if !ok {
		s = r.splice(n)
	}
	if e, isExpr := n.(ast.Expr); isExpr {
		if r.ctxArgs[e] {
			s = r.pkgName("context", "context") + ".ToStd(" + s + ")"
		}
		if t := r.convs[e]; t != nil {
			if ts, ok := r.typeText(t); ok {
				s = "(" + ts + ")(" + s + ")"
			} else {
				r.p.errorf(e.Pos(), "cannot name the channel type %s here, to which this value is assigned", t)
			}
		}
	}
	return s
}

// splice returns n's original text with each child replaced by its
// rewritten text.
func (r *fileRW) splice(n ast.Node) string {
	start, end := r.off(n.Pos()), r.off(n.End())
	return r.spliceRange(start, end, children(n))
}

// spliceRange returns src[start:end] with the given nodes (inside the
// range, in order) rewritten.
func (r *fileRW) spliceRange(start, end int, kids []ast.Node) string {
	var b strings.Builder
	last := start
	for _, c := range kids {
		cs, ce := r.off(c.Pos()), r.off(c.End())
		if cs < last {
			continue // overlapping (see children); already covered
		}
		t := r.node(c)
		if t == string(r.src[cs:ce]) {
			continue
		}
		b.Write(r.src[last:cs])
		b.WriteString(t)
		last = ce
	}
	b.Write(r.src[last:end])
	return b.String()
}

// children returns n's direct children in source order.
func children(n ast.Node) []ast.Node {
	if fd, ok := n.(*ast.FuncDecl); ok {
		// ast.Inspect visits Recv and Name before Type, whose range
		// starts at the func keyword and so covers them.
		var kids []ast.Node
		if fd.Doc != nil {
			kids = append(kids, fd.Doc)
		}
		if fd.Recv != nil {
			kids = append(kids, fd.Recv)
		}
		kids = append(kids, fd.Name)
		if fd.Type.TypeParams != nil {
			kids = append(kids, fd.Type.TypeParams)
		}
		kids = append(kids, fd.Type.Params)
		if fd.Type.Results != nil {
			kids = append(kids, fd.Type.Results)
		}
		if fd.Body != nil {
			kids = append(kids, fd.Body)
		}
		return kids
	}
	var kids []ast.Node
	first := true
	ast.Inspect(n, func(c ast.Node) bool {
		if first {
			first = false
			return true
		}
		if c != nil {
			kids = append(kids, c)
		}
		return false
	})
	sort.SliceStable(kids, func(i, j int) bool { return kids[i].Pos() < kids[j].Pos() })
	return kids
}

// lineDirective returns a /*line*/ comment that sets the position of the
// text after it to pos, if text (replacing the original range [start,end))
// has a different number of newlines; otherwise "".
func (r *fileRW) resync(text string, start, end int) string {
	if strings.Count(text, "\n") == strings.Count(string(r.src[start:end]), "\n") {
		return ""
	}
	p := r.tf.Position(r.tf.Pos(end))
	return fmt.Sprintf("/*line %s:%d:%d*/", r.filename, p.Line, p.Column)
}

// newTemp returns a fresh name for a temporary.
func (r *fileRW) newTemp() string {
	r.tmp++
	return "_gmp" + strconv.Itoa(r.tmp)
}

// gmp returns the local name of gmp's root package, recording that the
// file needs it.
func (r *fileRW) gmp() string {
	r.need(GmpModule, r.gmpName)
	return r.gmpName
}

// need records that the file needs path imported as name.
func (r *fileRW) need(path, name string) {
	if _, ok := r.imports[path]; ok {
		return
	}
	r.added[path] = name
	r.imports[path] = name
}

// pkgName returns the local name by which this file refers to the package
// with the given (original) import path, adding an import if the file has
// none. Swapped packages are referred to by their mirror.
func (r *fileRW) pkgName(path, name string) string {
	if p, ok := r.p.tr.swap(path); ok {
		path = p
	}
	if n, ok := r.imports[path]; ok {
		return n
	}
	local := "_gmpimp_" + name
	r.need(path, local)
	return local
}

// typeText renders t as source in this file, with channel types as
// gmp.Chan. It reports false if t cannot be named here (an unexported
// type of another package, a local type of another function …).
func (r *fileRW) typeText(t types.Type) (string, bool) {
	ok := true
	var w func(t types.Type) string
	w = func(t types.Type) string {
		switch t := t.(type) {
		case *types.Basic:
			if t.Kind() == types.UnsafePointer {
				return r.pkgName("unsafe", "unsafe") + ".Pointer"
			}
			if t.Info()&types.IsUntyped != 0 {
				ok = false
			}
			return t.Name()
		case *types.Chan:
			return r.gmp() + ".Chan[" + w(t.Elem()) + "]"
		case *types.Pointer:
			return "*" + w(t.Elem())
		case *types.Slice:
			return "[]" + w(t.Elem())
		case *types.Array:
			return "[" + strconv.FormatInt(t.Len(), 10) + "]" + w(t.Elem())
		case *types.Map:
			return "map[" + w(t.Key()) + "]" + w(t.Elem())
		case *types.Signature:
			return "func" + sigText(t, w)
		case *types.Struct:
			var b strings.Builder
			b.WriteString("struct{")
			for i := 0; i < t.NumFields(); i++ {
				f := t.Field(i)
				if i > 0 {
					b.WriteString("; ")
				}
				if !f.Embedded() {
					if !f.Exported() && f.Pkg() != r.p.pkg {
						ok = false
					}
					b.WriteString(f.Name() + " ")
				}
				b.WriteString(w(f.Type()))
				if tag := t.Tag(i); tag != "" {
					b.WriteString(" " + strconv.Quote(tag))
				}
			}
			b.WriteString("}")
			return b.String()
		case *types.Interface:
			if t.Empty() {
				return "any"
			}
			if t.NumEmbeddeds() > 0 {
				ok = false
				return "interface{}"
			}
			var b strings.Builder
			b.WriteString("interface{")
			for i := 0; i < t.NumExplicitMethods(); i++ {
				m := t.ExplicitMethod(i)
				if i > 0 {
					b.WriteString("; ")
				}
				if !m.Exported() && m.Pkg() != r.p.pkg {
					ok = false
				}
				b.WriteString(m.Name() + sigText(m.Type().(*types.Signature), w))
			}
			b.WriteString("}")
			return b.String()
		case *types.TypeParam:
			return t.Obj().Name()
		case *types.Alias:
			return w(types.Unalias(t))
		case *types.Named:
			obj := t.Obj()
			var s string
			switch {
			case obj.Pkg() == nil: // error, comparable
				s = obj.Name()
			case obj.Pkg() == r.p.pkg:
				if obj.Parent() != nil && obj.Parent() != obj.Pkg().Scope() {
					ok = false // a local type: nameable only in its scope
				}
				s = obj.Name()
			default:
				if !obj.Exported() {
					ok = false
				}
				s = r.pkgName(obj.Pkg().Path(), obj.Pkg().Name()) + "." + obj.Name()
			}
			if ta := t.TypeArgs(); ta.Len() > 0 {
				var args []string
				for i := 0; i < ta.Len(); i++ {
					args = append(args, w(ta.At(i)))
				}
				s += "[" + strings.Join(args, ", ") + "]"
			}
			return s
		case *types.Tuple:
			ok = false
			return "?"
		}
		ok = false
		return "?"
	}
	s := w(t)
	return s, ok
}

func sigText(sig *types.Signature, w func(types.Type) string) string {
	var b strings.Builder
	b.WriteString("(")
	for i := 0; i < sig.Params().Len(); i++ {
		if i > 0 {
			b.WriteString(", ")
		}
		t := sig.Params().At(i).Type()
		if sig.Variadic() && i == sig.Params().Len()-1 {
			b.WriteString("..." + w(t.(*types.Slice).Elem()))
			continue
		}
		b.WriteString(w(t))
	}
	b.WriteString(")")
	switch sig.Results().Len() {
	case 0:
	case 1:
		b.WriteString(" " + w(sig.Results().At(0).Type()))
	default:
		b.WriteString(" (")
		for i := 0; i < sig.Results().Len(); i++ {
			if i > 0 {
				b.WriteString(", ")
			}
			b.WriteString(w(sig.Results().At(i).Type()))
		}
		b.WriteString(")")
	}
	return b.String()
}

// typeOf returns the type of expression e in the original program.
func (r *fileRW) typeOf(e ast.Expr) types.Type {
	if tv, ok := r.info().Types[e]; ok {
		return tv.Type
	}
	if id, ok := e.(*ast.Ident); ok {
		if obj := r.info().ObjectOf(id); obj != nil {
			return obj.Type()
		}
	}
	return nil
}

// chanOf returns the channel type of t (its core type), or nil.
func chanOf(t types.Type) *types.Chan {
	if t == nil {
		return nil
	}
	if tp, ok := types.Unalias(t).(*types.TypeParam); ok {
		return coreChan(tp)
	}
	c, _ := t.Underlying().(*types.Chan)
	return c
}

// coreChan returns the channel type every type in tp's type set has, if
// there is one (ignoring direction).
func coreChan(tp *types.TypeParam) *types.Chan {
	iface, _ := tp.Constraint().Underlying().(*types.Interface)
	if iface == nil {
		return nil
	}
	var core *types.Chan
	for i := 0; i < iface.NumEmbeddeds(); i++ {
		var terms []types.Type
		switch e := iface.EmbeddedType(i).(type) {
		case *types.Union:
			for j := 0; j < e.Len(); j++ {
				terms = append(terms, e.Term(j).Type())
			}
		default:
			terms = append(terms, e)
		}
		for _, t := range terms {
			var c *types.Chan
			if tp2, ok := t.(*types.TypeParam); ok {
				c = coreChan(tp2)
			} else {
				c, _ = t.Underlying().(*types.Chan)
			}
			if c == nil {
				return nil
			}
			if core == nil {
				core = c
			} else if !types.Identical(core.Elem(), c.Elem()) {
				return nil
			}
		}
	}
	return core
}

func isChanType(t types.Type) bool { return chanOf(t) != nil }

// mapOf returns the map type of t (its core type), or nil.
func mapOf(t types.Type) *types.Map {
	if t == nil {
		return nil
	}
	if _, ok := types.Unalias(t).(*types.TypeParam); ok {
		return nil
	}
	m, _ := t.Underlying().(*types.Map)
	return m
}

func unparen(e ast.Expr) ast.Expr {
	for {
		p, ok := e.(*ast.ParenExpr)
		if !ok {
			return e
		}
		e = p.X
	}
}
