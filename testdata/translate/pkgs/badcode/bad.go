// Package badcode does not compile.
package badcode

func F() int { return "not an int" }
