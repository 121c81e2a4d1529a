package atomic_test

import (
	stdatomic "sync/atomic"
	"testing"
	"unsafe"

	"github.com/gmplab/gmp"
	"github.com/gmplab/gmp/sync"
	"github.com/gmplab/gmp/sync/atomic"
)

// The types are the standard ones: values move freely between code that
// imports either package.
var (
	_ *stdatomic.Int64         = new(atomic.Int64)
	_ *stdatomic.Pointer[byte] = new(atomic.Pointer[byte])
	_ *stdatomic.Value         = new(atomic.Value)
)

func TestFunctions(t *testing.T) {
	var i32 int32
	var u64 uint64
	var p unsafe.Pointer
	x := 1
	if atomic.AddInt32(&i32, 3) != 3 || !atomic.CompareAndSwapInt32(&i32, 3, 5) || atomic.SwapInt32(&i32, 6) != 5 || atomic.LoadInt32(&i32) != 6 {
		t.Error("int32 operations")
	}
	atomic.StoreUint64(&u64, 0b1100)
	if atomic.AndUint64(&u64, 0b0100) != 0b1100 || atomic.OrUint64(&u64, 1) != 0b0100 || u64 != 0b0101 {
		t.Error("uint64 bit operations")
	}
	atomic.StorePointer(&p, unsafe.Pointer(&x))
	if atomic.LoadPointer(&p) != unsafe.Pointer(&x) || !atomic.CompareAndSwapPointer(&p, unsafe.Pointer(&x), nil) || atomic.SwapPointer(&p, nil) != nil {
		t.Error("pointer operations")
	}
}

// TestCounter: atomics used from many simulated goroutines on several Ps.
func TestCounter(t *testing.T) {
	var n atomic.Int64
	_, err := gmp.Run(gmp.Config{Procs: 4}, func() {
		var wg sync.WaitGroup
		for range 8 {
			wg.Go(func() {
				for range 100 {
					n.Add(1)
					gmp.Gosched()
				}
			})
		}
		wg.Wait()
	})
	if err != nil {
		t.Fatal(err)
	}
	if n.Load() != 800 {
		t.Errorf("n = %d, want 800", n.Load())
	}
}
