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

// Package initialisation that needs the simulated runtime — a package
// variable initialised with make(chan …), time.Tick(d), a context, or a
// call into translated code that may start goroutines; an init function
// that does any of that — cannot run when the process starts, outside
// every simulation. It runs instead at the start of each simulation, on
// goroutine 1 before the test or main, as runtime.main runs package
// initialisation: every simulation starts from a freshly initialised
// package, whatever earlier runs in the process did to it. Variables of
// such types without an initialiser (var mu sync.Mutex) are reset to their
// zero value. Everything else (flag definitions, tables, regexps) is
// initialised once, natively, as before.
//
// The variables keep their declarations without the initialiser:
//
//	var tick = time.Tick(d)         var tick gmp.Chan[time.Time]
//	func init() { go loop() }       func init() { gmptest.OnRun(func() { go loop() }) }
//
// and the initialisers, in the package's initialisation order, go into one
// hook registered by an init function placed before every other one.

// initPlan is the package's moved initialisation.
type initPlan struct {
	moved  map[*types.Var]bool
	inits  []*types.Initializer // moved, in initialisation order
	reset  []*types.Var         // zero-valued variables of simulated types
	byFile map[*ast.File]bool   // files with moved declarations
	specs  map[*ast.ValueSpec]bool
	initFn map[*ast.FuncDecl]bool // init functions that run per simulation
}

func (p *pkgRW) planInits(files []*ast.File, names map[*ast.File]string) *initPlan {
	ip := &initPlan{moved: map[*types.Var]bool{}, byFile: map[*ast.File]bool{}, specs: map[*ast.ValueSpec]bool{}, initFn: map[*ast.FuncDecl]bool{}}
	for _, in := range p.info.InitOrder {
		if p.simDependent(in.Rhs, ip.moved) {
			for _, v := range in.Lhs {
				ip.moved[v] = true
			}
			ip.inits = append(ip.inits, in)
		}
	}
	sorted := append([]*ast.File(nil), files...)
	sort.Slice(sorted, func(i, j int) bool { return names[sorted[i]] < names[sorted[j]] })
	for _, f := range sorted {
		for _, d := range f.Decls {
			switch d := d.(type) {
			case *ast.GenDecl:
				if d.Tok != token.VAR {
					continue
				}
				for _, s := range d.Specs {
					vs := s.(*ast.ValueSpec)
					for _, n := range vs.Names {
						v, _ := p.info.Defs[n].(*types.Var)
						if v == nil {
							continue
						}
						if ip.moved[v] {
							ip.specs[vs] = true
							ip.byFile[f] = true
						} else if len(vs.Values) == 0 && n.Name != "_" && simState(v.Type(), 0) {
							ip.reset = append(ip.reset, v)
						}
					}
				}
			case *ast.FuncDecl:
				if d.Recv == nil && d.Name.Name == "init" && d.Body != nil && p.simDependent(d.Body, ip.moved) {
					ip.initFn[d] = true
					ip.byFile[f] = true
				}
			}
		}
	}
	return ip
}

// simDependent reports whether evaluating n needs the simulated runtime:
// it makes a channel, calls a function of a translated or mirrored package
// (which may start goroutines, make timers, take simulated locks), or
// reads a variable whose initialisation moved.
func (p *pkgRW) simDependent(n ast.Node, moved map[*types.Var]bool) bool {
	dep := false
	ast.Inspect(n, func(n ast.Node) bool {
		if dep {
			return false
		}
		switch n := n.(type) {
		case *ast.GoStmt, *ast.SendStmt, *ast.SelectStmt:
			dep = true
		case *ast.UnaryExpr:
			if n.Op == token.ARROW {
				dep = true
			}
		case *ast.Ident:
			if v, ok := p.info.Uses[n].(*types.Var); ok && moved[v] {
				dep = true
			}
		case *ast.CallExpr:
			fun := unparen(n.Fun)
			if tv, ok := p.info.Types[fun]; ok && tv.IsType() {
				return true // a conversion
			}
			var obj types.Object
			switch f := fun.(type) {
			case *ast.Ident:
				obj = p.info.Uses[f]
			case *ast.SelectorExpr:
				obj = p.info.Uses[f.Sel]
			case *ast.IndexExpr:
				if id, ok := f.X.(*ast.Ident); ok {
					obj = p.info.Uses[id]
				}
			}
			switch obj := obj.(type) {
			case *types.Builtin:
				if obj.Name() == "make" && len(n.Args) > 0 && isChanType(p.info.TypeOf(n.Args[0])) {
					dep = true
				}
			case *types.Func:
				if obj.Pkg() != nil && p.tr.translated(obj.Pkg().Path()) && !pureMirror(obj) {
					dep = true
				}
			case nil:
				dep = true // a call of a function value: assume it may
			}
		}
		return true
	})
	return dep
}

