package e2e

import (
	"database/sql"
	"net/http"
	"path/filepath"
	"strings"
	"testing"
	"time"

	_ "github.com/mattn/go-sqlite3"
)

var rootLogin = map[string]string{"username": "root", "password": "123456"}

func TestNewSchemeLoginReturnsABearerAccessToken(t *testing.T) {
	t.Parallel()
	p := launch(t, "v0.10.1", t.TempDir())
	p.waitReady(5 * time.Second)

	r := p.call(http.MethodPost, "/api/user/login", rootLogin).expect(t, 200)
	token, _ := at(r.body, "data", "access_token").(string)
	if token == "" || at(r.body, "data", "token_type") != "Bearer" || at(r.body, "data", "user", "id") != 1.0 {
		t.Fatalf("login: %s", r.raw)
	}
	if exp := at(r.body, "data", "access_expires_at").(float64); time.Until(time.Unix(int64(exp), 0)) > 15*time.Minute {
		t.Fatalf("access token outlives 15 minutes: %v", exp)
	}
	refresh := r.header.Get("Set-Cookie")
	if !strings.HasPrefix(refresh, "new_api_refresh=") || !strings.Contains(refresh, "Path=/api/user/auth") ||
		!strings.Contains(refresh, "HttpOnly") {
		t.Fatalf("refresh cookie: %q", refresh)
	}
	self := p.get("/api/user/self", "Authorization", "Bearer "+token).expect(t, 200)
	if at(self.body, "data", "username") != "root" || at(self.body, "data", "role") != 100.0 {
		t.Fatalf("self: %s", self.raw)
	}
	p.get("/api/status/test", "Authorization", "Bearer "+token).expect(t, 200)

	tampered := token[:len(token)-2] + "xx"
	if r := p.get("/api/user/self", "Authorization", "Bearer "+tampered).expect(t, 401); at(r.body, "code") != "AUTH_UNAUTHORIZED" {
		t.Fatalf("tampered token: %s", r.raw)
	}
	if r := p.get("/api/user/self").expect(t, 401); at(r.body, "code") == nil {
		t.Fatalf("no credentials: %s", r.raw)
	}
	wrong := p.call(http.MethodPost, "/api/user/login", map[string]string{"username": "root", "password": "nope"}).expect(t, 401)
	if at(wrong.body, "code") != "AUTH_INVALID_CREDENTIALS" || at(wrong.body, "success") != false {
		t.Fatalf("wrong password: %s", wrong.raw)
	}

	// The system access token works in both schemes, sent with New-Api-User.
	p.get("/api/user/self", "Authorization", "Bearer "+seedToken, "New-Api-User", "1").expect(t, 200)
	if r := p.get("/api/user/self", "Authorization", "Bearer not-a-token", "New-Api-User", "1").expect(t, 401); at(r.body, "code") != "AUTH_UNAUTHORIZED" {
		t.Fatalf("bad access token: %s", r.raw)
	}
}

func TestOldSchemeUsesASessionCookieAndAnswersErrorsWith200(t *testing.T) {
	t.Parallel()
	p := launch(t, "v0.9.1", t.TempDir())
	p.waitReady(5 * time.Second)
	if h := p.get("/api/status").header.Get("X-New-Api-Version"); h != "" {
		t.Fatalf("v0.9.1 sends X-New-Api-Version %q", h)
	}

	r := p.call(http.MethodPost, "/api/user/login", rootLogin).expect(t, 200)
	if at(r.body, "success") != true || at(r.body, "data", "access_token") != nil || at(r.body, "data", "id") != 1.0 {
		t.Fatalf("login: %s", r.raw)
	}
	cookie := r.header.Get("Set-Cookie")
	if !strings.HasPrefix(cookie, "session=") {
		t.Fatalf("session cookie: %q", cookie)
	}
	session := strings.SplitN(cookie, ";", 2)[0]
	if r := p.get("/api/channel/?p=1&page_size=100", "Cookie", session).expect(t, 401); !strings.Contains(r.raw, "New-Api-User") {
		t.Fatalf("cookie without New-Api-User: %s", r.raw)
	}
	p.get("/api/channel/?p=1&page_size=100", "Cookie", session, "New-Api-User", "1").expect(t, 200)
	p.get("/api/user/self", "Cookie", session, "New-Api-User", "2").expect(t, 401)

	wrong := p.call(http.MethodPost, "/api/user/login", map[string]string{"username": "root", "password": "nope"}).expect(t, 200)
	if at(wrong.body, "success") != false || at(wrong.body, "code") != nil {
		t.Fatalf("wrong password: %s", wrong.raw)
	}
	if r := p.get("/api/user/self", "Authorization", "Bearer wrong", "New-Api-User", "1").expect(t, 200); at(r.body, "success") != false {
		t.Fatalf("bad access token: %s", r.raw)
	}
	p.get("/api/user/self", "Authorization", "Bearer "+seedToken, "New-Api-User", "1").expect(t, 200)
}

