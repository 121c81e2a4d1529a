package gotrace_test

import (
	"bytes"
	"testing"

	"github.com/gmplab/gmp"
	"github.com/gmplab/gmp/observe"
	"github.com/gmplab/gmp/observe/gotrace"
	"github.com/gmplab/gmp/observe/internal/testprog"
)

// unsubscribed hides an Observer's Kinds: the runtime then sends it every
// event.
type unsubscribed struct{ o *gotrace.Observer }

func (u unsubscribed) Event(ev *observe.Event) { u.o.Event(ev) }
func (u unsubscribed) WantStacks() bool        { return true }

// TestSubscription checks that the kinds the Observer subscribes to are
// all it needs: fed the whole stream, it writes the same bytes.
func TestSubscription(t *testing.T) {
	for _, p := range testprog.All() {
		for _, c := range testprog.Configs() {
			var out [2]bytes.Buffer
			for i := range out {
				o := gotrace.NewObserver(&out[i], gotrace.Options{})
				cfg := c.Config
				if i == 0 {
					cfg.Observers = []observe.Observer{o}
				} else {
					cfg.Observers = []observe.Observer{unsubscribed{o}}
				}
				gmp.Run(cfg, p.Main)
				if err := o.Close(); err != nil {
					t.Fatal(err)
				}
			}
			if !bytes.Equal(out[0].Bytes(), out[1].Bytes()) {
				t.Errorf("%s/%s: the trace differs when the Observer gets every event", p.Name, c.Name)
			}
		}
	}
}
