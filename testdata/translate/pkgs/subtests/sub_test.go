package subtests

import (
	"net/http"
	"sync"
	"testing"
	"time"
)

func TestTop(t *testing.T) {
	t.Parallel()
	var mu sync.Mutex
	var order []string
	t.Run("seq", func(t *testing.T) {
		mu.Lock()
		order = append(order, "seq")
		mu.Unlock()
	})
	for _, name := range []string{"a", "b", "c"} {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			time.Sleep(10 * time.Millisecond)
			mu.Lock()
			order = append(order, name)
			mu.Unlock()
		})
	}
	t.Cleanup(func() {
		if len(order) != 4 {
			t.Errorf("cleanup ran before the parallel subtests: %v", order)
		}
	})
	if Double(2) != 4 {
		t.Fatal("arithmetic")
	}
}

func TestContextToStd(t *testing.T) {
	// A gmp context reaches net/http through the bridge.
	req, err := http.NewRequestWithContext(t.Context(), "GET", "http://example.invalid/", nil)
	if err != nil || req.URL.Host != "example.invalid" {
		t.Fatal(req, err)
	}
}

func TestContext(t *testing.T) {
	ctx := t.Context()
	done := make(chan struct{})
	go func() {
		<-ctx.Done()
		close(done)
	}()
	t.Cleanup(func() {
		<-done
		if ctx.Err() == nil {
			t.Error("context not canceled before cleanup")
		}
	})
}
