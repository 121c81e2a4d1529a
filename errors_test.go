package gmp_test

import (
	"errors"
	"io"
	"os"
	"reflect"
	"regexp"
	"strings"
	"testing"
	stdtime "time"

	"github.com/gmplab/gmp"
)

// TestErrorTypes: the errors a run ends with are gmp's own types — go doc
// documents them, errors.As finds them — with their fields filled in and
// the runtime's text.
func TestErrorTypes(t *testing.T) {
	for _, v := range []any{gmp.FatalError{}, gmp.PanicError{}, gmp.LimitError{}, gmp.WatchdogError{}, gmp.LeakError{}, gmp.CostModel{}} {
		if p := reflect.TypeOf(v).PkgPath(); p != "github.com/gmplab/gmp" {
			t.Errorf("%T is declared in %s", v, p)
		}
	}

	_, err := gmp.Run(gmp.Config{Procs: 1}, func() {
		c := gmp.MakeChan[int](0)
		c.Recv()
	})
	var fe *gmp.FatalError
	if !errors.As(err, &fe) || !fe.Deadlock || fe.Internal || fe.Msg != "all goroutines are asleep - deadlock!" ||
		!strings.HasPrefix(fe.Dump, "goroutine 1 [chan receive]:\n") ||
		err.Error() != "fatal error: "+fe.Msg+"\n\n"+strings.TrimRight(fe.Dump, "\n") {
		t.Errorf("deadlock: %#v", err)
	}

	_, err = gmp.Run(gmp.Config{}, func() {
		done := gmp.MakeChan[int](0)
		gmp.Go(func() { panic(io.ErrUnexpectedEOF) })
		done.Recv()
	})
	var pe *gmp.PanicError
	if !errors.As(err, &pe) || pe.Value != io.ErrUnexpectedEOF || pe.Goid < 2 ||
		!strings.HasPrefix(pe.Stack, "goroutine ") || !errors.Is(err, io.ErrUnexpectedEOF) ||
		!strings.HasPrefix(err.Error(), "panic: unexpected EOF\n\ngoroutine ") {
		t.Errorf("panic: %#v", err)
	}

	_, err = gmp.Run(gmp.Config{MaxTime: stdtime.Millisecond}, func() {
		for {
			gmp.Work(300 * stdtime.Microsecond)
		}
	})
	var le *gmp.LimitError
	if !errors.As(err, &le) || le.What != "virtual time" || le.Limit != int64(stdtime.Millisecond) || le.At != stdtime.Millisecond ||
		err.Error() != "gmp: simulation stopped at MaxTime=1ms of virtual time" {
		t.Errorf("limit: %#v (%v)", err, err)
	}
	if !strings.Contains((&gmp.LimitError{What: "steps", Limit: 5, At: stdtime.Second}).Error(), "MaxSteps=5 goroutine resumptions (at virtual time 1s)") {
		t.Error("LimitError for steps")
	}

	costs := gmp.DefaultCosts()
	costs.ChanSend = 1_000_000
	res, err := gmp.Run(gmp.Config{Costs: &costs}, func() { gmp.MakeChan[int](1).Send(1) })
	if err != nil || res.VirtualTime < stdtime.Millisecond {
		t.Errorf("a CostModel of 1ms per send: %v after one send (%v)", res.VirtualTime, err)
	}
}

// TestREADMEErrors: the README's table of error types lists every error
// type of package gmp, each with exactly its exported fields (and, where
// it names one, a method it has).
func TestREADMEErrors(t *testing.T) {
	b, err := os.ReadFile("README.md")
	if err != nil {
		t.Fatal(err)
	}
	_, section, ok := strings.Cut(string(b), "\n### Errors\n")
	if !ok {
		t.Fatal("README.md has no ### Errors section")
	}
	section, _, _ = strings.Cut(section, "\n#")
	types := map[string]reflect.Type{}
	for _, v := range []any{&gmp.FatalError{}, &gmp.PanicError{}, &gmp.LimitError{}, &gmp.WatchdogError{}, &gmp.LeakError{}} {
		types["*gmp."+reflect.TypeOf(v).Elem().Name()] = reflect.TypeOf(v)
	}
	ident := regexp.MustCompile("`([A-Za-z.*]+)`")
	seen := map[string]bool{}
	for _, line := range strings.Split(section, "\n") {
		cols := strings.Split(line, "|")
		if len(cols) != 5 || !strings.Contains(cols[1], "gmp.") {
			continue
		}
		name := strings.Trim(strings.TrimSpace(cols[1]), "`")
		typ, ok := types[name]
		if !ok {
			t.Errorf("README lists %s, which is not an error type of package gmp", name)
			continue
		}
		seen[name] = true
		listed := map[string]bool{}
		for _, m := range ident.FindAllStringSubmatch(cols[3], -1) {
			listed[m[1]] = true
			_, isField := typ.Elem().FieldByName(m[1])
			_, isMethod := typ.MethodByName(m[1])
			if !isField && !isMethod {
				t.Errorf("README: %s has no field or method %s", name, m[1])
			}
		}
		for i := range typ.Elem().NumField() {
			if f := typ.Elem().Field(i); f.IsExported() && !listed[f.Name] {
				t.Errorf("README: %s's field %s is not listed", name, f.Name)
			}
		}
	}
	for name := range types {
		if !seen[name] {
			t.Errorf("README's error table lacks %s", name)
		}
	}
}
