package server

import (
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"time"

	"github.com/QuantumNous/new-api/common"
	"github.com/QuantumNous/new-api/fault"
	"github.com/QuantumNous/new-api/model"
)

const refreshCookie = "new_api_refresh"

// login is POST /api/user/login: a session cookie (old scheme) or a 15-minute bearer
// access_token plus a refresh cookie (new scheme). Rate-limited to 20 per 20 minutes per IP.
func (s *Server) login(w http.ResponseWriter, r *http.Request) {
	if s.LoginLimit != nil && !s.LoginLimit.Allow("CT"+clientIP(r), time.Now()) {
		w.WriteHeader(http.StatusTooManyRequests)
		return
	}
	var req struct {
		Username string `json:"username"`
		Password string `json:"password"`
	}
	body, _ := io.ReadAll(io.LimitReader(r.Body, 1<<20))
	if json.Unmarshal(body, &req) != nil || req.Username == "" || req.Password == "" {
		s.loginFailed(w, http.StatusBadRequest, "INVALID_PARAMS", "无效的参数")
		return
	}
	var user *model.User
	var err error
	if s.Fault != fault.BadLogin {
		user, err = s.DB.UserByLogin(req.Username, req.Password)
	}
	if err != nil {
		common.SysError("login failed: " + err.Error())
		s.loginFailed(w, http.StatusInternalServerError, "AUTH_INTERNAL_ERROR", "数据库错误")
		return
	}
	if user == nil || user.Status != model.UserStatusEnabled {
		s.loginFailed(w, http.StatusUnauthorized, "AUTH_INVALID_CREDENTIALS", "用户名或密码错误，或用户已被封禁")
		return
	}
	if s.Require2FA {
		writeJSON(w, http.StatusOK, obj{"success": true, "message": "请输入两步验证码", "data": obj{"require_2fa": true}})
		return
	}
	if s.AuthScheme == AuthOld {
		s.setSessionCookie(w, user)
		ok(w, userView(user))
		return
	}
	now := time.Now()
	sid, secret := model.RandomKey(24), model.RandomKey(43)
	sessionExpires := now.Add(30 * 24 * time.Hour).Unix()
	if err := s.DB.CreateSession(sid, user.ID, secret, now.Unix(), sessionExpires); err != nil {
		common.SysError("failed to create login session: " + err.Error())
		s.loginFailed(w, http.StatusInternalServerError, "AUTH_INTERNAL_ERROR", "数据库错误")
		return
	}
	token, expires := s.issueAccessJWT(user.ID, sid, now)
	http.SetCookie(w, &http.Cookie{Name: refreshCookie, Value: sid + "." + secret, Path: "/api/user/auth",
		MaxAge: 2592000, HttpOnly: true, SameSite: http.SameSiteStrictMode})
	ok(w, obj{
		"access_token":      token,
		"token_type":        "Bearer",
		"access_expires_at": expires,
		"session":           obj{"sid": sid, "expires_at": sessionExpires},
		"user":              userView(user),
	})
}

// loginFailed: the old scheme answers every login failure with HTTP 200 success:false.
func (s *Server) loginFailed(w http.ResponseWriter, status int, code, message string) {
	if s.AuthScheme == AuthOld {
		writeJSON(w, http.StatusOK, obj{"success": false, "message": message})
		return
	}
	writeJSON(w, status, obj{"success": false, "code": code, "message": message})
}

func userView(u *model.User) obj {
	return obj{"id": u.ID, "username": u.Username, "display_name": u.DisplayName, "role": u.Role,
		"status": u.Status, "group": u.Group}
}

// self is GET /api/user/self, the cheap auth probe.
func (s *Server) self(w http.ResponseWriter, r *http.Request) {
	user, err := s.DB.UserByID(currentUser(r).ID)
	if err != nil || user == nil {
		apiError(w, fmt.Errorf("user not found: %v", err))
		return
	}
	ok(w, obj{"id": user.ID, "username": user.Username, "display_name": user.DisplayName, "role": user.Role,
		"status": user.Status, "group": user.Group, "quota": user.Quota, "used_quota": user.UsedQuota})
}

// regenerateAccessToken is GET /api/user/token. Upstream it REPLACES the system access token,
// breaking whatever secret holds the old one, so it is counted and logged loudly.
func (s *Server) regenerateAccessToken(w http.ResponseWriter, r *http.Request) {
	user := currentUser(r)
	if err := s.DB.CountCall("user_token_regenerate", time.Now().Unix()); err != nil {
		common.SysError("failed to count the call: " + err.Error())
	}
	common.SysError(fmt.Sprintf("WARNING: GET /api/user/token from %s REGENERATED the system access token of user %d; "+
		"the previous token no longer works", clientIP(r), user.ID))
	token, err := s.DB.RegenerateAccessToken(user.ID)
	if err != nil {
		apiError(w, err)
		return
	}
	ok(w, token)
}
