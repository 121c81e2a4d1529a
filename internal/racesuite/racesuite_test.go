package racesuite

import (
	"bufio"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"testing"

	"github.com/gmplab/gmp"
	"github.com/gmplab/gmp/internal/racereport"
	"github.com/gmplab/gmp/internal/rt"
)

// A race report fails the test in whose process it is printed, so every
// program runs in a child process — this test binary again, with
// GMP_RACESUITE naming the program — and the parent reads the reports
// the detector printed on the child's standard error.

const childEnv = "GMP_RACESUITE"

func TestMain(m *testing.M) {
	if spec := os.Getenv(childEnv); spec != "" {
		os.Exit(child(spec))
	}
	os.Exit(m.Run())
}

// child runs the program spec names ("case/racy" or "case/fixed") and
// prints "races N" on standard output.
func child(spec string) int {
	name, variant, _ := strings.Cut(spec, "/")
	for _, c := range Cases {
		if c.Name != name {
			continue
		}
		prog := c.Fixed
		if variant == "racy" {
			prog = c.Racy
		}
		races, err := find(c, prog)
		if err != nil {
			fmt.Fprintln(os.Stderr, "racesuite:", err)
			return 2
		}
		fmt.Printf("races %d\n", races)
		return 0
	}
	fmt.Fprintf(os.Stderr, "racesuite: no case %q\n", name)
	return 2
}

// find runs prog until the detector reports a race, and returns how many
// it reported. Each run stops at its first report (HaltOnRace).
func find(c Case, prog func()) (int, error) {
	for _, procs := range []int{2, 1, 4} {
		res, err := gmp.Run(gmp.Config{Procs: procs, Seed: 1, HaltOnRace: true}, prog)
		if res.Races > 0 {
			return res.Races, nil
		}
		if err != nil {
			return 0, fmt.Errorf("%s with %d Ps: %v", c.Name, procs, err)
		}
	}
	return 0, nil
}

// raceLines are the lines of cases.go marked "// race".
func raceLines(t *testing.T) (file string, lines map[int]bool) {
	_, self, _, _ := runtime.Caller(0)
	file = filepath.Join(filepath.Dir(self), "cases.go")
	f, err := os.Open(file)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	lines = map[int]bool{}
	sc := bufio.NewScanner(f)
	for n := 1; sc.Scan(); n++ {
		if strings.Contains(sc.Text(), "// race") {
			lines[n] = true
		}
	}
	return file, lines
}

// runChild runs spec in a child process and returns its standard error
// and the race count it printed.
func runChild(t *testing.T, spec string) (stderr string, races int) {
	cmd := exec.Command(os.Args[0], "-test.run=^$")
	cmd.Env = append(os.Environ(), childEnv+"="+spec)
	var out, errb strings.Builder
	cmd.Stdout, cmd.Stderr = &out, &errb
	// The race detector exits 66 if it reported a race.
	if err := cmd.Run(); err != nil {
		if ee, ok := err.(*exec.ExitError); !ok || ee.ExitCode() != 66 {
			t.Fatalf("%s: %v\n%s", spec, err, errb.String())
		}
	}
	n, err := strconv.Atoi(strings.TrimPrefix(strings.TrimSpace(out.String()), "races "))
	if err != nil {
		t.Fatalf("%s: child printed %q", spec, out.String())
	}
	return errb.String(), n
}

// internalFile reports whether a frame is in one of the simulator's own
// files (the runtime layer, not the public API a program calls).
func internalFile(f racereport.Frame) bool {
	return strings.Contains(f.File, "/internal/rt/") || strings.HasSuffix(f.Func, "CoroutineEntry")
}

// atomicOnly reports whether a is an atomic access whose stack holds
// only sync/atomic frames.
func atomicOnly(a racereport.Access) bool {
	if len(a.Stack) == 0 {
		return false
	}
	for _, f := range a.Stack {
		if !strings.HasPrefix(f.Func, "sync/atomic.") {
			return false
		}
	}
	return true
}

// TestRaceSuite checks, under -race, that each racy program is reported
// with both accesses on lines marked "// race" in the program's own
// code, that no stack of a report runs through the simulator's internal
// files, and that no corrected twin is reported at all.
func TestRaceSuite(t *testing.T) {
	if !rt.RaceEnabled {
		t.Skip("the race suite needs a -race build: go test -race ./internal/racesuite")
	}
	file, marked := raceLines(t)
	for _, c := range Cases {
		t.Run(c.Name, func(t *testing.T) {
			if c.Explore {
				t.Skip("needs the explorer")
			}
			stderr, races := runChild(t, c.Name+"/racy")
			reports := racereport.Parse(stderr)
			if races == 0 || len(reports) == 0 {
				t.Fatalf("racy program: no race reported (runs counted %d)\n%s", races, stderr)
			}
			r := reports[0]
			for _, a := range []racereport.Access{r.Current, r.Previous} {
				site := racereport.Site(a.Stack)
				if atomicOnly(a) {
					// Go's detector reports an atomic access with the
					// sync/atomic frames alone, natively too.
					continue
				}
				if site.File != file || !marked[site.Line] {
					t.Errorf("access at %v, want a line of cases.go marked // race\n%s", site, r.Text)
				}
				for _, st := range [][]racereport.Frame{a.Stack, a.Created} {
					for _, f := range st {
						if internalFile(f) {
							t.Errorf("report names the simulator's own frame %v\n%s", f, r.Text)
						}
					}
				}
			}
			if stderr, races := runChild(t, c.Name+"/fixed"); races != 0 || strings.Contains(stderr, "DATA RACE") {
				t.Errorf("fixed program: %d races reported\n%s", races, stderr)
			}
		})
	}
}
