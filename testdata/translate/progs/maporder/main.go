// Map range order and math/rand: deterministic on gmp for a seed (the
// output is compared between runs, not with native Go, whose order is
// random).
package main

import (
	"fmt"
	"math/rand"
	"strings"
)

func main() {
	m := map[string]int{}
	for i := 0; i < 8; i++ {
		m[string(rune('a'+i))] = i
	}
	var b strings.Builder
	for k, v := range m {
		fmt.Fprintf(&b, "%s%d ", k, v)
	}
	fmt.Println(b.String())
	fmt.Println(rand.Intn(1000), rand.Intn(1000), rand.Perm(5))
	sum := 0
	for _, v := range m {
		sum += v
	}
	fmt.Println("sum", sum)
}
