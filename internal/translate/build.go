package translate

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"go/token"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"runtime/debug"
	"sort"
	"strings"
	"time"
)

// Options configure a build.
type Options struct {
	CacheDir string // translation cache; "" means $GMPCACHE or the user cache dir
	MapOrder bool   // seeded map range order (default in New)
	Log      func(format string, args ...any)
}

// Build is what the go command needs to build the translated packages:
// an overlay for the main module's files and, if dependencies changed, an
// alternate go.mod that replaces their modules with shadow copies.
type Build struct {
	Overlay   string       // overlay JSON file ("" if nothing changed)
	ModFile   string       // alternate go.mod ("" if not needed)
	Diags     []Diagnostic // everything the translation could not make faithful
	Program   *Program
	Files     map[string]string // original file → translated file, every changed file
	Translate time.Duration     // time spent type-checking and rewriting (0 on a full cache hit)
	Misses    int               // units translated now (not from the cache)
}

// cacheEntry is what the cache holds for one unit.
type cacheEntry struct {
	Files map[string]string `json:"files"` // original absolute name → translated file's base name
	Diags []Diagnostic      `json:"diags"`
}

// CacheDir returns the translation cache's directory.
func CacheDir(opt Options) (string, error) {
	if opt.CacheDir != "" {
		return opt.CacheDir, nil
	}
	if d := os.Getenv("GMPCACHE"); d != "" {
		return d, nil
	}
	d, err := os.UserCacheDir()
	if err != nil {
		return "", err
	}
	return filepath.Join(d, "gmp"), nil
}

// Prepare translates the packages matched by patterns (and the
// dependencies that need it), through the cache, and writes the overlay
// and the alternate go.mod.
func Prepare(cfg LoadConfig, opt Options, patterns ...string) (*Build, error) {
	cache, err := CacheDir(opt)
	if err != nil {
		return nil, err
	}
	prog, err := Plan(cfg, patterns...)
	if err != nil {
		return nil, err
	}
	b := &Build{Program: prog, Files: map[string]string{}}
	entries := map[string]*cacheEntry{}
	var misses []*Unit
	for _, u := range prog.Units {
		if e := readEntry(cache, u.Key); e != nil {
			entries[u.Path] = e
		} else {
			misses = append(misses, u)
		}
	}
	if len(misses) > 0 {
		start := time.Now()
		pkgs, err := TypeCheck(cfg, prog, misses)
		if err != nil {
			return nil, err
		}
		var paths []string
		for _, u := range prog.Units {
			paths = append(paths, u.Path)
		}
		tr := New(paths)
		tr.MapOrder = opt.MapOrder
		for i, pkg := range pkgs {
			u := misses[i]
			res := tr.TranslatePackage(pkg)
			if u.Cgo && len(res.Files) > 0 {
				res.Diags = append(res.Diags, Diagnostic{Pos: positionOf(u), Msg: "package uses cgo: its Go files are translated, but C code that calls back into Go runs outside the simulation"})
			}
			e, err := writeEntry(cache, u.Key, res)
			if err != nil {
				return nil, err
			}
			entries[u.Path] = e
		}
		b.Translate = time.Since(start)
		b.Misses = len(misses)
	}
	// Group the changed files: main module → overlay, others → shadows.
	overlay := map[string]string{}
	shadowed := map[string][]*Unit{} // module dir → units
	modOf := map[string]*Unit{}
	for _, u := range prog.Units {
		e := entries[u.Path]
		b.Diags = append(b.Diags, e.Diags...)
		if len(e.Files) == 0 {
			continue
		}
		for orig, base := range e.Files {
			b.Files[orig] = filepath.Join(cache, "trans", u.Key, base)
		}
		if u.Module == nil || u.Module.Main || u.Module.Replace != nil && u.Module.Replace.Version == "" && isMainDir(prog, u.Module.Replace.Path) {
			for orig, base := range e.Files {
				overlay[orig] = filepath.Join(cache, "trans", u.Key, base)
			}
			continue
		}
		dir := u.Module.Dir
		shadowed[dir] = append(shadowed[dir], u)
		modOf[dir] = u
	}
	sortDiags(b.Diags)
	var replaces [][2]string // module path, shadow dir
	for _, dir := range sortedKeys(shadowed) {
		u := modOf[dir]
		sd, err := shadow(cache, u.Module.Path, u.Module.Version, dir, shadowed[dir], entries)
		if err != nil {
			return nil, err
		}
		replaces = append(replaces, [2]string{u.Module.Path, sd})
	}
	// The build's files go in a directory named by everything they depend
	// on, so an unchanged program reuses them.
	h := sha256.New()
	for _, u := range prog.Units {
		fmt.Fprintf(h, "%s %s\n", u.Path, u.Key)
	}
	gmpVer, gmpDir := GmpSource()
	fmt.Fprintf(h, "gmp %s %s\n", gmpVer, gmpDir)
	if prog.MainModule != nil {
		fmt.Fprintf(h, "main %s\n", prog.MainModule.GoMod)
		if gm, err := os.ReadFile(prog.MainModule.GoMod); err == nil {
			h.Write(gm)
		}
	}
	bdir := filepath.Join(cache, "build", hex.EncodeToString(h.Sum(nil))[:32])
	if err := os.MkdirAll(bdir, 0o777); err != nil {
		return nil, err
	}
	if len(overlay) > 0 {
		data, _ := json.MarshalIndent(struct {
			Replace map[string]string
		}{overlay}, "", "\t")
		b.Overlay = filepath.Join(bdir, "overlay.json")
		if err := writeAtomic(b.Overlay, data); err != nil {
			return nil, err
		}
	}
	needGmp := prog.MainModule != nil && prog.MainModule.Path != GmpModule
	if prog.MainModule != nil && (len(replaces) > 0 || needGmp) {
		mf, err := altModFile(bdir, prog.MainModule.GoMod, needGmp, gmpVer, gmpDir, replaces)
		if err != nil {
			return nil, err
		}
		b.ModFile = mf
	}
	return b, nil
}

