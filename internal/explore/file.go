package explore

import (
	"bufio"
	"errors"
	"fmt"
	"hash/fnv"
	"os"
	"path/filepath"
	"runtime"
	"runtime/debug"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/gmplab/gmp"
	"github.com/gmplab/gmp/internal/rt"
)

// A Schedule is one failing run, as a failure file stores it: what ran
// (test, configuration, mode), how it failed (kind, signature), and the
// decisions it took differently from an ordinary run — enough to replay
// it exactly with the same gmp. The file is text, one field a line, so
// that it is small and diffs well:
//
//	gmp explore v1
//	# deadlock: Lock at corpus.lockOrder.func2 (lockorder.go:31); …
//	# replay: go test -run '^TestLockOrder$' -gmp.replay=testdata/gmp/TestLockOrder/3f…
//	test: TestLockOrder
//	kind: deadlock
//	signature: deadlock: Lock at corpus.lockOrder.func1 (lockorder.go:24); …
//	mode: faithful
//	strategy: random
//	base-seed: 1
//	index: 17
//	config: procs=4 seed=1 maxsteps=200000 maxtime=10m0s settle=1s preempt=async version=go1.26
//	gmp: devel funnel=9c1e2f4a
//	go: go1.26.8
//	decisions: 212
//	checksum: 5d0c6b1a9e8f7723
//	d 41 preempt api g=6 n=2 N=2 def=0 v=1 t=20312 m=2 op=Lock obj=4294967297  # G6 was preempted before Lock on mutex #1 (lockorder.go:24)
//
// Lines starting with # are comments; a deviation's sentence follows
// its fields after "  # ".
type Schedule struct {
	Test       string
	Kind       Kind
	Signature  string
	Abstract   bool
	Strategy   string
	BaseSeed   uint64
	Index      int64 // the run's index (-1: not from an exploration)
	Config     RunConfig
	GmpVersion string // the gmp module's version, and its decision funnel's digest
	Funnel     string
	GoVersion  string
	Decisions  int64
	Checksum   uint64
	Deviations []Deviation
	Comments   []string // the # lines after the header, written as given
}

// RunConfig is the part of a gmp.Config a schedule depends on.
type RunConfig struct {
	Procs    int
	Seed     uint64
	MaxSteps int64
	MaxTime  time.Duration
	Settle   time.Duration
	Preempt  gmp.PreemptMode
	Version  string
}

//go:norace
func (c RunConfig) String() string {
	pre := "async"
	if c.Preempt == gmp.PreemptCooperative {
		pre = "cooperative"
	}
	v := c.Version
	if v == "" {
		v = "go1.26"
	}
	return fmt.Sprintf("procs=%d seed=%d maxsteps=%d maxtime=%v settle=%v preempt=%s version=%s",
		c.Procs, c.Seed, c.MaxSteps, c.MaxTime, c.Settle, pre, v)
}

// configOf records cfg's schedule-relevant fields.
//
//go:norace
func configOf(cfg gmp.Config) RunConfig {
	p := cfg.Procs
	if p == 0 {
		p = 4
	}
	return RunConfig{Procs: p, Seed: cfg.Seed, MaxSteps: cfg.MaxSteps, MaxTime: cfg.MaxTime,
		Settle: cfg.Settle, Preempt: cfg.Preempt, Version: cfg.Version}
}

// apply sets c's fields on cfg.
//
//go:norace
func (c RunConfig) apply(cfg *gmp.Config) {
	cfg.Procs, cfg.Seed, cfg.MaxSteps, cfg.MaxTime = c.Procs, c.Seed, c.MaxSteps, c.MaxTime
	cfg.Settle, cfg.Preempt, cfg.Version = c.Settle, c.Preempt, c.Version
}

