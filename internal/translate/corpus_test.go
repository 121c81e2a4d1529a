package translate_test

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"github.com/gmplab/gmp/internal/translate"
)

// The corpus: ordinary Go programs under testdata/progs, written as
// people write Go and never mentioning gmp. Each is built twice — natively
// and translated — and the translated binary must print what the native
// one prints, at Procs 1 and 4 and several seeds.
//
// By default a handful of them run (at one configuration with -short);
// GMP_TRANSLATE_FULL=1 go test ./internal/translate runs the whole corpus
// at every configuration, and the third-party suites (TestLibraries).
// Each side is built in one go command for all programs.

// command is exec.Command with a deadline: a program that hangs fails its
// test instead of the whole run.
func command(name string, args ...string) *exec.Cmd {
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	cmd := exec.CommandContext(ctx, name, args...)
	cmd.Cancel = func() error { cancel(); return cmd.Process.Kill() }
	time.AfterFunc(time.Minute+time.Second, cancel)
	return cmd
}

// shortProgs are the programs of a -short run.
var shortProgs = []string{"sieve", "powser", "fanin", "nilcase", "namedchan", "labels", "evalorder", "oddities"}

// configs are the (procs, seed) pairs each program runs at.
var configs = [][2]int{{1, 1}, {4, 1}, {4, 2}, {2, 7}}

func TestCorpus(t *testing.T) {
	progs, err := filepath.Glob("../../testdata/translate/progs/*")
	if err != nil {
		t.Fatal(err)
	}
	cfgs := configs
	if os.Getenv("GMP_TRANSLATE_FULL") == "" {
		progs = nil
		for _, p := range shortProgs {
			progs = append(progs, "../../testdata/translate/progs/"+p)
		}
		cfgs = cfgs[:2]
		if testing.Short() {
			cfgs = cfgs[1:2]
		}
	}
	// Programs whose native output is not deterministic (map order):
	// TestMapOrderReplay checks them against themselves.
	var kept []string
	for _, p := range progs {
		if filepath.Base(p) != "maporder" {
			kept = append(kept, p)
		}
	}
	progs = kept
	var pkgs []string
	for _, p := range progs {
		pkgs = append(pkgs, "./"+p)
	}
	dir, _ := os.Getwd()
	tmp := t.TempDir()
	b, err := translate.Prepare(translate.LoadConfig{Dir: dir}, translate.Options{MapOrder: true, CacheDir: filepath.Join(tmp, "cache")}, pkgs...)
	if err != nil {
		t.Fatal(err)
	}
	for _, d := range b.Diags {
		if !d.Warn {
			t.Errorf("diagnostic: %s", d)
		}
	}
	native, sim := filepath.Join(tmp, "native")+"/", filepath.Join(tmp, "sim")+"/"
	var wg sync.WaitGroup
	var nerr, serr error
	var nout, sout []byte
	wg.Add(2)
	go func() {
		defer wg.Done()
		nout, nerr = exec.Command("go", append([]string{"build", "-o", native}, pkgs...)...).CombinedOutput()
	}()
	go func() {
		defer wg.Done()
		args := []string{"build", "-o", sim}
		if b.Overlay != "" {
			args = append(args, "-overlay="+b.Overlay)
		}
		if b.ModFile != "" {
			args = append(args, "-modfile="+b.ModFile)
		}
		sout, serr = exec.Command("go", append(args, pkgs...)...).CombinedOutput()
	}()
	wg.Wait()
	if nerr != nil {
		t.Fatalf("native build: %v\n%s", nerr, nout)
	}
	if serr != nil {
		t.Fatalf("translated build: %v\n%s", serr, sout)
	}
	for _, p := range progs {
		name := filepath.Base(p)
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			want, err := command(native + name).CombinedOutput()
			if err != nil {
				t.Fatalf("native run: %v\n%s", err, want)
			}
			for _, c := range cfgs {
				cmd := command(sim + name)
				cmd.Env = append(os.Environ(), fmt.Sprintf("GMPRUN=procs=%d,seed=%d", c[0], c[1]))
				got, err := cmd.CombinedOutput()
				if err != nil {
					t.Errorf("procs=%d seed=%d: %v\n%s", c[0], c[1], err, got)
					continue
				}
				if !bytes.Equal(got, want) {
					t.Errorf("procs=%d seed=%d: output differs\n--- native\n%s--- gmp\n%s", c[0], c[1], want, got)
				}
			}
			// Deterministic: the same configuration prints the same bytes.
			cmd := command(sim + name)
			cmd.Env = append(os.Environ(), "GMPRUN=procs=4,seed=3")
			a, _ := cmd.CombinedOutput()
			cmd = exec.Command(sim + name)
			cmd.Env = append(os.Environ(), "GMPRUN=procs=4,seed=3")
			b, _ := cmd.CombinedOutput()
			if !bytes.Equal(a, b) {
				t.Errorf("two runs with the same seed differ:\n%s\n---\n%s", a, b)
			}
		})
	}
}
