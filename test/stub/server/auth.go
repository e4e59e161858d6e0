package server

import (
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"errors"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/QuantumNous/new-api/common"
	"github.com/QuantumNous/new-api/fault"
	"github.com/QuantumNous/new-api/model"
)

type ctxKey struct{}

func currentUser(r *http.Request) *model.User { return r.Context().Value(ctxKey{}).(*model.User) }

// requireRole is upstream's UserAuth/AdminAuth for the build's auth scheme.
func (s *Server) requireRole(minRole int, next handler) handler {
	return func(w http.ResponseWriter, r *http.Request) {
		authenticate := s.authenticateNew
		if s.AuthScheme == AuthOld {
			authenticate = s.authenticateOld
		}
		if user := authenticate(w, r, minRole); user != nil {
			next(w, r.WithContext(context.WithValue(r.Context(), ctxKey{}, user)))
		}
	}
}

// authenticateOld follows the pre-rewrite authHelper: a session cookie or a system access
// token, plus a New-Api-User header naming the same user. Note which errors are HTTP 200.
func (s *Server) authenticateOld(w http.ResponseWriter, r *http.Request, minRole int) *model.User {
	user, fromSession := s.readSessionCookie(r)
	if !fromSession {
		header := r.Header.Get("Authorization")
		if header == "" {
			writeJSON(w, http.StatusUnauthorized, obj{"success": false, "message": "无权进行此操作，未登录且未提供 access token"})
			return nil
		}
		var err error
		user, err = s.userByAccessToken(strings.Replace(header, "Bearer ", "", 1))
		if err != nil {
			common.SysError("access token lookup failed: " + err.Error())
			writeJSON(w, http.StatusOK, obj{"success": false, "message": "数据库错误"})
			return nil
		}
		if user == nil {
			writeJSON(w, http.StatusOK, obj{"success": false, "message": "无权进行此操作，access token 无效"})
			return nil
		}
	}
	headerID := r.Header.Get("New-Api-User")
	if headerID == "" {
		writeJSON(w, http.StatusUnauthorized, obj{"success": false, "message": "无权进行此操作，未提供 New-Api-User"})
		return nil
	}
	id, err := strconv.Atoi(headerID)
	if err != nil {
		writeJSON(w, http.StatusUnauthorized, obj{"success": false, "message": "无权进行此操作，New-Api-User 格式错误"})
		return nil
	}
	if id != user.ID {
		writeJSON(w, http.StatusUnauthorized, obj{"success": false, "message": "无权进行此操作，New-Api-User 与登录用户不匹配"})
		return nil
	}
	if user.Status != model.UserStatusEnabled {
		writeJSON(w, http.StatusOK, obj{"success": false, "message": "用户已被封禁"})
		return nil
	}
	if user.Role < minRole {
		writeJSON(w, http.StatusOK, obj{"success": false, "message": "无权进行此操作，权限不足"})
		return nil
	}
	return user
}

// authenticateNew follows the bearer-auth rewrite: Authorization carries either the
// access_token from login (a JWT backed by a login session) or a system access token.
// New-Api-User is no longer needed; errors are 401/403 with a code.
func (s *Server) authenticateNew(w http.ResponseWriter, r *http.Request, minRole int) *model.User {
	deny := func(status int, code, message string) *model.User {
		writeJSON(w, status, obj{"success": false, "code": code, "message": message})
		return nil
	}
	raw, present := bearerToken(r.Header.Get("Authorization"))
	if !present {
		return deny(http.StatusUnauthorized, "AUTH_UNAUTHORIZED", "未登录或访问令牌无效")
	}
	var user *model.User
	var err error
	if claims, isJWT, verr := s.verifyAccessJWT(raw); isJWT {
		switch {
		case errors.Is(verr, errExpired):
			return deny(http.StatusUnauthorized, "AUTH_TOKEN_EXPIRED", "登录已过期，请重新登录")
		case verr != nil || s.Fault == fault.BadLogin:
			return deny(http.StatusUnauthorized, "AUTH_UNAUTHORIZED", "访问令牌无效")
		}
		var active bool
		if active, err = s.DB.SessionActive(claims.SID, claims.UID, time.Now().Unix()); err == nil {
			if !active {
				return deny(http.StatusUnauthorized, "AUTH_SESSION_REVOKED", "登录会话已失效，请重新登录")
			}
			user, err = s.DB.UserByID(claims.UID)
		}
	} else {
		user, err = s.userByAccessToken(raw)
	}
	if err != nil {
		common.SysLog("dashboard authentication error: " + err.Error())
		return deny(http.StatusInternalServerError, "AUTH_INTERNAL_ERROR", "数据库错误")
	}
	if user == nil {
		return deny(http.StatusUnauthorized, "AUTH_UNAUTHORIZED", "访问令牌无效")
	}
	if user.Status != model.UserStatusEnabled {
		return deny(http.StatusUnauthorized, "AUTH_USER_DISABLED", "用户已被封禁")
	}
	if user.Role < minRole {
		return deny(http.StatusForbidden, "AUTH_INSUFFICIENT_PRIVILEGE", "无权进行此操作，权限不足")
	}
	return user
}

