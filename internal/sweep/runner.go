package sweep

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"os/exec"
	"strings"
	"sync"
	"time"
)

// The worker protocol: the parent runs the binary with the job's flags
// (or, for a translated program, the job's configuration in EnvKnobs and
// GMPRUN) and these variables set; the worker runs its program once and
// writes a WorkerOutput as JSON, one line, at the end of its standard
// output (its report is discarded).
const (
	// EnvWorker marks a worker process.
	EnvWorker = "GMP_SWEEP_WORKER"
	// EnvTimeline, if set, names the file where the worker writes the
	// timeline data of its first simulation for the HTML report.
	EnvTimeline = "GMP_SWEEP_TIMELINE"
)

// IsWorker reports whether this process is a sweep's worker.
func IsWorker() bool { return os.Getenv(EnvWorker) != "" }

// TimelineFile returns the file a worker writes its timeline to, if any.
func TimelineFile() string { return os.Getenv(EnvTimeline) }

// WorkerOutput is what a worker prints: the figures of each simulation
// its program ran, in order.
type WorkerOutput struct {
	Runs []RunFigures `json:"runs"`
	// Events counts the runtime events the worker's simulations emitted,
	// for the progress line.
	Events int64 `json:"events"`
}

// WriteWorkerOutput prints out as a worker's answer.
func WriteWorkerOutput(w io.Writer, out WorkerOutput) error {
	return json.NewEncoder(w).Encode(out)
}

// Job is one process of a sweep: a configuration under one seed.
type Job struct {
	Config   int    // the configuration's index
	Point    Point  // its settings
	Seed     uint64 // the seed
	Timeline string // file for the HTML timeline data ("": none)
}

// Jobs lists the jobs of a sweep: every configuration under every seed,
// configuration by configuration. The first seed of each of the first
// timelines configurations writes its timeline to dir.
func Jobs(points []Point, seeds []uint64, timelines int, dir string) []Job {
	var jobs []Job
	for i, p := range points {
		for k, s := range seeds {
			j := Job{Config: i, Point: p, Seed: s}
			if k == 0 && i < timelines && dir != "" {
				j.Timeline = fmt.Sprintf("%s/timeline-%d.json", dir, i)
			}
			jobs = append(jobs, j)
		}
	}
	return jobs
}

// Options control how a sweep runs.
type Options struct {
	// Exe is the binary to run (os.Executable()), Args the arguments that
	// come before each job's flags ("run", "NAME", and the user's fixed
	// flags).
	Exe  string
	Args []string
	// JobEnv, if set, gives a job its configuration in the environment
	// rather than as flags: the worker gets Args alone (a translated
	// program, whose arguments are its own) and the variables JobEnv
	// returns.
	JobEnv func(Job) []string
	// Replay, if set, is the command that runs job's configuration alone,
	// for the error of a worker that fails (by default Exe and the job's
	// arguments).
	Replay func(Job) string
	// Workers is the number of processes at once (at least 1).
	Workers int
	// Progress, if set, receives a progress line now and then (a
	// terminal; nil keeps quiet).
	Progress io.Writer
}

