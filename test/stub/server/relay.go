package server

import (
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"strings"
	"time"

	"github.com/QuantumNous/new-api/common"
)

// tokenAuth checks an sk- API key like upstream's TokenAuth and answers 401 itself.
func (s *Server) tokenAuth(w http.ResponseWriter, r *http.Request) bool {
	key := r.Header.Get("Authorization")
	if strings.HasPrefix(key, "Bearer ") || strings.HasPrefix(key, "bearer ") {
		key = strings.TrimSpace(key[7:])
	}
	if key == "" {
		openAIError(w, http.StatusUnauthorized, "未提供令牌")
		return false
	}
	// Upstream stores keys without "sk-"; a "-suffix" selects a channel and is not part of the key.
	key = strings.Split(strings.TrimPrefix(key, "sk-"), "-")[0]
	userID, err := s.DB.TokenUserID(key)
	if err != nil {
		common.SysLog("TokenAuth ValidateUserToken database error: " + err.Error())
		openAIError(w, http.StatusInternalServerError, "数据库错误")
		return false
	}
	if userID == 0 {
		openAIError(w, http.StatusUnauthorized, "无效的令牌")
		return false
	}
	return true
}

// listModels is GET /v1/models: the models of enabled channels (an empty list is legitimate).
func (s *Server) listModels(w http.ResponseWriter, r *http.Request) {
	if !s.tokenAuth(w, r) {
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

// chatCompletions is POST /v1/chat/completions: a canned answer from an enabled channel after
// RelayDelay, so tests have a real in-flight request to drain on SIGTERM; 503 when no enabled
// channel serves the model.
func (s *Server) chatCompletions(w http.ResponseWriter, r *http.Request) {
	if !s.tokenAuth(w, r) {
		return
	}
	var req struct {
		Model string `json:"model"`
	}
	body, _ := io.ReadAll(io.LimitReader(r.Body, 1<<20))
	if json.Unmarshal(body, &req) != nil || req.Model == "" {
		openAIError(w, http.StatusBadRequest, "无效的请求")
		return
	}
	models, err := s.DB.EnabledModels()
	if err != nil {
		openAIError(w, http.StatusInternalServerError, "数据库错误")
		return
	}
	if !containsString(models, req.Model) {
		openAIError(w, http.StatusServiceUnavailable, fmt.Sprintf("当前分组 default 下对于模型 %s 无可用渠道", req.Model))
		return
	}
	time.Sleep(s.RelayDelay)
	writeJSON(w, http.StatusOK, obj{
		"id": "chatcmpl-stub", "object": "chat.completion", "created": time.Now().Unix(), "model": req.Model,
		"choices": []obj{{"index": 0, "message": obj{"role": "assistant", "content": "stub reply"}, "finish_reason": "stop"}},
		"usage":   obj{"prompt_tokens": 1, "completion_tokens": 2, "total_tokens": 3},
	})
}

func containsString(list []string, s string) bool {
	for _, item := range list {
		if item == s {
			return true
		}
	}
	return false
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
