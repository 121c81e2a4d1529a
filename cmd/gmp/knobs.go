package main

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/gmplab/gmp"
	"github.com/gmplab/gmp/internal/sweep"
)

// Knob flags take one value or a list (a sweep): --procs 1,2,4,8,
// --seeds 1-20, --version go1.25,go1.26. Each parses and checks its whole
// list when the flag is parsed, so a bad element is a usage error before
// anything runs.

// intsFlag is a list of integers and ranges, each at least min.
type intsFlag struct {
	vals []int64
	min  int64
	def  string
}

func (f *intsFlag) String() string {
	if f == nil || f.vals == nil {
		if f != nil {
			return f.def
		}
		return ""
	}
	var s []string
	for _, v := range f.vals {
		s = append(s, strconv.FormatInt(v, 10))
	}
	return strings.Join(s, ",")
}

func (f *intsFlag) Set(s string) error {
	vs, err := sweep.ParseInts(s, f.min)
	if err != nil {
		return err
	}
	f.vals = vs
	return nil
}

// wordsFlag is a list of words from a fixed set.
type wordsFlag struct {
	vals    []string
	allowed []string
	def     string
}

func (f *wordsFlag) String() string {
	if f == nil || f.vals == nil {
		if f != nil {
			return f.def
		}
		return ""
	}
	return strings.Join(f.vals, ",")
}

func (f *wordsFlag) Set(s string) error {
	vs, err := sweep.ParseWords(s, f.allowed)
	if err != nil {
		return err
	}
	// "coop" is accepted for cooperative, as before lists existed.
	for i, v := range vs {
		if v == "coop" {
			vs[i] = "cooperative"
		}
	}
	f.vals = vs
	return nil
}

// costFlag collects --cost NAME=VALUES overrides, in the order given.
type costFlag struct {
	names []string
	vals  map[string][]int64
}

func (f *costFlag) String() string {
	if f == nil {
		return ""
	}
	var s []string
	for _, n := range f.names {
		var vs []string
		for _, v := range f.vals[n] {
			vs = append(vs, strconv.FormatInt(v, 10))
		}
		s = append(s, n+"="+strings.Join(vs, ","))
	}
	return strings.Join(s, " ")
}

func (f *costFlag) Set(s string) error {
	name, vs, err := sweep.ParseCost(s)
	if err != nil {
		return err
	}
	if f.vals == nil {
		f.vals = map[string][]int64{}
	}
	if _, dup := f.vals[name]; dup {
		return fmt.Errorf("cost %s given twice", name)
	}
	f.names = append(f.names, name)
	f.vals[name] = vs
	return nil
}

// knobValues are the values of every knob flag, as strings, in flag order;
// knobs with one value are fixed, the others are swept.
func knobValues() []sweep.Knob {
	str := func(vs []int64) []string {
		var out []string
		for _, v := range vs {
			out = append(out, strconv.FormatInt(v, 10))
		}
		return out
	}
	var ks []sweep.Knob
	add := func(flag string, vals []string) {
		if len(vals) > 0 {
			ks = append(ks, sweep.Knob{Flag: flag, Values: vals})
		}
	}
	add("procs", str(runProcs.vals))
	add("version", runVersion.vals)
	add("preempt", runPreempt.vals)
	add("preset", runPreset.vals)
	add("steal-cap", str(runStealCap.vals))
	for _, n := range runCost.names {
		add("cost."+n, str(runCost.vals[n]))
	}
	return ks
}

// applyKnob sets one knob's value in cfg; procsSet reports an explicit
// --procs.
func applyKnob(cfg *gmp.Config, flag, value string) (procsSet bool) {
	return sweep.ApplyKnob(cfg, flag, value)
}
