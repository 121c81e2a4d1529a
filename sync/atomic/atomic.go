// Package atomic provides low-level atomic memory primitives useful for
// implementing synchronization algorithms, for programs running on the
// simulated runtime (gmp.Run).
//
// It re-exports the standard package sync/atomic: the types are aliases
// and the functions call the standard ones. Only one simulated goroutine
// executes at a time, so the standard atomics are exact; they take no
// virtual time and are not scheduling points (a loop that spins on an
// atomic load without calling gmp never lets another goroutine run: call
// gmp.Gosched or gmp.Work in it, as a real spin loop would call
// runtime.Gosched or procyield).
//
// See the standard package's documentation for the memory model and the
// rules on alignment; they are unchanged.
package atomic

import (
	"sync/atomic"
	"unsafe"
)

// The atomic types, as in sync/atomic.
type (
	// A Bool is an atomic boolean value. The zero value is false.
	Bool = atomic.Bool
	// An Int32 is an atomic int32. The zero value is zero.
	Int32 = atomic.Int32
	// An Int64 is an atomic int64. The zero value is zero.
	Int64 = atomic.Int64
	// A Uint32 is an atomic uint32. The zero value is zero.
	Uint32 = atomic.Uint32
	// A Uint64 is an atomic uint64. The zero value is zero.
	Uint64 = atomic.Uint64
	// A Uintptr is an atomic uintptr. The zero value is zero.
	Uintptr = atomic.Uintptr
	// A Value provides an atomic load and store of a consistently typed
	// value. The zero value for a Value returns nil from Load.
	Value = atomic.Value
)

// A Pointer is an atomic pointer of type *T. The zero value is a nil *T.
type Pointer[T any] = atomic.Pointer[T]

// SwapInt32 atomically stores new into *addr and returns the previous *addr value.
func SwapInt32(addr *int32, new int32) (old int32) { return atomic.SwapInt32(addr, new) }

// SwapInt64 atomically stores new into *addr and returns the previous *addr value.
func SwapInt64(addr *int64, new int64) (old int64) { return atomic.SwapInt64(addr, new) }

// SwapUint32 atomically stores new into *addr and returns the previous *addr value.
func SwapUint32(addr *uint32, new uint32) (old uint32) { return atomic.SwapUint32(addr, new) }

// SwapUint64 atomically stores new into *addr and returns the previous *addr value.
func SwapUint64(addr *uint64, new uint64) (old uint64) { return atomic.SwapUint64(addr, new) }

// SwapUintptr atomically stores new into *addr and returns the previous *addr value.
func SwapUintptr(addr *uintptr, new uintptr) (old uintptr) { return atomic.SwapUintptr(addr, new) }

// SwapPointer atomically stores new into *addr and returns the previous *addr value.
func SwapPointer(addr *unsafe.Pointer, new unsafe.Pointer) (old unsafe.Pointer) {
	return atomic.SwapPointer(addr, new)
}

// CompareAndSwapInt32 executes the compare-and-swap operation for an int32 value.
func CompareAndSwapInt32(addr *int32, old, new int32) (swapped bool) {
	return atomic.CompareAndSwapInt32(addr, old, new)
}

// CompareAndSwapInt64 executes the compare-and-swap operation for an int64 value.
func CompareAndSwapInt64(addr *int64, old, new int64) (swapped bool) {
	return atomic.CompareAndSwapInt64(addr, old, new)
}

// CompareAndSwapUint32 executes the compare-and-swap operation for a uint32 value.
func CompareAndSwapUint32(addr *uint32, old, new uint32) (swapped bool) {
	return atomic.CompareAndSwapUint32(addr, old, new)
}

// CompareAndSwapUint64 executes the compare-and-swap operation for a uint64 value.
func CompareAndSwapUint64(addr *uint64, old, new uint64) (swapped bool) {
	return atomic.CompareAndSwapUint64(addr, old, new)
}

// CompareAndSwapUintptr executes the compare-and-swap operation for a uintptr value.
func CompareAndSwapUintptr(addr *uintptr, old, new uintptr) (swapped bool) {
	return atomic.CompareAndSwapUintptr(addr, old, new)
}

// CompareAndSwapPointer executes the compare-and-swap operation for an unsafe.Pointer value.
func CompareAndSwapPointer(addr *unsafe.Pointer, old, new unsafe.Pointer) (swapped bool) {
	return atomic.CompareAndSwapPointer(addr, old, new)
}

// AddInt32 atomically adds delta to *addr and returns the new value.
func AddInt32(addr *int32, delta int32) (new int32) { return atomic.AddInt32(addr, delta) }

// AddInt64 atomically adds delta to *addr and returns the new value.
func AddInt64(addr *int64, delta int64) (new int64) { return atomic.AddInt64(addr, delta) }

