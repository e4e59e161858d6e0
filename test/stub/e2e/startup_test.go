package e2e

import (
	"bufio"
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"syscall"
	"testing"
	"time"
)

var bannerRE = regexp.MustCompile(`New API (\S+)\x1b\[0m  ready in (\d+) ms`)

func TestMasterMigratesSeedsAndLogsUpstreamsStartupLines(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	p := launch(t, "v0.10.1", dir)
	p.waitReady(5 * time.Second)

	out := p.stdout.String()
	migration := regexp.MustCompile(`(?m)^\[SYS\] \d{4}/\d\d/\d\d - \d\d:\d\d:\d\d \| database migration started $`).FindStringIndex(out)
	banner := bannerRE.FindStringSubmatchIndex(out)
	if migration == nil || banner == nil || migration[0] > banner[0] {
		t.Fatalf("want the migration line, then the banner:\n%s", out)
	}
	if v := out[banner[2]:banner[3]]; v != "v0.10.1" {
		t.Fatalf("banner version %q", v)
	}
	for _, f := range []string{"one-api.db", "one-api.db-wal", "one-api.db-shm"} {
		if _, err := os.Stat(filepath.Join(dir, f)); err != nil {
			t.Errorf("%s: %v", f, err)
		}
	}
	logs, _ := filepath.Glob(filepath.Join(dir, "logs", "oneapi-*.log"))
	if len(logs) != 1 {
		t.Fatalf("log files in ./logs: %v", logs)
	}
	logText, _ := os.ReadFile(logs[0])
	contains(t, "the log file", string(logText), "database migration started", "ready in")

	r := p.get("/api/status").expect(t, 200)
	if at(r.body, "success") != true || at(r.body, "data", "version") != "v0.10.1" || at(r.body, "data", "setup") != true {
		t.Fatalf("status: %s", r.raw)
	}
	if start := at(r.body, "data", "start_time").(float64); time.Since(time.Unix(int64(start), 0)) > time.Minute {
		t.Fatalf("start_time %v is not this process's start", start)
	}
	if h := r.header.Get("X-New-Api-Version"); h != "v0.10.1" {
		t.Fatalf("X-New-Api-Version %q", h)
	}
}

func TestLogDirFlagAndVersionFlag(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	logDir := filepath.Join(dir, "app", "logs")
	out, err := exec.Command(bins["v0.9.1"], "--version").Output()
	if err != nil || strings.TrimSpace(string(out)) != "v0.9.1" {
		t.Fatalf("--version: %q %v", out, err)
	}
	p := launchArgs(t, "v0.9.1", dir, []string{"--log-dir", logDir})
	p.waitReady(5 * time.Second)
	logs, _ := filepath.Glob(filepath.Join(logDir, "oneapi-*.log"))
	if len(logs) != 1 {
		t.Fatalf("no log file in --log-dir: %v", logs)
	}
}

func TestPlainBuildReportsV000AndVERSIONOverrides(t *testing.T) {
	t.Parallel()
	out, _ := exec.Command(bins[""], "--version").Output()
	if strings.TrimSpace(string(out)) != "v0.0.0" {
		t.Fatalf("plain build reports %q", out)
	}
	p := launch(t, "", t.TempDir(), "VERSION=v0.13.2")
	p.waitReady(5 * time.Second)
	r := p.get("/api/status")
	if at(r.body, "data", "version") != "v0.13.2" || r.header.Get("X-New-Api-Version") != "v0.13.2" {
		t.Fatalf("VERSION did not override: %s %v", r.raw, r.header)
	}
}

