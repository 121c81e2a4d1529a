package calibrate

// Spin benchmark: cost-model entry SpinIter (one PAUSE) and MutexSpin
// (procyield(30), one of sync.Mutex's up to 4 active spins).

import (
	"fmt"
	"testing"
)

// BenchmarkProcyield runs procyield(n), the runtime's PAUSE loop, and
// reports ns/pause = ns/op ÷ n. n=30 is sync.Mutex's active_spin_cnt, so
// its ns/op is the MutexSpin entry; n=1000 gives the per-PAUSE latency
// without call overhead.
func BenchmarkProcyield(b *testing.B) {
	if !pauseIsNative {
		b.Log("no native PAUSE on this architecture: measuring a plain loop")
	}
	for _, n := range []uint32{1, 30, 1000} {
		b.Run(fmt.Sprintf("n=%d", n), func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				procyield(n)
			}
			perLoop(b, int(n), "ns/pause")
		})
	}
}
