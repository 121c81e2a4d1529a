package gmp_test

import (
	"bytes"
	"encoding/json"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"

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
