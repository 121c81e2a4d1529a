package sync_test

import (
	"errors"
	"testing"

	"github.com/gmplab/gmp"
	"github.com/gmplab/gmp/sync"
)

// onceBlocking: callers of Do that arrive while f runs block (on the
// Once's mutex) until it returns, then return without calling their f.
func onceBlocking(w *world) {
	o, c, done := w.Once(), w.Chan(), w.WaitGroup()
	caller := func(i int) func() {
		return func() {
			defer done.Done()
			w.Log("o%d do", i)
			o.Do(func() {
				w.Log("f%d start", i)
				c.Recv()
				w.Log("f%d end", i)
			})
			w.Log("o%d returned", i)
		}
	}
	done.Add(4)
	w.GoInOrder(caller(0), caller(1), caller(2), func() {
		defer done.Done()
		w.Log("release f")
		c.Send()
	})
	done.Wait()
	o.Do(func() { w.Log("never") })
}

func TestOnceBlocking(t *testing.T) {
	sameAsNative(t, onceBlocking, []string{
		"o0 do", "f0 start", "o1 do", "o2 do", "release f", "f0 end",
		"o0 returned", "o1 returned", "o2 returned",
	})
}

// oncePanics: Do considers a panicking f done; OnceFunc, OnceValue and
// OnceValues call f once and panic with the same value on every call.
func oncePanics(w *world, onceFunc func(func()) func(), onceValue func(func() int) func() int) {
	o := w.Once()
	w.Log("Do: %v", recovered(func() { o.Do(func() { panic("first") }) }))
	o.Do(func() { w.Log("never") })
	w.Log("Do again: %v", recovered(func() { o.Do(func() { panic("second") }) }))

	calls := 0
	f := onceFunc(func() { calls++; panic("boom") })
	for range 3 {
		w.Log("OnceFunc: %v", recovered(f))
	}
	v := onceValue(func() int { calls++; return 42 })
	w.Log("OnceValue: %d %d, calls %d", v(), v(), calls)
}

func TestOncePanics(t *testing.T) {
	prog := func(w *world) {
		if w.name == "native" {
			oncePanics(w, stdOnceFunc, stdOnceValue)
		} else {
			oncePanics(w, sync.OnceFunc, sync.OnceValue[int])
		}
	}
	sameAsNative(t, prog, []string{
		"Do: first", "Do again: <nil>",
		"OnceFunc: boom", "OnceFunc: boom", "OnceFunc: boom",
		"OnceValue: 42 42, calls 2",
	})
}

func TestOnceValues(t *testing.T) {
	_, err := gmp.Run(gmp.Config{Procs: 1}, func() {
		calls := 0
		errBoom := errors.New("boom")
		f := sync.OnceValues(func() (int, error) { calls++; return 7, errBoom })
		for range 3 {
			if v, err := f(); v != 7 || err != errBoom {
				t.Errorf("f() = %d, %v", v, err)
			}
		}
		g := sync.OnceValues(func() (int, error) { calls++; panic(errBoom) })
		for range 2 {
			if r := recovered(func() { g() }); r != errBoom {
				t.Errorf("g() panicked with %v, want %v", r, errBoom)
			}
		}
		if calls != 2 {
			t.Errorf("f and g called %d times in all, want 2", calls)
		}
	})
	if err != nil {
		t.Fatal(err)
	}
}
