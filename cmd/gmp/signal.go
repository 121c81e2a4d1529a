package main

import (
	"errors"
	"fmt"
	"io"
	"os"
	"os/signal"
	"strings"
	"sync"
	"syscall"
)

// Interrupting gmp run.
//
// A simulation cannot be stopped from outside while it runs (the runtime
// has no hook for it), but every simulation of a built-in scenario takes
// well under a second of wall time, and the watchdog ends one stuck
// outside the simulator. So the first SIGINT or SIGTERM lets the
// simulation in progress finish — its trace, Perfetto JSON and profiles
// are complete — runs no further simulation, prints the summary of the
// ones that ran, writes --stats for them, and exits with 128+signal. A
// second signal stops at once: the files of the simulation in progress are
// removed (they would be truncated), and the process exits with 128+signal.

var (
	// handleSignals makes gmp run catch SIGINT and SIGTERM while it runs;
	// main sets it (gmpMain called from a test leaves the test process's
	// signals alone).
	handleSignals bool
	// exit ends the process; a variable so that tests can intercept it.
	exit = os.Exit
)

// errInterrupted is what Runner.Sim returns for a simulation not started
// because a signal arrived.
var errInterrupted = errors.New("interrupted")

// interruptedError ends gmp run after a signal.
type interruptedError struct {
	sig        os.Signal
	ran, total int // simulations run, of the scenario's total
}

func (e *interruptedError) Error() string {
	if e.ran == e.total {
		return fmt.Sprintf("%s: stopped after the last of %d simulations; the outputs listed are complete", sigName(e.sig), e.total)
	}
	return fmt.Sprintf("%s: stopped after %d of %d simulations; the report and outputs cover those that ran, and are complete", sigName(e.sig), e.ran, e.total)
}

// exitCode is the shell's code for death by the signal: 128+n.
func (e *interruptedError) exitCode() int { return sigExitCode(e.sig) }

func sigExitCode(sig os.Signal) int {
	if s, ok := sig.(syscall.Signal); ok {
		return 128 + int(s)
	}
	return 1
}

func sigName(sig os.Signal) string {
	switch sig {
	case syscall.SIGINT:
		return "SIGINT"
	case syscall.SIGTERM:
		return "SIGTERM"
	}
	return strings.ToUpper(sig.String())
}

// interrupter watches for signals during gmp run.
type interrupter struct {
	stderr   io.Writer
	done     chan struct{}
	unnotify func()

	mu      sync.Mutex
	sig     os.Signal // the first signal; nil until one arrives
	label   string    // the simulation in progress, "" between simulations
	current []string  // the files it writes
}

// watchSignals starts catching SIGINT and SIGTERM (if handleSignals is
// set); stop ends it and restores their default action.
func watchSignals(stderr io.Writer) *interrupter {
	in := &interrupter{stderr: stderr, done: make(chan struct{})}
	if !handleSignals {
		return in
	}
	sigs := make(chan os.Signal, 2)
	signal.Notify(sigs, os.Interrupt, syscall.SIGTERM)
	in.unnotify = func() { signal.Stop(sigs) }
	go func() {
		for {
			select {
			case <-in.done:
				return
			case sig := <-sigs:
				in.signal(sig)
			}
		}
	}()
	return in
}

func (in *interrupter) stop() {
	if in.unnotify != nil {
		in.unnotify()
	}
	close(in.done)
}

func (in *interrupter) signal(sig os.Signal) {
	in.mu.Lock()
	defer in.mu.Unlock()
	if in.sig == nil {
		in.sig = sig
		if in.label != "" {
			fmt.Fprintf(in.stderr, "gmp run: %s: finishing simulation %q, then stopping (%s again stops at once, removing its files)\n", sigName(sig), in.label, sigName(sig))
		} else {
			fmt.Fprintf(in.stderr, "gmp run: %s: stopping\n", sigName(sig))
		}
		return
	}
	// The second signal: stop now. The simulation in progress cannot
	// finish its files, so they go.
	var removed []string
	for _, f := range in.current {
		if os.Remove(f) == nil {
			removed = append(removed, f)
		}
	}
	msg := fmt.Sprintf("gmp run: %s again: stopped at once", sigName(sig))
	if in.label != "" {
		msg += fmt.Sprintf(" during simulation %q", in.label)
	}
	if len(removed) > 0 {
		msg += "; removed its unfinished files: " + strings.Join(removed, ", ")
	}
	fmt.Fprintln(in.stderr, msg)
	exit(sigExitCode(sig))
}

// interrupted returns the signal received, or nil.
func (in *interrupter) interrupted() os.Signal {
	in.mu.Lock()
	defer in.mu.Unlock()
	return in.sig
}

// starting records the simulation about to run and its files; it returns
// errInterrupted instead if a signal has arrived.
func (in *interrupter) starting(label string, files []string) error {
	in.mu.Lock()
	defer in.mu.Unlock()
	if in.sig != nil {
		return errInterrupted
	}
	in.label, in.current = label, files
	return nil
}

// finished records that the simulation in progress has ended, with its
// files complete.
func (in *interrupter) finished() {
	in.mu.Lock()
	defer in.mu.Unlock()
	in.label, in.current = "", nil
}
