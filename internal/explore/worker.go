package explore

import (
	"bufio"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"slices"
	"strings"
	"sync"
	"time"
)

// Worker processes, the way go test -fuzz runs its workers
// (internal/fuzz/worker.go): the test binary starts itself again, running
// only the test being explored (-test.run=^TestX$), with
// GMP_EXPLORE_WORKER naming the exploration and the coordinator's options
// in GMP_EXPLORE_OPTIONS. The test's Explore call, seeing them, serves
// instead of exploring: it reads commands on file descriptor 3 and writes
// results on 4, one JSON object a line. Simulations run one per process,
// so P workers run P at once.
//
// The coordinator hands out chunks of indices; a worker runs a chunk and
// answers with its failures (the first of each signature in full, the
// others as a count). Since a run depends only on its index, which worker
// runs it does not matter, and since per signature the lowest index is
// kept, neither does the order results arrive in. When every index is
// done, the coordinator gives each distinct failure to a worker to
// replay, shrink, narrate and write to its failure file.
//
// A worker that dies (a crash of the host process: a fatal error of Go's
// runtime, os.Exit in the test) or stops sending heartbeats (hung outside
// the simulation, past gmp's own watchdog) is killed and replaced; its
// chunk is run again one index at a time, so that the index that kills a
// worker again is reported as a crash with the worker's last output.

// WorkerCommand says how to start a worker: the test binary and the
// arguments that make it run only the test being explored.
type WorkerCommand struct {
	Path string
	Args []string
	Env  []string
}

const (
	envWorker  = "GMP_EXPLORE_WORKER"
	envOptions = "GMP_EXPLORE_OPTIONS"
)

// WorkerFor reports whether this process is a worker for the exploration
// named test.
//
//go:norace
func WorkerFor(test string) bool { return os.Getenv(envWorker) == test }

// IsWorker reports whether this process is a worker of any exploration
// (its other tests and Explore calls then do nothing).
//
//go:norace
func IsWorker() bool { return os.Getenv(envWorker) != "" }

// wireOptions are the coordinator's options a worker takes over.
type wireOptions struct {
	Test, Strategy, Dir, OutDir, Replay string
	Abstract, Interleavings             bool
	Seed                                uint64
	Runs                                int64
	Shard                               Shard
	ShrinkTime                          time.Duration
	ShrinkRuns                          int
	Config                              RunConfig
}

type command struct {
	Op       string       `json:"op"` // run, settle, quit
	From, To int64        `json:",omitempty"`
	Finding  *wireFinding `json:",omitempty"`
}

type reply struct {
	Op       string        `json:"op"` // ready, beat, done, settled
	Steps    int64         `json:",omitempty"`
	Nondet   string        `json:",omitempty"`
	From, To int64         `json:",omitempty"`
	Runs     int64         `json:",omitempty"`
	Fails    []wireFailure `json:",omitempty"`
	Sums     []uint64      `json:",omitempty"`
	Finding  *wireFinding  `json:",omitempty"`
}

type wireFailure struct {
	Kind      Kind
	Sig       string
	Index     int64
	Count     int64 // failures of this signature in the chunk
	Strategy  string
	Detail    string      `json:",omitempty"`
	Devs      []Deviation `json:",omitempty"`
	Sum       uint64
	Decisions int64
}

type wireFinding struct {
	Kind                                 Kind
	Signature, Strategy, Detail          string
	First, Count                         int64
	Devs                                 []Deviation
	Sum                                  uint64
	Decisions                            int64
	Schedule                             string `json:",omitempty"` // the failure file's text
	Original, Shrinks                    int
	Sentences                            []string `json:",omitempty"`
	File, Trace, Perfetto, Nondet, Crash string
}

//go:norace
func (f *Finding) wire() *wireFinding {
	w := &wireFinding{Kind: f.Kind, Signature: f.Signature, Strategy: f.Strategy, Detail: f.Detail,
		First: f.First, Count: f.Count, Devs: f.devs, Sum: f.sum, Decisions: f.ndec,
		Original: f.Original, Shrinks: f.Shrinks, Sentences: f.Sentences, File: f.File, Trace: f.Trace,
		Perfetto: f.Perfetto, Nondet: f.Nondet, Crash: f.Crash}
	if f.Schedule != nil {
		w.Schedule = f.Schedule.Format()
	}
	return w
}

