// Package chanprog describes small random channel programs that gmp's
// tests run both on the real runtime (testdata/native/chanprog) and on the
// simulator, comparing the order in which the operations complete.
//
// A program is a set of channels (with capacities) and goroutines, each a
// list of operations: send a value, receive, close, or Gosched. Its text
// form is "caps;ops|ops|…" where caps is comma-separated and each op is
// s<ch>=<val>, r<ch>, c<ch> or y, separated by commas.
package chanprog

import (
	"fmt"
	"math/rand/v2"
	"strconv"
	"strings"
)

// Kind is an operation kind.
type Kind byte

const (
	Send  Kind = 's'
	Recv  Kind = 'r'
	Close Kind = 'c'
	Yield Kind = 'y'
)

// Op is one operation.
type Op struct {
	Kind Kind
	Ch   int
	Val  int
}

// Prog is a program.
type Prog struct {
	Caps []int
	Gs   [][]Op
}

// Random returns a random program: 1–3 channels of capacity 0–3 and 2–5
// goroutines. For each channel it makes as many receives as sends (with
// distinct values), scatters them over the goroutines, adds a few
// Goscheds, and sometimes closes a channel after its last send (from the
// goroutine that makes all of that channel's sends). Most programs run to
// the end; some deadlock, which is part of the comparison.
func Random(r *rand.Rand) Prog {
	var p Prog
	nch := 1 + r.IntN(3)
	for range nch {
		p.Caps = append(p.Caps, r.IntN(4))
	}
	ng := 2 + r.IntN(4)
	p.Gs = make([][]Op, ng)
	insert := func(g int, op Op) {
		ops := p.Gs[g]
		i := r.IntN(len(ops) + 1)
		ops = append(ops, Op{})
		copy(ops[i+1:], ops[i:])
		ops[i] = op
		p.Gs[g] = ops
	}
	val := 1
	for ch := range nch {
		k := 1 + r.IntN(4)
		if r.IntN(4) == 0 {
			// One goroutine sends everything, then closes; receivers
			// may drain past the close.
			g := r.IntN(ng)
			for range k {
				p.Gs[g] = append(p.Gs[g], Op{Kind: Send, Ch: ch, Val: val})
				val++
			}
			p.Gs[g] = append(p.Gs[g], Op{Kind: Close, Ch: ch})
			for range k + r.IntN(2) {
				insert(r.IntN(ng), Op{Kind: Recv, Ch: ch})
			}
			continue
		}
		for range k {
			insert(r.IntN(ng), Op{Kind: Send, Ch: ch, Val: val})
			val++
			insert(r.IntN(ng), Op{Kind: Recv, Ch: ch})
		}
	}
	for range r.IntN(4) {
		insert(r.IntN(ng), Op{Kind: Yield})
	}
	return p
}

// String returns the program's text form.
func (p Prog) String() string {
	var b strings.Builder
	for i, c := range p.Caps {
		if i > 0 {
			b.WriteByte(',')
		}
		b.WriteString(strconv.Itoa(c))
	}
	b.WriteByte(';')
	for gi, ops := range p.Gs {
		if gi > 0 {
			b.WriteByte('|')
		}
		for i, op := range ops {
			if i > 0 {
				b.WriteByte(',')
			}
			switch op.Kind {
			case Send:
				fmt.Fprintf(&b, "s%d=%d", op.Ch, op.Val)
			case Yield:
				b.WriteByte('y')
			default:
				fmt.Fprintf(&b, "%c%d", op.Kind, op.Ch)
			}
		}
	}
	return b.String()
}

// Parse parses a program's text form.
func Parse(s string) (Prog, error) {
	var p Prog
	caps, gs, ok := strings.Cut(s, ";")
	if !ok {
		return p, fmt.Errorf("chanprog: missing ';' in %q", s)
	}
	for _, c := range strings.Split(caps, ",") {
		n, err := strconv.Atoi(c)
		if err != nil {
			return p, fmt.Errorf("chanprog: bad capacity %q", c)
		}
		p.Caps = append(p.Caps, n)
	}
	for _, g := range strings.Split(gs, "|") {
		var ops []Op
		for _, o := range strings.Split(g, ",") {
			if o == "" {
				continue
			}
			op := Op{Kind: Kind(o[0])}
			switch op.Kind {
			case Yield:
			case Send:
				ch, v, _ := strings.Cut(o[1:], "=")
				op.Ch, _ = strconv.Atoi(ch)
				op.Val, _ = strconv.Atoi(v)
			case Recv, Close:
				op.Ch, _ = strconv.Atoi(o[1:])
			default:
				return p, fmt.Errorf("chanprog: bad op %q", o)
			}
			if op.Kind != Yield && (op.Ch < 0 || op.Ch >= len(p.Caps)) {
				return p, fmt.Errorf("chanprog: no channel %d in %q", op.Ch, o)
			}
			ops = append(ops, op)
		}
		p.Gs = append(p.Gs, ops)
	}
	return p, nil
}

// Entry formats a completed operation for the log.
func Entry(g int, op Op, v int, ok bool) string {
	switch op.Kind {
	case Send:
		return fmt.Sprintf("g%d:s%d=%d", g, op.Ch, v)
	case Recv:
		if !ok {
			return fmt.Sprintf("g%d:r%d=closed", g, op.Ch)
		}
		return fmt.Sprintf("g%d:r%d=%d", g, op.Ch, v)
	case Close:
		return fmt.Sprintf("g%d:c%d", g, op.Ch)
	}
	return ""
}
