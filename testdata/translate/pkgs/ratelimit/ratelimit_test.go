package ratelimit

import (
	"context"
	"errors"
	"testing"
	"time"
)

func TestBurstThenRate(t *testing.T) {
	l := New(100*time.Millisecond, 3)
	defer l.Stop()
	start := time.Now()
	for range 5 {
		if err := l.Wait(context.Background()); err != nil {
			t.Fatal(err)
		}
	}
	// 3 at once, then one per 100ms.
	if d := time.Since(start); d < 200*time.Millisecond || d > 300*time.Millisecond {
		t.Errorf("5 tokens took %v, want about 200ms", d)
	}
}

func TestWaitTimeout(t *testing.T) {
	l := New(time.Hour, 1)
	defer l.Stop()
	l.Wait(context.Background())
	ctx, cancel := context.WithTimeout(context.Background(), 50*time.Millisecond)
	defer cancel()
	if err := l.Wait(ctx); !errors.Is(err, context.DeadlineExceeded) {
		t.Errorf("Wait = %v, want DeadlineExceeded", err)
	}
}

func TestParallelClients(t *testing.T) {
	l := New(10*time.Millisecond, 1)
	t.Cleanup(l.Stop)
	for _, name := range []string{"a", "b", "c"} {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			for range 3 {
				if err := l.Wait(t.Context()); err != nil {
					t.Fatal(err)
				}
			}
		})
	}
}
