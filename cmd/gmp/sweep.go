package main

import (
	"bufio"
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"time"

	"github.com/gmplab/gmp"
	"github.com/gmplab/gmp/internal/outpath"
	"github.com/gmplab/gmp/internal/sweep"
	"github.com/gmplab/gmp/observe"
	"github.com/gmplab/gmp/observe/html"
	"github.com/gmplab/gmp/scenarios"
)

// confirmAbove is the sweep size (simulations) that needs --yes or a yes
// at the terminal: 10,000 simulations are usually a typo in a range.
const confirmAbove = 1000

// maxTimelines bounds the configurations whose timeline goes into a
// sweep's HTML report (the first seed of each): the plots cover them all.
const maxTimelines = 16

// oneRunFlags are outputs of a single simulation, which a sweep refuses.
var oneRunFlags = []string{"trace", "perfetto", "pprof", "stats"}

// sweepTarget is what a sweep runs: a built-in scenario, or a package
// main translated and built once.
type sweepTarget struct {
	name string // the scenario's name or the package as the user gave it
	// prepare returns how to run the workers (the binary and its fixed
	// arguments); it is called once every check has passed, and cleanup
	// removes what it made.
	prepare func() (opts sweep.Options, cleanup func(), err error)
}

// scenarioSweep runs scenario sc: the workers are this binary, run again
// with the scenario's name and the job's flags.
func scenarioSweep(sc *scenarios.Scenario, set map[string]bool, swept []sweep.Knob) sweepTarget {
	return sweepTarget{name: sc.Name, prepare: func() (sweep.Options, func(), error) {
		exe, err := os.Executable()
		if err != nil {
			return sweep.Options{}, nil, fmt.Errorf("cannot find the gmp binary to run the workers: %v", err)
		}
		return sweep.Options{Exe: exe, Args: append([]string{"run", sc.Name}, fixedArgs(set, swept)...)}, func() {}, nil
	}}
}

// runSweep runs target under every combination of the swept knobs and
// every seed, in worker processes, and prints the table of key figures.
// Every check is made before target is prepared (a package translated).
func runSweep(cmd *command, target sweepTarget, swept []sweep.Knob, seeds []uint64, set map[string]bool, stdout, stderr io.Writer) error {
	for _, f := range oneRunFlags {
		if set[f] {
			return fmt.Errorf("--%s writes one simulation's output, and this is a sweep: run one configuration for it (gmp run %s --seed N …), or use --html, --csv or --json", f, target.name)
		}
	}
	points := sweep.Points(swept)
	// Every configuration must be valid before anything runs.
	for _, p := range points {
		cfg := gmp.Config{}
		for _, s := range p {
			applyKnob(&cfg, s.Flag, s.Value)
		}
		if err := cfg.Validate(); err != nil {
			return fmt.Errorf("configuration %s: %v", p.Label(), err)
		}
	}
	total := len(points) * len(seeds)
	if total > confirmAbove && !*runYes {
		if !confirm(stderr, total) {
			return fmt.Errorf("a sweep of %d configurations × %d seeds = %d simulations: add --yes to run it", len(points), len(seeds), total)
		}
	}
	if err := checkReports(nil, "", map[string]string{"html": *runHTML, "csv": *runCSV, "json": *runJSON}); err != nil {
		return err
	}
	opts, cleanup, err := target.prepare()
	if err != nil {
		return err
	}
	defer cleanup()
	var timelineDir string
	if *runHTML != "" {
		timelineDir, err = os.MkdirTemp("", "gmp-sweep-")
		if err != nil {
			return err
		}
		defer os.RemoveAll(timelineDir)
	}
	opts.Workers = *runJobs
	if progressOn(stderr) {
		opts.Progress = stderr
	}
	jobs := sweep.Jobs(points, seeds, maxTimelines, timelineDir)
	ctx := context.Background()
	if handleSignals {
		var stop context.CancelFunc
		ctx, stop = signal.NotifyContext(ctx, os.Interrupt, syscall.SIGTERM)
		defer stop()
	}
	start := time.Now()
	outs, err := sweep.Run(ctx, opts, jobs)
	if err != nil {
		return err
	}
	wall := time.Since(start)
	table := sweep.BuildTable(swept, jobs, outs)
	fmt.Fprintf(stdout, "sweep of %s: %d configurations × %d seeds = %d simulations\n\n", target.name, len(points), len(seeds), total)
	if err := table.WriteText(stdout); err != nil {
		return err
	}
	fmt.Fprintf(stderr, "sweep: %d simulations in %s with %d workers (%.1f/s)\n", total, wall.Round(time.Millisecond), max(*runJobs, 1), float64(total)/wall.Seconds())
	var written []string
	if *runCSV != "" {
		if err := writeFile(*runCSV, table.WriteCSV); err != nil {
			return fmt.Errorf("--csv: %v", err)
		}
		written = append(written, "csv   "+*runCSV)
	}
	if *runJSON != "" {
		if err := writeFile(*runJSON, table.WriteJSON); err != nil {
			return fmt.Errorf("--json: %v", err)
		}
		written = append(written, "json  "+*runJSON)
	}
	if *runHTML != "" {
		rep, err := sweepReport(target.name, table, jobs)
		if err != nil {
			return fmt.Errorf("--html: %v", err)
		}
		if err := writeHTMLFile(*runHTML, rep); err != nil {
			return fmt.Errorf("--html: %v", err)
		}
		written = append(written, "html  "+*runHTML+"   (open in a browser)")
	}
	if len(written) > 0 {
		fmt.Fprintf(stdout, "\noutputs\n")
		for _, w := range written {
			fmt.Fprintf(stdout, "  %s\n", w)
		}
	}
	return nil
}

