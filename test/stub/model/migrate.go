package model

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
)

var baseTables = []string{
	"CREATE TABLE IF NOT EXISTS users (" +
		"id INTEGER PRIMARY KEY AUTOINCREMENT, username TEXT NOT NULL UNIQUE, password TEXT NOT NULL, " +
		"display_name TEXT DEFAULT '', role INTEGER DEFAULT 1, status INTEGER DEFAULT 1, email TEXT DEFAULT '', " +
		"access_token TEXT UNIQUE, quota INTEGER DEFAULT 0, used_quota INTEGER DEFAULT 0, `group` TEXT DEFAULT 'default')",
	"CREATE TABLE IF NOT EXISTS tokens (" +
		"id INTEGER PRIMARY KEY AUTOINCREMENT, user_id INTEGER NOT NULL, `key` TEXT NOT NULL UNIQUE, name TEXT DEFAULT '', " +
		"status INTEGER DEFAULT 1, created_time INTEGER DEFAULT 0, remain_quota INTEGER DEFAULT 0, unlimited_quota INTEGER DEFAULT 0)",
	"CREATE TABLE IF NOT EXISTS channels (" +
		"id INTEGER PRIMARY KEY AUTOINCREMENT, type INTEGER DEFAULT 0, `key` TEXT NOT NULL, name TEXT DEFAULT '', " +
		"status INTEGER DEFAULT 1, weight INTEGER DEFAULT 0, created_time INTEGER DEFAULT 0, test_time INTEGER DEFAULT 0, " +
		"response_time INTEGER DEFAULT 0, base_url TEXT DEFAULT '', models TEXT DEFAULT '', `group` TEXT DEFAULT 'default', " +
		"priority INTEGER DEFAULT 0)",
	"CREATE TABLE IF NOT EXISTS options (`key` TEXT PRIMARY KEY, value TEXT)",
	"CREATE TABLE IF NOT EXISTS logs (" +
		"id INTEGER PRIMARY KEY AUTOINCREMENT, user_id INTEGER DEFAULT 0, created_at INTEGER DEFAULT 0, type INTEGER DEFAULT 0, " +
		"content TEXT DEFAULT '', username TEXT DEFAULT '', token_name TEXT DEFAULT '', model_name TEXT DEFAULT '', " +
		"quota INTEGER DEFAULT 0, channel_id INTEGER DEFAULT 0)",
	"CREATE TABLE IF NOT EXISTS setups (id INTEGER PRIMARY KEY AUTOINCREMENT, version TEXT DEFAULT '', initialized_at INTEGER DEFAULT 0)",
	"CREATE TABLE IF NOT EXISTS stub_calls (name TEXT PRIMARY KEY, count INTEGER DEFAULT 0, last_at INTEGER DEFAULT 0)",
}

// Migrate brings the schema up to what this build expects. Only masters call it (NODE_TYPE).
func (db *DB) Migrate() error {
	for _, stmt := range baseTables {
		if _, err := db.Exec(stmt); err != nil {
			return err
		}
	}
	if db.Schema.LogsIndex {
		if _, err := db.Exec("CREATE INDEX IF NOT EXISTS idx_logs_type_created_at ON logs(type, created_at)"); err != nil {
			return err
		}
	}
	if db.Schema.AuthSessions {
		if err := db.addColumn("users", "auth_version", "INTEGER DEFAULT 1"); err != nil {
			return err
		}
		if _, err := db.Exec("CREATE TABLE IF NOT EXISTS user_sessions (" +
			"sid TEXT PRIMARY KEY, user_id INTEGER NOT NULL, refresh_hash TEXT NOT NULL, " +
			"created_at INTEGER DEFAULT 0, expires_at INTEGER DEFAULT 0, revoked INTEGER DEFAULT 0)"); err != nil {
			return err
		}
	}
	if db.Schema.HashedTokens {
		if err := db.addColumn("tokens", "key_hashed", "INTEGER DEFAULT 0"); err != nil {
			return err
		}
		return db.hashPlainTokenKeys()
	}
	return nil
}

// DropChannels is the badmigration fault: the damage a broken migration does before it fails.
func (db *DB) DropChannels() error {
	_, err := db.Exec("DROP TABLE IF EXISTS channels")
	return err
}

func (db *DB) addColumn(table, column, ddl string) error {
	var n int
	if err := db.QueryRow("SELECT count(*) FROM pragma_table_info(?) WHERE name = ?", table, column).Scan(&n); err != nil {
		return err
	}
	if n > 0 {
		return nil
	}
	_, err := db.Exec(fmt.Sprintf("ALTER TABLE %s ADD COLUMN %s %s", table, column, ddl))
	return err
}

// hashPlainTokenKeys is the one-way part of the v1.0.0 migration: afterwards an older build
// finds no API key it knows, which is why a rollback may need the pre-update backup.
func (db *DB) hashPlainTokenKeys() error {
	tx, err := db.Begin()
	if err != nil {
		return err
	}
	defer tx.Rollback()
	rows, err := tx.Query("SELECT id, `key` FROM tokens WHERE key_hashed = 0")
	if err != nil {
		return err
	}
	plain := map[int]string{}
	for rows.Next() {
		var id int
		var key string
		if err := rows.Scan(&id, &key); err != nil {
			rows.Close()
			return err
		}
		plain[id] = key
	}
	rows.Close()
	for id, key := range plain {
		if _, err := tx.Exec("UPDATE tokens SET `key` = ?, key_hashed = 1 WHERE id = ?", hashKey(key), id); err != nil {
			return err
		}
	}
	return tx.Commit()
}

func hashKey(key string) string {
	sum := sha256.Sum256([]byte(key))
	return hex.EncodeToString(sum[:])
}