//go:norace
func (w *wireFinding) finding() *Finding {
	f := &Finding{Kind: w.Kind, Signature: w.Signature, Strategy: w.Strategy, Detail: w.Detail,
		First: w.First, Count: w.Count, devs: w.Devs, sum: w.Sum, ndec: w.Decisions,
		Original: w.Original, Shrinks: w.Shrinks, Sentences: w.Sentences, File: w.File, Trace: w.Trace,
		Perfetto: w.Perfetto, Nondet: w.Nondet, Crash: w.Crash}
	if w.Schedule != "" {
		f.Schedule, _ = ParseSchedule("(worker)", w.Schedule)
	}
	return f
}

// WorkerOptions returns o with the coordinator's settings, in a worker.
//
//go:norace
func WorkerOptions(o Options) (Options, error) {
	var w wireOptions
	if err := json.Unmarshal([]byte(os.Getenv(envOptions)), &w); err != nil {
		return o, fmt.Errorf("gmp explore worker: bad %s: %v", envOptions, err)
	}
	o.Test, o.Strategy, o.Dir, o.OutDir, o.Replay = w.Test, w.Strategy, w.Dir, w.OutDir, w.Replay
	o.Abstract, o.Interleavings, o.Seed, o.Runs, o.Shard = w.Abstract, w.Interleavings, w.Seed, w.Runs, w.Shard
	o.ShrinkTime, o.ShrinkRuns = w.ShrinkTime, w.ShrinkRuns
	w.Config.apply(&o.Config)
	o.Parallel, o.Progress, o.Worker = 0, nil, nil
	return o, nil
}

// Serve is a worker's main loop: it runs what the coordinator sends
// until told to quit or its commands end.
//
//go:norace
func Serve(target Target, o Options) error {
	in, out := os.NewFile(3, "gmp-commands"), os.NewFile(4, "gmp-results")
	if in == nil || out == nil {
		return errors.New("gmp explore worker: no command pipes (this process was not started by a coordinator)")
	}
	defer out.Close()
	defer startBallast()()
	r, err := newRunner(target, &o)
	if err != nil {
		return err
	}
	var mu sync.Mutex
	enc := json.NewEncoder(out)
	send := func(v reply) error {
		mu.Lock()
		defer mu.Unlock()
		return enc.Encode(v)
	}
	stop := make(chan struct{})
	defer close(stop)
	go func() {
		// Heartbeats say the worker is alive while a long chunk runs;
		// they come from a host goroutine, outside the simulation.
		t := time.NewTicker(beat)
		defer t.Stop()
		for {
			select {
			case <-stop:
				return
			case <-t.C:
				send(reply{Op: "beat", Runs: r.runs()})
			}
		}
	}()
	steps, nd := r.calibrate()
	if err := send(reply{Op: "ready", Steps: steps, Nondet: nd}); err != nil {
		return err
	}
	dec := json.NewDecoder(bufio.NewReader(in))
	for {
		var c command
		if err := dec.Decode(&c); err != nil {
			if errors.Is(err, io.EOF) {
				return nil
			}
			return err
		}
		switch c.Op {
		case "quit":
			return nil
		case "run":
			rep := reply{Op: "done", From: c.From, To: c.To}
			seen := map[string]int{}
			for k := c.From; k < c.To; k++ {
				i := o.Shard.index(k)
				kind, res, s := r.run(i)
				rep.Runs++
				if o.Interleavings {
					rep.Sums = append(rep.Sums, r.rec.Order())
				}
				if kind == Pass {
					continue
				}
				sig := signature(kind, res)
				if j, ok := seen[sig]; ok {
					rep.Fails[j].Count++
					continue
				}
				seen[sig] = len(rep.Fails)
				rep.Fails = append(rep.Fails, wireFailure{Kind: kind, Sig: sig, Index: i, Count: 1, Strategy: label(s),
					Detail: detail(kind, res), Devs: slices.Clone(r.rec.Deviations()), Sum: r.rec.Sum(), Decisions: r.rec.Decisions()})
			}
			if err := send(rep); err != nil {
				return err
			}
		case "settle":
			f := c.Finding.finding()
			r.settle(f)
			if err := send(reply{Op: "settled", Finding: f.wire()}); err != nil {
				return err
			}
		}
	}
}

