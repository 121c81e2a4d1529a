package workqueue

import (
	"context"
	"errors"
	"sync/atomic"
	"testing"
	"time"
)

func TestSquares(t *testing.T) {
	jobs := []int{1, 2, 3, 4, 5, 6, 7, 8}
	got, err := Run(context.Background(), 3, jobs, func(_ context.Context, j int) int {
		time.Sleep(time.Duration(9-j) * time.Millisecond)
		return j * j
	})
	if err != nil {
		t.Fatal(err)
	}
	for i, j := range jobs {
		if got[i] != j*j {
			t.Errorf("got[%d] = %d", i, got[i])
		}
	}
}

func TestCancel(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	var done atomic.Int32
	jobs := make([]int, 100)
	_, err := Run(ctx, 2, jobs, func(ctx context.Context, _ int) int {
		if done.Add(1) == 2 {
			cancel() // both workers are busy: the feeder must see the cancel
		}
		<-ctx.Done()
		return 0
	})
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("err = %v", err)
	}
	if n := done.Load(); n < 2 || n > 6 {
		t.Errorf("%d jobs started after a cancel at the 2nd", n)
	}
}

func TestConcurrency(t *testing.T) {
	var cur, peak atomic.Int32
	_, err := Run(context.Background(), 4, make([]int, 40), func(context.Context, int) int {
		n := cur.Add(1)
		for {
			p := peak.Load()
			if n <= p || peak.CompareAndSwap(p, n) {
				break
			}
		}
		time.Sleep(time.Millisecond)
		cur.Add(-1)
		return 0
	})
	if err != nil || peak.Load() != 4 {
		t.Errorf("peak %d, err %v", peak.Load(), err)
	}
}
