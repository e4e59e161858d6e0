package server

import (
	"sync"
	"time"
)

// Limiter is upstream's in-memory rate limiter: a key may make max requests in any window;
// each request is remembered for one window.
type Limiter struct {
	mu     sync.Mutex
	max    int
	window time.Duration
	hits   map[string][]time.Time
}

func NewLimiter(max int, window time.Duration) *Limiter {
	return &Limiter{max: max, window: window, hits: map[string][]time.Time{}}
}

func (l *Limiter) Allow(key string, now time.Time) bool {
	l.mu.Lock()
	defer l.mu.Unlock()
	if len(l.hits) > 10000 {
		l.forgetIdle(now)
	}
	queue := l.hits[key]
	if len(queue) < l.max {
		l.hits[key] = append(queue, now)
		return true
	}
	if now.Sub(queue[0]) < l.window {
		return false
	}
	l.hits[key] = append(queue[1:], now)
	return true
}

func (l *Limiter) forgetIdle(now time.Time) {
	for key, queue := range l.hits {
		if now.Sub(queue[len(queue)-1]) >= l.window {
			delete(l.hits, key)
		}
	}
}