// fixedArgs are the flags every worker gets: the knobs that are not swept
// and the settings of the run, as the user gave them.
func fixedArgs(set map[string]bool, swept []sweep.Knob) []string {
	var args []string
	for _, k := range knobValues() {
		if len(k.Values) == 1 {
			args = append(args, sweep.Point{{Flag: k.Flag, Value: k.Values[0]}}.Args()...)
		}
	}
	for _, f := range []string{"max-time", "max-steps", "schedtrace", "scheddetail"} {
		if set[f] {
			args = append(args, "--"+f+"="+cmdRun.Flags.Lookup(f).Value.String())
		}
	}
	return args
}

// confirm asks at the terminal whether to run a large sweep; without a
// terminal the answer is no.
func confirm(stderr io.Writer, total int) bool {
	if !sweep.IsTerminal(os.Stdin) {
		return false
	}
	fmt.Fprintf(stderr, "run %d simulations? [y/N] ", total)
	line, _ := bufio.NewReader(os.Stdin).ReadString('\n')
	return strings.TrimSpace(strings.ToLower(line)) == "y" || strings.TrimSpace(strings.ToLower(line)) == "yes"
}

// checkReports refuses report files that cannot be written or that clash
// with each other or with the run's outputs, before anything runs.
func checkReports(plan []runOutputs, stats string, files map[string]string) error {
	var outs []outpath.Output
	if stats != "" && stats != "-" {
		outs = append(outs, outpath.Output{Name: "--stats", Path: stats})
	}
	for _, p := range plan {
		outs = append(outs, outpath.Output{Name: "--trace", Path: p.trace}, outpath.Output{Name: "--perfetto", Path: p.perfetto})
	}
	names := []string{"html", "csv", "json"}
	for _, n := range names {
		if files[n] == "-" {
			return fmt.Errorf("--%s -: give a file name", n)
		}
		outs = append(outs, outpath.Output{Name: "--" + n, Path: files[n]})
	}
	if err := outpath.Check(outs); err != nil {
		return err
	}
	for _, n := range names {
		if files[n] != "" {
			if err := probeFile(files[n]); err != nil {
				return fmt.Errorf("--%s: %v", n, err)
			}
		}
	}
	return nil
}

