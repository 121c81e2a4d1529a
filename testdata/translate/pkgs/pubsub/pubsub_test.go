package pubsub

import (
	"sort"
	"sync"
	"testing"
)

func TestFanOut(t *testing.T) {
	b := New()
	var wg sync.WaitGroup
	results := make([][]string, 3)
	for i := range results {
		c := b.Subscribe("news", 0)
		wg.Add(1)
		go func() {
			defer wg.Done()
			for m := range c {
				results[i] = append(results[i], m)
			}
		}()
	}
	for _, m := range []string{"a", "b", "c"} {
		b.Publish("news", m)
	}
	b.Publish("sport", "ignored")
	b.Close()
	wg.Wait()
	for i, r := range results {
		if len(r) != 3 || r[0] != "a" || r[2] != "c" {
			t.Errorf("subscriber %d got %v", i, r)
		}
	}
}

func TestConcurrentPublishers(t *testing.T) {
	b := New()
	c := b.Subscribe("t", 100)
	var wg sync.WaitGroup
	for p := range 4 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range 5 {
				b.Publish("t", string(rune('a'+p))+string(rune('0'+i)))
			}
		}()
	}
	wg.Wait()
	b.Close()
	var got []string
	for m := range c {
		got = append(got, m)
	}
	sort.Strings(got)
	if len(got) != 20 || got[0] != "a0" || got[19] != "d4" {
		t.Errorf("got %v", got)
	}
}

func TestSubscribeAfterClose(t *testing.T) {
	b := New()
	b.Close()
	b.Close()
	if _, ok := <-b.Subscribe("x", 1); ok {
		t.Error("subscription after Close delivered a value")
	}
}
