package gmp

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"reflect"

	"github.com/gmplab/gmp/internal/outpath"
	"github.com/gmplab/gmp/internal/rt"
	"github.com/gmplab/gmp/observe/gotrace"
	"github.com/gmplab/gmp/observe/perfetto"
	"github.com/gmplab/gmp/observe/pprof"
)

// outputs are the files and observers behind Config.Trace, Perfetto and
// PprofDir. Every file is created before the simulation starts, so that a
// path that cannot be written fails at once, and everything is finished
// when the run ends, however it ends.
type outputs struct {
	trace     *gotrace.Observer
	traceBuf  *bufio.Writer
	traceFile *os.File

	perf     *perfetto.Observer
	perfFile *os.File

	prof      *pprof.Observer
	profFiles []*os.File // in pprof.Kinds order
}

// openOutputs creates the output files cfg asks for.
//
//go:norace
func openOutputs(cfg *Config) (*outputs, error) {
	o := &outputs{}
	fail := func(err error) (*outputs, error) {
		o.closeFiles()
		return nil, err
	}
	if cfg.Trace != nil && cfg.TraceFile != "" {
		return nil, errors.New("gmp: Config.Trace and Config.TraceFile are both set")
	}
	if cfg.Perfetto != nil && cfg.PerfettoFile != "" {
		return nil, errors.New("gmp: Config.Perfetto and Config.PerfettoFile are both set")
	}
	if err := checkOutputPaths(cfg); err != nil {
		return nil, err
	}
	// The profile directory first: the other files may be in it.
	if cfg.PprofDir != "" {
		if err := os.MkdirAll(cfg.PprofDir, 0o777); err != nil {
			return nil, fmt.Errorf("gmp: Config.PprofDir: cannot create the profile directory: %w", err)
		}
	}
	traceOut := cfg.Trace
	if cfg.TraceFile != "" {
		f, err := os.Create(cfg.TraceFile)
		if err != nil {
			return fail(fmt.Errorf("gmp: Config.TraceFile: cannot create the trace file: %w", err))
		}
		o.traceFile = f
		o.traceBuf = bufio.NewWriterSize(f, 256<<10)
		traceOut = o.traceBuf
	}
	perfOut := cfg.Perfetto
	if cfg.PerfettoFile != "" {
		f, err := os.Create(cfg.PerfettoFile)
		if err != nil {
			return fail(fmt.Errorf("gmp: Config.PerfettoFile: cannot create the Perfetto file: %w", err))
		}
		o.perfFile = f
		perfOut = f // perfetto buffers its own output
	}
	if cfg.PprofDir != "" {
		for _, k := range pprof.Kinds() {
			f, err := os.Create(filepath.Join(cfg.PprofDir, k.File()))
			if err != nil {
				return fail(fmt.Errorf("gmp: Config.PprofDir: cannot create a profile: %w", err))
			}
			o.profFiles = append(o.profFiles, f)
		}
		o.prof = pprof.New()
	}
	if traceOut != nil {
		o.trace = gotrace.NewObserver(traceOut, gotrace.Options{})
	}
	if perfOut != nil {
		// A file ending in .json gets the JSON; anything else, and the
		// writer of Config.Perfetto, Perfetto's protobuf format.
		o.perf = perfetto.New(perfOut, perfetto.Options{Format: perfetto.FormatFor(cfg.PerfettoFile)})
	}
	return o, nil
}

// checkOutputPaths makes sure no two outputs write the same file or
// stream, before any file is created: two writers interleaving in one
// file would leave both outputs corrupt.
//
//go:norace
func checkOutputPaths(cfg *Config) error {
	var profFiles []string
	for _, k := range pprof.Kinds() {
		profFiles = append(profFiles, k.File())
	}
	if err := outpath.Check([]outpath.Output{
		{Name: "Config.TraceFile", Path: cfg.TraceFile},
		{Name: "Config.PerfettoFile", Path: cfg.PerfettoFile},
		{Name: "Config.PprofDir", Path: cfg.PprofDir, Files: profFiles},
	}); err != nil {
		return fmt.Errorf("gmp: %w", err)
	}
	writers := []struct {
		name string
		w    io.Writer
	}{{"Config.Trace", cfg.Trace}, {"Config.Perfetto", cfg.Perfetto}, {"Config.SchedTraceOut", cfg.SchedTraceOut}}
	for i, a := range writers {
		for _, b := range writers[i+1:] {
			if sameWriter(a.w, b.w) {
				return fmt.Errorf("gmp: %s and %s are the same writer: each output needs a writer of its own", a.name, b.name)
			}
		}
	}
	return nil
}

// sameWriter reports whether a and b are the same non-nil writer (without
// panicking on writer types that cannot be compared).
//
//go:norace
func sameWriter(a, b io.Writer) bool {
	if a == nil || b == nil {
		return false
	}
	ta, tb := reflect.TypeOf(a), reflect.TypeOf(b)
	return ta == tb && ta.Comparable() && a == b
}

// observers returns the observers to attach to the run.
//
//go:norace
func (o *outputs) observers() []rt.Observer {
	var obs []rt.Observer
	if o.trace != nil {
		obs = append(obs, o.trace)
	}
	if o.perf != nil {
		obs = append(obs, o.perf)
	}
	if o.prof != nil {
		obs = append(obs, o.prof)
	}
	return obs
}

// finish completes every output (the run's End event has normally done
// most of it) and closes the files. It returns the first error.
//
//go:norace
func (o *outputs) finish() error {
	var errs []error
	if o.trace != nil {
		if err := o.trace.Close(); err != nil {
			errs = append(errs, fmt.Errorf("gmp: writing the execution trace: %w", err))
		}
	}
	if o.traceBuf != nil {
		if err := o.traceBuf.Flush(); err != nil {
			errs = append(errs, fmt.Errorf("gmp: writing the execution trace: %w", err))
		}
	}
	if o.perf != nil {
		if err := o.perf.Close(); err != nil {
			errs = append(errs, fmt.Errorf("gmp: writing the Perfetto trace: %w", err))
		}
	}
	if o.prof != nil {
		for i, k := range pprof.Kinds() {
			w := bufio.NewWriter(o.profFiles[i])
			err := o.prof.Write(k, w)
			if err == nil {
				err = w.Flush()
			}
			if err != nil {
				errs = append(errs, fmt.Errorf("gmp: writing %s: %w", o.profFiles[i].Name(), err))
			}
		}
	}
	if err := o.closeFiles(); err != nil {
		errs = append(errs, err)
	}
	if len(errs) > 0 {
		return errs[0]
	}
	return nil
}

//go:norace
func (o *outputs) closeFiles() error {
	var first error
	for _, f := range append([]*os.File{o.traceFile, o.perfFile}, o.profFiles...) {
		if f == nil {
			continue
		}
		if err := f.Close(); err != nil && first == nil {
			first = fmt.Errorf("gmp: closing %s: %w", f.Name(), err)
		}
	}
	return first
}
