package model

import (
	"database/sql"
	"errors"
)

// TokenUserID resolves an API key (without its "sk-" prefix, as upstream stores it) to its
// enabled token's user; 0 means no such key.
func (db *DB) TokenUserID(key string) (int, error) {
	query := "SELECT user_id FROM tokens WHERE `key` = ? AND status = 1"
	if db.Schema.HashedTokens {
		key = hashKey(key)
		query += " AND key_hashed = 1"
	}
	var userID int
	err := db.QueryRow(query, key).Scan(&userID)
	if errors.Is(err, sql.ErrNoRows) {
		return 0, nil
	}
	return userID, err
}

func (db *DB) CreateSession(sid string, userID int, refreshSecret string, createdAt, expiresAt int64) error {
	_, err := db.Exec("INSERT INTO user_sessions(sid, user_id, refresh_hash, created_at, expires_at) VALUES(?, ?, ?, ?, ?)",
		sid, userID, hashKey(refreshSecret), createdAt, expiresAt)
	return err
}

// SessionActive backs bearer access tokens: a revoked or expired login session ends them.
func (db *DB) SessionActive(sid string, userID int, now int64) (bool, error) {
	var n int
	err := db.QueryRow("SELECT count(*) FROM user_sessions WHERE sid = ? AND user_id = ? AND revoked = 0 AND expires_at > ?",
		sid, userID, now).Scan(&n)
	return n > 0, err
}
