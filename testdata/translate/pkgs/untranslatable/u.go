// Package untranslatable uses what the translator cannot make faithful;
// gmp translate -explain reports each use.
package untranslatable

import (
	"context"
	"io"
	"net/http"
	"os"
	"os/signal"
	"reflect"
	_ "unsafe"
)

//go:linkname nanotime runtime.nanotime
func nanotime() int64

// Signals waits for an interrupt.
func Signals() {
	c := make(chan os.Signal, 1)
	signal.Notify(c, os.Interrupt)
	<-c
}

// Pipe copies through io.Pipe.
func Pipe() {
	r, w := io.Pipe()
	go w.Write([]byte("x"))
	r.Read(make([]byte, 1))
}

// Reflect selects by reflection.
func Reflect(c chan int) {
	reflect.Select([]reflect.SelectCase{{Dir: reflect.SelectRecv, Chan: reflect.ValueOf(c)}})
}

// Request passes a context to net/http: bridged (context.ToStd), no
// diagnostic.
func Request(ctx context.Context) {
	http.NewRequestWithContext(ctx, "GET", "http://localhost", nil)
}

// RequestContext gets a standard context back: a diagnostic.
func RequestContext(ctx context.Context) {
	r, _ := http.NewRequestWithContext(ctx, "GET", "http://localhost", nil)
	_ = r.Context()
}
