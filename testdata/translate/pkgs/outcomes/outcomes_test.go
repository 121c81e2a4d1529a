package outcomes

import (
	"sync"
	"testing"
	"time"
)

func TestPass(t *testing.T) {
	c := make(chan int, 1)
	c <- 1
	if Wait(c) != 1 {
		t.Fatal("wrong value")
	}
}

func TestFatalInTest(t *testing.T) {
	t.Fatal("fatal here")
	t.Log("after fatal")
}

func TestFatalFromGoroutine(t *testing.T) {
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		t.Fatal("fatal in a goroutine")
		t.Log("after goroutine fatal")
	}()
	wg.Wait()
	t.Log("test goroutine goes on")
}

func TestLeak(t *testing.T) {
	c := make(chan int)
	go func() { c <- 1 }()
	go Wait(make(chan int))
}

func TestDeadlock(t *testing.T) {
	c := make(chan int)
	Wait(c)
}

func TestPanicInSubtest(t *testing.T) {
	t.Run("ok", func(t *testing.T) {})
	t.Run("boom", func(t *testing.T) {
		var m map[string]int
		m["x"] = 1
	})
	t.Log("not reached")
}

func TestAfterPanic(t *testing.T) {}

func TestSkip(t *testing.T) {
	t.Skip("skipped on purpose")
}

func TestSubFilter(t *testing.T) {
	for _, name := range []string{"x", "y"} {
		t.Run(name, func(t *testing.T) { t.Log("ran", name) })
	}
}

func TestCleanupOrder(t *testing.T) {
	for i := range 3 {
		t.Cleanup(func() { t.Log("cleanup", i) })
	}
	t.Run("sub", func(t *testing.T) {
		t.Cleanup(func() { t.Log("sub cleanup") })
	})
}

func TestSleepsTooLong(t *testing.T) {
	time.Sleep(2 * time.Minute)
}

func TestTimers(t *testing.T) {
	start := time.Now()
	time.Sleep(30 * time.Second)
	if d := time.Since(start); d < 30*time.Second || d > 31*time.Second {
		t.Errorf("slept %v", d)
	}
}

// TestLeakAllowed leaves a goroutine behind on purpose.
//
//gmp:leaks-ok
func TestLeakAllowed(t *testing.T) {
	go Wait(make(chan int))
}
