package translate

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"go/ast"
	"go/token"
	"io"
	"os"
	"os/exec"
	"sort"
	"strings"
	"sync"

	"golang.org/x/tools/go/packages"
)

// LoadConfig says what to load.
type LoadConfig struct {
	Dir   string   // the directory the patterns are relative to (the user's)
	Tests bool     // include _test.go files of the packages matched
	Env   []string // environment for the go command (nil: os.Environ())
	Tags  string   // -tags
}

// Unit is one package to translate, before type checking: its import
// path, its files (with the test files of a package under test) and the
// module it belongs to.
type Unit struct {
	Path    string
	Files   []string // absolute names of the Go files, in order
	Module  *packages.Module
	Imports []string // import paths of the translated packages it imports
	Root    bool     // matched by the patterns (its tests are translated)
	Cgo     bool
	Key     string // content hash: files, imports' keys, translator version
}

// Program is the set of packages a command needs translated.
type Program struct {
	Dir        string
	MainModule *packages.Module
	Units      []*Unit // dependencies before dependents
	Roots      []*packages.Package
	byPath     map[string]*Unit
}

// Unit returns the unit of the package at path, or nil.
func (p *Program) Unit(path string) *Unit { return p.byPath[path] }

// gmpOwn reports whether path is one of gmp's own packages (never
// translated: they are the simulated runtime), as opposed to the programs
// under gmp's testdata and examples.
func gmpOwn(path string) bool {
	if path != GmpModule && !strings.HasPrefix(path, GmpModule+"/") {
		return false
	}
	return !strings.Contains(path, "/testdata/") && !strings.HasPrefix(path, GmpModule+"/examples/")
}

// Plan lists the packages matched by patterns and the non-standard
// packages they depend on — everything that must be translated — without
// type-checking anything, and computes their cache keys.
func Plan(cfg LoadConfig, patterns ...string) (*Program, error) {
	pcfg := &packages.Config{
		Mode:  packages.NeedName | packages.NeedFiles | packages.NeedImports | packages.NeedDeps | packages.NeedModule,
		Dir:   cfg.Dir,
		Tests: cfg.Tests,
		Env:   cfg.Env,
	}
	if cfg.Tags != "" {
		pcfg.BuildFlags = []string{"-tags=" + cfg.Tags}
	}
	roots, err := packages.Load(pcfg, patterns...)
	if err != nil {
		return nil, err
	}
	if n := packages.PrintErrors(roots); n > 0 {
		return nil, fmt.Errorf("%d error(s) loading packages", n)
	}
	prog := &Program{Dir: cfg.Dir, byPath: map[string]*Unit{}, Roots: roots}
	// The files of each package: a package under test is translated with
	// its test files (the "p [p.test]" variant) and its external test
	// package "p_test" is a unit of its own.
	files := map[string][]string{}
	mods := map[string]*packages.Module{}
	imps := map[string]map[string]bool{}
	rootPath := map[string]bool{}
	cgo := map[string]bool{}
	var visit func(p *packages.Package, root bool)
	seen := map[string]bool{}
	visit = func(p *packages.Package, root bool) {
		if seen[p.ID] {
			return
		}
		seen[p.ID] = true
		if p.Module == nil || gmpOwn(p.PkgPath) {
			return // the standard library, and gmp's own packages
		}
		path := p.PkgPath
		if strings.HasSuffix(p.ID, ".test") && p.Name == "main" {
			// The generated test main: go test writes it.
			for _, q := range p.Imports {
				visit(q, false)
			}
			return
		}
		variant := strings.Contains(p.ID, " [")
		if root {
			rootPath[path] = true
		}
		if len(p.GoFiles) >= len(files[path]) && (variant || files[path] == nil) {
			files[path] = append([]string(nil), p.GoFiles...)
		}
		if len(p.OtherFiles) > 0 || hasCgo(p) {
			cgo[path] = true
		}
		mods[path] = p.Module
		if imps[path] == nil {
			imps[path] = map[string]bool{}
		}
		for _, q := range p.Imports {
			if q.Module != nil && !gmpOwn(q.PkgPath) && q.PkgPath != path {
				imps[path][q.PkgPath] = true
			}
			visit(q, false)
		}
	}
	for _, r := range roots {
		visit(r, true)
	}
	prog.MainModule = mainModule(roots)
	if prog.MainModule == nil {
		// The packages are all dependencies: ask for the main module.
		m, err := goListMain(cfg)
		if err != nil {
			return nil, err
		}
		prog.MainModule = m
	}
	// Order: dependencies first, then keys over that order.
	var order []string
	state := map[string]int{}
	var topo func(string)
	topo = func(p string) {
		if state[p] != 0 {
			return
		}
		state[p] = 1
		deps := sortedKeys(imps[p])
		for _, q := range deps {
			if _, ok := files[q]; ok {
				topo(q)
			}
		}
		state[p] = 2
		order = append(order, p)
	}
	for _, p := range sortedKeys(files) {
		topo(p)
	}
	for _, path := range order {
		u := &Unit{Path: path, Files: files[path], Module: mods[path], Root: rootPath[path], Cgo: cgo[path]}
		for _, q := range sortedKeys(imps[path]) {
			if _, ok := files[q]; ok {
				u.Imports = append(u.Imports, q)
			}
		}
		h := sha256.New()
		fmt.Fprintf(h, "%s %s\n%s\nroot=%v\n", Version, selfHash(), path, u.Root)
		for _, f := range u.Files {
			fmt.Fprintf(h, "file %s\n", f)
			fh, err := os.Open(f)
			if err != nil {
				return nil, err
			}
			_, err = io.Copy(h, fh)
			fh.Close()
			if err != nil {
				return nil, err
			}
		}
		for _, q := range u.Imports {
			fmt.Fprintf(h, "import %s %s\n", q, prog.byPath[q].Key)
		}
		u.Key = hex.EncodeToString(h.Sum(nil))[:32]
		prog.Units = append(prog.Units, u)
		prog.byPath[path] = u
	}
	return prog, nil
}