// exploreWorkers explores with o.Parallel worker processes.
//
//go:norace
func exploreWorkers(target Target, o *Options, rep *Report) error {
	if o.Worker == nil {
		return errors.New("gmp explore: -gmp.parallel needs worker processes, and this target cannot start them")
	}
	wo := wireOptions{Test: o.Test, Strategy: o.Strategy, Dir: o.Dir, OutDir: o.OutDir, Replay: o.Replay,
		Abstract: o.Abstract, Interleavings: o.Interleavings, Seed: o.Seed, Runs: o.Runs, Shard: o.Shard,
		ShrinkTime: o.ShrinkTime, ShrinkRuns: o.ShrinkRuns, Config: configOf(o.Config)}
	optsJSON, _ := json.Marshal(wo)
	co := &coordinator{o: o, rep: rep, c: newCollector(rep), env: append(append([]string(nil), o.Worker.Env...),
		envWorker+"="+o.Test, envOptions+"="+string(optsJSON))}
	if o.Interleavings {
		co.c.sums = map[uint64]struct{}{}
	}
	return co.run()
}

type coordinator struct {
	o   *Options
	rep *Report
	c   *collector
	env []string

	queue    [][2]int64 // chunks to run (shard positions)
	next     int64      // the first position not yet queued
	total    int64
	suspects int // chunks of one index, from a dead worker
	results  chan event
	workers  []*worker
	stopping bool
}

// event is what a worker's reader goroutine passes to the coordinator.
type event struct {
	w   *worker
	r   reply
	err error // the worker died (its results ended)
}

type worker struct {
	id       int
	cmd      *exec.Cmd
	in       io.WriteCloser
	chunk    [2]int64 // the chunk it runs; chunk[1] == 0: none
	settling *Finding
	last     time.Time // when it last made progress (a run, a result)
	runs     int64     // simulations it reported in its last heartbeat
	suspect  bool
	out      *tailBuffer
	ready    bool
	dead     bool
}

//go:norace
func (co *coordinator) start(id int) (*worker, error) {
	// Commands: we write cw, the worker reads cr as its fd 3; results:
	// it writes rw (fd 4), we read rr.
	cr, cw, err := os.Pipe()
	if err != nil {
		return nil, err
	}
	rr, rw, err := os.Pipe()
	if err != nil {
		cr.Close()
		cw.Close()
		return nil, err
	}
	cmd := exec.Command(co.o.Worker.Path, co.o.Worker.Args...)
	cmd.Env = append(os.Environ(), co.env...)
	if raceOn {
		cmd.Env = append(cmd.Env, raceWorkerEnv(os.Getenv("GORACE")))
	}
	if os.Getenv("GOMAXPROCS") == "" {
		// A worker runs one simulation at a time: one thread's work. With
		// more Ps each coroutine switch wakes an idle P for nothing, and
		// the garbage collector takes cycles from the other workers'
		// cores; with one, both happen in line.
		cmd.Env = append(cmd.Env, "GOMAXPROCS=1")
	}
	cmd.ExtraFiles = []*os.File{cr, rw}
	out := &tailBuffer{max: 16 << 10}
	cmd.Stdout, cmd.Stderr = out, out
	if err := cmd.Start(); err != nil {
		cr.Close()
		cw.Close()
		rr.Close()
		rw.Close()
		return nil, fmt.Errorf("gmp explore: starting a worker: %v", err)
	}
	cr.Close()
	rw.Close()
	w := &worker{id: id, cmd: cmd, in: cw, out: out, last: time.Now()}
	go func() {
		dec := json.NewDecoder(bufio.NewReader(rr))
		for {
			var r reply
			if err := dec.Decode(&r); err != nil {
				rr.Close()
				cmd.Wait()
				co.results <- event{w: w, err: fmt.Errorf("worker %d exited: %v", id, cmd.ProcessState)}
				return
			}
			co.results <- event{w: w, r: r}
		}
	}()
	return w, nil
}

