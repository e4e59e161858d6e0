package model

import (
	"crypto/rand"
	"crypto/sha256"
	"crypto/subtle"
	"database/sql"
	"encoding/hex"
	"errors"
	"strings"
)

type User struct {
	ID          int    `json:"id"`
	Username    string `json:"username"`
	DisplayName string `json:"display_name"`
	Role        int    `json:"role"`
	Status      int    `json:"status"`
	Group       string `json:"group"`
	Quota       int64  `json:"quota"`
	UsedQuota   int64  `json:"used_quota"`
	AuthVersion int64  `json:"-"`
}

const UserStatusEnabled = 1

// userColumns follows the build's schema: code with bearer auth reads auth_version, so it
// fails on a database that its master has not migrated yet.
func (db *DB) userColumns() string {
	cols := "id, username, display_name, role, status, `group`, quota, used_quota"
	if db.Schema.AuthSessions {
		cols += ", auth_version"
	}
	return cols
}

func (db *DB) scanUser(row *sql.Row) (*User, error) {
	var u User
	dest := []any{&u.ID, &u.Username, &u.DisplayName, &u.Role, &u.Status, &u.Group, &u.Quota, &u.UsedQuota}
	if db.Schema.AuthSessions {
		dest = append(dest, &u.AuthVersion)
	}
	if err := row.Scan(dest...); err != nil {
		if errors.Is(err, sql.ErrNoRows) {
			return nil, nil
		}
		return nil, err
	}
	return &u, nil
}

// UserByLogin returns nil (and no error) for an unknown user or a wrong password.
func (db *DB) UserByLogin(username, password string) (*User, error) {
	var stored string
	err := db.QueryRow("SELECT password FROM users WHERE username = ?", username).Scan(&stored)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	if !checkPassword(password, stored) {
		return nil, nil
	}
	return db.scanUser(db.QueryRow("SELECT "+db.userColumns()+" FROM users WHERE username = ?", username))
}

// UserByAccessToken resolves a system access token (personal settings → system access token).
func (db *DB) UserByAccessToken(token string) (*User, error) {
	if token == "" {
		return nil, nil
	}
	return db.scanUser(db.QueryRow("SELECT "+db.userColumns()+" FROM users WHERE access_token = ?", token))
}

func (db *DB) UserByID(id int) (*User, error) {
	return db.scanUser(db.QueryRow("SELECT "+db.userColumns()+" FROM users WHERE id = ?", id))
}

// RegenerateAccessToken is what GET /api/user/token does upstream: the old token stops working.
func (db *DB) RegenerateAccessToken(userID int) (string, error) {
	token := RandomKey(32)
	_, err := db.Exec("UPDATE users SET access_token = ? WHERE id = ?", token, userID)
	return token, err
}

func hashPassword(password string) string {
	salt := RandomKey(16)
	return "sha256$" + salt + "$" + digest(salt, password)
}

func checkPassword(password, stored string) bool {
	parts := strings.Split(stored, "$")
	if len(parts) != 3 || parts[0] != "sha256" {
		return false
	}
	return subtle.ConstantTimeCompare([]byte(digest(parts[1], password)), []byte(parts[2])) == 1
}

func digest(salt, password string) string {
	sum := sha256.Sum256([]byte(salt + ":" + password))
	return hex.EncodeToString(sum[:])
}

const keyAlphabet = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789"

// RandomKey makes tokens, salts, session ids and request ids.
func RandomKey(n int) string {
	b := make([]byte, n)
	if _, err := rand.Read(b); err != nil {
		panic(err)
	}
	for i := range b {
		b[i] = keyAlphabet[int(b[i])%len(keyAlphabet)]
	}
	return string(b)
}
