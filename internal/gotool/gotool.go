// Package gotool gives tests the go command's tools — go tool trace, go
// tool pprof — as binaries they can run directly. `go tool NAME` costs a
// start of the go command (about 100ms: it loads the module and checks the
// build cache) on every call; a test that checks dozens of files asks for
// the tool's path once (`go tool -n NAME`, which builds it if needed) and
// runs the binary itself, in parallel subtests.
package gotool

import (
	"bytes"
	"os"
	"os/exec"
	"strings"
	"sync"
	"testing"
)

var (
	mu    sync.Mutex
	paths = map[string]string{}
	errs  = map[string]string{}
)

// Path returns the path of the binary behind `go tool name`, or skips the
// test if there is no go command or it cannot provide the tool. The
// lookup is made once per process.
func Path(tb testing.TB, name string) string {
	tb.Helper()
	mu.Lock()
	defer mu.Unlock()
	if p, ok := paths[name]; ok {
		return p
	}
	if e, ok := errs[name]; ok {
		tb.Skip(e)
	}
	goBin, err := exec.LookPath("go") // go test puts its own GOROOT/bin first in PATH
	if err != nil {
		errs[name] = "no go command: " + err.Error()
		tb.Skip(errs[name])
	}
	var stderr bytes.Buffer
	cmd := exec.Command(goBin, "tool", "-n", name)
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	p := strings.TrimSpace(string(out))
	if err != nil || p == "" {
		errs[name] = "go tool -n " + name + ": " + strings.TrimSpace(stderr.String())
		if err != nil {
			errs[name] += " (" + err.Error() + ")"
		}
		tb.Skip(errs[name])
	}
	paths[name] = p
	return p
}

// Run runs the tool with args and returns its standard output and error.
func Run(tb testing.TB, name string, env []string, args ...string) (stdout, stderr string, err error) {
	tb.Helper()
	cmd := exec.Command(Path(tb, name), args...)
	cmd.Env = append(os.Environ(), env...)
	var o, e bytes.Buffer
	cmd.Stdout, cmd.Stderr = &o, &e
	err = cmd.Run()
	return o.String(), e.String(), err
}
