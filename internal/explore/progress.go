package explore

import (
	"fmt"
	"io"
	"os"
	"sync"
	"time"
)

// progress rewrites one line on a terminal: runs, runs/s, strategy,
// distinct failures. It stays silent when its writer is nil — not a
// terminal: CI logs get the final report only.
type progress struct {
	w     io.Writer
	total int64
	start time.Time
	next  time.Time
	mode  string
	shown bool
}

//go:norace
func newProgress(w io.Writer, o *Options) *progress {
	now := time.Now()
	return &progress{w: w, total: o.Shard.count(o.Runs), start: now, next: now.Add(200 * time.Millisecond), mode: modeName(o.Abstract)}
}

// update shows the counts if a fifth of a second has passed.
//
//go:norace
func (p *progress) update(runs int64, failures int, strategy string) {
	if p.w == nil || runs&63 != 0 {
		return
	}
	now := time.Now()
	if now.Before(p.next) {
		return
	}
	p.next = now.Add(200 * time.Millisecond)
	rate := float64(runs) / now.Sub(p.start).Seconds()
	fmt.Fprintf(p.w, "\r\x1b[Kgmp explore: %d/%d runs, %.0f runs/s, %s mode, %s, %d distinct failure(s)", runs, p.total, rate, p.mode, strategy, failures)
	p.shown = true
}

// clearProgress erases the progress line.
//
//go:norace
func clearProgress(w io.Writer) {
	if w != nil {
		fmt.Fprint(w, "\r\x1b[K")
	}
}

// Terminal returns a writer for the progress line: standard error if it
// is a terminal, else the controlling terminal (go test pipes the test
// binary's output, yet a person may be watching), else nil. GMP_PROGRESS=0
// turns it off.
//
//go:norace
func Terminal() io.Writer {
	terminalOnce.Do(func() {
		if os.Getenv("GMP_PROGRESS") == "0" || os.Getenv("TERM") == "dumb" || os.Getenv("CI") != "" {
			return
		}
		if isTerminal(os.Stderr) {
			terminal = os.Stderr
		} else if f, err := os.OpenFile("/dev/tty", os.O_WRONLY, 0); err == nil {
			terminal = f // kept open: every exploration of the process writes there
		}
	})
	if terminal == nil {
		return nil // not a nil *os.File in an interface
	}
	return terminal
}

var (
	terminalOnce sync.Once
	terminal     *os.File
)

//go:norace
func isTerminal(f *os.File) bool {
	st, err := f.Stat()
	return err == nil && st.Mode()&os.ModeCharDevice != 0
}
