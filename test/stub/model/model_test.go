package model

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/QuantumNous/new-api/common"
)

func openMigrated(t *testing.T, path, release string) *DB {
	t.Helper()
	db, err := Open(path, SchemaFor(common.ParseRelease(release)))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	if err := db.Migrate(); err != nil {
		t.Fatal(err)
	}
	return db
}

func TestSeedMatchesTheBedCatalog(t *testing.T) {
	raw, err := os.ReadFile("../../bed/catalog.json")
	if os.IsNotExist(err) {
		t.Skip("test/bed/catalog.json is not beside this checkout (a source fixture copy)")
	}
	if err != nil {
		t.Fatal(err)
	}
	var catalog struct {
		Seed struct {
			AdminUsername, AdminPassword, AdminUserID, AdminAccessToken, APIKey string
			Channels                                                            []struct {
				ID     int
				Name   string
				Status int
			}
		}
	}
	if err := json.Unmarshal(raw, &catalog); err != nil {
		t.Fatal(err)
	}
	s := catalog.Seed
	if s.AdminUsername != SeedAdminUsername || s.AdminPassword != SeedAdminPassword ||
		s.AdminUserID != strconv.Itoa(SeedAdminID) || s.AdminAccessToken != SeedAccessToken || s.APIKey != SeedAPIKey {
		t.Fatalf("seed credentials differ from catalog.json: %+v", s)
	}
	if len(s.Channels) != len(SeedChannels) {
		t.Fatalf("catalog has %d channels, seed %d", len(s.Channels), len(SeedChannels))
	}
	for i, c := range s.Channels {
		if c.ID != SeedChannels[i].ID || c.Name != SeedChannels[i].Name || c.Status != SeedChannels[i].Status {
			t.Errorf("channel %d: catalog %+v, seed %+v", i, c, SeedChannels[i])
		}
	}
}

func TestSeedCreatesTheKnownStateOnce(t *testing.T) {
	db := openMigrated(t, filepath.Join(t.TempDir(), "one-api.db"), "v0.10.1")
	if seeded, err := db.SeedIfEmpty("v0.10.1"); !seeded || err != nil {
		t.Fatalf("first seed: %v %v", seeded, err)
	}
	if seeded, err := db.SeedIfEmpty("v0.10.1"); seeded || err != nil {
		t.Fatalf("second seed ran again: %v %v", seeded, err)
	}
	if u, _ := db.UserByLogin(SeedAdminUsername, SeedAdminPassword); u == nil || u.ID != SeedAdminID || u.Role != RoleRootUser {
		t.Fatalf("root login: %+v", u)
	}
	if u, _ := db.UserByLogin(SeedAdminUsername, "wrong"); u != nil {
		t.Fatal("a wrong password logged in")
	}
	if u, _ := db.UserByAccessToken(SeedAccessToken); u == nil || u.ID != SeedAdminID {
		t.Fatalf("access token: %+v", u)
	}
	if id, _ := db.TokenUserID(strings.TrimPrefix(SeedAPIKey, "sk-")); id != SeedAdminID {
		t.Fatalf("API key resolves to user %d", id)
	}
	if !db.CheckSetup("v0.10.1") {
		t.Fatal("seeded database is not set up")
	}
}

// Issue #4144's shape: new code on a database only old code has migrated.
func TestNewCodeFailsOnAnOldSchemaAndWorksOnceMigrated(t *testing.T) {
	path := filepath.Join(t.TempDir(), "one-api.db")
	old := openMigrated(t, path, "v0.9.1")
	if _, err := old.SeedIfEmpty("v0.9.1"); err != nil {
		t.Fatal(err)
	}
	slave, err := Open(path, SchemaFor(common.ParseRelease("v0.10.1")))
	if err != nil {
		t.Fatal(err)
	}
	defer slave.Close()
	if !slave.CheckSetup("v0.10.1") {
		t.Fatal("setup should look fine: that is what makes the issue hard to see")
	}
	if _, err := slave.UserByAccessToken(SeedAccessToken); err == nil {
		t.Fatal("new code read users without auth_version on an unmigrated schema")
	}
	openMigrated(t, path, "v0.10.1")
	if u, err := slave.UserByAccessToken(SeedAccessToken); err != nil || u == nil {
		t.Fatalf("after the master migrated: %+v %v", u, err)
	}
	if u, err := old.UserByAccessToken(SeedAccessToken); err != nil || u == nil {
		t.Fatalf("old code on the newer schema: %+v %v", u, err)
	}
}

func TestV1MigrationHashesKeysSoOlderBuildsLoseThem(t *testing.T) {
	path := filepath.Join(t.TempDir(), "one-api.db")
	before := openMigrated(t, path, "v0.10.1")
	if _, err := before.SeedIfEmpty("v0.10.1"); err != nil {
		t.Fatal(err)
	}
	key := strings.TrimPrefix(SeedAPIKey, "sk-")
	after := openMigrated(t, path, "v1.0.0")
	if id, err := after.TokenUserID(key); err != nil || id != SeedAdminID {
		t.Fatalf("v1.0.0 lost the key it migrated: %d %v", id, err)
	}
	if id, err := before.TokenUserID(key); err != nil || id != 0 {
		t.Fatalf("an older build still recognises a hashed key: %d %v", id, err)
	}
}

func TestEmptyDatabaseWithoutTablesIsNotSetUp(t *testing.T) {
	db, err := Open(filepath.Join(t.TempDir(), "one-api.db"), Schema{})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if db.CheckSetup("v0.10.1") {
		t.Fatal("a database without tables claims to be set up")
	}
}

func TestAutoDisableTouchesOnlyEnabledChannels(t *testing.T) {
	db := openMigrated(t, "", "v0.10.1")
	if _, err := db.SeedIfEmpty("v0.10.1"); err != nil {
		t.Fatal(err)
	}
	disabled, err := db.AutoDisableEnabled()
	if err != nil || len(disabled) != 3 {
		t.Fatalf("disabled %d channels: %v", len(disabled), err)
	}
	channels, _, _ := db.Channels(0, 100)
	want := []int{ChannelStatusAutoDisabled, ChannelStatusAutoDisabled, ChannelStatusAutoDisabled, ChannelStatusManuallyDisabled}
	for i, c := range channels {
		if c.Status != want[i] {
			t.Errorf("channel %d status %d, want %d", c.ID, c.Status, want[i])
		}
	}
	if models, _ := db.EnabledModels(); len(models) != 0 {
		t.Fatalf("models of disabled channels still listed: %v", models)
	}
}
