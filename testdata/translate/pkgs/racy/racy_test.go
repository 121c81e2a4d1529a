// Package racy has a test that deadlocks under some schedules (a lock-order
// inversion) and one that passes under all: gmp test -gmp.explore finds the
// first and passes the second (internal/translate/explore_test.go).
package racy

import (
	"sync"
	"testing"
)

func TestTransfer(t *testing.T) {
	var a, b sync.Mutex
	var wg sync.WaitGroup
	wg.Add(2)
	go func() { defer wg.Done(); a.Lock(); b.Lock(); b.Unlock(); a.Unlock() }()
	go func() { defer wg.Done(); b.Lock(); a.Lock(); a.Unlock(); b.Unlock() }()
	wg.Wait()
}

func TestFine(t *testing.T) {
	var mu sync.Mutex
	var wg sync.WaitGroup
	n := 0
	for range 3 {
		wg.Add(1)
		go func() { defer wg.Done(); mu.Lock(); n++; mu.Unlock() }()
	}
	wg.Wait()
	if n != 3 {
		t.Errorf("n = %d", n)
	}
}
