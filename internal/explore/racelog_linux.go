//go:build race && linux

package explore

import (
	"bytes"
	"os"
	"strconv"
	"sync"
	"syscall"

	"github.com/gmplab/gmp/internal/racereport"
)

// raceLog takes the detector's reports from this process's standard
// error. The detector writes them to file descriptor 2 from C, so the
// descriptor itself is redirected: into a pipe whose reader keeps each
// report for the run that printed it and passes everything else through
// to the original standard error.
type raceLog struct {
	mu     sync.Mutex
	cond   sync.Cond
	orig   *os.File
	fd2    *os.File // descriptor 2, now the pipe
	report []byte   // reports since the last take
	marks  uint64   // markers read
	sent   uint64   // markers written
	failed bool
}

var (
	raceLogOnce sync.Once
	theRaceLog  *raceLog
)

// startRaceLog redirects standard error into the race log, once.
//
//go:norace
func startRaceLog() *raceLog {
	raceLogOnce.Do(func() {
		l := &raceLog{}
		l.cond.L = &l.mu
		r, w, err := os.Pipe()
		if err != nil {
			return
		}
		fd, err := syscall.Dup(2)
		if err != nil {
			return
		}
		if err := syscall.Dup3(int(w.Fd()), 2, 0); err != nil {
			syscall.Close(fd)
			return
		}
		w.Close()
		l.orig = os.NewFile(uintptr(fd), "stderr")
		// The program's own messages go straight out. The old os.Stderr
		// is kept: its finalizer would close descriptor 2.
		l.fd2, os.Stderr = os.Stderr, l.orig
		go l.read(r)
		theRaceLog = l
	})
	return theRaceLog
}

// raceMark starts the marker lines take writes.
const raceMark = "\x00gmp-explore-mark "

// read splits what arrives on the pipe into lines: a report's lines
// (from the separator before "WARNING: DATA RACE" to the one after) are
// kept, markers counted, the rest passed through.
//
//go:norace
func (l *raceLog) read(r *os.File) {
	var pending []byte // an incomplete line
	var held []byte    // a separator line that may open a report
	in := false
	buf := make([]byte, 64<<10)
	for {
		n, err := r.Read(buf)
		pending = append(pending, buf[:n]...)
		for {
			i := bytes.IndexByte(pending, '\n')
			if i < 0 {
				break
			}
			line := pending[:i+1]
			text := string(bytes.TrimRight(line, "\n"))
			l.mu.Lock()
			switch {
			case len(text) > len(raceMark) && text[:len(raceMark)] == raceMark:
				l.marks++
				l.cond.Broadcast()
			case in:
				l.report = append(l.report, line...)
				if text == racereport.Separator {
					in = false
				}
			case held != nil && text == racereport.Warning:
				l.report = append(l.report, held...)
				l.report = append(l.report, line...)
				held, in = nil, true
			case text == racereport.Separator:
				if held != nil {
					l.orig.Write(held)
				}
				held = append([]byte(nil), line...)
			default:
				if held != nil {
					l.orig.Write(held)
					held = nil
				}
				l.orig.Write(line)
			}
			l.mu.Unlock()
			pending = pending[i+1:]
		}
		if err != nil {
			l.mu.Lock()
			l.failed = true
			l.cond.Broadcast()
			l.mu.Unlock()
			return
		}
	}
}

// take returns the reports printed since the last take: it writes a
// marker through descriptor 2 and waits for the reader to reach it, so
// that everything the detector wrote before is in.
//
//go:norace
func (l *raceLog) take() string {
	if l == nil {
		return ""
	}
	l.mu.Lock()
	l.sent++
	want := l.sent
	l.mu.Unlock()
	syscall.Write(2, []byte(raceMark+strconv.FormatUint(want, 10)+"\n"))
	l.mu.Lock()
	defer l.mu.Unlock()
	for l.marks < want && !l.failed {
		l.cond.Wait()
	}
	s := string(l.report)
	l.report = l.report[:0]
	return s
}