// Run runs the jobs in worker processes and returns their outputs, by job
// index. A worker that fails to answer (it crashed, or printed no JSON) is
// an error naming the job and its replay command; ctx's cancellation stops
// the sweep (the running workers are killed).
func Run(ctx context.Context, opts Options, jobs []Job) ([]WorkerOutput, error) {
	outs := make([]WorkerOutput, len(jobs))
	next := make(chan int)
	var (
		mu       sync.Mutex
		firstErr error
		done     int
		events   int64
	)
	start := time.Now()
	stopProgress := startProgress(opts.Progress, func() string {
		mu.Lock()
		defer mu.Unlock()
		el := time.Since(start)
		line := fmt.Sprintf("sweep: %d/%d runs, %s", done, len(jobs), el.Round(100*time.Millisecond))
		if el > 0 {
			line += fmt.Sprintf(", %.3g events/s", float64(events)/el.Seconds())
		}
		if done > 0 && done < len(jobs) {
			eta := time.Duration(float64(el) / float64(done) * float64(len(jobs)-done))
			line += fmt.Sprintf(", ETA %s", eta.Round(time.Second))
		}
		return line
	})
	var wg sync.WaitGroup
	for range max(opts.Workers, 1) {
		wg.Go(func() {
			for i := range next {
				out, err := runJob(ctx, opts, jobs[i])
				mu.Lock()
				if err != nil && firstErr == nil {
					firstErr = err
				}
				outs[i] = out
				done++
				events += out.Events
				mu.Unlock()
			}
		})
	}
feed:
	for i := range jobs {
		mu.Lock()
		failed := firstErr != nil
		mu.Unlock()
		if failed {
			break
		}
		select {
		case next <- i:
		case <-ctx.Done():
			break feed
		}
	}
	close(next)
	wg.Wait()
	stopProgress()
	if firstErr == nil && ctx.Err() != nil {
		firstErr = ctx.Err()
	}
	return outs, firstErr
}

// JobArgs are the arguments of job's worker.
func JobArgs(opts Options, j Job) []string {
	args := append([]string(nil), opts.Args...)
	if opts.JobEnv != nil {
		return args
	}
	args = append(args, j.Point.Args()...)
	return append(args, fmt.Sprintf("--seed=%d", j.Seed))
}

func runJob(ctx context.Context, opts Options, j Job) (WorkerOutput, error) {
	args := JobArgs(opts, j)
	cmd := exec.CommandContext(ctx, opts.Exe, args...)
	cmd.Env = append(os.Environ(), EnvWorker+"=1", EnvTimeline+"="+j.Timeline)
	if opts.JobEnv != nil {
		cmd.Env = append(cmd.Env, opts.JobEnv(j)...)
	}
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	err := cmd.Run()
	var out WorkerOutput
	if jerr := json.Unmarshal(lastLine(stdout.Bytes()), &out); jerr != nil || len(out.Runs) == 0 {
		if ctx.Err() != nil {
			return out, ctx.Err()
		}
		msg := strings.TrimSpace(stderr.String())
		if err == nil {
			err = fmt.Errorf("no answer (%v)", jerr)
		}
		replay := opts.Exe + " " + strings.Join(args, " ")
		if opts.Replay != nil {
			replay = opts.Replay(j)
		}
		return out, fmt.Errorf("configuration %s, seed %d: worker failed: %v\n%s\n(replay with: %s)",
			j.Point.Label(), j.Seed, err, msg, replay)
	}
	return out, nil
}

// lastLine is the answer in a worker's standard output: its last line
// (a translated program may have printed before its answer).
func lastLine(b []byte) []byte {
	b = bytes.TrimRight(b, "\n")
	if i := bytes.LastIndexByte(b, '\n'); i >= 0 {
		return b[i+1:]
	}
	return b
}

// startProgress prints line() to w every 200ms, over itself (\r), and
// clears it when stopped. With w nil it does nothing.
func startProgress(w io.Writer, line func() string) (stop func()) {
	if w == nil {
		return func() {}
	}
	quit := make(chan struct{})
	var wg sync.WaitGroup
	wg.Go(func() {
		t := time.NewTicker(200 * time.Millisecond)
		defer t.Stop()
		for {
			select {
			case <-quit:
				fmt.Fprintf(w, "\r\033[K")
				return
			case <-t.C:
				fmt.Fprintf(w, "\r\033[K%s", line())
			}
		}
	})
	return func() { close(quit); wg.Wait() }
}

// IsTerminal reports whether f is a terminal (a character device), where
// progress lines belong.
func IsTerminal(f *os.File) bool {
	fi, err := f.Stat()
	return err == nil && fi.Mode()&os.ModeCharDevice != 0
}
