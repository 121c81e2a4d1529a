// Package testnative builds and runs small real Go programs (under
// testdata/native) so that tests can compare the simulator with the real
// runtime on the same program.
package testnative

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
)

var (
	mu    sync.Mutex
	built = map[string]string{}
)

// Build compiles the program in dir (relative to the module root) once per
// test binary and returns the executable's path.
func Build(t testing.TB, dir string) string {
	t.Helper()
	mu.Lock()
	defer mu.Unlock()
	if exe, ok := built[dir]; ok {
		return exe
	}
	root := moduleRoot(t)
	goTool, err := exec.LookPath("go") // go test puts its own GOROOT/bin first in PATH
	if err != nil {
		t.Fatalf("testnative: no go command: %v", err)
	}
	outDir, err := os.MkdirTemp("", "gmp-native-")
	if err != nil {
		t.Fatal(err)
	}
	exe := filepath.Join(outDir, filepath.Base(dir))
	cmd := exec.Command(goTool, "build", "-o", exe, "./"+dir)
	cmd.Dir = root
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("building %s: %v\n%s", dir, err, out)
	}
	built[dir] = exe
	return exe
}

// Run runs a built program with GOMAXPROCS=procs and returns its standard
// output, trimmed.
func Run(t testing.TB, exe string, procs int, args ...string) string {
	t.Helper()
	cmd := exec.Command(exe, args...)
	cmd.Env = append(os.Environ(), "GOMAXPROCS="+itoa(procs), "GODEBUG=")
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("running %s %v: %v", exe, args, err)
	}
	return strings.TrimSpace(string(out))
}

// RunStatus runs a built program with GOMAXPROCS=procs and returns its
// standard output (trimmed), standard error and exit code.
func RunStatus(t testing.TB, exe string, procs int, args ...string) (stdout, stderr string, code int) {
	t.Helper()
	cmd := exec.Command(exe, args...)
	cmd.Env = append(os.Environ(), "GOMAXPROCS="+itoa(procs), "GODEBUG=")
	var outb, errb strings.Builder
	cmd.Stdout = &outb
	cmd.Stderr = &errb
	err := cmd.Run()
	if err != nil {
		ee, ok := err.(*exec.ExitError)
		if !ok {
			t.Fatalf("running %s %v: %v", exe, args, err)
		}
		code = ee.ExitCode()
	}
	return strings.TrimSpace(outb.String()), errb.String(), code
}

func itoa(n int) string {
	var b [20]byte
	i := len(b)
	for {
		i--
		b[i] = byte('0' + n%10)
		n /= 10
		if n == 0 {
			return string(b[i:])
		}
	}
}

func moduleRoot(t testing.TB) string {
	dir, err := os.Getwd()
	if err != nil {
		t.Fatal(err)
	}
	for {
		if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
			return dir
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			t.Fatal("go.mod not found")
		}
		dir = parent
	}
}
