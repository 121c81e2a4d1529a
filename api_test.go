package gmp_test

import (
	"encoding/json"
	"errors"
	"fmt"
	"go/ast"
	"go/doc"
	"go/importer"
	"go/parser"
	"go/token"
	"go/types"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

// listedPackage is what `go list -export -json` says of a package.
type listedPackage struct {
	ImportPath string
	Name       string
	Dir        string
	Export     string
	GoFiles    []string
	Module     *struct{ Path string }
	DepOnly    bool
}

// publicPackages lists the module's packages a user can import (not
// internal, not a command), with the export data of everything they use.
func publicPackages(t *testing.T) (public []listedPackage, exports map[string]string) {
	t.Helper()
	if testing.Short() {
		t.Skip("builds every package's export data")
	}
	goCmd, err := exec.LookPath("go")
	if err != nil {
		t.Skip("no go command")
	}
	out, err := exec.Command(goCmd, "list", "-export", "-deps", "-json=ImportPath,Name,Dir,Export,GoFiles,Module,DepOnly", "./...").Output()
	if err != nil {
		var ee *exec.ExitError
		if errors.As(err, &ee) {
			t.Fatalf("go list: %v\n%s", err, ee.Stderr)
		}
		t.Fatal(err)
	}
	exports = map[string]string{}
	dec := json.NewDecoder(strings.NewReader(string(out)))
	for {
		var p listedPackage
		if err := dec.Decode(&p); err == io.EOF {
			break
		} else if err != nil {
			t.Fatal(err)
		}
		exports[p.ImportPath] = p.Export
		if p.DepOnly || p.Module == nil || p.Module.Path != "github.com/gmplab/gmp" || p.Name == "main" || isInternal(p.ImportPath) {
			continue
		}
		public = append(public, p)
	}
	return public, exports
}

func isInternal(path string) bool {
	return strings.Contains(path, "/internal/") || strings.HasSuffix(path, "/internal")
}

// TestPublicAPINamesNoInternalType fails if an exported identifier of a
// public package mentions a type of an internal package: in a signature, an
// exported field, an interface's method, or as the target of an alias. A
// user outside the module can neither name such a type nor read its
// documentation (go doc shows an alias of one as nothing).
func TestPublicAPINamesNoInternalType(t *testing.T) {
	public, exports := publicPackages(t)
	fset := token.NewFileSet()
	imp := importer.ForCompiler(fset, "gc", func(path string) (io.ReadCloser, error) {
		f, ok := exports[path]
		if !ok || f == "" {
			return nil, fmt.Errorf("no export data for %s", path)
		}
		return os.Open(f)
	})
	var problems []string
	for _, lp := range public {
		pkg, err := imp.Import(lp.ImportPath)
		if err != nil {
			t.Fatal(err)
		}
		c := &apiChecker{pkg: pkg, seen: map[types.Type]bool{}}
		scope := pkg.Scope()
		for _, name := range scope.Names() {
			obj := scope.Lookup(name)
			if !obj.Exported() {
				continue
			}
			c.where = pkg.Path() + "." + name
			c.seen = map[types.Type]bool{}
			c.check(obj.Type()) // an alias is checked through to its target
			if n, ok := obj.Type().(*types.Named); ok && obj.Pkg() == pkg {
				for m := range n.Methods() {
					if m.Exported() {
						c.where = pkg.Path() + "." + name + "." + m.Name()
						c.seen = map[types.Type]bool{}
						c.check(m.Type())
					}
				}
			}
		}
		problems = append(problems, c.problems...)
	}
	if len(problems) > 0 {
		t.Errorf("exported identifiers that mention internal types:\n\t%s", strings.Join(problems, "\n\t"))
	}
}

type apiChecker struct {
	pkg      *types.Package
	where    string
	seen     map[types.Type]bool
	problems []string
}

func (c *apiChecker) problem(typ types.Type) {
	c.problems = append(c.problems, fmt.Sprintf("%s: %s", c.where, typ))
}

// check walks the parts of typ that a user of c.pkg sees.
func (c *apiChecker) check(typ types.Type) {
	if typ == nil || c.seen[typ] {
		return
	}
	c.seen[typ] = true
	switch t := typ.(type) {
	case *types.Alias:
		c.check(types.Unalias(t))
	case *types.Named:
		if p := t.Obj().Pkg(); p != nil && isInternal(p.Path()) {
			c.problem(t)
			return
		}
		for a := range t.TypeArgs().Types() {
			c.check(a)
		}
		if t.Obj().Pkg() == c.pkg {
			c.check(t.Underlying())
		}
	case *types.Pointer:
		c.check(t.Elem())
	case *types.Slice:
		c.check(t.Elem())
	case *types.Array:
		c.check(t.Elem())
	case *types.Map:
		c.check(t.Key())
		c.check(t.Elem())
	case *types.Chan:
		c.check(t.Elem())
	case *types.Signature:
		for v := range t.Params().Variables() {
			c.check(v.Type())
		}
		for v := range t.Results().Variables() {
			c.check(v.Type())
		}
	case *types.Struct:
		for f := range t.Fields() {
			if f.Exported() {
				c.check(f.Type())
			}
		}
	case *types.Interface:
		for m := range t.Methods() {
			if m.Exported() {
				c.check(m.Type())
			}
		}
	}
}

// TestPublicAPIDocumented fails if an exported identifier of a public
// package, or an exported field of an exported struct type, has no doc
// comment: `go doc` must explain every one.
func TestPublicAPIDocumented(t *testing.T) {
	public, _ := publicPackages(t)
	var problems []string
	for _, lp := range public {
		fset := token.NewFileSet()
		var files []*ast.File
		for _, name := range lp.GoFiles {
			f, err := parser.ParseFile(fset, filepath.Join(lp.Dir, name), nil, parser.ParseComments)
			if err != nil {
				t.Fatal(err)
			}
			files = append(files, f)
		}
		p, err := doc.NewFromFiles(fset, files, lp.ImportPath)
		if err != nil {
			t.Fatal(err)
		}
		undocumented := func(what string) { problems = append(problems, lp.ImportPath+"."+what) }
		if p.Doc == "" {
			undocumented("(package doc)")
		}
		checkValues := func(vals []*doc.Value) {
			for _, v := range vals {
				if v.Doc != "" {
					continue
				}
				// A group with no doc: every name needs a comment of its own.
				for _, spec := range v.Decl.Specs {
					vs := spec.(*ast.ValueSpec)
					if vs.Doc == nil && vs.Comment == nil {
						for _, n := range vs.Names {
							if n.IsExported() {
								undocumented(n.Name)
							}
						}
					}
				}
			}
		}
		checkFuncs := func(prefix string, fns []*doc.Func) {
			for _, f := range fns {
				if f.Doc == "" && !isInterfaceMethodImpl(f.Name) {
					undocumented(prefix + f.Name)
				}
			}
		}
		checkValues(p.Consts)
		checkValues(p.Vars)
		checkFuncs("", p.Funcs)
		for _, typ := range p.Types {
			if typ.Doc == "" {
				undocumented(typ.Name)
			}
			checkValues(typ.Consts)
			checkValues(typ.Vars)
			checkFuncs("", typ.Funcs)
			checkFuncs(typ.Name+".", typ.Methods)
			for _, spec := range typ.Decl.Specs {
				ts := spec.(*ast.TypeSpec)
				st, ok := ts.Type.(*ast.StructType)
				if !ok {
					continue
				}
				for _, f := range st.Fields.List {
					if f.Doc != nil || f.Comment != nil {
						continue
					}
					for _, n := range f.Names {
						if n.IsExported() {
							undocumented(typ.Name + "." + n.Name)
						}
					}
				}
			}
		}
	}
	slices.Sort(problems)
	if len(problems) > 0 {
		t.Errorf("exported identifiers without a doc comment:\n\t%s", strings.Join(problems, "\n\t"))
	}
}

// isInterfaceMethodImpl reports methods whose meaning their interface
// documents (error's Error, fmt.Stringer's String, json.Marshaler …).
func isInterfaceMethodImpl(name string) bool {
	switch name {
	case "Error", "String", "Unwrap", "MarshalJSON", "UnmarshalJSON", "Format":
		return true
	}
	return false
}
