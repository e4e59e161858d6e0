// Package server answers New API's HTTP surface the update action depends on, in the shapes
// of the release the build claims to be (see Config).
package server

import (
	"encoding/json"
	"fmt"
	"io/fs"
	"net"
	"net/http"
	"strings"
	"time"

	"github.com/QuantumNous/new-api/common"
	"github.com/QuantumNous/new-api/fault"
	"github.com/QuantumNous/new-api/model"
)

const (
	AuthOld = "old" // session cookie + New-Api-User; errors mostly HTTP 200 success:false
	AuthNew = "new" // bearer access_token from login; errors 401/403 with a code
)

type Config struct {
	DB        *model.DB
	Version   string // reported in /api/status, the banner and X-New-Api-Version
	StartTime int64
	Setup     bool

	AuthScheme    string
	VersionHeader bool // X-New-Api-Version on every response
	Paged         bool // channel and log lists as {items,total,page,page_size} with 1-based p
	Fault         fault.Fault
	Require2FA    bool
	RelayDelay    time.Duration // how long /v1/chat/completions takes

	SessionSecret []byte
	// FrontendBaseURL, when set, answers every non-API route with a 301 there (slaves only,
	// like upstream; the caller clears it on a master).
	FrontendBaseURL string
	Web             fs.FS // the built web UI (web/dist)

	APILimit   *Limiter // nil when GLOBAL_API_RATE_LIMIT_ENABLE=false
	LoginLimit *Limiter // nil when CRITICAL_RATE_LIMIT_ENABLE=false
}

type Server struct {
	Config
	web http.Handler
}

func New(cfg Config) *Server {
	return &Server{Config: cfg, web: webHandler(cfg.Web)}
}

type handler func(w http.ResponseWriter, r *http.Request)

// ServeHTTP wraps every request the way upstream's gin middleware does: request id,
// version header, panic recovery and a [GIN] access log line.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	start := time.Now()
	rec := &statusRecorder{ResponseWriter: w, status: http.StatusOK}
	requestID := time.Now().Format("20060102150405") + model.RandomKey(8)
	rec.Header().Set("X-Oneapi-Request-Id", requestID)
	if s.VersionHeader {
		rec.Header().Set("X-New-Api-Version", s.Version)
	}
	defer func() {
		if p := recover(); p != nil {
			common.SysLog(fmt.Sprintf("panic detected: %v", p))
			writeJSON(rec, http.StatusInternalServerError, obj{"error": obj{
				"message": fmt.Sprintf("Panic detected, error: %v.", p), "type": "new_api_panic"}})
		}
		common.WriteOut(fmt.Sprintf("[GIN] %s | %s | %3d | %13v | %15s | %7s %s\n",
			start.Format("2006/01/02 - 15:04:05"), requestID, rec.status, time.Since(start),
			clientIP(r), r.Method, r.URL.Path))
	}()
	s.route(rec, r)
}

func (s *Server) route(w http.ResponseWriter, r *http.Request) {
	path := r.URL.Path
	switch {
	case path == "/api" || strings.HasPrefix(path, "/api/"):
		if s.APILimit != nil && !s.APILimit.Allow("GA"+clientIP(r), time.Now()) {
			w.WriteHeader(http.StatusTooManyRequests)
			return
		}
		if h := s.apiRoute(r.Method, path); h != nil {
			h(w, r)
			return
		}
		notFound(w, r)
	case path == "/v1/models" && r.Method == http.MethodGet:
		s.listModels(w, r)
	case path == "/v1/chat/completions" && r.Method == http.MethodPost:
		s.chatCompletions(w, r)
	case strings.HasPrefix(path, "/v1/"):
		notFound(w, r)
	case s.FrontendBaseURL != "":
		http.Redirect(w, r, s.FrontendBaseURL+r.URL.RequestURI(), http.StatusMovedPermanently)
	default:
		s.web.ServeHTTP(w, r)
	}
}

func (s *Server) apiRoute(method, path string) handler {
	if method == http.MethodPost && path == "/api/user/login" {
		return s.login
	}
	if method != http.MethodGet {
		return nil
	}
	switch {
	case path == "/api/status":
		return s.status
	case path == "/api/status/test":
		return s.requireRole(model.RoleAdminUser, s.statusTest)
	case path == "/api/user/self":
		return s.requireRole(model.RoleCommonUser, s.self)
	case path == "/api/user/token":
		return s.requireRole(model.RoleCommonUser, s.regenerateAccessToken)
	case path == "/api/channel/" || path == "/api/channel":
		return s.requireRole(model.RoleAdminUser, s.listChannels)
	case path == "/api/channel/test" || strings.HasPrefix(path, "/api/channel/test/"):
		return s.requireRole(model.RoleAdminUser, s.testChannel)
	case path == "/api/log/" || path == "/api/log":
		return s.requireRole(model.RoleAdminUser, s.listLogs)
	}
	return nil
}

// notFound is upstream's RelayNotFound, used for unknown /api and /v1 routes.
func notFound(w http.ResponseWriter, r *http.Request) {
	writeJSON(w, http.StatusNotFound, obj{"error": obj{
		"message": fmt.Sprintf("Invalid URL (%s %s)", r.Method, r.URL.Path), "type": "invalid_request_error", "code": ""}})
}

// clientIP is the peer address: the stub trusts no forwarding headers.
func clientIP(r *http.Request) string {
	host, _, err := net.SplitHostPort(r.RemoteAddr)
	if err != nil {
		return r.RemoteAddr
	}
	return host
}

type obj = map[string]any

func writeJSON(w http.ResponseWriter, status int, body any) {
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(body)
}

func ok(w http.ResponseWriter, data any) {
	writeJSON(w, http.StatusOK, obj{"success": true, "message": "", "data": data})
}

// apiError answers a failed action the way both auth schemes do for non-auth errors:
// HTTP 200 with success:false.
func apiError(w http.ResponseWriter, err error) {
	writeJSON(w, http.StatusOK, obj{"success": false, "message": err.Error()})
}

type statusRecorder struct {
	http.ResponseWriter
	status int
}

func (r *statusRecorder) WriteHeader(status int) {
	r.status = status
	r.ResponseWriter.WriteHeader(status)
}
