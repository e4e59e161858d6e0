package e2e

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

var admin = []string{"Authorization", "Bearer " + seedToken, "New-Api-User", "1"}

func ids(items any) []int {
	var out []int
	list, _ := items.([]any)
	for _, item := range list {
		out = append(out, int(at(item, "id").(float64)))
	}
	return out
}

func TestChannelListIsPagedFromPage1(t *testing.T) {
	t.Parallel()
	p := launch(t, "v0.10.1", t.TempDir())
	p.waitReady(5 * time.Second)
	r := p.get("/api/channel/?p=1&page_size=2", admin...).expect(t, 200)
	if fmt.Sprint(ids(at(r.body, "data", "items"))) != "[1 2]" || at(r.body, "data", "total") != 4.0 ||
		at(r.body, "data", "page") != 1.0 || at(r.body, "data", "page_size") != 2.0 {
		t.Fatalf("page 1: %s", r.raw)
	}
	if r := p.get("/api/channel/?p=2&page_size=2", admin...); fmt.Sprint(ids(at(r.body, "data", "items"))) != "[3 4]" {
		t.Fatalf("page 2: %s", r.raw)
	}
	r = p.get("/api/channel/?p=1&page_size=1000", admin...)
	if at(r.body, "data", "page_size") != 100.0 {
		t.Fatalf("page_size not capped at 100: %s", r.raw)
	}
	want := map[string]float64{"openai-main": 1, "claude": 1, "gemini": 1, "old-azure": 2}
	for _, c := range at(r.body, "data", "items").([]any) {
		if want[at(c, "name").(string)] != at(c, "status") || at(c, "test_time") == nil {
			t.Fatalf("channel %v", c)
		}
	}
	if strings.Contains(r.raw, "sk-upstream") {
		t.Fatal("the channel list leaks upstream keys")
	}
}

func TestChannelListAsABareArrayFromPage0(t *testing.T) {
	t.Parallel()
	p := launch(t, "v0.10.1", t.TempDir(), "STUB_CHANNELS_SHAPE=array")
	p.waitReady(5 * time.Second)
	if r := p.get("/api/channel/?p=0&page_size=2", admin...); fmt.Sprint(ids(at(r.body, "data"))) != "[1 2]" {
		t.Fatalf("p=0: %s", r.raw)
	}
	if r := p.get("/api/channel/?p=1&page_size=2", admin...); fmt.Sprint(ids(at(r.body, "data"))) != "[3 4]" {
		t.Fatalf("p=1: %s", r.raw)
	}
}

func TestChannelTestIsCounted(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	p := launch(t, "v0.10.1", dir)
	p.waitReady(5 * time.Second)
	if r := p.get("/api/channel/test/1", admin...).expect(t, 200); at(r.body, "success") != true {
		t.Fatalf("test: %s", r.raw)
	}
	p.get("/api/channel/test", admin...).expect(t, 200)
	if n := callCount(t, dir, "channel_test"); n != 2 {
		t.Fatalf("channel_test count %d", n)
	}
	contains(t, "stderr", p.stderr.String(), "PAID upstream request")
}

func TestModelsNeedAValidAPIKey(t *testing.T) {
	t.Parallel()
	p := launch(t, "v0.10.1", t.TempDir())
	p.waitReady(5 * time.Second)
	r := p.get("/v1/models", "Authorization", "Bearer "+seedKey).expect(t, 200)
	var models []string
	for _, m := range at(r.body, "data").([]any) {
		models = append(models, at(m, "id").(string))
	}
	if at(r.body, "object") != "list" || strings.Join(models, ",") != "claude-3-5-sonnet-20241022,gemini-1.5-pro,gpt-4o,gpt-4o-mini" {
		t.Fatalf("models: %s", r.raw)
	}
	p.get("/v1/models", "Authorization", "Bearer sk-unknown").expect(t, 401)
	p.get("/v1/models").expect(t, 401)
}

func TestErrorLogsFilterByTypeAndTime(t *testing.T) {
	t.Parallel()
	p := launch(t, "v0.10.1", t.TempDir())
	p.waitReady(5 * time.Second)
	r := p.get(fmt.Sprintf("/api/log/?type=5&start_timestamp=%d&p=1&page_size=100", time.Now().Add(-time.Hour).Unix()), admin...).expect(t, 200)
	if at(r.body, "data", "total") != 0.0 || at(r.body, "data", "items") == nil {
		t.Fatalf("error logs of a healthy server: %s", r.raw)
	}
}

func TestAPIIsRateLimitedPerClientUnlessSwitchedOff(t *testing.T) {
	t.Parallel()
	p := launch(t, "v0.10.1", t.TempDir(), "GLOBAL_API_RATE_LIMIT=5", "GLOBAL_API_RATE_LIMIT_DURATION=60")
	p.waitReady(5 * time.Second) // one or more /api/status calls
	limited := false
	for i := 0; i < 6; i++ {
		if r := p.get("/api/status"); r.status == 429 {
			limited = true
			if r.header.Get("X-New-Api-Version") == "" {
				t.Fatal("429 without X-New-Api-Version")
			}
		}
	}
	if !limited {
		t.Fatal("never limited")
	}
	p.get("/v1/models", "Authorization", "Bearer "+seedKey).expect(t, 200)

	off := launch(t, "v0.10.1", t.TempDir(), "GLOBAL_API_RATE_LIMIT=5", "GLOBAL_API_RATE_LIMIT_ENABLE=false")
	off.waitReady(5 * time.Second)
	for i := 0; i < 10; i++ {
		off.get("/api/status").expect(t, 200)
	}
}

func TestWebUIAndUnknownRoutes(t *testing.T) {
	t.Parallel()
	p := launch(t, "v0.10.1", t.TempDir())
	p.waitReady(5 * time.Second)
	r := p.get("/").expect(t, 200)
	if !strings.Contains(r.header.Get("Content-Type"), "text/html") || !strings.Contains(r.raw, "<title>New API</title>") {
		t.Fatalf("/: %v %s", r.header, r.raw)
	}
	p.get("/assets/index.js").expect(t, 200)
	if r := p.get("/console/channel").expect(t, 200); !strings.Contains(r.raw, "<title>New API</title>") {
		t.Fatal("client-side route did not get index.html")
	}
	p.get("/api/nope").expect(t, 404)
}

func TestStatusTestReports503WhenTheDatabaseIsGone(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	p := launch(t, "v0.10.1", dir)
	p.waitReady(5 * time.Second)
	p.get("/api/status/test", admin...).expect(t, 200)
	// Unauthenticated: admin only.
	p.get("/api/status/test").expect(t, 401)
	// The open connection keeps reading the moved file (so auth still passes); the probe
	// notices that the configured path is gone.
	if err := os.Rename(filepath.Join(dir, "one-api.db"), filepath.Join(dir, "moved.db")); err != nil {
		t.Fatal(err)
	}
	p.get("/api/status/test", admin...).expect(t, 503)
}
