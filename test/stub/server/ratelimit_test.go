package server

import (
	"testing"
	"time"
)

func TestLimiterAllowsMaxPerWindowPerKey(t *testing.T) {
	l := NewLimiter(3, time.Minute)
	t0 := time.Unix(1000, 0)
	for i := 0; i < 3; i++ {
		if !l.Allow("a", t0.Add(time.Duration(i)*time.Second)) {
			t.Fatalf("request %d refused", i+1)
		}
	}
	if l.Allow("a", t0.Add(10*time.Second)) {
		t.Fatal("fourth request within the window allowed")
	}
	if !l.Allow("b", t0.Add(10*time.Second)) {
		t.Fatal("another client is limited by the first one's requests")
	}
	if !l.Allow("a", t0.Add(time.Minute)) {
		t.Fatal("request refused after the oldest one left the window")
	}
}
