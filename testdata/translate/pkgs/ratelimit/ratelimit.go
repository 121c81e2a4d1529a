// Package ratelimit is a token-bucket rate limiter refilled by a ticker.
package ratelimit

import (
	"context"
	"time"
)

// Limiter hands out at most burst tokens at once, refilled one per period.
type Limiter struct {
	tokens chan struct{}
	stop   chan struct{}
}

// New starts a limiter; Stop releases its goroutine.
func New(period time.Duration, burst int) *Limiter {
	l := &Limiter{tokens: make(chan struct{}, burst), stop: make(chan struct{})}
	for range burst {
		l.tokens <- struct{}{}
	}
	go l.refill(period)
	return l
}

func (l *Limiter) refill(period time.Duration) {
	t := time.NewTicker(period)
	defer t.Stop()
	for {
		select {
		case <-t.C:
			select {
			case l.tokens <- struct{}{}:
			default: // full: the tick is lost
			}
		case <-l.stop:
			return
		}
	}
}

// Wait takes a token, or returns the context's error.
func (l *Limiter) Wait(ctx context.Context) error {
	select {
	case <-l.tokens:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

// Stop stops the refill.
func (l *Limiter) Stop() { close(l.stop) }
