package corpus_test

import (
	"testing"

	"github.com/gmplab/gmp/gmptest"
	"github.com/gmplab/gmp/gmptest/corpus"
)

func TestCorpusQuick(t *testing.T) {
	for _, b := range corpus.All() {
		t.Run(b.Name, func(t *testing.T) {
			gmptest.Explore(t, gmptest.Options{Procs: b.Procs, Runs: 2000}, b.Buggy)
		})
	}
}
