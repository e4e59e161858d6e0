package server

import (
	"net/http"
	"strings"

	"github.com/QuantumNous/new-api/common"
)

// listModels is GET /v1/models with an sk- API key: the models of enabled channels (an
// empty list is legitimate), 401 for a missing or unknown key.
func (s *Server) listModels(w http.ResponseWriter, r *http.Request) {
	key := r.Header.Get("Authorization")
	if strings.HasPrefix(key, "Bearer ") || strings.HasPrefix(key, "bearer ") {
		key = strings.TrimSpace(key[7:])
	}
	if key == "" {
		openAIError(w, http.StatusUnauthorized, "未提供令牌")
		return
	}
	// Upstream stores keys without "sk-"; a "-suffix" selects a channel and is not part of the key.
	key = strings.Split(strings.TrimPrefix(key, "sk-"), "-")[0]
	userID, err := s.DB.TokenUserID(key)
	if err != nil {
		common.SysLog("TokenAuth ValidateUserToken database error: " + err.Error())
		openAIError(w, http.StatusInternalServerError, "数据库错误")
		return
	}
	if userID == 0 {
		openAIError(w, http.StatusUnauthorized, "无效的令牌")
		return
	}
	models, err := s.DB.EnabledModels()
	if err != nil {
		openAIError(w, http.StatusInternalServerError, "数据库错误")
		return
	}
	data := make([]obj, len(models))
	for i, m := range models {
		data[i] = obj{"id": m, "object": "model", "created": 1626777600, "owned_by": ownerOf(m)}
	}
	writeJSON(w, http.StatusOK, obj{"success": true, "object": "list", "data": data})
}

func ownerOf(model string) string {
	switch {
	case strings.HasPrefix(model, "gpt"):
		return "openai"
	case strings.HasPrefix(model, "claude"):
		return "anthropic"
	case strings.HasPrefix(model, "gemini"):
		return "google"
	}
	return "custom"
}

func openAIError(w http.ResponseWriter, status int, message string) {
	writeJSON(w, status, obj{"error": obj{"message": message, "type": "new_api_error"}})
}