//go:norace
func parseRunConfig(s string) (RunConfig, error) {
	var c RunConfig
	for f := range strings.FieldsSeq(s) {
		k, v, ok := strings.Cut(f, "=")
		if !ok {
			return c, fmt.Errorf("config: %q is not name=value", f)
		}
		var err error
		switch k {
		case "procs":
			c.Procs, err = strconv.Atoi(v)
		case "seed":
			c.Seed, err = strconv.ParseUint(v, 10, 64)
		case "maxsteps":
			c.MaxSteps, err = strconv.ParseInt(v, 10, 64)
		case "maxtime":
			c.MaxTime, err = time.ParseDuration(v)
		case "settle":
			c.Settle, err = time.ParseDuration(v)
		case "preempt":
			switch v {
			case "async":
			case "cooperative":
				c.Preempt = gmp.PreemptCooperative
			default:
				err = errors.New("want async or cooperative")
			}
		case "version":
			c.Version = v
		default:
			err = errors.New("unknown setting")
		}
		if err != nil {
			return c, fmt.Errorf("config: %s: %v", f, err)
		}
	}
	return c, nil
}

// fileHeader is the first line of every failure file; the number is the
// format's version (as go test's fuzz corpus files say "go test fuzz v1").
const fileHeader = "gmp explore v1"

// Mode returns "faithful" or "abstract".
//
//go:norace
func (s *Schedule) Mode() string { return modeName(s.Abstract) }

//go:norace
func modeName(abstract bool) string {
	if abstract {
		return "abstract"
	}
	return "faithful"
}

// Format returns the file's text.
//
//go:norace
func (s *Schedule) Format() string {
	var b strings.Builder
	b.WriteString(fileHeader + "\n")
	for _, c := range s.Comments {
		b.WriteString("# " + c + "\n")
	}
	fmt.Fprintf(&b, "test: %s\nkind: %s\nsignature: %s\nmode: %s\nstrategy: %s\nbase-seed: %d\nindex: %d\nconfig: %s\n",
		s.Test, s.Kind, s.Signature, s.Mode(), s.Strategy, s.BaseSeed, s.Index, s.Config)
	fmt.Fprintf(&b, "gmp: %s funnel=%s\ngo: %s\ndecisions: %d\nchecksum: %016x\n", s.GmpVersion, s.Funnel, s.GoVersion, s.Decisions, s.Checksum)
	for i := range s.Deviations {
		d := &s.Deviations[i]
		fmt.Fprintf(&b, "d %d %s %s g=%d n=%d N=%d def=%d v=%d t=%d m=%d", d.Index, d.Kind, d.Site, d.G, d.Nth, d.N, d.Default, d.Value, d.Time, d.M)
		if d.Op != rt.OpNone {
			fmt.Fprintf(&b, " op=%s obj=%d", strings.ReplaceAll(d.Op.String(), " ", "_"), d.Obj)
		}
		if len(d.Gs) > 0 {
			b.WriteString(" gs=")
			for j, g := range d.Gs {
				if j > 0 {
					b.WriteByte(',')
				}
				b.WriteString(strconv.FormatInt(g, 10))
			}
		}
		fmt.Fprintf(&b, "  # %s\n", Sentence(d))
	}
	return b.String()
}

// FileError is a failure file that cannot be used; its message says what
// to do.
type FileError struct {
	Path string
	Line int
	Msg  string
}

//go:norace
func (e *FileError) Error() string {
	if e.Line > 0 {
		return fmt.Sprintf("%s:%d: %s", e.Path, e.Line, e.Msg)
	}
	return e.Path + ": " + e.Msg
}

// ReadSchedule reads a failure file.
//
//go:norace
func ReadSchedule(path string) (*Schedule, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	return ParseSchedule(path, string(data))
}

