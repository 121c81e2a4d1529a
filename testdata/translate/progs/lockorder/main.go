// Command lockorder transfers money between two accounts from two
// goroutines, locking the accounts in argument order: under some schedules
// the two transfers deadlock (gmp explore ./testdata/translate/progs/lockorder).
package main

import (
	"fmt"
	"sync"
)

type account struct {
	mu  sync.Mutex
	bal int
}

func transfer(from, to *account, n int) {
	from.mu.Lock()
	to.mu.Lock()
	from.bal -= n
	to.bal += n
	to.mu.Unlock()
	from.mu.Unlock()
}

func main() {
	a, b := &account{bal: 100}, &account{bal: 100}
	var wg sync.WaitGroup
	wg.Add(2)
	go func() { defer wg.Done(); transfer(a, b, 10) }()
	go func() { defer wg.Done(); transfer(b, a, 20) }()
	wg.Wait()
	fmt.Println(a.bal + b.bal)
}
