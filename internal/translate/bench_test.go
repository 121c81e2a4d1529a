package translate_test

import (
	"os"
	"testing"

	"github.com/gmplab/gmp/internal/translate"
)

// BenchmarkPrepare measures what gmp test spends before go test starts,
// on golang.org/x/sync's three packages with their tests: cold (an empty
// cache: load, type-check, rewrite, write the shadow module) and warm
// (an unchanged package: go list and the cache lookups only).
func BenchmarkPrepare(b *testing.B) {
	pkgs := []string{"golang.org/x/sync/errgroup", "golang.org/x/sync/semaphore", "golang.org/x/sync/singleflight"}
	dir, _ := os.Getwd()
	cfg := translate.LoadConfig{Dir: dir, Tests: true}
	b.Run("cold", func(b *testing.B) {
		for b.Loop() {
			cache := b.TempDir()
			if _, err := translate.Prepare(cfg, translate.Options{MapOrder: true, CacheDir: cache}, pkgs...); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("warm", func(b *testing.B) {
		cache := b.TempDir()
		if _, err := translate.Prepare(cfg, translate.Options{MapOrder: true, CacheDir: cache}, pkgs...); err != nil {
			b.Fatal(err)
		}
		for b.Loop() {
			bd, err := translate.Prepare(cfg, translate.Options{MapOrder: true, CacheDir: cache}, pkgs...)
			if err != nil {
				b.Fatal(err)
			}
			if bd.Misses != 0 {
				b.Fatalf("%d cache misses on an unchanged program", bd.Misses)
			}
		}
	})
}
