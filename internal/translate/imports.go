package translate

import (
	"go/ast"
	"go/types"
	"strconv"
	"strings"
)

// Swaps are the standard packages replaced by gmp's mirrors, which have
// the same names and API with simulated semantics.
var Swaps = map[string]string{
	"sync":         GmpModule + "/sync",
	"sync/atomic":  GmpModule + "/sync/atomic",
	"time":         GmpModule + "/time",
	"context":      GmpModule + "/context",
	"math/rand":    GmpModule + "/math/rand",
	"math/rand/v2": GmpModule + "/math/rand/v2",
	"maps":         GmpModule + "/maps",
	// Tasks, regions and logs, in virtual time (no Start, Stop or
	// FlightRecorder: see untraced).
	"runtime/trace": GmpModule + "/trace",
}

// untraced are runtime/trace's functions that its mirror lacks: the
// simulation's execution trace is gmp's to write.
var untraced = map[string]bool{"Start": true, "Stop": true, "NewFlightRecorder": true}

func (t *Translator) swap(path string) (string, bool) {
	p, ok := Swaps[path]
	return p, ok
}

// runtimeFuncs are the runtime's goroutine functions and their gmp
// equivalents.
var runtimeFuncs = map[string]string{
	"Gosched":        "Gosched",
	"Goexit":         "Goexit",
	"NumGoroutine":   "NumGoroutine",
	"GOMAXPROCS":     "GOMAXPROCS",
	"NumCPU":         "NumCPU",
	"Stack":          "Stack",
	"LockOSThread":   "LockOSThread",
	"UnlockOSThread": "UnlockOSThread",
}

// importSpec swaps a mirrored import, and blanks an import whose every use
// the translation removed (runtime, when only Gosched was used).
func (r *fileRW) importSpec(n *ast.ImportSpec) (string, bool) {
	path, _ := strconv.Unquote(n.Path.Value)
	if obj, ok := r.info().Implicits[n].(*types.PkgName); ok || n.Name != nil {
		if n.Name != nil {
			obj, _ = r.info().Defs[n.Name].(*types.PkgName)
		}
		if obj != nil && r.uses[obj] > 0 && r.removed[obj] == r.uses[obj] {
			return "_ " + n.Path.Value, true
		}
	}
	mirror, ok := r.p.tr.swap(path)
	if !ok {
		return "", false
	}
	s := strconv.Quote(mirror)
	if n.Name != nil {
		s = n.Name.Name + " " + s
	}
	return s, true
}

// selector rewrites runtime.Gosched and friends.
func (r *fileRW) selector(n *ast.SelectorExpr) (string, bool) {
	x, ok := n.X.(*ast.Ident)
	if !ok {
		return "", false
	}
	pn, ok := r.info().Uses[x].(*types.PkgName)
	if !ok {
		return "", false
	}
	switch pn.Imported().Path() {
	case "runtime":
		if g, ok := runtimeFuncs[n.Sel.Name]; ok {
			r.removed[pn]++
			return r.gmp() + "." + g, true
		}
	}
	return "", false
}

// blocking are standard APIs that block on the host (a real syscall, a
// real channel or lock inside std): a simulated goroutine calling them
// stalls the whole simulation until they return.
var blocking = map[string]string{
	"io.Pipe":                 "io.Pipe's reader and writer block on real locks and channels",
	"os/signal.Notify":        "signals are delivered on a real channel",
	"os/signal.NotifyContext": "signals are delivered on a real channel",
	"os/exec.Command":         "a child process is waited for on the host",
	"os/exec.CommandContext":  "a child process is waited for on the host",
	"reflect.Select":          "reflect.Select works on real channels only",
	"reflect.MakeChan":        "reflect.MakeChan makes a real channel",
	"reflect.ChanOf":          "reflect.ChanOf makes a real channel type",
	"net.Dial":                "network I/O blocks on the host",
	"net.Listen":              "network I/O blocks on the host",
	"net/http.Get":            "network I/O blocks on the host",
	"net/http.ListenAndServe": "network I/O blocks on the host",
	"testing/synctest.Test":   "synctest's bubble runs real goroutines; the simulation already has a fake clock",
	"testing/synctest.Wait":   "synctest's bubble runs real goroutines",
}

// nondeterministic are functions whose results depend on the host (a
// random hash seed, real randomness), which the simulation's seed does not
// control.
var nondeterministic = map[string]string{
	"(*sync.Map).Range":        "the visiting order follows the host's random hash seed",
	"(reflect.Value).MapKeys":  "the key order is the host's random map order",
	"(reflect.Value).MapRange": "the iteration order is the host's random map order",
	"hash/maphash.MakeSeed":    "the seed is random",
	"crypto/rand.Read":         "the bytes are truly random",
	"crypto/rand.Int":          "the number is truly random",
	"crypto/rand.Text":         "the text is truly random",
}

