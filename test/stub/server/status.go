package server

import (
	"net/http"
)

// status is GET /api/status: public, and the only health signal New API has.
func (s *Server) status(w http.ResponseWriter, _ *http.Request) {
	systemName, found := s.DB.Option("SystemName")
	if !found {
		systemName = "New API"
	}
	ok(w, obj{
		"version":                  s.Version,
		"start_time":               s.StartTime,
		"setup":                    s.Setup,
		"system_name":              systemName,
		"logo":                     "",
		"footer_html":              "",
		"server_address":           "",
		"email_verification":       false,
		"github_oauth":             false,
		"turnstile_check":          false,
		"quota_per_unit":           500000,
		"display_in_currency":      true,
		"enable_drawing":           false,
		"enable_task":              false,
		"enable_data_export":       true,
		"default_collapse_sidebar": false,
		"self_use_mode_enabled":    false,
	})
}

// statusTest is GET /api/status/test (admin): 503 when the database is unreachable.
func (s *Server) statusTest(w http.ResponseWriter, _ *http.Request) {
	if err := s.DB.Ping(); err != nil {
		writeJSON(w, http.StatusServiceUnavailable, obj{"success": false, "message": "数据库连接失败"})
		return
	}
	writeJSON(w, http.StatusOK, obj{"success": true, "message": "Server is running"})
}
