package main

import (
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strings"

	"github.com/gmplab/gmp/internal/outpath"
	"github.com/gmplab/gmp/observe/pprof"
)

// runOutputs are the files one simulation of a scenario writes.
type runOutputs struct {
	label    string
	trace    string // --trace's file for this run
	perfetto string // --perfetto's
	pprof    string // --pprof's directory
}

// files lists the files the run writes, for removal if it is cut short.
func (o runOutputs) files() []string {
	var fs []string
	for _, f := range []string{o.trace, o.perfetto} {
		if f != "" {
			fs = append(fs, f)
		}
	}
	if o.pprof != "" {
		for _, k := range pprof.Kinds() {
			fs = append(fs, filepath.Join(o.pprof, k.File()))
		}
	}
	return fs
}

// planOutputs names every run's outputs before anything runs: the first
// run writes to the names given, each later one beside them with its label
// (trace.out, trace.article.out; DIR, DIR/article).
func planOutputs(labels []string, trace, perfetto, pprofDir string) []runOutputs {
	plan := make([]runOutputs, len(labels))
	for i, label := range labels {
		first := i == 0
		plan[i] = runOutputs{
			label:    label,
			trace:    outputName(trace, label, first),
			perfetto: outputName(perfetto, label, first),
			pprof:    pprofDir,
		}
		if pprofDir != "" && !first {
			plan[i].pprof = filepath.Join(pprofDir, fileLabel(label))
		}
	}
	return plan
}

// outputName is the file a run writes for --trace or --perfetto: the name
// given for the first run, the label inserted before the extension for the
// others.
func outputName(name, label string, first bool) string {
	if name == "" || first {
		return name
	}
	ext := filepath.Ext(name)
	return strings.TrimSuffix(name, ext) + "." + fileLabel(label) + ext
}

// fileLabel makes a run's label fit in a file name ("4 Ps" → "4-Ps").
func fileLabel(label string) string {
	return strings.Map(func(r rune) rune {
		if r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || r == '.' || r == '_' || r == '-' {
			return r
		}
		return '-'
	}, label)
}

// checkPlan refuses outputs that would overwrite each other — two flags
// naming one file, or a later run's derived name landing on another
// output — and outputs that cannot be written, before any simulation
// runs. It creates the profile directory but no file, and leaves existing
// files as they are.
func checkPlan(plan []runOutputs, stats string) error {
	for _, f := range []struct{ flag, name string }{{"trace", plan[0].trace}, {"perfetto", plan[0].perfetto}, {"pprof", plan[0].pprof}} {
		if f.name == "-" {
			return fmt.Errorf("--%s -: only --stats can write to standard output; give a file name", f.flag)
		}
	}
	var profFiles []string
	for _, k := range pprof.Kinds() {
		profFiles = append(profFiles, k.File())
	}
	var outs []outpath.Output
	if stats != "-" {
		outs = append(outs, outpath.Output{Name: "--stats", Path: stats})
	}
	for i, p := range plan {
		name := func(flag string) string {
			if i == 0 {
				return flag
			}
			return fmt.Sprintf("%s's output for simulation %q", flag, p.label)
		}
		outs = append(outs,
			outpath.Output{Name: name("--trace"), Path: p.trace},
			outpath.Output{Name: name("--perfetto"), Path: p.perfetto},
			outpath.Output{Name: name("--pprof"), Path: p.pprof, Files: profFiles})
	}
	if err := outpath.Check(outs); err != nil {
		return err
	}
	for _, f := range []struct{ flag, name string }{{"stats", stats}, {"trace", plan[0].trace}, {"perfetto", plan[0].perfetto}} {
		if f.name == "" || f.name == "-" {
			continue
		}
		if err := probeFile(f.name); err != nil {
			return fmt.Errorf("--%s: %v", f.flag, err)
		}
	}
	if dir := plan[0].pprof; dir != "" {
		if err := os.MkdirAll(dir, 0o777); err != nil {
			return fmt.Errorf("--pprof: %v", err)
		}
		probe, err := os.CreateTemp(dir, ".gmp-write-check-*")
		if err != nil {
			return fmt.Errorf("--pprof: cannot write to %s: %v", dir, err)
		}
		probe.Close()
		os.Remove(probe.Name())
	}
	return nil
}

// probeFile checks that name can be written, without truncating it if it
// exists and without leaving it behind if it does not.
func probeFile(name string) error {
	if fi, err := os.Stat(name); err == nil {
		if fi.IsDir() {
			return fmt.Errorf("%s is a directory", name)
		}
		f, err := os.OpenFile(name, os.O_WRONLY, 0)
		if err != nil {
			return err
		}
		return f.Close()
	} else if !errors.Is(err, fs.ErrNotExist) {
		return err
	}
	f, err := os.OpenFile(name, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o666)
	if err != nil {
		return err
	}
	f.Close()
	return os.Remove(name)
}

// outputSet lists the files each run wrote, for the end of the report.
type outputSet struct {
	lines []string
}

func (o *outputSet) add(p runOutputs) {
	if p.trace != "" {
		o.lines = append(o.lines, fmt.Sprintf("  %-12s trace     %s   (go tool trace %s)", p.label, p.trace, p.trace))
	}
	if p.perfetto != "" {
		o.lines = append(o.lines, fmt.Sprintf("  %-12s perfetto  %s   (open in https://ui.perfetto.dev)", p.label, p.perfetto))
	}
	if p.pprof != "" {
		cpu := filepath.Join(p.pprof, "cpu.pb.gz")
		o.lines = append(o.lines, fmt.Sprintf("  %-12s pprof     %s   (go tool pprof -top %s)", p.label, p.pprof, cpu))
	}
}

func (o *outputSet) write(w io.Writer) {
	if len(o.lines) == 0 {
		return
	}
	fmt.Fprintf(w, "\noutputs\n")
	for _, l := range o.lines {
		fmt.Fprintln(w, l)
	}
}
