package rt

import (
	"strings"
	"testing"
)

// TestCasgstatus: every transition runtime2.go allows is accepted, and
// anything else is an internal error, as casgstatus throws in Go.
func TestCasgstatus(t *testing.T) {
	resetForUnitTest(t)
	allowed := map[[2]uint32]bool{}
	for _, tr := range legalTransitions {
		allowed[tr] = true
	}
	statuses := []uint32{_Gidle, _Grunnable, _Grunning, _Gsyscall, _Gwaiting, _Gdead, _Gpreempted}
	for _, from := range statuses {
		for _, to := range statuses {
			gp := &g{goid: 7, atomicstatus: from}
			err := func() (msg string) {
				defer func() {
					if r := recover(); r != nil {
						f, ok := r.(*Fatal)
						if !ok || !f.internal {
							t.Fatalf("%d→%d panicked with %v, want an internal *Fatal", from, to, r)
						}
						msg = f.Msg
					}
				}()
				casgstatus(gp, from, to)
				return ""
			}()
			if allowed[[2]uint32{from, to}] {
				if err != "" || gp.atomicstatus != to {
					t.Errorf("legal %d→%d: %q, status %d", from, to, err, gp.atomicstatus)
				}
			} else if !strings.Contains(err, "bad transition") {
				t.Errorf("illegal %d→%d accepted", from, to)
			}
		}
	}
	// A G not in the expected status is rejected too.
	gp := &g{goid: 8, atomicstatus: _Gwaiting}
	func() {
		defer func() {
			if recover() == nil {
				t.Error("casgstatus from the wrong status was accepted")
			}
		}()
		casgstatus(gp, _Grunnable, _Grunning)
	}()
}
