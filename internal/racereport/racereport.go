// Package racereport reads the race detector's reports: the
// "WARNING: DATA RACE" blocks a -race binary prints on standard error.
//
// The detector writes its reports itself, to file descriptor 2, so a
// program that wants them — the explorer, for a race found by one of its
// runs — reads them from the stderr of the process that ran the
// simulation. A report names the two conflicting accesses with the
// stacks of the goroutines that made them, and where those goroutines
// were created; its signature is the pair of program lines that made the
// accesses.
package racereport

import (
	"fmt"
	"path"
	"regexp"
	"slices"
	"strconv"
	"strings"
)

// A Frame is one line of a stack in a report.
type Frame struct {
	Func string // package-qualified function, as printed ("main.main.func1")
	File string
	Line int
}

func (f Frame) String() string {
	return fmt.Sprintf("%s %s:%d", f.Func, f.File, f.Line)
}

// An Access is one of the two accesses of a race.
type Access struct {
	Write   bool // a write (else a read)
	Atomic  bool
	Addr    uint64
	Goid    int64 // the host goroutine's id as the detector numbers them; 0 for the main goroutine
	Main    bool  // made by the main goroutine
	Stack   []Frame
	Created []Frame // where the goroutine was created (nil for the main goroutine)
	Running bool    // the goroutine was still running when the report was made
}

// A Report is one data race.
type Report struct {
	Current  Access // the access that completed the race
	Previous Access // the earlier access it conflicts with
	Text     string // the report as printed, from WARNING to the end of its block
}

// The lines a report starts with: Separator, then Warning; it ends with
// Separator.
const (
	Separator = "=================="
	Warning   = "WARNING: DATA RACE"
)

var (
	accessRE  = regexp.MustCompile(`^(Previous )?(?i:(atomic )?(read|write))( of size \d+)? at (0x[0-9a-f]+) by (main goroutine|goroutine (\d+)):$`)
	createdRE = regexp.MustCompile(`^Goroutine (\d+) \((running|finished)\) created at:$`)
	funcRE    = regexp.MustCompile(`^  (\S.*)\(\)$`)
	fileRE    = regexp.MustCompile(`^      (.*):(\d+)( \+0x[0-9a-f]+)?$`)
)

// Parse returns the data race reports in out, the standard error of a
// -race process, in the order printed. Text between reports (the
// program's own output) is ignored; a report cut short (the process
// died while printing it) is dropped.
func Parse(out string) []Report {
	var reports []Report
	lines := strings.Split(out, "\n")
	for i := 0; i < len(lines); i++ {
		if strings.TrimRight(lines[i], "\r") != Warning || i == 0 || lines[i-1] != Separator {
			continue
		}
		end := i + 1
		for end < len(lines) && lines[end] != Separator {
			end++
		}
		if end == len(lines) {
			break // unterminated
		}
		if r, ok := parseBlock(lines[i+1 : end]); ok {
			r.Text = strings.Join(lines[i:end], "\n")
			reports = append(reports, r)
		}
		i = end
	}
	return reports
}

// parseBlock reads the lines of one report after its WARNING line: two
// accesses, each with its stack, then where their goroutines were
// created.
func parseBlock(lines []string) (Report, bool) {
	var r Report
	var stack *[]Frame
	created := map[int64]*[]Frame{}
	running := map[int64]bool{}
	accesses := 0
	var fn string
	for _, ln := range lines {
		ln = strings.TrimRight(ln, "\r")
		if m := accessRE.FindStringSubmatch(ln); m != nil {
			a := &r.Current
			if m[1] != "" {
				a = &r.Previous
			}
			accesses++
			a.Atomic = m[2] != ""
			a.Write = strings.EqualFold(m[3], "write")
			a.Addr, _ = strconv.ParseUint(strings.TrimPrefix(m[5], "0x"), 16, 64)
			if m[6] == "main goroutine" {
				a.Main = true
			} else {
				a.Goid, _ = strconv.ParseInt(m[7], 10, 64)
			}
			stack, fn = &a.Stack, ""
			continue
		}
		if m := createdRE.FindStringSubmatch(ln); m != nil {
			id, _ := strconv.ParseInt(m[1], 10, 64)
			running[id] = m[2] == "running"
			stack, fn = new([]Frame), ""
			created[id] = stack
			continue
		}
		if stack == nil {
			continue
		}
		if m := funcRE.FindStringSubmatch(ln); m != nil {
			fn = m[1]
		} else if m := fileRE.FindStringSubmatch(ln); m != nil && fn != "" {
			line, _ := strconv.Atoi(m[2])
			*stack = append(*stack, Frame{Func: fn, File: m[1], Line: line})
			fn = ""
		} else {
			fn = ""
		}
	}
	if accesses != 2 {
		return r, false
	}
	for _, a := range []*Access{&r.Current, &r.Previous} {
		if a.Main {
			continue
		}
		if st := created[a.Goid]; st != nil {
			a.Created = *st
		}
		a.Running = running[a.Goid]
	}
	return r, true
}

// Internal reports whether a frame belongs to the runtime or to the
// simulator rather than to the program: the race detector's own entry
// points, Go's runtime, and the packages of module github.com/gmplab/gmp
// that stand for the runtime and the standard library.
func Internal(f Frame) bool {
	fn := f.Func
	switch {
	case strings.HasPrefix(fn, "runtime."), strings.HasPrefix(fn, "internal/"),
		strings.HasPrefix(fn, "sync."), strings.HasPrefix(fn, "sync/atomic."):
		return true
	case strings.HasPrefix(fn, gmpModule+"."):
		return true // package gmp itself: Go, Chan's methods, Select…
	case strings.HasPrefix(fn, gmpModule+"/"):
		rest := strings.TrimPrefix(fn, gmpModule+"/")
		for _, p := range simPackages {
			if strings.HasPrefix(rest, p+".") {
				return true
			}
		}
	}
	return false
}

const gmpModule = "github.com/gmplab/gmp"

// simPackages are the packages under gmpModule whose frames are the
// simulator's, not a program's.
var simPackages = []string{"internal/rt", "sync", "time", "context", "errgroup", "trace", "maps", "math/rand", "gmptest", "internal/progrand"}

// Site is the first frame of stack that is the program's, not the
// runtime's or the simulator's; the zero Frame if there is none.
func Site(stack []Frame) Frame {
	for _, f := range stack {
		if !Internal(f) {
			return f
		}
	}
	return Frame{}
}

// Signature identifies a race by the program lines of its two accesses,
// in a fixed order: the same race found through different schedules,
// which may swap which access came first, has the same signature —
// "data race: read at pkg.f (file.go:12) / write at pkg.g (file.go:30)".
func (r Report) Signature() string {
	pair := []string{accessSite(r.Current), accessSite(r.Previous)}
	slices.Sort(pair)
	return "data race: " + pair[0] + " / " + pair[1]
}

// accessSite names an access: read or write, and the first frame of the
// program's own code (an atomic access, which Go reports with the
// sync/atomic frames alone, by its top frame).
func accessSite(a Access) string {
	op := "read"
	if a.Write {
		op = "write"
	}
	if a.Atomic {
		op = "atomic " + op
	}
	f := Site(a.Stack)
	if f.Func == "" {
		if len(a.Stack) == 0 {
			return op
		}
		f = a.Stack[0]
	}
	fn := f.Func
	if i := strings.LastIndexByte(fn, '/'); i >= 0 {
		fn = fn[i+1:]
	}
	return fmt.Sprintf("%s at %s (%s:%d)", op, fn, path.Base(f.File), f.Line)
}
