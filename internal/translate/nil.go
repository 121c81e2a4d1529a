package translate

import (
	"go/ast"
	"go/token"
	"go/types"
)

// nilTargets finds, for each nil in the file, the type it is assigned to:
// go/types records an assigned nil as untyped, and a nil channel must
// become the zero gmp.Chan of that type. It also records, in r.convs, the
// channel-typed values assigned between a named channel type and an
// unnamed one: Go's assignability allows it (identical underlying types),
// but after the translation both are named (Pipe and gmp.Chan[T]), so the
// assignment needs an explicit conversion.
func (r *fileRW) nilTargets() map[*ast.Ident]types.Type {
	out := map[*ast.Ident]types.Type{}
	r.convs = map[ast.Expr]types.Type{}
	set := func(e ast.Expr, t types.Type) {
		if t == nil || !isChanType(t) {
			return
		}
		if id, ok := unparen(e).(*ast.Ident); ok && id.Name == "nil" {
			if _, isNil := r.info().Uses[id].(*types.Nil); isNil {
				out[id] = t
			}
			return
		}
		if et := r.typeOf(e); et != nil && needsConv(et, t) {
			r.convs[e] = t
		}
	}
	var sigs []*types.Signature
	var visit func(n ast.Node) bool
	visit = func(n ast.Node) bool {
		switch n := n.(type) {
		case *ast.FuncDecl:
			if obj, ok := r.info().Defs[n.Name].(*types.Func); ok {
				sigs = append(sigs, obj.Type().(*types.Signature))
				if n.Body != nil {
					ast.Inspect(n.Body, visit)
				}
				sigs = sigs[:len(sigs)-1]
			}
			return false
		case *ast.FuncLit:
			if sig, ok := r.typeOf(n).(*types.Signature); ok {
				sigs = append(sigs, sig)
				ast.Inspect(n.Body, visit)
				sigs = sigs[:len(sigs)-1]
			}
			return false
		case *ast.AssignStmt:
			if len(n.Lhs) == len(n.Rhs) && n.Tok != token.DEFINE {
				for i := range n.Rhs {
					set(n.Rhs[i], r.typeOf(n.Lhs[i]))
				}
			}
		case *ast.ValueSpec:
			if n.Type != nil {
				for _, v := range n.Values {
					set(v, r.typeOf(n.Type))
				}
			}
		case *ast.ReturnStmt:
			if len(sigs) > 0 {
				res := sigs[len(sigs)-1].Results()
				if res.Len() == len(n.Results) {
					for i, e := range n.Results {
						set(e, res.At(i).Type())
					}
				}
			}
		case *ast.CallExpr:
			if sig, ok := r.typeOf(n.Fun).(*types.Signature); ok {
				for i, a := range n.Args {
					set(a, paramType(sig, i, n.Ellipsis.IsValid()))
				}
			} else if tv, ok := r.info().Types[n.Fun]; ok && tv.IsType() && len(n.Args) == 1 {
				set(n.Args[0], tv.Type) // a conversion
			}
		case *ast.SendStmt:
			if c := chanOf(r.typeOf(n.Chan)); c != nil {
				set(n.Value, c.Elem())
			}
		case *ast.CompositeLit:
			t := r.typeOf(n)
			if t == nil {
				break
			}
			switch u := t.Underlying().(type) {
			case *types.Struct:
				for i, e := range n.Elts {
					if kv, ok := e.(*ast.KeyValueExpr); ok {
						if k, ok := kv.Key.(*ast.Ident); ok {
							for j := 0; j < u.NumFields(); j++ {
								if u.Field(j).Name() == k.Name {
									set(kv.Value, u.Field(j).Type())
								}
							}
						}
					} else if i < u.NumFields() {
						set(e, u.Field(i).Type())
					}
				}
			case *types.Slice, *types.Array, *types.Map:
				var key, elem types.Type
				switch u := u.(type) {
				case *types.Slice:
					elem = u.Elem()
				case *types.Array:
					elem = u.Elem()
				case *types.Map:
					key, elem = u.Key(), u.Elem()
				}
				for _, e := range n.Elts {
					if kv, ok := e.(*ast.KeyValueExpr); ok {
						if key != nil {
							set(kv.Key, key)
						}
						set(kv.Value, elem)
					} else {
						set(e, elem)
					}
				}
			}
		}
		return true
	}
	ast.Inspect(r.file, visit)
	return out
}

// needsConv reports whether a value of channel type v assigned to channel
// type t needs an explicit conversion once translated: exactly one of them
// is a named type.
func needsConv(v, t types.Type) bool {
	if !isChanType(v) || types.Identical(v, t) {
		return false
	}
	named := func(t types.Type) (bool, bool) {
		switch types.Unalias(t).(type) {
		case *types.Named:
			return true, true
		case *types.TypeParam:
			return false, false
		}
		return false, true
	}
	nv, okv := named(v)
	nt, okt := named(t)
	return okv && okt && nv != nt
}