func isMainDir(prog *Program, dir string) bool {
	return prog.MainModule != nil && filepath.Clean(dir) == filepath.Clean(prog.MainModule.Dir)
}

func positionOf(u *Unit) (p token.Position) {
	if len(u.Files) > 0 {
		p.Filename = u.Files[0]
		p.Line = 1
	}
	return p
}

func sortDiags(ds []Diagnostic) {
	sort.SliceStable(ds, func(i, j int) bool {
		a, b := ds[i].Pos, ds[j].Pos
		if a.Filename != b.Filename {
			return a.Filename < b.Filename
		}
		return a.Line < b.Line
	})
}

func readEntry(cache, key string) *cacheEntry {
	data, err := os.ReadFile(filepath.Join(cache, "trans", key, "entry.json"))
	if err != nil {
		return nil
	}
	var e cacheEntry
	if json.Unmarshal(data, &e) != nil {
		return nil
	}
	for _, base := range e.Files {
		if _, err := os.Stat(filepath.Join(cache, "trans", key, base)); err != nil {
			return nil
		}
	}
	return &e
}

// writeEntry stores a unit's translation: into a temporary directory,
// renamed into place when complete, so an interrupted run leaves nothing
// half-written under the key.
func writeEntry(cache, key string, res *Result) (*cacheEntry, error) {
	final := filepath.Join(cache, "trans", key)
	if err := os.MkdirAll(filepath.Dir(final), 0o777); err != nil {
		return nil, err
	}
	tmp, err := os.MkdirTemp(filepath.Dir(final), key+".tmp-")
	if err != nil {
		return nil, err
	}
	defer os.RemoveAll(tmp)
	e := &cacheEntry{Files: map[string]string{}, Diags: res.Diags}
	for _, orig := range sortedKeys(res.Files) {
		base := filepath.Base(orig)
		if _, dup := e.Files[orig]; dup {
			continue
		}
		e.Files[orig] = base
		if err := os.WriteFile(filepath.Join(tmp, base), []byte(res.Files[orig]), 0o666); err != nil {
			return nil, err
		}
	}
	data, _ := json.MarshalIndent(e, "", "\t")
	if err := os.WriteFile(filepath.Join(tmp, "entry.json"), data, 0o666); err != nil {
		return nil, err
	}
	if err := os.Rename(tmp, final); err != nil {
		if readEntry(cache, key) != nil {
			return e, nil // another process got there first
		}
		return nil, err
	}
	return e, nil
}

func writeAtomic(name string, data []byte) error {
	if old, err := os.ReadFile(name); err == nil && bytes.Equal(old, data) {
		return nil
	}
	tmp := fmt.Sprintf("%s.tmp%d", name, os.Getpid())
	if err := os.WriteFile(tmp, data, 0o666); err != nil {
		return err
	}
	return os.Rename(tmp, name)
}