// pureMirror reports whether a mirrored function needs no runtime (the
// standard library's value functions that the mirrors re-export).
func pureMirror(fn *types.Func) bool {
	switch fn.Pkg().Path() {
	case "time":
		switch fn.Name() {
		case "Date", "Unix", "UnixMilli", "UnixMicro", "Parse", "ParseInLocation", "ParseDuration", "FixedZone", "LoadLocation":
			return true
		}
		if sig := fn.Type().(*types.Signature); sig.Recv() != nil {
			return true // methods of Duration, Time, Month …
		}
	case "context":
		switch fn.Name() {
		case "Background", "TODO", "WithValue":
			return true
		}
	case "sync":
		return fn.Name() == "NewCond" || fn.Name() == "OnceFunc" || fn.Name() == "OnceValue" || fn.Name() == "OnceValues"
	case "math/rand", "math/rand/v2":
		return fn.Name() == "New" || fn.Name() == "NewSource" || fn.Name() == "NewPCG" || fn.Name() == "NewChaCha8"
	}
	return false
}

// simState reports whether a value of type t holds simulated runtime
// state: a channel, or a sync or time or context value of the mirrors.
func simState(t types.Type, depth int) bool {
	if depth > 4 {
		return false
	}
	switch t := types.Unalias(t).(type) {
	case *types.Chan:
		return true
	case *types.Named:
		if pk := t.Obj().Pkg(); pk != nil {
			switch pk.Path() {
			case "sync":
				return t.Obj().Name() != "Map" && t.Obj().Name() != "Pool"
			case "time":
				return t.Obj().Name() == "Timer" || t.Obj().Name() == "Ticker"
			}
		}
		return simState(t.Underlying(), depth+1)
	case *types.Struct:
		for i := 0; i < t.NumFields(); i++ {
			if simState(t.Field(i).Type(), depth+1) {
				return true
			}
		}
	case *types.Array:
		return simState(t.Elem(), depth+1)
	}
	return false
}

// valueSpec drops the initialiser of a moved variable, keeping (or
// writing) its type.
func (r *fileRW) valueSpec(vs *ast.ValueSpec) (string, bool) {
	if r.p.inits == nil || !r.p.inits.specs[vs] {
		return "", false
	}
	start := r.off(vs.Pos())
	if vs.Type != nil {
		kids := []ast.Node{}
		for _, n := range vs.Names {
			kids = append(kids, n)
		}
		kids = append(kids, vs.Type)
		s := r.spliceRange(start, r.off(vs.Type.End()), kids)
		return s + r.resync(s, start, r.off(vs.End())), true
	}
	var parts []string
	var typ string
	for i, n := range vs.Names {
		v, _ := r.info().Defs[n].(*types.Var)
		if v == nil {
			continue
		}
		t, ok := r.typeText(v.Type())
		if !ok {
			r.p.errorf(n.Pos(), "package variable %s needs the simulated runtime to initialise, and its type %s cannot be named here: declare it with an explicit type", n.Name, v.Type())
			return "", false
		}
		if i == 0 {
			typ = t
		} else if t != typ {
			typ = ""
		}
		parts = append(parts, n.Name)
	}
	if typ == "" {
		r.p.errorf(vs.Pos(), "package variables %s of different types are initialised together, and their initialisation needs the simulated runtime: declare them separately", strings.Join(parts, ", "))
		return "", false
	}
	s := strings.Join(parts, ", ") + " " + typ
	return s + r.resync(s, start, r.off(vs.End())), true
}

// initFunc makes an init function that needs the runtime register its body
// to run at the start of each simulation.
func (r *fileRW) initFunc(n *ast.FuncDecl) (string, bool) {
	if r.p.inits == nil || !r.p.inits.initFn[n] {
		return "", false
	}
	start := r.off(n.Pos())
	lbrace := r.off(n.Body.Lbrace) + 1
	head := string(r.src[start:lbrace])
	body := r.spliceRange(lbrace, r.off(n.Body.Rbrace), bodyStmts(n.Body))
	return head + " " + r.gmptest() + ".OnRunInit(" + strconvQuote(r.p.path) + ", func() {" + body + "}) }", true
}

// initHook returns the init function that registers this file's moved
// variable initialisers (in the package's initialisation order) and
// resets. It goes at the end of the file; each initialiser carries its
// position.
//
// Deviation: the hooks run file by file (in the order go build presents
// the files), so a moved initialiser that depends on a moved variable of
// a later file sees it zero; within a file, and between packages, the
// order is Go's.
func (r *fileRW) initHook() string {
	ip := r.p.inits
	if ip == nil {
		return ""
	}
	var b strings.Builder
	for _, v := range ip.reset {
		if r.p.fset.File(v.Pos()) == r.tf {
			fmt.Fprintf(&b, " %s.Zero(&%s);", r.gmptest(), v.Name())
		}
	}
	for _, in := range ip.inits {
		if r.p.fset.File(in.Rhs.Pos()) != r.tf {
			continue
		}
		var lhs []string
		for _, v := range in.Lhs {
			lhs = append(lhs, v.Name())
		}
		pos := r.p.fset.Position(in.Rhs.Pos())
		fmt.Fprintf(&b, " /*line %s:%d:%d*/%s = %s;", r.filename, pos.Line, pos.Column, strings.Join(lhs, ", "), r.node(in.Rhs))
	}
	if b.Len() == 0 {
		return ""
	}
	return "\nfunc init() { " + r.gmptest() + ".OnRunVars(" + strconvQuote(r.p.path) + ", func() {" + b.String() + " }) }\n"
}

func strconvQuote(s string) string { return strconv.Quote(s) }
