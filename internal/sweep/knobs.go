// Package sweep runs a program under many configurations — every
// combination of the Config knobs given as lists or ranges, each under
// several seeds — in worker processes, and tabulates the key figures of
// each configuration with their spread over the seeds.
//
// The simulator runs one simulation at a time in a process (the runtime's
// state is global), so a sweep re-executes the binary it runs in — or, for
// a package, the program translated and built once — once per
// (configuration, seed), with that configuration's flags (a program's, in
// its environment) and the environment variable GMP_SWEEP_WORKER set; the
// worker runs the program once and prints its figures as JSON on standard
// output. Results are placed by job index, so the table does not depend on
// which worker finished first.
package sweep

import (
	"errors"
	"fmt"
	"reflect"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/gmplab/gmp"
)

// Knob is one swept setting: a command-line flag and its values, in the
// order given. The values are canonical (a range written out), so that
// the worker receives exactly one of them.
type Knob struct {
	Flag   string
	Values []string
}

// MaxRange bounds one range (1-1000000 is a typo, not a sweep).
const MaxRange = 100000

// ParseInts parses a list of integers and ranges — "1,2,4,8", "1-20",
// "1-4,8" — each at least min. An empty list, an empty range ("5-1"), a
// duplicate or a bad element is an error naming the element.
func ParseInts(s string, min int64) ([]int64, error) {
	if strings.TrimSpace(s) == "" {
		return nil, errors.New("empty list")
	}
	var out []int64
	for _, el := range strings.Split(s, ",") {
		el = strings.TrimSpace(el)
		lo, hi, isRange := strings.Cut(el, "-")
		if el == "" {
			return nil, fmt.Errorf("empty element in %q", s)
		}
		if !isRange {
			hi = lo
		}
		a, err := strconv.ParseInt(lo, 10, 64)
		if err != nil {
			return nil, fmt.Errorf("%q is not a number", el)
		}
		b, err := strconv.ParseInt(hi, 10, 64)
		if err != nil {
			return nil, fmt.Errorf("%q is not a number or a range like 1-20", el)
		}
		if b < a {
			return nil, fmt.Errorf("empty range %q (%d > %d)", el, a, b)
		}
		if b-a >= MaxRange {
			return nil, fmt.Errorf("range %q has more than %d values", el, MaxRange)
		}
		if a < min {
			return nil, fmt.Errorf("%d is out of range: must be at least %d", a, min)
		}
		for v := a; v <= b; v++ {
			if slices.Contains(out, v) {
				return nil, fmt.Errorf("%d appears twice in %q", v, s)
			}
			out = append(out, v)
		}
	}
	return out, nil
}

// ParseWords parses a list of words, each one of allowed ("go1.25,go1.26").
func ParseWords(s string, allowed []string) ([]string, error) {
	if strings.TrimSpace(s) == "" {
		return nil, errors.New("empty list")
	}
	var out []string
	for _, el := range strings.Split(s, ",") {
		el = strings.TrimSpace(el)
		if !slices.Contains(allowed, el) {
			return nil, fmt.Errorf("%q: want %s", el, strings.Join(allowed, ", "))
		}
		if slices.Contains(out, el) {
			return nil, fmt.Errorf("%q appears twice in %q", el, s)
		}
		out = append(out, el)
	}
	return out, nil
}

// ParseDurations parses a list of virtual durations in ns or with a unit
// ("0,50us,1ms"), for cost overrides.
func ParseDurations(s string) ([]int64, error) {
	if strings.TrimSpace(s) == "" {
		return nil, errors.New("empty list")
	}
	var out []int64
	for _, el := range strings.Split(s, ",") {
		el = strings.TrimSpace(el)
		v, err := strconv.ParseInt(el, 10, 64)
		if err != nil {
			d, derr := time.ParseDuration(el)
			if derr != nil {
				return nil, fmt.Errorf("%q is not a duration (ns, or like 50us)", el)
			}
			v = int64(d)
		}
		if v < 0 {
			return nil, fmt.Errorf("%q is negative", el)
		}
		if slices.Contains(out, v) {
			return nil, fmt.Errorf("%q appears twice in %q", el, s)
		}
		out = append(out, v)
	}
	return out, nil
}

// CostNames lists the CostModel fields a --cost flag may name.
func CostNames() []string {
	t := reflect.TypeFor[gmp.CostModel]()
	var names []string
	for i := range t.NumField() {
		names = append(names, t.Field(i).Name)
	}
	return names
}

// ParseCost parses a --cost value, NAME=LIST ("Syscall=0,1ms"), into the
// field's name and its values.
func ParseCost(s string) (string, []int64, error) {
	name, list, ok := strings.Cut(s, "=")
	if !ok {
		return "", nil, fmt.Errorf("%q: want NAME=VALUES, e.g. MWakeup=5us,50us", s)
	}
	if !slices.Contains(CostNames(), name) {
		return "", nil, fmt.Errorf("unknown cost %q (want one of %s)", name, strings.Join(CostNames(), ", "))
	}
	vs, err := ParseDurations(list)
	return name, vs, err
}

// SetCost sets the field name of c to v ns.
func SetCost(c *gmp.CostModel, name string, v int64) {
	reflect.ValueOf(c).Elem().FieldByName(name).SetInt(v)
}

// Point is one configuration: a value for each swept knob.
type Point []Setting

// Setting is one knob's value in a Point.
type Setting struct{ Flag, Value string }

// Label is the configuration in words: "procs=2 version=go1.25".
func (p Point) Label() string {
	var parts []string
	for _, s := range p {
		parts = append(parts, s.Flag+"="+s.Value)
	}
	if len(parts) == 0 {
		return "default"
	}
	return strings.Join(parts, " ")
}

// Args are the flags that select the configuration in a worker.
func (p Point) Args() []string {
	var args []string
	for _, s := range p {
		if f, ok := strings.CutPrefix(s.Flag, "cost."); ok {
			args = append(args, "--cost="+f+"="+s.Value)
		} else {
			args = append(args, "--"+s.Flag+"="+s.Value)
		}
	}
	return args
}

// Points returns every combination of the knobs' values, the first knob
// varying slowest.
func Points(knobs []Knob) []Point {
	pts := []Point{nil}
	for _, k := range knobs {
		var next []Point
		for _, p := range pts {
			for _, v := range k.Values {
				q := append(slices.Clone(p), Setting{k.Flag, v})
				next = append(next, q)
			}
		}
		pts = next
	}
	return pts
}

// ApplyKnob sets one knob's value (a Setting's Flag and Value) in cfg;
// procsSet reports an explicit procs.
func ApplyKnob(cfg *gmp.Config, flag, value string) (procsSet bool) {
	switch flag {
	case "procs":
		cfg.Procs, _ = strconv.Atoi(value)
		return true
	case "version":
		cfg.Version = value
	case "preempt":
		cfg.Preempt = gmp.PreemptAsync
		if value == "cooperative" {
			cfg.Preempt = gmp.PreemptCooperative
		}
	case "preset":
		cfg.Preset = value
		if value == "none" {
			cfg.Preset = ""
		}
	case "steal-cap":
		cfg.StealCap, _ = strconv.Atoi(value)
	default:
		if name, ok := strings.CutPrefix(flag, "cost."); ok {
			if cfg.Costs == nil {
				c := gmp.DefaultCosts()
				cfg.Costs = &c
			}
			v, _ := strconv.ParseInt(value, 10, 64)
			SetCost(cfg.Costs, name, v)
		}
	}
	return false
}
