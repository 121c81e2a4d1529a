package gmp_test

import (
	"bytes"
	"encoding/json"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
	stdtime "time"

	"github.com/google/pprof/profile"
	"golang.org/x/exp/trace"

	"github.com/gmplab/gmp"
)

// TestOutputsBadPath checks that an output that cannot be written fails
// before the simulation starts, with a message naming the setting.
func TestOutputsBadPath(t *testing.T) {
	dir := t.TempDir()
	file := filepath.Join(dir, "file")
	if err := os.WriteFile(file, nil, 0o644); err != nil {
		t.Fatal(err)
	}
	missing := filepath.Join(dir, "no", "such", "dir", "out")
	for _, c := range []struct {
		cfg  gmp.Config
		want string
	}{
		{gmp.Config{TraceFile: missing}, "Config.TraceFile"},
		{gmp.Config{PerfettoFile: missing}, "Config.PerfettoFile"},
		{gmp.Config{PprofDir: filepath.Join(file, "sub")}, "Config.PprofDir"}, // a file is in the way
		{gmp.Config{Trace: io.Discard, TraceFile: filepath.Join(dir, "t")}, "both set"},
	} {
		ran := false
		_, err := gmp.Run(c.cfg, func() { ran = true })
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%+v: error %v, want one about %s", c.cfg, err, c.want)
		}
		if ran {
			t.Errorf("%+v: the simulation ran", c.cfg)
		}
	}
}

// TestOutputsOnFailure checks that runs ending in a deadlock or a panic
// still write complete, valid files.
func TestOutputsOnFailure(t *testing.T) {
	for name, main := range map[string]func(){
		"deadlock": func() {
			c := gmp.MakeChan[int](0)
			gmp.Go(func() { gmp.Work(100); c.Recv() })
			gmp.Work(1000)
			c.Recv()
		},
		"panic": func() {
			gmp.Go(func() { gmp.Work(100); panic("boom") })
			gmp.MakeChan[int](0).Recv()
		},
	} {
		t.Run(name, func(t *testing.T) {
			dir := t.TempDir()
			cfg := gmp.Config{
				Procs:        2,
				TraceFile:    filepath.Join(dir, "out.trace"),
				PerfettoFile: filepath.Join(dir, "out.json"),
				PprofDir:     filepath.Join(dir, "prof"),
			}
			res, err := gmp.Run(cfg, main)
			if err == nil || res == nil {
				t.Fatalf("want a failed run, got %v", err)
			}
			data, err := os.ReadFile(cfg.TraceFile)
			if err != nil {
				t.Fatal(err)
			}
			r, err := trace.NewReader(bytes.NewReader(data))
			if err != nil {
				t.Fatal(err)
			}
			n := 0
			for {
				_, err := r.ReadEvent()
				if err == io.EOF {
					break
				}
				if err != nil {
					t.Fatalf("trace: %v after %d events", err, n)
				}
				n++
			}
			if n < 20 {
				t.Errorf("trace has only %d events", n)
			}
			js, _ := os.ReadFile(cfg.PerfettoFile)
			if !json.Valid(js) || !bytes.Contains(js, []byte(`"end: `+name+`"`)) {
				t.Errorf("JSON invalid or without its end (%d bytes)", len(js))
			}
			for _, f := range []string{"cpu", "block", "mutex", "goroutine", "schedlat"} {
				pf, err := os.Open(filepath.Join(cfg.PprofDir, f+".pb.gz"))
				if err != nil {
					t.Fatal(err)
				}
				p, err := profile.Parse(pf)
				pf.Close()
				if err != nil {
					t.Fatalf("%s: %v", f, err)
				}
				if f == "goroutine" && len(p.Sample) == 0 {
					t.Errorf("goroutine profile is empty")
				}
			}
			if len(res.Metrics) == 0 {
				t.Error("no metrics")
			}
		})
	}
}

