// Package translate rewrites ordinary Go packages so that they run on the
// simulated runtime: go statements, channel types and operations, select,
// the runtime's goroutine functions and the imports of sync, time and
// context become calls of gmp's API and of its mirrors. It is the engine
// behind `gmp test`, `gmp run ./pkg` and `gmp translate`.
//
// # Why the public API
//
// gosim translated the whole standard library and hooked the unexported
// boundary between std and the runtime with //go:linkname; Go 1.24 moved
// that boundary and gosim has not built since. This package never touches
// the standard library and never uses linkname: it rewrites the user's code
// (and the module dependencies that need it) against gmp's public API,
// which follows the Go 1 compatibility promise. Supported: Go 1.26 (the
// toolchain and the language version of the code it reads).
//
// # How a file is rewritten
//
// The rewrite is a splice of the original text: a node whose subtree needs
// no change is copied byte for byte, and a node that changes is printed
// from its children's (rewritten) text. Every generated fragment stays on
// the line of the construct it replaces — a select's temporaries go into
// the switch's init statement, a go statement's into a block on the same
// line — so file names and line numbers in stack traces, panics and test
// output are the user's. Where a fragment must change the number of lines
// (a multi-line expression moved into a select's header), a /*line*/
// directive after it restores the original position.
//
// The constructs, one function each (see translator.md's table):
//
//	go f(x)                 { _gmp1 := x; gmp.Go(func() { f(_gmp1) }) }     (gostmt.go)
//	go func() {…}()         gmp.Go(func() {…})
//	chan T, <-chan T, …     gmp.Chan[T]                                      (chan.go)
//	make(chan T, n)         gmp.MakeChan[T](n)
//	ch <- v, <-ch           ch.Send(v), ch.Recv(); v, ok := <-ch → ch.Recv2()
//	close/len/cap(ch)       ch.Close(), ch.Len(), ch.Cap()
//	ch == nil, nil          ch.IsNil(), (gmp.Chan[T]{})                     (nil.go)
//	named ↔ unnamed chan    an explicit conversion (both are named once translated)
//	for v := range ch       for _c, v, _ok := gmp.RangeFirst(ch); _ok; v, _ok = _c.Recv2() {
//	for k, v := range m     for _it, k, v, _ok := gmp.MapFirst(m); _ok; k, v, _ok = _it.Next() {  (seeded order)
//	select {…}              switch c0, c1 := a.RecvCase(), b.SendCase(x); gmp.Select(c0, c1) {…}  (select.go)
//	select {}               for { gmp.Select() }
//	runtime.Gosched …       gmp.Gosched …                                    (imports.go)
//	sync, time, context …   import swap to the gmp mirrors (math/rand, maps and runtime/trace too)
//	std API taking a ctx    its context argument wrapped in context.ToStd
//	func TestX(t)           if gmptest.Test(t, TestX) { return }; …body…     (testing.go)
//	t.Run, t.Parallel …     gmptest.Run(t, …), gmptest.Parallel(t) …
//	func main()             if gmprun.Main(main) { return }; …body…          (testing.go)
//	var x = make(chan …)    initialised at the start of each simulation      (inits.go)
//
// The loops are three-clause loops, not range-over-func, so that code of
// modules older than Go 1.23 compiles and keeps its loop-variable
// semantics; files of modules older than Go 1.21 (which cannot use
// generics) get a //go:build go1.21 line and a //line directive.
//
// The pipeline (load.go, build.go): Plan lists the packages (go list
// through go/packages, no type checking) and keys each by its files,
// its translated imports' keys and the translator binary; the units not
// in the cache are type-checked (only they are parsed; the rest comes from
// export data) and rewritten; main-module files go to an -overlay file,
// the other modules' to shadow copies under the cache that an alternate
// go.mod (-modfile) replaces them with, next to a require (and, for a
// checkout, a replace) of the running gmp. Cache entries are written to a
// temporary directory and renamed, so an interrupted run leaves nothing
// half-written.
//
// Anything that cannot be translated is a Diagnostic (file:line, what, why,
// what to do), never a crash or a silent skip.
package translate