// checkCall reports calls the translation cannot make faithful: blocking
// standard APIs, and standard functions whose signature passes a channel
// or a mirrored type (a gmp channel or context cannot cross into code
// that is not translated).
func (r *fileRW) checkCall(n *ast.CallExpr) {
	var obj types.Object
	switch f := unparen(n.Fun).(type) {
	case *ast.Ident:
		obj = r.info().Uses[f]
	case *ast.SelectorExpr:
		obj = r.info().Uses[f.Sel]
	}
	fn, ok := obj.(*types.Func)
	if !ok || fn.Pkg() == nil {
		return
	}
	path := fn.Pkg().Path()
	if why, ok := nondeterministic[fn.FullName()]; ok {
		r.p.warnf(n.Pos(), "%s: %s: uncontrolled nondeterminism (a replay of the seed may differ)", fn.FullName(), why)
	}
	if path == "runtime/trace" && untraced[fn.Name()] {
		r.p.errorf(n.Pos(), "runtime/trace.%s: the simulation's execution trace is written by gmp (gmp run --trace FILE, gmp test -gmp.trace DIR), not by the program; its tasks, regions and logs are translated. Keep this call out of the simulated code", fn.Name())
		return
	}
	if r.p.tr.translated(path) {
		return
	}
	key := path + "." + fn.Name()
	if why, ok := blocking[key]; ok {
		report := r.p.errorf
		if path == "os/exec" {
			report = r.p.warnf // a short child process only pauses the simulation
		}
		report(n.Pos(), "%s: %s; a simulated goroutine blocked in it stalls the simulation (the watchdog reports it). Replace it in the code under test (an interface, a fake) or test this part natively", key, why)
		return
	}
	sig := fn.Type().(*types.Signature)
	if recv := sig.Recv(); recv != nil {
		key = types.TypeString(recv.Type(), nil) + "." + fn.Name()
		if strings.HasPrefix(key, "reflect.Value.") {
			switch fn.Name() {
			case "Send", "Recv", "TrySend", "TryRecv", "Close":
				r.p.errorf(n.Pos(), "%s on a channel: reflect works on real channels, and translated channels are gmp.Chan values", key)
			}
			return
		}
	}
	if what := crossing(sig); what != "" {
		if r.bridgeable(n, sig) {
			return // the call's context arguments go through context.ToStd
		}
		r.p.errorf(n.Pos(), "%s takes or returns %s, which the translation replaces by a gmp type; the untranslated standard library cannot take it. Keep this call out of the simulated code", key, what)
	}
}

// crossing returns what in sig cannot cross from translated code into the
// untranslated standard library: a channel, a sync or time type with
// simulated behaviour, or context.Context.
func crossing(sig *types.Signature) string {
	var found string
	var walk func(t types.Type, depth int)
	walk = func(t types.Type, depth int) {
		if found != "" || depth > 3 {
			return
		}
		switch t := types.Unalias(t).(type) {
		case *types.Chan:
			found = "a channel (" + t.String() + ")"
		case *types.Named:
			if p := t.Obj().Pkg(); p != nil {
				switch p.Path() + "." + t.Obj().Name() {
				case "context.Context", "sync.Mutex", "sync.RWMutex", "sync.WaitGroup", "sync.Cond", "sync.Once", "time.Timer", "time.Ticker":
					found = t.String()
					return
				}
			}
		case *types.Pointer:
			walk(t.Elem(), depth+1)
		case *types.Slice:
			walk(t.Elem(), depth+1)
		case *types.Signature:
			for i := 0; i < t.Params().Len(); i++ {
				walk(t.Params().At(i).Type(), depth+1)
			}
			for i := 0; i < t.Results().Len(); i++ {
				walk(t.Results().At(i).Type(), depth+1)
			}
		}
	}
	walk(sig, 0)
	return found
}

// bridgeable reports whether the only thing sig passes across is
// context.Context as parameters (not results, not inside other types), so
// that the call works with its context arguments wrapped in
// context.ToStd; stdContextArgs does the wrapping.
func (r *fileRW) bridgeable(n *ast.CallExpr, sig *types.Signature) bool {
	if sig.Variadic() {
		return false
	}
	isCtx := func(t types.Type) bool {
		nt, ok := types.Unalias(t).(*types.Named)
		return ok && nt.Obj().Pkg() != nil && nt.Obj().Pkg().Path() == "context" && nt.Obj().Name() == "Context"
	}
	found := false
	for i := 0; i < sig.Params().Len(); i++ {
		t := sig.Params().At(i).Type()
		if isCtx(t) {
			found = true
			continue
		}
		if crossing(types.NewSignatureType(nil, nil, nil, types.NewTuple(types.NewParam(0, nil, "", t)), nil, false)) != "" {
			return false
		}
	}
	if !found || crossing(types.NewSignatureType(nil, nil, nil, nil, sig.Results(), false)) != "" {
		return false
	}
	if r.ctxArgs == nil {
		r.ctxArgs = map[ast.Expr]bool{}
	}
	for i, a := range n.Args {
		if i < sig.Params().Len() && isCtx(sig.Params().At(i).Type()) {
			r.ctxArgs[a] = true
		}
	}
	return true
}