// ParseSchedule parses a failure file's text; path names it in errors.
// A file from another version of gmp is refused: its decisions mean
// something else there.
//
//go:norace
func ParseSchedule(path, text string) (*Schedule, error) {
	bad := func(line int, format string, args ...any) (*Schedule, error) {
		return nil, &FileError{Path: path, Line: line, Msg: fmt.Sprintf(format, args...)}
	}
	sc := bufio.NewScanner(strings.NewReader(text))
	sc.Buffer(nil, 1<<20)
	s := &Schedule{Index: -1}
	line := 0
	seen := map[string]bool{}
	for sc.Scan() {
		line++
		l := sc.Text()
		if line == 1 {
			if l != fileHeader {
				if strings.HasPrefix(l, "gmp explore v") {
					return bad(1, "format %q, this gmp reads %q: written by another gmp version; delete the file or re-run the exploration with this gmp", l, fileHeader)
				}
				return bad(1, "not a gmp failure file (the first line should be %q); remove it from testdata/gmp", fileHeader)
			}
			continue
		}
		if strings.TrimSpace(l) == "" {
			continue
		}
		if c, ok := strings.CutPrefix(l, "#"); ok {
			s.Comments = append(s.Comments, strings.TrimPrefix(c, " "))
			continue
		}
		if rest, ok := strings.CutPrefix(l, "d "); ok {
			d, err := parseDeviation(rest)
			if err != nil {
				return bad(line, "malformed deviation: %v; the file was edited or truncated: restore it from version control or delete it", err)
			}
			if n := len(s.Deviations); n > 0 && s.Deviations[n-1].Index >= d.Index {
				return bad(line, "deviations out of order (#%d after #%d); restore the file or delete it", d.Index, s.Deviations[n-1].Index)
			}
			s.Deviations = append(s.Deviations, d)
			continue
		}
		k, v, ok := strings.Cut(l, ": ")
		if !ok {
			return bad(line, "malformed line %q (want \"name: value\"); restore the file or delete it", l)
		}
		seen[k] = true
		var err error
		switch k {
		case "test":
			s.Test = v
		case "kind":
			var ok bool
			if s.Kind, ok = parseKind(v); !ok {
				err = fmt.Errorf("unknown kind %q", v)
			}
		case "signature":
			s.Signature = v
		case "mode":
			switch v {
			case "faithful":
			case "abstract":
				s.Abstract = true
			default:
				err = fmt.Errorf("unknown mode %q", v)
			}
		case "strategy":
			s.Strategy = v
		case "base-seed":
			s.BaseSeed, err = strconv.ParseUint(v, 10, 64)
		case "index":
			s.Index, err = strconv.ParseInt(v, 10, 64)
		case "config":
			s.Config, err = parseRunConfig(v)
		case "gmp":
			ver, fun, _ := strings.Cut(v, " funnel=")
			s.GmpVersion, s.Funnel = ver, fun
		case "go":
			s.GoVersion = v
		case "decisions":
			s.Decisions, err = strconv.ParseInt(v, 10, 64)
		case "checksum":
			s.Checksum, err = strconv.ParseUint(v, 16, 64)
		default:
			err = fmt.Errorf("unknown field %q", k)
		}
		if err != nil {
			return bad(line, "%v; restore the file or delete it", err)
		}
	}
	if err := sc.Err(); err != nil {
		return bad(0, "%v", err)
	}
	if line == 0 {
		return bad(0, "empty file; delete it")
	}
	for _, k := range []string{"test", "kind", "config", "gmp", "checksum"} {
		if !seen[k] {
			return bad(0, "no %q line: the file is truncated; restore it from version control or delete it", k)
		}
	}
	if s.Funnel != Funnel() || s.GmpVersion != GmpVersion() {
		return bad(0, "written by gmp %s (decision funnel %s), this is gmp %s (funnel %s): its schedule means nothing here; delete it and re-run the exploration (-gmp.explore=N) to find the failure again",
			s.GmpVersion, s.Funnel, GmpVersion(), Funnel())
	}
	return s, nil
}

//go:norace
func parseDeviation(s string) (Deviation, error) {
	var d Deviation
	if i := strings.Index(s, "  #"); i >= 0 {
		s = s[:i]
	}
	f := strings.Fields(s)
	if len(f) < 3 {
		return d, errors.New("too few fields")
	}
	var err error
	if d.Index, err = strconv.ParseInt(f[0], 10, 64); err != nil {
		return d, fmt.Errorf("index %q", f[0])
	}
	var ok bool
	if d.Kind, ok = rt.ParseChoiceKind(f[1]); !ok {
		return d, fmt.Errorf("unknown decision kind %q", f[1])
	}
	if d.Site, ok = rt.ParseSite(f[2]); !ok && f[2] != "?" {
		return d, fmt.Errorf("unknown site %q", f[2])
	}
	hasV := false
	for _, kv := range f[3:] {
		k, v, ok := strings.Cut(kv, "=")
		if !ok {
			return d, fmt.Errorf("%q is not name=value", kv)
		}
		var n int64
		if k != "op" && k != "gs" {
			if n, err = strconv.ParseInt(v, 10, 64); err != nil {
				return d, fmt.Errorf("%s: %q is not a number", k, v)
			}
		}
		switch k {
		case "g":
			d.G = n
		case "n":
			d.Nth = n
		case "N":
			d.N = n
		case "def":
			d.Default = n
		case "v":
			d.Value, hasV = n, true
		case "t":
			d.Time = n
		case "m":
			d.M = n
		case "obj":
			d.Obj = n
		case "op":
			if d.Op, ok = parseOp(strings.ReplaceAll(v, "_", " ")); !ok {
				return d, fmt.Errorf("unknown op %q", v)
			}
		case "gs":
			for g := range strings.SplitSeq(v, ",") {
				x, err := strconv.ParseInt(g, 10, 64)
				if err != nil {
					return d, fmt.Errorf("gs: %q", v)
				}
				d.Gs = append(d.Gs, x)
			}
		default:
			return d, fmt.Errorf("unknown field %q", k)
		}
	}
	if !hasV {
		return d, errors.New("no value (v=)")
	}
	if d.N > 0 && (d.Value < 0 || d.Value >= d.N) || d.Value < 0 {
		return d, fmt.Errorf("value %d outside [0, %d)", d.Value, d.N)
	}
	return d, nil
}