func TestSlaveSkipsMigrationAndSharesTheMastersData(t *testing.T) {
	t.Parallel()
	masterDir := t.TempDir()
	master := launch(t, "v0.10.1", masterDir, "FRONTEND_BASE_URL=https://panel.example.com")
	master.waitReady(5 * time.Second)
	contains(t, "master stdout", master.stdout.String(), "FRONTEND_BASE_URL is ignored on master node")
	master.get("/").expect(t, 200)

	empty := launch(t, "v0.10.1", t.TempDir(), "NODE_TYPE=slave")
	empty.waitReady(5 * time.Second)
	if strings.Contains(empty.stdout.String(), "database migration started") {
		t.Fatal("a slave migrated")
	}
	if r := empty.get("/api/status"); at(r.body, "data", "setup") != false {
		t.Fatalf("slave on an empty database: %s", r.raw)
	}

	slave := launch(t, "v0.10.1", t.TempDir(), "NODE_TYPE=slave",
		"SQLITE_PATH="+filepath.Join(masterDir, "one-api.db"), "FRONTEND_BASE_URL=https://panel.example.com/")
	slave.waitReady(5 * time.Second)
	if r := slave.get("/api/status"); at(r.body, "data", "setup") != true {
		t.Fatalf("slave on the master's database: %s", r.raw)
	}
	r := slave.get("/channel?x=1").expect(t, 301)
	if loc := r.header.Get("Location"); loc != "https://panel.example.com/channel?x=1" {
		t.Fatalf("redirect to %q", loc)
	}
	slave.get("/api/user/self", "Authorization", "Bearer "+seedToken, "New-Api-User", "1").expect(t, 200)
}

func TestSigtermExitsAsSoonAsRequestsAreDone(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	p := launch(t, "v0.10.1", dir)
	p.waitReady(5 * time.Second)
	start := time.Now()
	p.signal(syscall.SIGTERM)
	if code := p.waitExit(5 * time.Second); code != 0 {
		t.Fatalf("exit %d", code)
	}
	if time.Since(start) > 2*time.Second {
		t.Fatalf("took %v to stop while idle", time.Since(start))
	}
	contains(t, "stdout", p.stdout.String(), "server exited")
	if _, err := os.Stat(filepath.Join(dir, "one-api.db-wal")); !os.IsNotExist(err) {
		t.Fatal("the WAL was not checkpointed on a clean shutdown")
	}
}

var fatalRE = regexp.MustCompile(`(?m)^\[FATAL\] \d{4}/\d\d/\d\d - \d\d:\d\d:\d\d \| \[(.*)\] $`)

func TestUnsupportedDatabaseAndUnreachableRedisAreFatal(t *testing.T) {
	t.Parallel()
	pg := launch(t, "v0.10.1", t.TempDir(), "SQL_DSN=postgres://u:p@127.0.0.1/db")
	if code := pg.waitExit(5 * time.Second); code != 1 {
		t.Fatalf("exit %d", code)
	}
	if m := fatalRE.FindStringSubmatch(pg.stderr.String()); m == nil || !strings.HasPrefix(m[1], "failed to initialize database: ") {
		t.Fatalf("stderr: %s", pg.stderr)
	}

	l, _ := net.Listen("tcp", "127.0.0.1:0")
	closed := l.Addr().String()
	l.Close()
	redis := launch(t, "v0.10.1", t.TempDir(), "REDIS_CONN_STRING=redis://"+closed)
	if code := redis.waitExit(5 * time.Second); code != 1 {
		t.Fatalf("exit %d", code)
	}
	contains(t, "stderr", redis.stderr.String(), "failed to initialize Redis")
}

func TestRedisPingThatAnswersLetsItStart(t *testing.T) {
	t.Parallel()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	go func() {
		conn, err := l.Accept()
		if err != nil {
			return
		}
		defer conn.Close()
		r := bufio.NewReader(conn)
		for {
			line, err := r.ReadString('\n')
			if err != nil {
				return
			}
			if strings.HasPrefix(line, "PING") {
				fmt.Fprint(conn, "+PONG\r\n")
			} else if strings.HasPrefix(line, "AUTH") || strings.HasPrefix(line, "SELECT") {
				fmt.Fprint(conn, "+OK\r\n")
			}
		}
	}()
	p := launch(t, "v0.10.1", t.TempDir(), "REDIS_CONN_STRING=redis://:secret@"+l.Addr().String()+"/0")
	p.waitReady(5 * time.Second)
	contains(t, "stdout", p.stdout.String(), "Redis is enabled")
}
