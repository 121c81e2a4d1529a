// Package corpus holds buggy concurrent programs, each written after a
// bug pattern seen in real Go servers and libraries, each with its fixed
// twin: the explorer's test set (gmptest.Explore must find every bug, in
// faithful mode, and pass every fix).
package corpus

import "github.com/gmplab/gmp/gmptest"

// A Bug is one program of the corpus.
type Bug struct {
	Name    string             // short, kebab-case
	Pattern string             // the real-world pattern it is written after
	Want    string             // the kind of failure the bug causes (explore.Kind's name)
	Options gmptest.Options    // how the explorer runs it
	Buggy   func(t *gmptest.T) // the program with the bug
	Fixed   func(t *gmptest.T) // the same program, corrected
}

var bugs []Bug

func register(b Bug) { bugs = append(bugs, b) }

// All returns the corpus, in the order of its files.
func All() []Bug { return bugs }