func writeFile(path string, write func(io.Writer) error) error {
	f, err := os.Create(path)
	if err != nil {
		return err
	}
	w := bufio.NewWriterSize(f, 1<<20)
	err = write(w)
	if ferr := w.Flush(); err == nil {
		err = ferr
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	return err
}

func writeHTMLFile(path string, r *html.Report) error {
	return writeFile(path, func(w io.Writer) error { return html.Write(w, r) })
}

// commandLine is the command as the user typed it, for the report.
func commandLine() string {
	return "gmp " + strings.Join(os.Args[1:], " ")
}

func singleReport(name string, cols []*html.Collector) *html.Report {
	r := &html.Report{Title: "gmp run " + name, Command: commandLine()}
	for _, c := range cols {
		r.Timelines = append(r.Timelines, c.Timeline())
	}
	return r
}

// sweepReport makes the HTML report of a sweep: the table, and the
// timelines its workers wrote.
func sweepReport(name string, t *sweep.Table, jobs []sweep.Job) (*html.Report, error) {
	r := &html.Report{Title: "gmp run " + name + " (sweep)", Command: commandLine()}
	sw := &html.Sweep{}
	for _, k := range t.Knobs {
		sw.Knobs = append(sw.Knobs, k.Flag)
	}
	for _, k := range t.Keys() {
		f := sweep.FigureOf(k)
		sw.Figures = append(sw.Figures, html.FigureMeta{Key: k, Head: f.Head, IsTime: f.IsTime})
	}
	for _, j := range jobs {
		if j.Config < len(sw.Configs) {
			continue
		}
		c := html.SweepConfig{Label: j.Point.Label(), Timeline: -1}
		for _, s := range j.Point {
			c.Values = append(c.Values, s.Value)
		}
		if c.Values == nil {
			c.Values = []string{}
		}
		if j.Timeline != "" {
			tls, err := sweep.ReadTimelines(j.Timeline)
			if err != nil {
				return nil, fmt.Errorf("the timeline of %s: %v", c.Label, err)
			}
			c.Timeline = len(r.Timelines)
			for _, tl := range tls {
				tl.Config = c.Label
				r.Timelines = append(r.Timelines, tl)
			}
		}
		sw.Configs = append(sw.Configs, c)
	}
	for _, row := range t.Rows {
		cfg := slices.IndexFunc(sw.Configs, func(c html.SweepConfig) bool { return c.Label == row.Point.Label() })
		sr := html.SweepRow{Config: cfg, Run: row.Label, Seeds: len(row.Seeds), Status: row.StatusText(), Values: map[string]html.SweepValue{}}
		for _, k := range t.Keys() {
			if s := row.Summary(k); s.N > 0 {
				sr.Values[k] = html.SweepValue{Median: s.Median, Min: s.Min, Max: s.Max}
			}
		}
		sw.Rows = append(sw.Rows, sr)
	}
	r.Sweep = sw
	return r, nil
}

// runWorker runs one configuration of a sweep and prints its figures as
// JSON (the report is not printed).
func runWorker(sc *scenarios.Scenario, cfg gmp.Config, procsSet bool, stdout io.Writer) error {
	if cfg.SchedTraceOut != nil {
		cfg.SchedTraceOut = io.Discard
	}
	r := &scenarios.Runner{Config: cfg, ProcsSet: procsSet, Out: io.Discard, Diag: io.Discard}
	rec := sweep.NewRecorder(sweep.TimelineFile())
	r.Prepare = func(label string, c *gmp.Config) {
		c.Observers = append(c.Observers, rec.Observers(label)...)
	}
	err := sc.Run(r)
	if len(r.Runs) == 0 {
		if err == nil {
			err = errors.New("the scenario ran no simulation")
		}
		return err
	}
	var ran []sweep.Ran
	for _, run := range r.Runs {
		ran = append(ran, sweep.Ran{Label: run.Label, Result: run.Result, Err: run.Err})
	}
	out, err := rec.Finish(ran)
	if err != nil {
		return err
	}
	return sweep.WriteWorkerOutput(stdout, out)
}

// progressOn reports whether to print progress lines: --progress on, or
// auto and standard error is a terminal.
func progressOn(stderr io.Writer) bool {
	switch *runProgressMode {
	case "on":
		return true
	case "off":
		return false
	}
	f, ok := stderr.(*os.File)
	return ok && sweep.IsTerminal(f)
}

// progressLine prints, on a terminal, the virtual time a long simulation
// has reached and its rate, every half second.
type progressLine struct {
	w       io.Writer
	counter sweep.EventCounter
	label   atomic.Value
	quit    chan struct{}
	once    sync.Once
	wg      sync.WaitGroup
}

func newRunProgress(stderr io.Writer) *progressLine {
	p := &progressLine{quit: make(chan struct{})}
	if !progressOn(stderr) {
		return p
	}
	p.w = stderr
	p.label.Store("")
	start := time.Now()
	p.wg.Go(func() {
		t := time.NewTicker(500 * time.Millisecond)
		defer t.Stop()
		shown := false
		for {
			select {
			case <-p.quit:
				if shown {
					fmt.Fprintf(p.w, "\r\033[K")
				}
				return
			case <-t.C:
				el := time.Since(start)
				n := p.counter.Events()
				fmt.Fprintf(p.w, "\r\033[K%s: virtual %v, %d events, %.3g events/s, %s", p.label.Load(),
					time.Duration(p.counter.VirtualTime()), n, float64(n)/el.Seconds(), el.Round(time.Second))
				shown = true
			}
		}
	})
	return p
}

// observe returns the observer for simulation label.
func (p *progressLine) observe(label string) observe.Observer {
	if p.w != nil {
		p.label.Store(label)
	}
	return &p.counter
}

func (p *progressLine) stop() {
	p.once.Do(func() { close(p.quit); p.wg.Wait() })
}

var _ = flag.ErrHelp
