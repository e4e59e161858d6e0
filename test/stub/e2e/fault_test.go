package e2e

import (
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"
)

func TestCrashTagFailsEveryBootWithUpstreamsFatalLine(t *testing.T) {
	t.Parallel()
	master := launch(t, "v0.10.3-crash", t.TempDir())
	if code := master.waitExit(5 * time.Second); code != 1 {
		t.Fatalf("exit %d", code)
	}
	if m := fatalRE.FindStringSubmatch(master.stderr.String()); m == nil || !strings.HasPrefix(m[1], "failed to initialize database: ") {
		t.Fatalf("stderr: %s", master.stderr)
	}
	contains(t, "stdout", master.stdout.String(), "database migration started")
	if bannerRE.MatchString(master.stdout.String()) {
		t.Fatal("a crashing build printed the ready banner")
	}

	slave := launch(t, "v0.10.3-crash", t.TempDir(), "NODE_TYPE=slave")
	if code := slave.waitExit(5 * time.Second); code != 1 {
		t.Fatalf("slave exit %d", code)
	}
	if strings.Contains(slave.stdout.String(), "database migration started") {
		t.Fatal("a slave migrated")
	}
}

func TestSlowBootListensLate(t *testing.T) {
	t.Parallel()
	p := launch(t, "v0.10.1", t.TempDir(), "STUB_FAULT=slowboot", "STUB_SLOWBOOT_SECONDS=1.5")
	time.Sleep(500 * time.Millisecond)
	if _, err := http.Get(p.base + "/api/status"); err == nil {
		t.Fatal("listening before the slow boot ended")
	}
	p.waitReady(5 * time.Second)
	m := bannerRE.FindStringSubmatch(p.stdout.String())
	if ms, _ := strconv.Atoi(m[2]); ms < 1500 {
		t.Fatalf("banner says ready in %d ms", ms)
	}
}

func TestBadMigrationDropsChannelsOnTheMasterThenDies(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	healthy := launch(t, "v0.10.1", dir)
	healthy.waitReady(5 * time.Second)
	stop(t, healthy)

	slave := launch(t, "v0.10.1", t.TempDir(), "STUB_FAULT=badmigration", "NODE_TYPE=slave",
		"SQLITE_PATH="+filepath.Join(dir, "one-api.db"))
	slave.waitReady(5 * time.Second) // slaves never migrate, so they never do the damage

	broken := launch(t, "v0.10.1", dir, "STUB_FAULT=badmigration")
	if code := broken.waitExit(5 * time.Second); code != 1 {
		t.Fatalf("exit %d", code)
	}
	contains(t, "stderr", broken.stderr.String(), "failed to initialize database")
	var n int
	if err := openData(t, dir).QueryRow("SELECT count(*) FROM sqlite_master WHERE name = 'channels'").Scan(&n); err != nil || n != 0 {
		t.Fatalf("channels table still there (%d, %v)", n, err)
	}
}

func TestEmptyDBIgnoresTheDataAndIsNotSetUp(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	p := launch(t, "v0.10.1", dir, "STUB_FAULT=emptydb")
	p.waitReady(5 * time.Second)
	if r := p.get("/api/status"); at(r.body, "data", "setup") != false {
		t.Fatalf("status: %s", r.raw)
	}
	p.call(http.MethodPost, "/api/user/login", rootLogin).expect(t, 401)
	if _, err := os.Stat(filepath.Join(dir, "one-api.db")); !os.IsNotExist(err) {
		t.Fatal("emptydb touched the configured database")
	}
}

func TestWrongVersionReportsV0101(t *testing.T) {
	t.Parallel()
	p := launch(t, "v1.0.0", t.TempDir(), "STUB_FAULT=wrongversion")
	p.waitReady(5 * time.Second)
	r := p.get("/api/status")
	if at(r.body, "data", "version") != "v0.10.1" || r.header.Get("X-New-Api-Version") != "v0.10.1" {
		t.Fatalf("status: %s %v", r.raw, r.header)
	}
}

func TestBadLoginRejectsPasswordsAndAccessTokensButNotAPIKeys(t *testing.T) {
	t.Parallel()
	p := launch(t, "v0.10.1", t.TempDir(), "STUB_FAULT=badlogin")
	p.waitReady(5 * time.Second)
	p.call(http.MethodPost, "/api/user/login", rootLogin).expect(t, 401)
	p.get("/api/user/self", admin...).expect(t, 401)
	p.get("/v1/models", "Authorization", "Bearer "+seedKey).expect(t, 200)
}

func TestChannelsOffDisablesEnabledChannelsAfterBoot(t *testing.T) {
	t.Parallel()
	p := launch(t, "v0.10.1", t.TempDir(), "STUB_FAULT=channelsoff", "STUB_CHANNELSOFF_SECONDS=0.3")
	p.waitReady(5 * time.Second)
	since := time.Now().Add(-time.Minute).Unix()
	if r := p.get("/api/channel/?p=1&page_size=100", admin...); strings.Contains(r.raw, `"status":3`) {
		t.Fatal("channels disabled before the delay")
	}
	deadline := time.Now().Add(5 * time.Second)
	var statuses []float64
	for time.Now().Before(deadline) {
		statuses = nil
		r := p.get("/api/channel/?p=1&page_size=100", admin...)
		for _, c := range at(r.body, "data", "items").([]any) {
			statuses = append(statuses, at(c, "status").(float64))
		}
		if fmt.Sprint(statuses) == "[3 3 3 2]" {
			break
		}
		time.Sleep(100 * time.Millisecond)
	}
	if fmt.Sprint(statuses) != "[3 3 3 2]" {
		t.Fatalf("statuses %v", statuses)
	}
	if r := p.get("/v1/models", "Authorization", "Bearer "+seedKey).expect(t, 200); len(at(r.body, "data").([]any)) != 0 {
		t.Fatalf("models of disabled channels: %s", r.raw)
	}
	p.call(http.MethodPost, "/v1/chat/completions", map[string]string{"model": "gpt-4o"}, "Authorization", "Bearer "+seedKey).expect(t, 503)
	logs := p.get(fmt.Sprintf("/api/log/?type=5&start_timestamp=%d", since), admin...)
	if at(logs.body, "data", "total") != 3.0 {
		t.Fatalf("error logs: %s", logs.raw)
	}
}

func TestLogErrorsWritesFatalAndPanicLinesButKeepsServing(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	p := launch(t, "v0.10.1", dir, "STUB_FAULT=logerrors", "STUB_LOGERRORS_SECONDS=0.2")
	p.waitReady(5 * time.Second)
	deadline := time.Now().Add(5 * time.Second)
	for time.Now().Before(deadline) && !strings.Contains(p.stderr.String(), "panic:") {
		time.Sleep(50 * time.Millisecond)
	}
	contains(t, "stderr", p.stderr.String(), "[FATAL] ", "panic: ")
	p.get("/api/status").expect(t, 200)
	logs, _ := filepath.Glob(filepath.Join(dir, "logs", "oneapi-*.log"))
	text, _ := os.ReadFile(logs[0])
	contains(t, "the log file", string(text), "[FATAL] ", "panic: ")
}

func TestCrashLaterServesThenPanicsWithExit2(t *testing.T) {
	t.Parallel()
	p := launch(t, "v0.10.1", t.TempDir(), "STUB_FAULT=crashlater", "STUB_CRASHLATER_SECONDS=0.5")
	p.waitReady(5 * time.Second)
	if code := p.waitExit(5 * time.Second); code != 2 {
		t.Fatalf("exit %d", code)
	}
	contains(t, "stderr", p.stderr.String(), "panic: ")
}
