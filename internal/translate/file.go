package translate

import (
	"go/ast"
	"go/token"
	"go/types"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
)

// Version identifies the translator's output; it is part of every cache
// key, so a change in the rewrite invalidates cached translations.
const Version = "gmp-translate-1"

// Translator rewrites packages. The zero value is not ready; see New.
type Translator struct {
	// MapOrder makes range over a map follow the simulation's seeded
	// order (gmp.MapRange) instead of the host runtime's random one.
	MapOrder bool
	// Main inserts the simulation's entry into func main of package main.
	Main bool

	pkgs map[string]bool // packages being translated (import paths)
}

// New returns a translator for the packages with the given import paths
// (those whose API may change: their channels become gmp channels).
func New(paths []string) *Translator {
	t := &Translator{MapOrder: true, Main: true, pkgs: map[string]bool{}}
	for _, p := range paths {
		t.pkgs[p] = true
	}
	return t
}

// translated reports whether the package at path is seen translated by
// translated code: a mirror, gmp itself, or one of the translator's
// packages.
func (t *Translator) translated(path string) bool {
	if _, ok := Swaps[path]; ok {
		return true
	}
	if path == GmpModule || strings.HasPrefix(path, GmpModule+"/") {
		return true
	}
	return t.pkgs[strings.TrimSuffix(path, "_test")]
}

// Package is one type-checked package to translate.
type Package struct {
	Path  string
	Types *types.Package
	Info  *types.Info
	Fset  *token.FileSet
	Files []*ast.File
	Src   map[*ast.File][]byte // original text of each file
	Names map[*ast.File]string // absolute file name of each file
	// GoVersion is the go directive of the package's module ("" if
	// unknown). Generated code needs generics: the files of a module
	// older than Go 1.21 get a //go:build go1.21 constraint (which keeps
	// the loop-variable semantics of before Go 1.22).
	GoVersion string
}

// Result is one package's translation.
type Result struct {
	Files map[string]string // absolute file name → translated text, for files that changed
	Diags []Diagnostic
}

// TranslatePackage rewrites every file of pkg.
func (t *Translator) TranslatePackage(pkg *Package) *Result {
	p := &pkgRW{tr: t, pkg: pkg.Types, info: pkg.Info, fset: pkg.Fset, path: pkg.Path}
	res := &Result{Files: map[string]string{}}
	p.inits = p.planInits(pkg.Files, pkg.Names)
	for _, f := range pkg.Files {
		name := pkg.Names[f]
		out := p.file(f, pkg.Src[f], name)
		if out != string(pkg.Src[f]) {
			if old(pkg.GoVersion) {
				out = upgrade(out, f, p.fset, name)
			}
			res.Files[name] = out
		}
	}
	res.Diags = p.diags
	return res
}

// file rewrites one file.
func (p *pkgRW) file(f *ast.File, src []byte, filename string) (out string) {
	defer func() {
		if e := recover(); e != nil {
			p.errorf(f.Package, "internal error translating this file: %v", e)
			out = string(src)
		}
	}()
	r := &fileRW{
		p: p, file: f, tf: p.fset.File(f.Pos()), src: src, filename: filename,
		imports: map[string]string{}, added: map[string]string{},
		removed: map[*types.PkgName]int{}, uses: map[*types.PkgName]int{},
		isTest: strings.HasSuffix(filename, "_test.go"),
	}
	r.gmpName = "gmp"
	r.nils = r.nilTargets()
	for _, cg := range f.Comments {
		for _, c := range cg.List {
			if strings.HasPrefix(c.Text, "//go:linkname ") {
				p.errorf(c.Pos(), "//go:linkname reaches into another package's internals, which the translation does not see (it may be the runtime's, which the simulation replaces): remove it from the code under test")
			}
		}
	}
	ast.Inspect(f, func(n ast.Node) bool {
		if id, ok := n.(*ast.Ident); ok {
			if id.Name == "gmp" || id.Name == "gmptest" {
				r.gmpName = "gmp_"
			}
			if pn, ok := p.info.Uses[id].(*types.PkgName); ok {
				r.uses[pn]++
			}
		}
		return true
	})
	for _, is := range f.Imports {
		path, _ := strconv.Unquote(is.Path.Value)
		if m, ok := p.tr.swap(path); ok {
			path = m
		}
		var name string
		if is.Name != nil {
			name = is.Name.Name
		} else if pn, ok := p.info.Implicits[is].(*types.PkgName); ok {
			name = pn.Name()
		}
		if name != "_" && name != "." && name != "" {
			r.imports[path] = name
		}
	}
	// Rewrite the declarations, then the imports (an import becomes blank
	// once the rewrite has removed all its uses).
	texts := map[ast.Decl]string{}
	for _, d := range f.Decls {
		if gd, ok := d.(*ast.GenDecl); ok && gd.Tok == token.IMPORT {
			continue
		}
		texts[d] = r.node(d)
	}
	for _, d := range f.Decls {
		if gd, ok := d.(*ast.GenDecl); ok && gd.Tok == token.IMPORT {
			texts[d] = r.node(d)
		}
	}
	var b strings.Builder
	last := 0
	for _, d := range f.Decls {
		s, e := r.off(d.Pos()), r.off(d.End())
		if texts[d] == string(src[s:e]) {
			continue
		}
		b.Write(src[last:s])
		b.WriteString(texts[d])
		last = e
	}
	b.Write(src[last:])
	b.WriteString(r.initHook())
	body := b.String()
	if len(r.added) == 0 {
		return body
	}
	// New imports go on the package clause's line, so no line moves.
	var specs []string
	for path, name := range r.added {
		if name == filepath.Base(path) {
			specs = append(specs, strconv.Quote(path))
		} else {
			specs = append(specs, name+" "+strconv.Quote(path))
		}
	}
	sort.Strings(specs)
	at := r.off(f.Name.End())
	return body[:at] + "; import (" + strings.Join(specs, "; ") + ")" + body[at:]
}

// old reports whether a module's go version is before Go 1.21.
func old(v string) bool {
	if v == "" {
		return true // a module without a go directive is go 1.16
	}
	parts := strings.Split(strings.TrimPrefix(v, "go"), ".")
	if len(parts) < 2 || parts[0] != "1" {
		return false
	}
	minor, err := strconv.Atoi(parts[1])
	return err == nil && minor < 21
}

// upgrade sets a file's language version to go1.21: its //go:build line
// gains "go1.21 &&", or a new one goes first, followed by a //line
// directive so that the file's lines keep their numbers.
func upgrade(src string, f *ast.File, fset *token.FileSet, name string) string {
	for _, cg := range f.Comments {
		if cg.Pos() > f.Package {
			break
		}
		for _, c := range cg.List {
			if expr, ok := strings.CutPrefix(c.Text, "//go:build "); ok {
				off := fset.Position(c.Pos()).Offset
				end := off + len(c.Text)
				return src[:off] + "//go:build go1.21 && (" + expr + ")" + src[end:]
			}
		}
	}
	return "//go:build go1.21\n\n//line " + name + ":1\n" + src
}