// AddUint32 atomically adds delta to *addr and returns the new value.
func AddUint32(addr *uint32, delta uint32) (new uint32) { return atomic.AddUint32(addr, delta) }

// AddUint64 atomically adds delta to *addr and returns the new value.
func AddUint64(addr *uint64, delta uint64) (new uint64) { return atomic.AddUint64(addr, delta) }

// AddUintptr atomically adds delta to *addr and returns the new value.
func AddUintptr(addr *uintptr, delta uintptr) (new uintptr) { return atomic.AddUintptr(addr, delta) }

// AndInt32 atomically performs a bitwise AND operation on *addr using the
// bitmask provided as mask and returns the old value.
func AndInt32(addr *int32, mask int32) (old int32) { return atomic.AndInt32(addr, mask) }

// AndInt64 atomically performs a bitwise AND operation on *addr using the
// bitmask provided as mask and returns the old value.
func AndInt64(addr *int64, mask int64) (old int64) { return atomic.AndInt64(addr, mask) }

// AndUint32 atomically performs a bitwise AND operation on *addr using the
// bitmask provided as mask and returns the old value.
func AndUint32(addr *uint32, mask uint32) (old uint32) { return atomic.AndUint32(addr, mask) }

// AndUint64 atomically performs a bitwise AND operation on *addr using the
// bitmask provided as mask and returns the old value.
func AndUint64(addr *uint64, mask uint64) (old uint64) { return atomic.AndUint64(addr, mask) }

// AndUintptr atomically performs a bitwise AND operation on *addr using the
// bitmask provided as mask and returns the old value.
func AndUintptr(addr *uintptr, mask uintptr) (old uintptr) { return atomic.AndUintptr(addr, mask) }

// OrInt32 atomically performs a bitwise OR operation on *addr using the
// bitmask provided as mask and returns the old value.
func OrInt32(addr *int32, mask int32) (old int32) { return atomic.OrInt32(addr, mask) }

// OrInt64 atomically performs a bitwise OR operation on *addr using the
// bitmask provided as mask and returns the old value.
func OrInt64(addr *int64, mask int64) (old int64) { return atomic.OrInt64(addr, mask) }

// OrUint32 atomically performs a bitwise OR operation on *addr using the
// bitmask provided as mask and returns the old value.
func OrUint32(addr *uint32, mask uint32) (old uint32) { return atomic.OrUint32(addr, mask) }

// OrUint64 atomically performs a bitwise OR operation on *addr using the
// bitmask provided as mask and returns the old value.
func OrUint64(addr *uint64, mask uint64) (old uint64) { return atomic.OrUint64(addr, mask) }

// OrUintptr atomically performs a bitwise OR operation on *addr using the
// bitmask provided as mask and returns the old value.
func OrUintptr(addr *uintptr, mask uintptr) (old uintptr) { return atomic.OrUintptr(addr, mask) }

// LoadInt32 atomically loads *addr.
func LoadInt32(addr *int32) (val int32) { return atomic.LoadInt32(addr) }

// LoadInt64 atomically loads *addr.
func LoadInt64(addr *int64) (val int64) { return atomic.LoadInt64(addr) }

// LoadUint32 atomically loads *addr.
func LoadUint32(addr *uint32) (val uint32) { return atomic.LoadUint32(addr) }

// LoadUint64 atomically loads *addr.
func LoadUint64(addr *uint64) (val uint64) { return atomic.LoadUint64(addr) }

// LoadUintptr atomically loads *addr.
func LoadUintptr(addr *uintptr) (val uintptr) { return atomic.LoadUintptr(addr) }

// LoadPointer atomically loads *addr.
func LoadPointer(addr *unsafe.Pointer) (val unsafe.Pointer) { return atomic.LoadPointer(addr) }

// StoreInt32 atomically stores val into *addr.
func StoreInt32(addr *int32, val int32) { atomic.StoreInt32(addr, val) }

// StoreInt64 atomically stores val into *addr.
func StoreInt64(addr *int64, val int64) { atomic.StoreInt64(addr, val) }

// StoreUint32 atomically stores val into *addr.
func StoreUint32(addr *uint32, val uint32) { atomic.StoreUint32(addr, val) }

// StoreUint64 atomically stores val into *addr.
func StoreUint64(addr *uint64, val uint64) { atomic.StoreUint64(addr, val) }

// StoreUintptr atomically stores val into *addr.
func StoreUintptr(addr *uintptr, val uintptr) { atomic.StoreUintptr(addr, val) }

// StorePointer atomically stores val into *addr.
func StorePointer(addr *unsafe.Pointer, val unsafe.Pointer) { atomic.StorePointer(addr, val) }
