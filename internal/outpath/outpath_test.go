package outpath

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestCheck(t *testing.T) {
	dir := t.TempDir()
	t.Chdir(dir)
	must := func(err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
	}
	must(os.Mkdir("real", 0o777))
	must(os.Symlink("real", "link"))                    // a directory reached two ways
	must(os.WriteFile("old.trace", []byte("x"), 0o644)) // an existing file …
	must(os.Link("old.trace", "hard.trace"))            // … with a second name
	must(os.Symlink("old.trace", "soft.trace"))         // … and a symbolic link to it
	prof := []string{"cpu.pb.gz", "block.pb.gz"}
	abs := filepath.Join(dir, "x")

	for _, c := range []struct {
		name string
		outs []Output
		want string // "" for no collision
	}{
		{"distinct", []Output{{Name: "a", Path: "x"}, {Name: "b", Path: "y"}}, ""},
		{"empty paths", []Output{{Name: "a"}, {Name: "b"}}, ""},
		{"same name", []Output{{Name: "--trace", Path: "x"}, {Name: "--perfetto", Path: "x"}}, "--trace and --perfetto both write x"},
		{"spellings", []Output{{Name: "a", Path: "./x"}, {Name: "b", Path: "real/../x"}, {Name: "c", Path: abs}}, "same file"},
		{"absolute", []Output{{Name: "a", Path: "x"}, {Name: "b", Path: abs}}, "same file"},
		{"symlinked dir", []Output{{Name: "a", Path: "real/t"}, {Name: "b", Path: "link/t"}}, "same file"},
		{"symlinked file", []Output{{Name: "a", Path: "old.trace"}, {Name: "b", Path: "soft.trace"}}, "same file"},
		{"hard link", []Output{{Name: "a", Path: "old.trace"}, {Name: "b", Path: "hard.trace"}}, "same file"},
		{"file is the dir", []Output{{Name: "--trace", Path: "p"}, {Name: "--pprof", Path: "p", Files: prof}}, "needs as a directory"},
		{"file in the dir", []Output{{Name: "--trace", Path: "p/cpu.pb.gz"}, {Name: "--pprof", Path: "p", Files: prof}}, "both write p/cpu.pb.gz"},
		{"other file in the dir", []Output{{Name: "--trace", Path: "p/trace.out"}, {Name: "--pprof", Path: "p", Files: prof}}, ""},
		{"dir inside a file", []Output{{Name: "--trace", Path: "p"}, {Name: "--pprof", Path: "p/sub", Files: prof}}, "inside it"},
		{"file inside a file", []Output{{Name: "--trace", Path: "p"}, {Name: "--perfetto", Path: "p/q"}}, "inside it"},
		{"nested dirs", []Output{{Name: "run 1", Path: "p", Files: prof}, {Name: "run 2", Path: "p/article", Files: prof}}, ""},
		{"dir via symlink", []Output{{Name: "--trace", Path: "link/cpu.pb.gz"}, {Name: "--pprof", Path: "real", Files: prof}}, "same file"},
	} {
		t.Run(c.name, func(t *testing.T) {
			err := Check(c.outs)
			switch {
			case c.want == "" && err != nil:
				t.Errorf("unexpected error: %v", err)
			case c.want != "" && (err == nil || !strings.Contains(err.Error(), c.want)):
				t.Errorf("error %v, want one containing %q", err, c.want)
			}
		})
	}
}