// shadow returns a copy of the module in dir with its translated files
// in place, under the cache, named by the module and the translation
// keys of its units.
func shadow(cache, modPath, version, dir string, units []*Unit, entries map[string]*cacheEntry) (string, error) {
	h := sha256.New()
	fmt.Fprintf(h, "%s@%s %s\n", modPath, version, dir)
	for _, u := range units {
		fmt.Fprintf(h, "%s %s\n", u.Path, u.Key)
	}
	name := strings.NewReplacer("/", "_", "@", "_").Replace(modPath) + "@" + version + "-" + hex.EncodeToString(h.Sum(nil))[:16]
	final := filepath.Join(cache, "shadow", name)
	if _, err := os.Stat(filepath.Join(final, "go.mod")); err == nil {
		return final, nil
	}
	if err := os.MkdirAll(filepath.Dir(final), 0o777); err != nil {
		return "", err
	}
	tmp, err := os.MkdirTemp(filepath.Dir(final), name+".tmp-")
	if err != nil {
		return "", err
	}
	defer os.RemoveAll(tmp)
	repl := map[string]string{}
	for _, u := range units {
		for orig, base := range entries[u.Path].Files {
			repl[orig] = filepath.Join(cache, "trans", u.Key, base)
		}
	}
	err = filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(dir, p)
		if d.IsDir() {
			if d.Name() == ".git" || rel != "." && fileExists(filepath.Join(p, "go.mod")) {
				return filepath.SkipDir
			}
			return os.MkdirAll(filepath.Join(tmp, rel), 0o777)
		}
		src := p
		if t, ok := repl[p]; ok {
			src = t
		}
		data, err := os.ReadFile(src)
		if err != nil {
			return err
		}
		return os.WriteFile(filepath.Join(tmp, rel), data, 0o666)
	})
	if err != nil {
		return "", err
	}
	if !fileExists(filepath.Join(tmp, "go.mod")) {
		os.WriteFile(filepath.Join(tmp, "go.mod"), []byte("module "+modPath+"\n"), 0o666)
	}
	if err := os.Rename(tmp, final); err != nil && !fileExists(filepath.Join(final, "go.mod")) {
		return "", err
	}
	return final, nil
}

func fileExists(p string) bool {
	_, err := os.Stat(p)
	return err == nil
}

// altModFile writes the alternate go.mod (and its go.sum) for -modfile:
// the user's go.mod plus gmp and the replacements of shadowed modules.
func altModFile(bdir, gomod string, needGmp bool, gmpVer, gmpDir string, replaces [][2]string) (string, error) {
	data, err := os.ReadFile(gomod)
	if err != nil {
		return "", err
	}
	alt := filepath.Join(bdir, "go.mod")
	if err := writeAtomic(alt, data); err != nil {
		return "", err
	}
	var sum []byte
	if s, err := os.ReadFile(strings.TrimSuffix(gomod, ".mod") + ".sum"); err == nil {
		sum = append(sum, s...)
	}
	args := []string{"mod", "edit"}
	if needGmp {
		if gmpDir != "" {
			args = append(args, "-require="+GmpModule+"@v0.0.0-00010101000000-000000000000", "-replace="+GmpModule+"="+gmpDir)
			if s, err := os.ReadFile(filepath.Join(gmpDir, "go.sum")); err == nil {
				sum = append(sum, s...)
			}
		} else {
			args = append(args, "-require="+GmpModule+"@"+gmpVer)
		}
	}
	for _, r := range replaces {
		args = append(args, "-replace="+r[0]+"="+r[1])
	}
	args = append(args, alt)
	cmd := exec.Command("go", args...)
	cmd.Dir = bdir
	if out, err := cmd.CombinedOutput(); err != nil {
		return "", fmt.Errorf("go mod edit: %v\n%s", err, out)
	}
	if err := writeAtomic(filepath.Join(bdir, "go.sum"), sum); err != nil {
		return "", err
	}
	return alt, nil
}

// GmpSource says which gmp the translated code builds against: the
// running binary's own. A gmp installed with `go install …@version` has a
// module version (required as is); one built in a checkout has "(devel)",
// and the checkout is where this file was compiled from (a replace
// directive points there).
func GmpSource() (version, dir string) {
	if bi, ok := debug.ReadBuildInfo(); ok {
		if bi.Main.Path == GmpModule && bi.Main.Version != "" && bi.Main.Version != "(devel)" {
			return bi.Main.Version, ""
		}
		for _, d := range bi.Deps {
			if d.Path == GmpModule && d.Replace == nil && d.Version != "(devel)" {
				return d.Version, ""
			}
		}
	}
	_, file, _, ok := runtime.Caller(0)
	if ok {
		root := filepath.Dir(filepath.Dir(filepath.Dir(file)))
		if data, err := os.ReadFile(filepath.Join(root, "go.mod")); err == nil && bytes.Contains(data, []byte("module "+GmpModule+"\n")) {
			return "(devel)", root
		}
	}
	return "(devel)", ""
}
