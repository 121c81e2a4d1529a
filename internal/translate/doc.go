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
//	go f(x)                 { _f, _a := f, x; gmp.Go(func() { _f(_a) }) }   (gostmt.go)
//	chan T, <-chan T, …     gmp.Chan[T]                                     (chan.go)
//	make(chan T, n)         gmp.MakeChan[T](n)
//	ch <- v, <-ch           ch.Send(v), ch.Recv(); v, ok := <-ch → ch.Recv2()
//	close/len/cap(ch)       ch.Close(), ch.Len(), ch.Cap()
//	for v := range ch       for v := range ch.All()
//	nil (of chan type)      (gmp.Chan[T]{})
//	select {…}              switch c0, c1 := a.RecvCase(), b.SendCase(x); gmp.Select(c0, c1) {…}  (select.go)
//	runtime.Gosched …       gmp.Gosched …                                   (imports.go)
//	sync, time, context …   import swap to the gmp mirrors
//	for k, v := range m     for k, v := range gmp.MapRange(m)   (seeded order)
//	func TestX(t)           if gmptest.Test(t, TestX) { return }; …body…    (testing.go)
//
// Anything that cannot be translated is a Diagnostic (file:line, what, why,
// what to do), never a crash or a silent skip.
package translate
