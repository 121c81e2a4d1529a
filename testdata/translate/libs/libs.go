// Package libs pins the open-source concurrency libraries whose own test
// suites gmp's translator runs (see internal/translate's TestLibraries).
package libs

import (
	_ "github.com/gammazero/workerpool"
	_ "github.com/sourcegraph/conc"
	_ "golang.org/x/time/rate"
)
