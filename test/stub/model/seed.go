package model

import (
	"strings"
	"time"

	"github.com/QuantumNous/new-api/common"
)

// The seeded state is test/bed/catalog.json's "seed" (seed_test.go keeps them in step).
const (
	SeedAdminUsername = "root"
	SeedAdminPassword = "123456"
	SeedAdminID       = 1
	SeedAccessToken   = "stubadminaccesstoken0000000000001"
	SeedAPIKey        = "sk-stubapikey000000000000000000000000000000000001"
	RoleCommonUser    = 1
	RoleAdminUser     = 10
	RoleRootUser      = 100
)

type SeedChannel struct {
	ID     int
	Name   string
	Status int
	Type   int
	Models string
}

var SeedChannels = []SeedChannel{
	{1, "openai-main", ChannelStatusEnabled, 1, "gpt-4o,gpt-4o-mini"},
	{2, "claude", ChannelStatusEnabled, 14, "claude-3-5-sonnet-20241022"},
	{3, "gemini", ChannelStatusEnabled, 24, "gemini-1.5-pro"},
	{4, "old-azure", ChannelStatusManuallyDisabled, 3, "gpt-35-turbo"},
}

// SeedIfEmpty gives an empty database the bed's known admin, access token, API key and
// channels, as if an operator had finished the setup wizard. Upstream instead leaves an empty
// database uninitialised (setup:false); STUB_SEED=false restores that.
func (db *DB) SeedIfEmpty(version string) (bool, error) {
	tx, err := db.Begin()
	if err != nil {
		return false, err
	}
	defer tx.Rollback()
	var users int
	if err := tx.QueryRow("SELECT count(*) FROM users").Scan(&users); err != nil || users > 0 {
		return false, err
	}
	now := time.Now().Unix()
	if _, err := tx.Exec("INSERT INTO users(id, username, password, display_name, role, status, access_token, quota) "+
		"VALUES(?, ?, ?, 'Root User', ?, 1, ?, 100000000)",
		SeedAdminID, SeedAdminUsername, hashPassword(SeedAdminPassword), RoleRootUser, SeedAccessToken); err != nil {
		return false, err
	}
	key := strings.TrimPrefix(SeedAPIKey, "sk-")
	if db.Schema.HashedTokens {
		_, err = tx.Exec("INSERT INTO tokens(id, user_id, `key`, name, status, created_time, unlimited_quota, key_hashed) "+
			"VALUES(1, ?, ?, 'default', 1, ?, 1, 1)", SeedAdminID, hashKey(key), now)
	} else {
		_, err = tx.Exec("INSERT INTO tokens(id, user_id, `key`, name, status, created_time, unlimited_quota) "+
			"VALUES(1, ?, ?, 'default', 1, ?, 1)", SeedAdminID, key, now)
	}
	if err != nil {
		return false, err
	}
	for _, c := range SeedChannels {
		if _, err := tx.Exec("INSERT INTO channels(id, type, `key`, name, status, created_time, test_time, models) "+
			"VALUES(?, ?, ?, ?, ?, ?, ?, ?)",
			c.ID, c.Type, "sk-upstream-secret-"+c.Name, c.Name, c.Status, now, now, c.Models); err != nil {
			return false, err
		}
	}
	if _, err := tx.Exec("INSERT INTO setups(version, initialized_at) VALUES(?, ?)", version, now); err != nil {
		return false, err
	}
	return true, tx.Commit()
}

// CheckSetup is upstream's model.CheckSetup: a setup record, or at least a root user, means
// the system is initialised. A database without tables (a slave nobody migrated for) is not.
func (db *DB) CheckSetup(version string) bool {
	var initializedAt int64
	if err := db.QueryRow("SELECT initialized_at FROM setups ORDER BY id LIMIT 1").Scan(&initializedAt); err == nil {
		common.SysLog("system is already initialized at: " + time.Unix(initializedAt, 0).String())
		return true
	}
	var roots int
	if err := db.QueryRow("SELECT count(*) FROM users WHERE role = ?", RoleRootUser).Scan(&roots); err == nil && roots > 0 {
		common.SysLog("system is not initialized, but root user exists")
		if _, err := db.Exec("INSERT INTO setups(version, initialized_at) VALUES(?, ?)", version, time.Now().Unix()); err != nil {
			common.SysLog("failed to create setup record: " + err.Error())
		}
		return true
	}
	common.SysLog("system is not initialized and no root user exists")
	return false
}
