// Package outpath checks that the files a run is asked to write do not
// collide: two outputs given the same file (by the same name, another
// spelling, a symbolic link or a hard link), or a file where another
// output needs a directory. Both gmp.Run (Config.TraceFile, PerfettoFile,
// PprofDir) and the gmp command (its output flags, for every simulation a
// scenario runs) check their outputs with it before anything is written.
package outpath

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
)

// An Output is one file, or one directory of files, that a run writes.
type Output struct {
	// Name says which setting asked for it, for error messages
	// ("--trace", "Config.PerfettoFile", "--pprof for run article").
	Name string
	// Path is the file, or the directory if Files is set.
	Path string
	// Files, for a directory output, are the names of the files it
	// writes in Path.
	Files []string
}

// entry is one path an output writes or needs as a directory.
type entry struct {
	out   int    // index in the outputs
	path  string // as given, joined with the file name for a directory's files
	canon string // absolute, cleaned, with the symbolic links of its existing prefix resolved
	dir   bool
	info  os.FileInfo // of the existing file, for os.SameFile (hard links)
}

// Check reports the first collision among outs: two outputs that would
// write the same file, or one that writes a file where another needs a
// directory (the same path, or a path inside it). Outputs with an empty
// Path are skipped. Paths are compared after making them absolute and
// resolving the symbolic links in their existing part; existing files are
// also compared with os.SameFile, which catches hard links.
func Check(outs []Output) error {
	var entries []entry
	for i, o := range outs {
		if o.Path == "" {
			continue
		}
		if o.Files == nil {
			entries = append(entries, newEntry(i, o.Path, false))
			continue
		}
		entries = append(entries, newEntry(i, o.Path, true))
		for _, f := range o.Files {
			entries = append(entries, newEntry(i, filepath.Join(o.Path, f), false))
		}
	}
	for i, a := range entries {
		for _, b := range entries[i+1:] {
			if a.out == b.out {
				continue
			}
			if err := clash(outs, a, b); err != nil {
				return err
			}
			if err := clash(outs, b, a); err != nil {
				return err
			}
		}
	}
	return nil
}

// clash reports whether a, a file, collides with b.
func clash(outs []Output, a, b entry) error {
	if a.dir {
		return nil
	}
	na, nb := outs[a.out].Name, outs[b.out].Name
	switch {
	case !b.dir && (a.canon == b.canon || a.info != nil && b.info != nil && os.SameFile(a.info, b.info)):
		if a.path == b.path {
			return fmt.Errorf("%s and %s both write %s: give each output a file of its own", na, nb, a.path)
		}
		return fmt.Errorf("%s (%s) and %s (%s) are the same file: give each output a file of its own", na, a.path, nb, b.path)
	case b.dir && a.canon == b.canon:
		return fmt.Errorf("%s writes the file %s, which %s needs as a directory", na, a.path, nb)
	case strings.HasPrefix(b.canon, a.canon+string(filepath.Separator)):
		return fmt.Errorf("%s writes the file %s, but %s writes %s inside it", na, a.path, nb, b.path)
	}
	return nil
}

func newEntry(out int, path string, dir bool) entry {
	e := entry{out: out, path: path, dir: dir, canon: canonical(path)}
	if !dir {
		if fi, err := os.Stat(path); err == nil && fi.Mode().IsRegular() {
			e.info = fi
		}
	}
	return e
}

// canonical returns path made absolute and clean, with the symbolic links
// in its longest existing prefix resolved, so that two spellings of one
// location compare equal whether or not the file exists yet.
func canonical(path string) string {
	abs, err := filepath.Abs(path)
	if err != nil {
		abs = filepath.Clean(path)
	}
	var rest []string
	for p := abs; ; {
		if r, err := filepath.EvalSymlinks(p); err == nil {
			return filepath.Join(append([]string{r}, rest...)...)
		}
		parent := filepath.Dir(p)
		if parent == p {
			return abs
		}
		rest = append([]string{filepath.Base(p)}, rest...)
		p = parent
	}
}