//go:norace
func (w *worker) send(c command) error {
	b, _ := json.Marshal(c)
	_, err := w.in.Write(append(b, '\n'))
	return err
}

//go:norace
func (w *worker) kill() {
	if !w.dead {
		w.dead = true
		w.in.Close()
		w.cmd.Process.Kill()
	}
}

// hangTimeout is how long a worker may go without progress — a result,
// or a heartbeat (one every beat) saying it ran a simulation since the
// last one — before it is taken for hung.
var hangTimeout = 60 * time.Second

const beat = 250 * time.Millisecond

//go:norace
func (co *coordinator) run() error {
	o := co.o
	co.total = o.Shard.count(o.Runs)
	co.rep.Workers = o.Parallel
	co.results = make(chan event, 64)
	prog := newProgress(o.Progress, o)
	for i := range o.Parallel {
		w, err := co.start(i)
		if err != nil {
			co.shutdown()
			return err
		}
		co.workers = append(co.workers, w)
	}
	defer co.shutdown()
	tick := time.NewTicker(min(time.Second, hangTimeout/4))
	defer tick.Stop()
	settled := false
	var pending []*Finding // findings to settle
	busy := func() bool {
		for _, w := range co.workers {
			if !w.dead && (w.chunk[1] != 0 || w.settling != nil) {
				return true
			}
		}
		return false
	}
	for {
		// Hand out work.
		for _, w := range co.workers {
			if w.dead || !w.ready || w.chunk[1] != 0 || w.settling != nil {
				continue
			}
			if ch, ok := co.nextChunk(); ok && !co.stopping {
				w.chunk = ch
				w.suspect = ch[1]-ch[0] == 1 && co.suspects > 0
				w.last = time.Now()
				if err := w.send(command{Op: "run", From: ch[0], To: ch[1]}); err != nil {
					w.kill()
				}
				continue
			}
			if !busy() && !settled {
				settled = true
				co.c.sorted()
				for _, f := range co.rep.Findings {
					if f.Kind != Crash {
						pending = append(pending, f)
					}
				}
			}
			if settled && len(pending) > 0 {
				f := pending[0]
				pending = pending[1:]
				w.settling = f
				w.last = time.Now()
				if err := w.send(command{Op: "settle", Finding: f.wire()}); err != nil {
					w.kill()
				}
			}
		}
		if settled && len(pending) == 0 && !busy() {
			co.rep.Interleavings = len(co.c.sums)
			return nil
		}
		select {
		case ev := <-co.results:
			w := ev.w
			if ev.r.Op != "beat" || ev.r.Runs != w.runs {
				// A heartbeat is progress only if the worker ran
				// something since the last one: a worker whose
				// simulation hangs still beats.
				w.last = time.Now()
				w.runs = max(w.runs, ev.r.Runs)
			}
			if ev.err != nil {
				if err := co.died(w, "the worker exited: "+w.cmd.ProcessState.String()); err != nil {
					return err
				}
				continue
			}
			switch ev.r.Op {
			case "ready":
				w.ready = true
				if ev.r.Nondet != "" && co.rep.Nondet == "" {
					co.rep.Nondet = ev.r.Nondet
					co.stopping = true
				}
			case "done":
				w.chunk = [2]int64{}
				if w.suspect {
					co.suspects--
					w.suspect = false
				}
				co.rep.Runs += ev.r.Runs
				for _, s := range ev.r.Sums {
					co.c.sums[s] = struct{}{}
				}
				for _, f := range ev.r.Fails {
					co.c.add(f.Kind, f.Sig, f.Index, f.Strategy, f.Detail, f.Devs, f.Sum, f.Decisions)
					co.c.bySig[f.Sig].Count += f.Count - 1
					co.rep.Failed += f.Count - 1
				}
				if o.StopAfter > 0 && len(co.c.bySig) >= o.StopAfter {
					co.stopping = true
				}
				prog.update(co.rep.Runs&^63, len(co.c.bySig), "portfolio")
			case "settled":
				got := ev.r.Finding.finding()
				f := w.settling
				w.settling = nil
				got.Count, got.First, got.Strategy = f.Count, f.First, f.Strategy
				*f = *got
			}
		case <-tick.C:
			for _, w := range co.workers {
				if !w.dead && (w.chunk[1] != 0 || w.settling != nil || !w.ready) && time.Since(w.last) > hangTimeout {
					w.kill()
					if err := co.died(w, fmt.Sprintf("the worker sent nothing for %v (hung)", hangTimeout)); err != nil {
						return err
					}
				}
			}
		}
	}
}

