// Package model keeps New API's data in a real SQLite database (WAL mode, like upstream),
// so backups, restores and damage done by a bad release are as real as the file.
package model

import (
	"database/sql"
	"fmt"
	"net/url"
	"os"
	"strings"

	"github.com/QuantumNous/new-api/common"
	_ "github.com/mattn/go-sqlite3"
)

// Schema lists the schema changes a build's code expects. Releases add to the schema the
// way gorm AutoMigrate does (tables, columns, indexes; nothing is dropped), and newer code
// reads what it added: that is why a new slave on a database its master has not migrated
// yet fails (upstream issue #4144) while an old build on a newer schema keeps working.
type Schema struct {
	LogsIndex    bool // v0.9.0: index on logs (type, created_at)
	AuthSessions bool // v0.10.0: users.auth_version and user_sessions (bearer dashboard auth)
	HashedTokens bool // v1.0.0: API keys stored hashed; older builds no longer recognise them
}

func SchemaFor(r common.Release) Schema {
	return Schema{
		LogsIndex:    r.AtLeast("v0.9.0"),
		AuthSessions: r.AtLeast("v0.10.0"),
		HashedTokens: r.AtLeast("v1.0.0"),
	}
}

type DB struct {
	*sql.DB
	// File is the database file, "" for an in-memory database.
	File   string
	Schema Schema
}

// Open opens the SQLite database at path (upstream's SQLITE_PATH syntax: a file name with
// optional ?query parameters); "" opens a private in-memory database.
func Open(path string, schema Schema) (*DB, error) {
	if path == "" {
		db, err := sql.Open("sqlite3", "file::memory:?_busy_timeout=30000")
		if err != nil {
			return nil, err
		}
		// Every connection to :memory: is a new empty database: keep exactly one.
		db.SetMaxOpenConns(1)
		return &DB{DB: db, Schema: schema}, db.Ping()
	}
	file, query, _ := strings.Cut(path, "?")
	params, err := url.ParseQuery(query)
	if err != nil {
		return nil, fmt.Errorf("invalid SQLITE_PATH %q: %w", path, err)
	}
	setDefault(params, "_busy_timeout", "30000")
	setDefault(params, "_journal_mode", "WAL")
	db, err := sql.Open("sqlite3", "file:"+file+"?"+params.Encode())
	if err != nil {
		return nil, err
	}
	if err := db.Ping(); err != nil {
		db.Close()
		return nil, err
	}
	return &DB{DB: db, File: strings.TrimPrefix(file, "file:"), Schema: schema}, nil
}

func setDefault(v url.Values, key, value string) {
	if v.Get(key) == "" {
		v.Set(key, value)
	}
}

// Ping is /api/status/test's probe. For SQLite "unreachable" means the file is gone: an open
// handle would keep answering from the deleted inode.
func (db *DB) Ping() error {
	if db.File != "" {
		if _, err := os.Stat(db.File); err != nil {
			return err
		}
	}
	return db.DB.Ping()
}

// CountCall records that an endpoint the action must never call without consent was called,
// so tests can assert it never was (table stub_calls).
func (db *DB) CountCall(name string, now int64) error {
	_, err := db.Exec("INSERT INTO stub_calls(name, count, last_at) VALUES(?, 1, ?) "+
		"ON CONFLICT(name) DO UPDATE SET count = count + 1, last_at = excluded.last_at", name, now)
	return err
}

// Option reads the options table, which upstream uses for runtime settings.
func (db *DB) Option(key string) (string, bool) {
	var v string
	if err := db.QueryRow("SELECT value FROM options WHERE `key` = ?", key).Scan(&v); err != nil {
		return "", false
	}
	return v, true
}