func TestAuthSchemeOverrideAnd2FA(t *testing.T) {
	t.Parallel()
	p := launch(t, "v0.9.1", t.TempDir(), "STUB_AUTH_SCHEME=new")
	p.waitReady(5 * time.Second)
	if r := p.call(http.MethodPost, "/api/user/login", rootLogin).expect(t, 200); at(r.body, "data", "access_token") == nil {
		t.Fatalf("STUB_AUTH_SCHEME=new: %s", r.raw)
	}

	twoFA := launch(t, "v0.10.1", t.TempDir(), "STUB_REQUIRE_2FA=true")
	twoFA.waitReady(5 * time.Second)
	r := twoFA.call(http.MethodPost, "/api/user/login", rootLogin).expect(t, 200)
	if at(r.body, "data", "require_2fa") != true || at(r.body, "data", "access_token") != nil {
		t.Fatalf("2FA login: %s", r.raw)
	}
}

func TestLoginIsLimitedTo20Per20MinutesPerClient(t *testing.T) {
	t.Parallel()
	p := launch(t, "v0.10.1", t.TempDir())
	p.waitReady(5 * time.Second)
	for i := 1; i <= 20; i++ {
		p.call(http.MethodPost, "/api/user/login", rootLogin).expect(t, 200)
	}
	p.call(http.MethodPost, "/api/user/login", rootLogin).expect(t, 429)
}

func TestGetUserTokenRegeneratesTheTokenAndIsRecorded(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	p := launch(t, "v0.10.1", dir)
	p.waitReady(5 * time.Second)
	if n := callCount(t, dir, "user_token_regenerate"); n != 0 {
		t.Fatalf("count before: %d", n)
	}
	r := p.get("/api/user/token", "Authorization", "Bearer "+seedToken, "New-Api-User", "1").expect(t, 200)
	fresh, _ := at(r.body, "data").(string)
	if fresh == "" || fresh == seedToken {
		t.Fatalf("regenerate: %s", r.raw)
	}
	p.get("/api/user/self", "Authorization", "Bearer "+seedToken, "New-Api-User", "1").expect(t, 401)
	p.get("/api/user/self", "Authorization", "Bearer "+fresh, "New-Api-User", "1").expect(t, 200)
	if n := callCount(t, dir, "user_token_regenerate"); n != 1 {
		t.Fatalf("count after: %d", n)
	}
	contains(t, "stderr", p.stderr.String(), "REGENERATED the system access token of user 1")
}

// callCount reads stub_calls from the process's database file.
func callCount(t *testing.T, dir, name string) int {
	t.Helper()
	db := openData(t, dir)
	var n int
	err := db.QueryRow("SELECT count FROM stub_calls WHERE name = ?", name).Scan(&n)
	if err != nil && err != sql.ErrNoRows {
		t.Fatal(err)
	}
	return n
}

func openData(t *testing.T, dir string) *sql.DB {
	t.Helper()
	db, err := sql.Open("sqlite3", "file:"+filepath.Join(dir, "one-api.db")+"?_busy_timeout=5000")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	return db
}