func (s *Server) userByAccessToken(token string) (*model.User, error) {
	if s.Fault == fault.BadLogin {
		return nil, nil
	}
	return s.DB.UserByAccessToken(token)
}

// bearerToken accepts "Bearer <token>" or a bare token, like upstream.
func bearerToken(header string) (string, bool) {
	parts := strings.Fields(header)
	switch {
	case len(parts) == 2 && strings.EqualFold(parts[0], "Bearer"):
		return parts[1], true
	case len(parts) == 1:
		return parts[0], true
	}
	return "", false
}

// The old scheme's cookie session, signed with SESSION_SECRET like gin's cookie store: it
// survives a restart only when every node shares the secret.
const sessionCookie = "session"

type sessionPayload struct {
	ID       int    `json:"id"`
	Username string `json:"username"`
	Role     int    `json:"role"`
	Status   int    `json:"status"`
	Expires  int64  `json:"exp"`
}

func (s *Server) setSessionCookie(w http.ResponseWriter, u *model.User) {
	payload, _ := json.Marshal(sessionPayload{u.ID, u.Username, u.Role, u.Status, time.Now().Add(30 * 24 * time.Hour).Unix()})
	http.SetCookie(w, &http.Cookie{Name: sessionCookie, Value: s.sign(payload), Path: "/", MaxAge: 2592000,
		HttpOnly: true, SameSite: http.SameSiteStrictMode})
}

func (s *Server) readSessionCookie(r *http.Request) (*model.User, bool) {
	c, err := r.Cookie(sessionCookie)
	if err != nil {
		return nil, false
	}
	payload, ok := s.verify(c.Value)
	var p sessionPayload
	if !ok || json.Unmarshal(payload, &p) != nil || p.Expires < time.Now().Unix() {
		return nil, false
	}
	return &model.User{ID: p.ID, Username: p.Username, Role: p.Role, Status: p.Status}, true
}

// The new scheme's access token: an HS256 JWT naming the user and the login session.
type accessClaims struct {
	UID     int    `json:"uid"`
	SID     string `json:"sid"`
	Type    string `json:"typ"`
	Issued  int64  `json:"iat"`
	Expires int64  `json:"exp"`
}

const accessTokenTTL = 15 * time.Minute

var errExpired = errors.New("access token expired")

var jwtHeader = b64(mustJSON(obj{"alg": "HS256", "typ": "JWT"}))

func (s *Server) issueAccessJWT(uid int, sid string, now time.Time) (string, int64) {
	exp := now.Add(accessTokenTTL).Unix()
	body := jwtHeader + "." + b64(mustJSON(accessClaims{uid, sid, "access", now.Unix(), exp}))
	return body + "." + b64(s.mac([]byte(body))), exp
}

// verifyAccessJWT reports isJWT=false for anything that is not shaped like our JWT, so the
// caller can try it as a system access token instead.
func (s *Server) verifyAccessJWT(raw string) (accessClaims, bool, error) {
	var c accessClaims
	parts := strings.Split(raw, ".")
	if len(parts) != 3 || parts[0] != jwtHeader {
		return c, false, nil
	}
	sig, err := base64.RawURLEncoding.DecodeString(parts[2])
	if err != nil || !hmac.Equal(sig, s.mac([]byte(parts[0]+"."+parts[1]))) {
		return c, true, errors.New("bad signature")
	}
	payload, err := base64.RawURLEncoding.DecodeString(parts[1])
	if err != nil || json.Unmarshal(payload, &c) != nil || c.Type != "access" {
		return c, true, errors.New("bad claims")
	}
	if c.Expires <= time.Now().Unix() {
		return c, true, errExpired
	}
	return c, true, nil
}

func (s *Server) mac(data []byte) []byte {
	m := hmac.New(sha256.New, s.SessionSecret)
	m.Write(data)
	return m.Sum(nil)
}

func (s *Server) sign(payload []byte) string { return b64(payload) + "." + b64(s.mac(payload)) }

func (s *Server) verify(value string) ([]byte, bool) {
	body, sig, found := strings.Cut(value, ".")
	if !found {
		return nil, false
	}
	payload, err1 := base64.RawURLEncoding.DecodeString(body)
	mac, err2 := base64.RawURLEncoding.DecodeString(sig)
	if err1 != nil || err2 != nil || !hmac.Equal(mac, s.mac(payload)) {
		return nil, false
	}
	return payload, true
}

func b64(b []byte) string { return base64.RawURLEncoding.EncodeToString(b) }

func mustJSON(v any) []byte {
	b, err := json.Marshal(v)
	if err != nil {
		panic(err)
	}
	return b
}
