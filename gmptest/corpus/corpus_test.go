package corpus_test

import (
	"testing"

	"github.com/gmplab/gmp/gmptest"
	"github.com/gmplab/gmp/gmptest/corpus"
)

func TestCorpusQuick(t *testing.T) {
	for _, b := range corpus.All() {
		t.Run(b.Name, func(t *testing.T) {
			o := b.Options
			o.Runs = 2000
			gmptest.Explore(t, o, b.Buggy)
		})
	}
}

func TestCorpusFixedQuick(t *testing.T) {
	for _, b := range corpus.All() {
		t.Run(b.Name, func(t *testing.T) {
			o := b.Options
			o.Runs = 3000
			gmptest.Explore(t, o, b.Fixed)
		})
	}
}
func TestCorpusOrdinary(t *testing.T) {
	for _, b := range corpus.All() {
		t.Run(b.Name, func(t *testing.T) {
			o := b.Options
			gmptest.Explore(t, o, b.Buggy)
		})
	}
}