// nextChunk returns the next chunk of positions to run.
//
//go:norace
func (co *coordinator) nextChunk() ([2]int64, bool) {
	if len(co.queue) > 0 {
		ch := co.queue[0]
		co.queue = co.queue[1:]
		return ch, true
	}
	left := co.total - co.next
	if left <= 0 {
		return [2]int64{}, false
	}
	n := min(max(left/int64(8*co.o.Parallel), 16), 512, left)
	ch := [2]int64{co.next, co.next + n}
	co.next += n
	return ch, true
}

// maxRestarts bounds the workers started to replace dead ones.
const maxRestarts = 20

// died replaces a dead worker; its chunk is run again index by index, and
// an index that kills a worker on its own is reported as a crash.
//
//go:norace
func (co *coordinator) died(w *worker, why string) error {
	w.kill()
	if i := co.indexOf(w); i < 0 {
		return nil
	}
	tail := w.out.String()
	switch {
	case w.chunk[1] != 0 && (w.suspect || w.chunk[1]-w.chunk[0] == 1):
		idx := co.o.Shard.index(w.chunk[0])
		sig := "crash: " + crashLine(tail, why)
		co.c.add(Crash, sig, idx, "?", "", nil, 0, 0)
		if f := co.c.bySig[sig]; f.Crash == "" {
			f.Crash = why + "\n" + tail
		}
		co.rep.Runs++
		if w.suspect {
			co.suspects--
		}
	case w.chunk[1] != 0:
		for k := w.chunk[0]; k < w.chunk[1]; k++ {
			co.queue = append([][2]int64{{k, k + 1}}, co.queue...)
			co.suspects++
		}
	case w.settling != nil:
		w.settling.Crash = why + " while shrinking it\n" + tail
	case !w.ready:
		return fmt.Errorf("gmp explore: a worker died before it was ready (%s):\n%s", why, tail)
	}
	co.rep.Restarts++
	if co.rep.Restarts > maxRestarts {
		return fmt.Errorf("gmp explore: %d workers died; giving up. The last one: %s\n%s", co.rep.Restarts, why, tail)
	}
	nw, err := co.start(w.id)
	if err != nil {
		return err
	}
	co.workers[co.indexOf(w)] = nw
	return nil
}

//go:norace
func (co *coordinator) indexOf(w *worker) int {
	for i, x := range co.workers {
		if x == w {
			return i
		}
	}
	return -1
}

//go:norace
func (co *coordinator) shutdown() {
	for _, w := range co.workers {
		if !w.dead {
			w.send(command{Op: "quit"})
			w.in.Close()
		}
	}
	deadline := time.After(5 * time.Second)
	for _, w := range co.workers {
		if w.dead {
			continue
		}
		done := make(chan struct{})
		go func() { w.cmd.Process.Wait(); close(done) }()
		select {
		case <-done:
		case <-deadline:
			w.cmd.Process.Kill()
		}
	}
}

// crashLine picks the line of a dead worker's output that says why.
//
//go:norace
func crashLine(tail, why string) string {
	for l := range strings.SplitSeq(tail, "\n") {
		if strings.HasPrefix(l, "panic: ") || strings.HasPrefix(l, "fatal error: ") {
			return elideDigits(l)
		}
	}
	return elideDigits(why)
}

// tailBuffer keeps the last max bytes written to it.
type tailBuffer struct {
	mu  sync.Mutex
	max int
	b   []byte
}

//go:norace
func (t *tailBuffer) Write(p []byte) (int, error) {
	t.mu.Lock()
	defer t.mu.Unlock()
	t.b = append(t.b, p...)
	if len(t.b) > t.max {
		t.b = append(t.b[:0], t.b[len(t.b)-t.max:]...)
	}
	return len(p), nil
}

//go:norace
func (t *tailBuffer) String() string {
	t.mu.Lock()
	defer t.mu.Unlock()
	return string(t.b)
}
