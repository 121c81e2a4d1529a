package gmptest

import "reflect"

// Package initialisation that needs the simulated runtime runs at the
// start of every simulation, on goroutine 1, before the test or main (see
// internal/translate's inits.go): the translator registers it from the
// packages' native init functions, so the registration order is Go's
// package initialisation order (dependencies first).

type pkgInit struct {
	path  string
	vars  []func()
	inits []func()
}

var pkgInits []*pkgInit

//go:norace
func pkgEntry(path string) *pkgInit {
	for _, p := range pkgInits {
		if p.path == path {
			return p
		}
	}
	p := &pkgInit{path: path}
	pkgInits = append(pkgInits, p)
	return p
}

// OnRunVars registers a hook that initialises package variables of the
// package at path at the start of each simulation.
//
//go:norace
func OnRunVars(path string, f func()) { e := pkgEntry(path); e.vars = append(e.vars, f) }

// OnRunInit registers the body of an init function of the package at path
// to run at the start of each simulation, after the package's variables.
//
//go:norace
func OnRunInit(path string, f func()) { e := pkgEntry(path); e.inits = append(e.inits, f) }

// Zero sets *p to its zero value (a package variable holding simulated
// state, reset for each simulation).
//
//go:norace
func Zero[T any](p *T) { reflect.ValueOf(p).Elem().SetZero() }

// runInits runs the registered initialisation, package by package.
//
//go:norace
func runInits() {
	for _, p := range pkgInits {
		for _, f := range p.vars {
			f()
		}
		for _, f := range p.inits {
			f()
		}
	}
}
