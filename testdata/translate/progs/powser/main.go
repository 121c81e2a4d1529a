// Power series over channels, after Doug McIlroy's "Squinting at power
// series": a series is a channel of coefficients, and each operation is a
// goroutine reading its operands' channels.
package main

import "fmt"

type rat struct{ num, den int64 }

func gcd(a, b int64) int64 {
	if a < 0 {
		a = -a
	}
	if b < 0 {
		b = -b
	}
	for b != 0 {
		a, b = b, a%b
	}
	return a
}

func mk(n, d int64) rat {
	if d < 0 {
		n, d = -n, -d
	}
	g := gcd(n, d)
	if g == 0 {
		return rat{0, 1}
	}
	return rat{n / g, d / g}
}

func add(a, b rat) rat { return mk(a.num*b.den+b.num*a.den, a.den*b.den) }
func mul(a, b rat) rat { return mk(a.num*b.num, a.den*b.den) }

func (r rat) String() string {
	if r.den == 1 {
		return fmt.Sprint(r.num)
	}
	return fmt.Sprintf("%d/%d", r.num, r.den)
}

// A PS is a power series: a stream of coefficients.
type PS chan rat

// split copies a series into two, each read independently.
func split(in PS) (PS, PS) {
	a, b := make(PS, 100), make(PS, 100)
	go func() {
		for {
			c := <-in
			a <- c
			b <- c
		}
	}()
	return a, b
}

// ones is 1 + x + x^2 + …
func ones() PS {
	out := make(PS)
	go func() {
		for {
			out <- mk(1, 1)
		}
	}()
	return out
}

// sum adds two series.
func sum(u, v PS) PS {
	out := make(PS)
	go func() {
		for {
			out <- add(<-u, <-v)
		}
	}()
	return out
}

// integ integrates a series, with constant c.
func integ(c rat, u PS) PS {
	out := make(PS)
	go func() {
		out <- c
		for i := int64(1); ; i++ {
			out <- mul(<-u, mk(1, i))
		}
	}()
	return out
}

// prod multiplies two series: (u0 + x U)(v0 + x V) = u0 v0 + x(u0 V + v0 U + x U V).
func prod(u, v PS) PS {
	out := make(PS)
	go func() {
		var us, vs []rat
		for n := 0; ; n++ {
			us = append(us, <-u)
			vs = append(vs, <-v)
			c := mk(0, 1)
			for i := 0; i <= n; i++ {
				c = add(c, mul(us[i], vs[n-i]))
			}
			out <- c
		}
	}()
	return out
}

// exp is the series e^x, defined by its own derivative: E = 1 + ∫E.
func exp() PS {
	x := make(PS, 1)
	e := integ(mk(1, 1), x)
	a, b := split(e)
	go func() {
		for {
			x <- <-b
		}
	}()
	return a
}

func print(name string, s PS, n int) {
	fmt.Print(name, ":")
	for i := 0; i < n; i++ {
		fmt.Print(" ", <-s)
	}
	fmt.Println()
}

func main() {
	print("ones", ones(), 6)
	print("2*ones", sum(ones(), ones()), 6)
	print("1/(1-x)^2", prod(ones(), ones()), 8)
	print("log(1/(1-x))", integ(mk(0, 1), ones()), 8)
	print("exp", exp(), 9)
}
