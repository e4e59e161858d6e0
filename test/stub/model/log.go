package model

const LogTypeError = 5

type Log struct {
	ID        int    `json:"id"`
	UserID    int    `json:"user_id"`
	CreatedAt int64  `json:"created_at"`
	Type      int    `json:"type"`
	Content   string `json:"content"`
	Username  string `json:"username"`
	TokenName string `json:"token_name"`
	ModelName string `json:"model_name"`
	Quota     int    `json:"quota"`
	ChannelID int    `json:"channel"`
}

func (db *DB) AddLog(l Log) error {
	_, err := db.Exec("INSERT INTO logs(user_id, created_at, type, content, username, token_name, model_name, quota, channel_id) "+
		"VALUES(?, ?, ?, ?, ?, ?, ?, ?, ?)", l.UserID, l.CreatedAt, l.Type, l.Content, l.Username, l.TokenName, l.ModelName, l.Quota, l.ChannelID)
	return err
}

// LogFilter mirrors GET /api/log/'s query: type 0 means every type, end 0 means no upper bound.
type LogFilter struct {
	Type           int
	StartTimestamp int64
	EndTimestamp   int64
}

// Logs returns one page, newest first, and the total matching count.
func (db *DB) Logs(f LogFilter, offset, limit int) ([]Log, int, error) {
	where := " WHERE created_at >= ?"
	args := []any{f.StartTimestamp}
	if f.EndTimestamp > 0 {
		where += " AND created_at <= ?"
		args = append(args, f.EndTimestamp)
	}
	if f.Type != 0 {
		where += " AND type = ?"
		args = append(args, f.Type)
	}
	var total int
	if err := db.QueryRow("SELECT count(*) FROM logs"+where, args...).Scan(&total); err != nil {
		return nil, 0, err
	}
	rows, err := db.Query("SELECT id, user_id, created_at, type, content, username, token_name, model_name, quota, channel_id FROM logs"+
		where+" ORDER BY id DESC LIMIT ? OFFSET ?", append(args, limit, offset)...)
	if err != nil {
		return nil, 0, err
	}
	defer rows.Close()
	logs := []Log{}
	for rows.Next() {
		var l Log
		if err := rows.Scan(&l.ID, &l.UserID, &l.CreatedAt, &l.Type, &l.Content, &l.Username, &l.TokenName, &l.ModelName, &l.Quota, &l.ChannelID); err != nil {
			return nil, 0, err
		}
		logs = append(logs, l)
	}
	return logs, total, rows.Err()
}
