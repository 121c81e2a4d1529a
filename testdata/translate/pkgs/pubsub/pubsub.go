// Package pubsub is a small topic-based publish/subscribe broker.
package pubsub

import "sync"

// Broker fans messages out to the subscribers of a topic.
type Broker struct {
	mu     sync.RWMutex
	subs   map[string][]chan string
	closed bool
}

// New returns an empty broker.
func New() *Broker { return &Broker{subs: map[string][]chan string{}} }

// Subscribe returns a channel receiving the topic's messages; buf is its
// buffer.
func (b *Broker) Subscribe(topic string, buf int) <-chan string {
	b.mu.Lock()
	defer b.mu.Unlock()
	c := make(chan string, buf)
	if b.closed {
		close(c)
		return c
	}
	b.subs[topic] = append(b.subs[topic], c)
	return c
}

// Publish delivers msg to every subscriber of topic, blocking on slow ones.
func (b *Broker) Publish(topic, msg string) {
	b.mu.RLock()
	defer b.mu.RUnlock()
	for _, c := range b.subs[topic] {
		c <- msg
	}
}

// Close closes every subscription.
func (b *Broker) Close() {
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.closed {
		return
	}
	b.closed = true
	for _, cs := range b.subs {
		for _, c := range cs {
			close(c)
		}
	}
}