// TestOutputsClash checks that two outputs given the same file — by the
// same name, another spelling, a symbolic or a hard link, a file where the
// profiles need a directory, or the same writer — fail before anything is
// written, and leave an existing file as it was.
func TestOutputsClash(t *testing.T) {
	dir := t.TempDir()
	old := filepath.Join(dir, "old.trace")
	if err := os.WriteFile(old, []byte("keep me"), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink(old, filepath.Join(dir, "soft.json")); err != nil {
		t.Fatal(err)
	}
	if err := os.Link(old, filepath.Join(dir, "hard.json")); err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	for _, c := range []struct {
		name string
		cfg  gmp.Config
		want string
	}{
		{"same name", gmp.Config{TraceFile: old, PerfettoFile: old}, "both write"},
		{"spelling", gmp.Config{TraceFile: old, PerfettoFile: dir + "/prof/../old.trace"}, "same file"},
		{"symlink", gmp.Config{TraceFile: old, PerfettoFile: filepath.Join(dir, "soft.json")}, "same file"},
		{"hard link", gmp.Config{TraceFile: old, PerfettoFile: filepath.Join(dir, "hard.json")}, "same file"},
		{"profile", gmp.Config{PerfettoFile: filepath.Join(dir, "prof", "cpu.pb.gz"), PprofDir: filepath.Join(dir, "prof")}, "both write"},
		{"dir", gmp.Config{TraceFile: old, PprofDir: old}, "needs as a directory"},
		{"writer", gmp.Config{Trace: &buf, Perfetto: &buf}, "same writer"},
		{"schedtrace writer", gmp.Config{Perfetto: &buf, SchedTrace: stdtime.Millisecond, SchedTraceOut: &buf}, "same writer"},
	} {
		t.Run(c.name, func(t *testing.T) {
			ran := false
			_, err := gmp.Run(c.cfg, func() { ran = true })
			if err == nil || !strings.Contains(err.Error(), c.want) {
				t.Errorf("error %v, want one containing %q", err, c.want)
			}
			if ran {
				t.Error("the simulation ran")
			}
			if b, _ := os.ReadFile(old); string(b) != "keep me" {
				t.Errorf("the existing file now holds %q", b)
			}
			if buf.Len() != 0 {
				t.Errorf("%d bytes written to the writer", buf.Len())
			}
			if _, err := os.Stat(filepath.Join(dir, "prof")); err == nil {
				t.Error("the profile directory was created")
			}
		})
	}
	// Different files in the same directory are fine.
	cfg := gmp.Config{TraceFile: filepath.Join(dir, "prof", "t.trace"), PprofDir: filepath.Join(dir, "prof")}
	if _, err := gmp.Run(cfg, func() {}); err != nil {
		t.Errorf("trace inside the profile directory: %v", err)
	}
}

// TestOutputsPerfettoFormat checks the format Config.PerfettoFile picks by
// name: Chrome trace-event JSON for a .json file, Perfetto's protobuf for
// any other (and for the writer of Config.Perfetto). A protobuf trace is a
// Trace message: its first byte is the tag of field 1 (packet), bytes.
func TestOutputsPerfettoFormat(t *testing.T) {
	dir := t.TempDir()
	main := func() { gmp.Go(func() {}); gmp.Gosched() }
	var buf bytes.Buffer
	for _, c := range []struct {
		cfg  gmp.Config
		file string
		json bool
	}{
		{gmp.Config{PerfettoFile: filepath.Join(dir, "a.json")}, filepath.Join(dir, "a.json"), true},
		{gmp.Config{PerfettoFile: filepath.Join(dir, "a.JSON")}, filepath.Join(dir, "a.JSON"), true},
		{gmp.Config{PerfettoFile: filepath.Join(dir, "a.pftrace")}, filepath.Join(dir, "a.pftrace"), false},
		{gmp.Config{PerfettoFile: filepath.Join(dir, "a")}, filepath.Join(dir, "a"), false},
		{gmp.Config{Perfetto: &buf}, "", false},
	} {
		if _, err := gmp.Run(c.cfg, main); err != nil {
			t.Fatal(err)
		}
		data := buf.Bytes()
		if c.file != "" {
			var err error
			if data, err = os.ReadFile(c.file); err != nil {
				t.Fatal(err)
			}
		}
		if got := json.Valid(data); got != c.json {
			t.Errorf("%s: JSON %v, want %v", c.file, got, c.json)
		}
		if !c.json && (len(data) < 100 || data[0] != 1<<3|2) {
			t.Errorf("%s: %d bytes starting %x: not a protobuf trace", c.file, len(data), data[:min(len(data), 4)])
		}
	}
}
