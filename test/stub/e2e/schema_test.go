package e2e

import (
	"path/filepath"
	"syscall"
	"testing"
	"time"
)

func stop(t *testing.T, p *proc) {
	t.Helper()
	p.signal(syscall.SIGTERM)
	if code := p.waitExit(5 * time.Second); code != 0 {
		t.Fatalf("exit %d on SIGTERM", code)
	}
}

// Upstream issue #4144: a slave updated before its master runs new code on the old schema.
// /api/status stays green while authenticated calls fail, until the master migrates.
func TestNewSlaveOnAnUnmigratedDatabaseFailsBehindAGreenStatus(t *testing.T) {
	t.Parallel()
	masterDir := t.TempDir()
	oldMaster := launch(t, "v0.9.1", masterDir)
	oldMaster.waitReady(5 * time.Second)

	slave := launch(t, "v0.10.1", t.TempDir(), "NODE_TYPE=slave", "SQLITE_PATH="+filepath.Join(masterDir, "one-api.db"))
	slave.waitReady(5 * time.Second)
	if r := slave.get("/api/status"); at(r.body, "data", "setup") != true {
		t.Fatalf("status: %s", r.raw)
	}
	if r := slave.get("/api/user/self", admin...).expect(t, 500); at(r.body, "code") != "AUTH_INTERNAL_ERROR" {
		t.Fatalf("self on the old schema: %s", r.raw)
	}

	stop(t, oldMaster)
	newMaster := launch(t, "v0.10.1", masterDir)
	newMaster.waitReady(5 * time.Second)
	slave.get("/api/user/self", admin...).expect(t, 200)
}

// v1.0.0 hashes API keys: rolling back the image without the pre-update database loses them.
func TestV1MigrationIsNotReversibleWithoutTheBackup(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	before := launch(t, "v0.10.1", dir)
	before.waitReady(5 * time.Second)
	before.get("/v1/models", "Authorization", "Bearer "+seedKey).expect(t, 200)
	stop(t, before)

	updated := launch(t, "v1.0.0", dir)
	updated.waitReady(5 * time.Second)
	updated.get("/v1/models", "Authorization", "Bearer "+seedKey).expect(t, 200)
	stop(t, updated)

	rolledBack := launch(t, "v0.10.1", dir)
	rolledBack.waitReady(5 * time.Second)
	rolledBack.get("/v1/models", "Authorization", "Bearer "+seedKey).expect(t, 401)
	rolledBack.get("/api/user/self", admin...).expect(t, 200)
}