// goListMain returns the main module of cfg.Dir.
func goListMain(cfg LoadConfig) (*packages.Module, error) {
	cmd := exec.Command("go", "list", "-m", "-json")
	cmd.Dir = cfg.Dir
	cmd.Env = cfg.Env
	out, err := cmd.Output()
	if err != nil {
		return nil, fmt.Errorf("go list -m: %v", err)
	}
	var m packages.Module
	if err := json.Unmarshal(out, &m); err != nil {
		return nil, err
	}
	m.Main = true
	return &m, nil
}

func hasCgo(p *packages.Package) bool {
	for _, ip := range p.Imports {
		if ip.PkgPath == "C" || ip.PkgPath == "runtime/cgo" {
			return true
		}
	}
	return false
}

func mainModule(roots []*packages.Package) *packages.Module {
	for _, r := range roots {
		if r.Module != nil && r.Module.Main {
			return r.Module
		}
	}
	return nil
}

func sortedKeys[V any](m map[string]V) []string {
	var ks []string
	for k := range m {
		ks = append(ks, k)
	}
	sort.Strings(ks)
	return ks
}

// TypeCheck loads the units with syntax and types. Packages outside the
// set come from export data, so only the translated packages are parsed.
func TypeCheck(cfg LoadConfig, prog *Program, units []*Unit) ([]*Package, error) {
	if len(units) == 0 {
		return nil, nil
	}
	mode := packages.NeedName | packages.NeedFiles | packages.NeedSyntax | packages.NeedTypes | packages.NeedTypesInfo | packages.NeedImports | packages.NeedModule
	var rootPats, depPats []string
	seenPat := map[string]bool{}
	for _, u := range units {
		if u.Root {
			// An external test package comes with its package's tests.
			if p := strings.TrimSuffix(u.Path, "_test"); !seenPat[p] {
				seenPat[p] = true
				rootPats = append(rootPats, p)
			}
		} else {
			depPats = append(depPats, u.Path)
		}
	}
	fset := token.NewFileSet()
	var all []*packages.Package
	load := func(pats []string, tests bool) error {
		if len(pats) == 0 {
			return nil
		}
		pcfg := &packages.Config{Mode: mode, Dir: cfg.Dir, Tests: tests, Env: cfg.Env, Fset: fset}
		if cfg.Tags != "" {
			pcfg.BuildFlags = []string{"-tags=" + cfg.Tags}
		}
		pkgs, err := packages.Load(pcfg, pats...)
		if err != nil {
			return err
		}
		var msgs []string
		packages.Visit(pkgs, nil, func(p *packages.Package) {
			for _, e := range p.Errors {
				msgs = append(msgs, e.Error())
			}
		})
		if len(msgs) > 0 {
			return &CompileError{Msgs: msgs}
		}
		all = append(all, pkgs...)
		return nil
	}
	if err := load(rootPats, cfg.Tests); err != nil {
		return nil, err
	}
	depErr := load(depPats, false)
	if depErr == nil {
		got := map[string]bool{}
		for _, p := range all {
			got[p.PkgPath] = true
		}
		for _, d := range depPats {
			if !got[d] {
				depErr = fmt.Errorf("package %s not loaded", d)
			}
		}
	}
	if depErr != nil {
		// A dependency that only the tests of a dependency reach (testify
		// under a library's tests) cannot always be named from the main
		// module: load it through the packages that import it, with their
		// whole graph from source.
		all = all[:0]
		mode |= packages.NeedDeps
		var pats []string
		for _, r := range prog.Roots {
			if r.Module != nil && !strings.HasSuffix(r.ID, ".test") && !strings.Contains(r.ID, " [") {
				pats = append(pats, r.PkgPath)
			}
		}
		if err := load(pats, cfg.Tests); err != nil {
			return nil, err
		}
		var graph []*packages.Package
		packages.Visit(all, nil, func(p *packages.Package) { graph = append(graph, p) })
		all = graph
	}
	want := map[string]*Unit{}
	for _, u := range units {
		want[u.Path] = u
	}
	// For each unit, the variant with the most files (p [p.test] over p).
	best := map[string]*packages.Package{}
	for _, p := range all {
		if _, ok := want[p.PkgPath]; !ok || p.Name == "main" && strings.HasSuffix(p.ID, ".test") {
			continue
		}
		if b := best[p.PkgPath]; b == nil || len(p.Syntax) > len(b.Syntax) {
			best[p.PkgPath] = p
		}
	}
	var out []*Package
	for _, u := range units {
		p := best[u.Path]
		if p == nil {
			return nil, fmt.Errorf("translate: package %s was not loaded", u.Path)
		}
		pkg := &Package{Path: u.Path, Types: p.Types, Info: p.TypesInfo, Fset: p.Fset, GoVersion: goVersion(p),
			Src: map[*ast.File][]byte{}, Names: map[*ast.File]string{}}
		for _, f := range p.Syntax {
			name := p.Fset.File(f.Pos()).Name()
			src, err := os.ReadFile(name)
			if err != nil {
				return nil, err
			}
			pkg.Files = append(pkg.Files, f)
			pkg.Src[f] = src
			pkg.Names[f] = name
		}
		out = append(out, pkg)
	}
	return out, nil
}

// CompileError carries the compiler's (type checker's) errors for code
// that does not compile natively: they are the user's errors, reported as
// the go command would, not the translator's.
type CompileError struct{ Msgs []string }

func (e *CompileError) Error() string { return strings.Join(e.Msgs, "\n") }

// IsCompileError reports whether err is a CompileError.
func IsCompileError(err error) bool {
	var ce *CompileError
	return errors.As(err, &ce)
}

var selfHashOnce = sync.OnceValue(func() string {
	// The translator's own code is part of every key: a rebuilt gmp with
	// a changed rewrite must not reuse translations made by the old one.
	exe, err := os.Executable()
	if err != nil {
		return "?"
	}
	f, err := os.Open(exe)
	if err != nil {
		return "?"
	}
	defer f.Close()
	h := sha256.New()
	io.Copy(h, f)
	return hex.EncodeToString(h.Sum(nil))[:16]
})

func selfHash() string { return selfHashOnce() }

func goVersion(p *packages.Package) string {
	if p.Module == nil {
		return ""
	}
	if p.Module.Replace != nil && p.Module.Replace.GoVersion != "" {
		return p.Module.Replace.GoVersion
	}
	return p.Module.GoVersion
}
