package main

import (
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"sort"

	"github.com/gmplab/gmp/internal/translate"
)

var cmdTranslate = &command{
	Name:      "translate",
	UsageLine: "gmp translate [-explain] [-o DIR] [-tags TAGS] [packages]",
	Short:     "translate packages for the simulated runtime and report what cannot be",
	Long: `Translate rewrites the packages named, with their tests and the module
dependencies that need it, as 'gmp test' and 'gmp run' do, and prints a
diagnostic for each construct that cannot be translated faithfully:
file:line, what, why, and what to do (cgo, reflect.Select, blocking
standard APIs such as net, os/exec, os/signal and io.Pipe, a channel or a
context passed to the untranslated standard library, //go:linkname).

-explain also lists, per package, the files the translation changes.
-o DIR writes the translated files under DIR (by their path relative to
the module, or under DIR/deps for dependencies) to read them; the user's
files are never modified.`,
	Flags: flag.NewFlagSet("translate", flag.ContinueOnError),
}

var (
	translateExplain = cmdTranslate.Flags.Bool("explain", false, "list the files each package's translation changes")
	translateOut     = cmdTranslate.Flags.String("o", "", "write the translated files under `DIR`")
	translateTags    = cmdTranslate.Flags.String("tags", "", "build tags")
)

func init() { cmdTranslate.Run = runTranslate }

func runTranslate(cmd *command, args []string, stdout, stderr io.Writer) error {
	if len(args) == 0 {
		args = []string{"."}
	}
	dir, _ := os.Getwd()
	b, err := translate.Prepare(translate.LoadConfig{Dir: dir, Tests: true, Tags: *translateTags}, translate.Options{MapOrder: true}, args...)
	if err != nil {
		return err
	}
	errs := 0
	for _, d := range b.Diags {
		fmt.Fprintln(stdout, d)
		if !d.Warn {
			errs++
		}
	}
	var origs []string
	for o := range b.Files {
		origs = append(origs, o)
	}
	sort.Strings(origs)
	if *translateExplain {
		fmt.Fprintf(stdout, "%d package(s) planned, %d translated now (%v), %d file(s) changed\n", len(b.Program.Units), b.Misses, b.Translate.Round(1e6), len(origs))
		for _, o := range origs {
			rel := o
			if r, err := filepath.Rel(dir, o); err == nil {
				rel = r
			}
			fmt.Fprintf(stdout, "\t%s\n", rel)
		}
	}
	if *translateOut != "" {
		for _, o := range origs {
			rel, err := filepath.Rel(dir, o)
			if err != nil || filepath.IsAbs(rel) || len(rel) > 1 && rel[:2] == ".." {
				rel = filepath.Join("deps", filepath.Base(filepath.Dir(o)), filepath.Base(o))
			}
			dst := filepath.Join(*translateOut, rel)
			data, err := os.ReadFile(b.Files[o])
			if err != nil {
				return err
			}
			if err := os.MkdirAll(filepath.Dir(dst), 0o777); err != nil {
				return err
			}
			if err := os.WriteFile(dst, data, 0o666); err != nil {
				return err
			}
		}
	}
	if errs > 0 {
		return &exitError{1}
	}
	return nil
}
