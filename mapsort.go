package gmp

import (
	"cmp"
	"math"
	"reflect"
	"slices"
	"sort"
)

// sortKeys sorts keys (and vals alongside) into a canonical order that
// depends only on the keys' values: numbers and strings by value, arrays
// and structs field by field, interfaces by dynamic type name and then
// value. Pointers, channels and other references are ordered by address,
// which differs between runs: a map keyed by them ranges in an order that
// replay cannot reproduce (uncontrolled nondeterminism).
//
//go:norace
func sortKeys[K comparable, V any](keys []K, vals []V) {
	idx := make([]int, len(keys))
	for i := range idx {
		idx[i] = i
	}
	switch ks := any(keys).(type) {
	case []string:
		sort.SliceStable(idx, func(a, b int) bool { return ks[idx[a]] < ks[idx[b]] })
	case []int:
		sort.SliceStable(idx, func(a, b int) bool { return ks[idx[a]] < ks[idx[b]] })
	case []int64:
		sort.SliceStable(idx, func(a, b int) bool { return ks[idx[a]] < ks[idx[b]] })
	case []uint64:
		sort.SliceStable(idx, func(a, b int) bool { return ks[idx[a]] < ks[idx[b]] })
	case []int32:
		sort.SliceStable(idx, func(a, b int) bool { return ks[idx[a]] < ks[idx[b]] })
	case []uint32:
		sort.SliceStable(idx, func(a, b int) bool { return ks[idx[a]] < ks[idx[b]] })
	default:
		rv := make([]reflect.Value, len(keys))
		for i := range keys {
			rv[i] = reflect.ValueOf(&keys[i]).Elem()
		}
		sort.SliceStable(idx, func(a, b int) bool { return compareValues(rv[idx[a]], rv[idx[b]]) < 0 })
	}
	k2 := slices.Clone(keys)
	v2 := slices.Clone(vals)
	for i, j := range idx {
		keys[i], vals[i] = k2[j], v2[j]
	}
}

//go:norace
func compareValues(a, b reflect.Value) int {
	switch a.Kind() {
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		return cmp.Compare(a.Int(), b.Int())
	case reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64, reflect.Uintptr:
		return cmp.Compare(a.Uint(), b.Uint())
	case reflect.Float32, reflect.Float64:
		return cmpFloat(a.Float(), b.Float())
	case reflect.Complex64, reflect.Complex128:
		if c := cmpFloat(real(a.Complex()), real(b.Complex())); c != 0 {
			return c
		}
		return cmpFloat(imag(a.Complex()), imag(b.Complex()))
	case reflect.String:
		return cmp.Compare(a.String(), b.String())
	case reflect.Bool:
		switch {
		case a.Bool() == b.Bool():
			return 0
		case !a.Bool():
			return -1
		}
		return 1
	case reflect.Array:
		for i := 0; i < a.Len(); i++ {
			if c := compareValues(a.Index(i), b.Index(i)); c != 0 {
				return c
			}
		}
		return 0
	case reflect.Struct:
		for i := 0; i < a.NumField(); i++ {
			if c := compareValues(a.Field(i), b.Field(i)); c != 0 {
				return c
			}
		}
		return 0
	case reflect.Interface:
		if a.IsNil() || b.IsNil() {
			return cmp.Compare(boolInt(!a.IsNil()), boolInt(!b.IsNil()))
		}
		ea, eb := a.Elem(), b.Elem()
		if ta, tb := ea.Type().String(), eb.Type().String(); ta != tb {
			return cmp.Compare(ta, tb)
		}
		return compareValues(ea, eb)
	case reflect.Pointer, reflect.Chan, reflect.UnsafePointer:
		return cmp.Compare(a.Pointer(), b.Pointer())
	}
	return 0
}

//go:norace
func cmpFloat(x, y float64) int {
	if math.IsNaN(x) || math.IsNaN(y) {
		return cmp.Compare(boolInt(!math.IsNaN(x)), boolInt(!math.IsNaN(y)))
	}
	return cmp.Compare(x, y)
}

//go:norace
func boolInt(b bool) int {
	if b {
		return 1
	}
	return 0
}