//go:norace
func parseOp(s string) (rt.Op, bool) {
	for o := rt.OpNone + 1; o.String() != "?"; o++ {
		if o.String() == s {
			return o, true
		}
	}
	return 0, false
}

// Funnel returns a digest of the decision funnel: the kinds, sites and
// operations decisions have, and the default cost model they start from.
// A schedule recorded under another funnel cannot be replayed.
//
//go:norace
func Funnel() string {
	funnelOnce.Do(func() {
		h := fnv.New32a()
		for k := rt.ChoiceKind(1); k.String() != "?"; k++ {
			fmt.Fprint(h, k, ";")
		}
		for s := rt.Site(1); s.String() != "?"; s++ {
			fmt.Fprint(h, s, ";")
		}
		for o := rt.Op(1); o.String() != "?"; o++ {
			fmt.Fprint(h, o, ";")
		}
		fmt.Fprintf(h, "%+v", gmp.DefaultCosts())
		funnel = fmt.Sprintf("%08x", h.Sum32())
	})
	return funnel
}

var (
	funnelOnce sync.Once
	funnel     string
)

// GmpVersion returns the gmp module's version in this binary: its tag
// when gmp is a dependency, "devel" when it is the main module.
//
//go:norace
func GmpVersion() string {
	bi, ok := debug.ReadBuildInfo()
	if !ok {
		return "devel"
	}
	if bi.Main.Path == module {
		return "devel"
	}
	for _, d := range bi.Deps {
		if d.Path == module {
			if d.Replace != nil || d.Version == "" || d.Version == "(devel)" {
				return "devel"
			}
			return d.Version
		}
	}
	return "devel"
}

// WriteSchedule writes s to dir/<hash of its signature>, creating dir.
// If a file for the same signature is there already, the one with fewer
// deviations stays (the merge rule of shards, too).
//
//go:norace
func WriteSchedule(dir string, s *Schedule) (string, error) {
	if err := os.MkdirAll(dir, 0o777); err != nil {
		return "", err
	}
	path := filepath.Join(dir, sigHash(s.Signature))
	if old, err := ReadSchedule(path); err == nil && old.Signature == s.Signature && !better(s, old) {
		return path, nil
	}
	return path, os.WriteFile(path, []byte(s.Format()), 0o666)
}

// better reports whether a is the schedule to keep over b (same
// signature): fewer deviations, then the earlier index.
//
//go:norace
func better(a, b *Schedule) bool {
	if len(a.Deviations) != len(b.Deviations) {
		return len(a.Deviations) < len(b.Deviations)
	}
	return a.Index < b.Index
}

// ListSchedules returns the failure files in dir, sorted.
//
//go:norace
func ListSchedules(dir string) ([]string, error) {
	ents, err := os.ReadDir(dir)
	if errors.Is(err, os.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	var out []string
	for _, e := range ents {
		if e.Type().IsRegular() && !strings.HasPrefix(e.Name(), ".") && filepath.Ext(e.Name()) == "" {
			out = append(out, filepath.Join(dir, e.Name()))
		}
	}
	slices.Sort(out)
	return out, nil
}

//go:norace
func goVersion() string { return runtime.Version() }
