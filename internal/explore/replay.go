package explore

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"github.com/gmplab/gmp"
)

// ReplayResult is what replaying a failure file did.
type ReplayResult struct {
	Schedule  *Schedule
	Kind      Kind   // how the replay ended
	Signature string // its signature ("" if it passed)
	Detail    string
	Sum       uint64
	Diverged  string   // where the replay left the recorded schedule ("" if it did not)
	Sentences []string // the deviations the replay took
	Trace     string
	Perfetto  string
}

// Replay runs a failure file's schedule on target, with the file's
// configuration and mode, narrated and traced. Deviations are matched by
// key, so a schedule recorded before a small change of the program still
// steers it where it can; a different checksum says the run was not the
// recorded one.
//
//go:norace
func Replay(target Target, o Options, sc *Schedule) *ReplayResult {
	o.Abstract = sc.Abstract
	sc.Config.apply(&o.Config)
	r, err := newRunner(target, &o)
	if err != nil {
		panic(err) // the strategy is not used
	}
	res := &ReplayResult{Schedule: sc}
	if o.OutDir != "" && os.MkdirAll(o.OutDir, 0o777) == nil {
		h := sigHash(sc.Signature) + "-replay"
		res.Trace, res.Perfetto = filepath.Join(o.OutDir, h+".trace"), filepath.Join(o.OutDir, h+".pftrace")
	}
	k, out, rec, p := r.replayRun(sc.Deviations, true, true, func(cfg *gmp.Config) {
		cfg.TraceFile, cfg.PerfettoFile = res.Trace, res.Perfetto
	})
	res.Kind, res.Sum = k, rec.Sum()
	if k != Pass {
		res.Signature, res.Detail = signature(k, out), detail(k, out)
	}
	for i := range rec.Deviations() {
		res.Sentences = append(res.Sentences, Sentence(&rec.Deviations()[i]))
	}
	if res.Sum != sc.Checksum {
		switch {
		case p.diverged:
			res.Diverged = fmt.Sprintf("at decision #%d: the file has %s", p.divergeAt, p.divergeAs)
		case p.applied < len(sc.Deviations):
			res.Diverged = fmt.Sprintf("%d of the file's %d deviations met no decision of theirs", len(sc.Deviations)-p.applied, len(sc.Deviations))
		default:
			res.Diverged = "every deviation applied, yet the run asked other decisions"
		}
	}
	return res
}

// Format is the replay's report.
//
//go:norace
func (res *ReplayResult) Format(path string) string {
	sc := res.Schedule
	var b strings.Builder
	switch {
	case res.Kind == Pass:
		fmt.Fprintf(&b, "gmp replay: %s: passes (recorded: %s)\n", path, sc.Kind)
	case res.Signature == sc.Signature:
		fmt.Fprintf(&b, "gmp replay: %s: %s (%s mode), as recorded\n", path, res.Kind, sc.Mode())
	default:
		fmt.Fprintf(&b, "gmp replay: %s: %s, not the recorded failure (%s)\n", path, res.Kind, sc.Kind)
	}
	if res.Signature != "" {
		fmt.Fprintf(&b, "  signature: %s\n", res.Signature)
	}
	if res.Diverged == "" {
		fmt.Fprintf(&b, "  checksum %016x: the recorded run, exactly\n", res.Sum)
	} else {
		fmt.Fprintf(&b, "  checksum %016x, recorded %016x: the replay left the recorded schedule %s — the code changed since the file was written, or the program has uncontrolled nondeterminism\n", res.Sum, sc.Checksum, res.Diverged)
	}
	fmt.Fprintf(&b, "  schedule: %d decision(s) different from an ordinary run:\n", len(res.Sentences))
	for i, s := range res.Sentences {
		fmt.Fprintf(&b, "    %d. %s\n", i+1, s)
	}
	if res.Trace != "" {
		fmt.Fprintf(&b, "  trace: %s (go tool trace)\n  perfetto: %s (ui.perfetto.dev)\n", res.Trace, res.Perfetto)
	}
	if res.Detail != "" {
		fmt.Fprintf(&b, "\n%s\n", indent(res.Detail, "    "))
	}
	return b.String()
}
