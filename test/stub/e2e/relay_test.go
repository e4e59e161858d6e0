package e2e

import (
	"net/http"
	"regexp"
	"strings"
	"syscall"
	"testing"
	"time"
)

var chat = map[string]any{"model": "gpt-4o", "messages": []any{map[string]string{"role": "user", "content": "hi"}}}

func TestChatCompletionAnswersFromAnEnabledChannel(t *testing.T) {
	t.Parallel()
	p := launch(t, "v0.10.1", t.TempDir())
	p.waitReady(5 * time.Second)
	r := p.call(http.MethodPost, "/v1/chat/completions", chat, "Authorization", "Bearer "+seedKey).expect(t, 200)
	if at(r.body, "choices", 0, "message", "content") != "stub reply" {
		t.Fatalf("reply: %s", r.raw)
	}
	disabledOnly := map[string]any{"model": "gpt-35-turbo"} // only on the manually disabled channel
	p.call(http.MethodPost, "/v1/chat/completions", disabledOnly, "Authorization", "Bearer "+seedKey).expect(t, 503)
	p.call(http.MethodPost, "/v1/chat/completions", chat).expect(t, 401)
}

func TestSigtermDrainsInFlightRequestsThenExits(t *testing.T) {
	t.Parallel()
	p := launch(t, "v0.10.1", t.TempDir(), "STUB_RELAY_DELAY_SECONDS=1")
	p.waitReady(5 * time.Second)
	done := make(chan response, 1)
	go func() {
		done <- p.call(http.MethodPost, "/v1/chat/completions", chat, "Authorization", "Bearer "+seedKey)
	}()
	time.Sleep(300 * time.Millisecond)
	start := time.Now()
	p.signal(syscall.SIGTERM)
	if code := p.waitExit(5 * time.Second); code != 0 {
		t.Fatalf("exit %d", code)
	}
	if r := <-done; r.status != 200 {
		t.Fatalf("the in-flight request was cut: %d %s", r.status, r.raw)
	}
	if took := time.Since(start); took < 500*time.Millisecond || took > 3*time.Second {
		t.Fatalf("stopped %v after SIGTERM; want once the 1 s request finished", took)
	}
}

func TestShutdownTimeoutCutsALongDrain(t *testing.T) {
	t.Parallel()
	p := launch(t, "v0.10.1", t.TempDir(), "STUB_RELAY_DELAY_SECONDS=30", "SHUTDOWN_TIMEOUT_SECONDS=1")
	p.waitReady(5 * time.Second)
	go func() { // cut off by the shutdown: its error is the point
		body := strings.NewReader(`{"model":"gpt-4o"}`)
		req, _ := http.NewRequest(http.MethodPost, p.base+"/v1/chat/completions", body)
		req.Header.Set("Authorization", "Bearer "+seedKey)
		if resp, err := http.DefaultClient.Do(req); err == nil {
			resp.Body.Close()
		}
	}()
	time.Sleep(300 * time.Millisecond)
	start := time.Now()
	p.signal(syscall.SIGTERM)
	p.waitExit(5 * time.Second)
	if took := time.Since(start); took > 3*time.Second {
		t.Fatalf("took %v with SHUTDOWN_TIMEOUT_SECONDS=1", took)
	}
	contains(t, "stderr", p.stderr.String(), "shutdown did not drain in time")
}

func TestTZAppliesToLogTimestamps(t *testing.T) {
	t.Parallel()
	p := launch(t, "v0.10.1", t.TempDir(), "TZ=Asia/Shanghai")
	p.waitReady(5 * time.Second)
	m := regexp.MustCompile(`\[SYS\] (\d{4}/\d\d/\d\d - \d\d:\d\d:\d\d) \|`).FindStringSubmatch(p.stdout.String())
	shanghai, err := time.LoadLocation("Asia/Shanghai")
	if err != nil {
		t.Fatal(err)
	}
	logged, err := time.ParseInLocation("2006/01/02 - 15:04:05", m[1], shanghai)
	if err != nil || time.Since(logged).Abs() > time.Minute {
		t.Fatalf("logged %q is not now in Asia/Shanghai (%v)", m[1], err)
	}
}
