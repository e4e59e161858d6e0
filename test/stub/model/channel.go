package model

import (
	"sort"
	"strings"
)

const (
	ChannelStatusEnabled          = 1
	ChannelStatusManuallyDisabled = 2
	ChannelStatusAutoDisabled     = 3
)

// Channel carries the fields the admin channel list shows; the upstream key never leaves the database.
type Channel struct {
	ID           int    `json:"id"`
	Type         int    `json:"type"`
	Name         string `json:"name"`
	Status       int    `json:"status"`
	Weight       int    `json:"weight"`
	CreatedTime  int64  `json:"created_time"`
	TestTime     int64  `json:"test_time"`
	ResponseTime int    `json:"response_time"`
	BaseURL      string `json:"base_url"`
	Models       string `json:"models"`
	Group        string `json:"group"`
	Priority     int64  `json:"priority"`
}

const channelColumns = "id, type, name, status, weight, created_time, test_time, response_time, base_url, models, `group`, priority"

// Channels returns one page ordered by id, and the total count.
func (db *DB) Channels(offset, limit int) ([]Channel, int, error) {
	var total int
	if err := db.QueryRow("SELECT count(*) FROM channels").Scan(&total); err != nil {
		return nil, 0, err
	}
	rows, err := db.Query("SELECT "+channelColumns+" FROM channels ORDER BY id LIMIT ? OFFSET ?", limit, offset)
	if err != nil {
		return nil, 0, err
	}
	defer rows.Close()
	channels := []Channel{}
	for rows.Next() {
		var c Channel
		if err := rows.Scan(&c.ID, &c.Type, &c.Name, &c.Status, &c.Weight, &c.CreatedTime, &c.TestTime,
			&c.ResponseTime, &c.BaseURL, &c.Models, &c.Group, &c.Priority); err != nil {
			return nil, 0, err
		}
		channels = append(channels, c)
	}
	return channels, total, rows.Err()
}

func (db *DB) ChannelExists(id int) (bool, error) {
	var n int
	err := db.QueryRow("SELECT count(*) FROM channels WHERE id = ?", id).Scan(&n)
	return n > 0, err
}

// MarkAllChannelsTested is what testing every channel leaves behind.
func (db *DB) MarkAllChannelsTested(now int64, responseMs int) error {
	_, err := db.Exec("UPDATE channels SET test_time = ?, response_time = ?", now, responseMs)
	return err
}

func (db *DB) MarkChannelTested(id int, now int64, responseMs int) error {
	_, err := db.Exec("UPDATE channels SET test_time = ?, response_time = ? WHERE id = ?", now, responseMs, id)
	return err
}

// AutoDisableEnabled sets every enabled channel to status 3, as upstream does to channels whose
// upstream keeps failing, and returns what it disabled.
func (db *DB) AutoDisableEnabled() ([]Channel, error) {
	all, _, err := db.Channels(0, -1)
	if err != nil {
		return nil, err
	}
	var disabled []Channel
	for _, c := range all {
		if c.Status != ChannelStatusEnabled {
			continue
		}
		if _, err := db.Exec("UPDATE channels SET status = ? WHERE id = ?", ChannelStatusAutoDisabled, c.ID); err != nil {
			return disabled, err
		}
		disabled = append(disabled, c)
	}
	return disabled, nil
}

// EnabledModels lists the models of enabled channels, sorted and unique: /v1/models.
func (db *DB) EnabledModels() ([]string, error) {
	rows, err := db.Query("SELECT models FROM channels WHERE status = ?", ChannelStatusEnabled)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	seen := map[string]bool{}
	for rows.Next() {
		var models string
		if err := rows.Scan(&models); err != nil {
			return nil, err
		}
		for _, m := range strings.Split(models, ",") {
			if m = strings.TrimSpace(m); m != "" {
				seen[m] = true
			}
		}
	}
	list := make([]string, 0, len(seen))
	for m := range seen {
		list = append(list, m)
	}
	sort.Strings(list)
	return list, rows.Err()
}
