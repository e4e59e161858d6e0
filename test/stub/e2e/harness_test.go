// Package e2e runs the built stub as a black box: real processes on 127.0.0.1, a real
// SQLite file in a temporary directory, real HTTP.
package e2e

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/QuantumNous/new-api/model"
)

const (
	seedToken = model.SeedAccessToken
	seedKey   = model.SeedAPIKey
)

// Builds under test; "" is a plain `go build` without the version ldflag.
var buildTags = []string{"", "v0.9.1", "v0.10.1", "v1.0.0", "v0.10.3-crash"}

var bins = map[string]string{}

func TestMain(m *testing.M) {
	dir, err := os.MkdirTemp("", "stub-e2e-")
	if err != nil {
		panic(err)
	}
	code := 1
	if err := buildAll(dir); err != nil {
		fmt.Fprintln(os.Stderr, err)
	} else {
		code = m.Run()
	}
	os.RemoveAll(dir)
	os.Exit(code)
}

// buildAll builds the web UI, then one binary per tag (dynamically linked: faster than
// build.sh's static build, same code).
func buildAll(dir string) error {
	if out, err := exec.Command("node", "../web/build.mjs").CombinedOutput(); err != nil {
		return fmt.Errorf("web build: %v\n%s", err, out)
	}
	errs := make(chan error, len(buildTags))
	for _, tag := range buildTags {
		bin := filepath.Join(dir, "new-api"+tag)
		bins[tag] = bin
		go func(tag, bin string) {
			args := []string{"build", "-o", bin}
			if tag != "" {
				args = append(args, "-ldflags", "-X 'github.com/QuantumNous/new-api/common.Version="+tag+"'")
			}
			cmd := exec.Command("go", append(args, ".")...)
			cmd.Dir = ".."
			if out, err := cmd.CombinedOutput(); err != nil {
				errs <- fmt.Errorf("go build %s: %v\n%s", tag, err, out)
				return
			}
			errs <- nil
		}(tag, bin)
	}
	for range buildTags {
		if err := <-errs; err != nil {
			return err
		}
	}
	return nil
}

type syncBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *syncBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

type proc struct {
	t        *testing.T
	dir      string
	base     string
	cmd      *exec.Cmd
	stdout   *syncBuffer
	stderr   *syncBuffer
	exited   chan struct{}
	exitCode int
}

// launch starts build <tag> in dir (its working directory, so one-api.db and logs/ land
// there) with only the given environment and a free loopback port.
func launch(t *testing.T, tag, dir string, env ...string) *proc {
	t.Helper()
	return launchArgs(t, tag, dir, nil, env...)
}

func launchArgs(t *testing.T, tag, dir string, args []string, env ...string) *proc {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	port := fmt.Sprint(l.Addr().(*net.TCPAddr).Port)
	l.Close()
	p := &proc{t: t, dir: dir, base: "http://127.0.0.1:" + port, stdout: &syncBuffer{}, stderr: &syncBuffer{}, exited: make(chan struct{})}
	p.cmd = exec.Command(bins[tag], args...)
	p.cmd.Dir = dir
	p.cmd.Env = append([]string{"PORT=" + port, "STUB_LISTEN_HOST=127.0.0.1"}, env...)
	p.cmd.Stdout, p.cmd.Stderr = p.stdout, p.stderr
	if err := p.cmd.Start(); err != nil {
		t.Fatal(err)
	}
	go func() {
		_ = p.cmd.Wait()
		p.exitCode = p.cmd.ProcessState.ExitCode()
		close(p.exited)
	}()
	t.Cleanup(func() {
		_ = p.cmd.Process.Kill()
		<-p.exited
		if t.Failed() {
			t.Logf("stdout of %s:\n%s\nstderr:\n%s", tag, p.stdout, p.stderr)
		}
	})
	return p
}

func (p *proc) running() bool {
	select {
	case <-p.exited:
		return false
	default:
		return true
	}
}

// waitReady polls /api/status like a careful client would.
func (p *proc) waitReady(timeout time.Duration) {
	p.t.Helper()
	deadline := time.Now().Add(timeout)
	for time.Now().Before(deadline) {
		if !p.running() {
			p.t.Fatalf("exited with %d before it was ready", p.exitCode)
		}
		if resp, err := http.Get(p.base + "/api/status"); err == nil {
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				return
			}
		}
		time.Sleep(20 * time.Millisecond)
	}
	p.t.Fatalf("not ready within %v", timeout)
}

func (p *proc) waitExit(timeout time.Duration) int {
	p.t.Helper()
	select {
	case <-p.exited:
		return p.exitCode
	case <-time.After(timeout):
		p.t.Fatalf("still running after %v", timeout)
		return -1
	}
}

func (p *proc) signal(sig syscall.Signal) {
	if err := p.cmd.Process.Signal(sig); err != nil {
		p.t.Fatal(err)
	}
}

type response struct {
	status int
	header http.Header
	raw    string
	body   map[string]any
}

// call sends a request; headers come as name, value pairs.
func (p *proc) call(method, path string, body any, headers ...string) response {
	p.t.Helper()
	var reader io.Reader
	if body != nil {
		b, _ := json.Marshal(body)
		reader = bytes.NewReader(b)
	}
	req, err := http.NewRequest(method, p.base+path, reader)
	if err != nil {
		p.t.Fatal(err)
	}
	for i := 0; i+1 < len(headers); i += 2 {
		req.Header.Add(headers[i], headers[i+1])
	}
	client := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	resp, err := client.Do(req)
	if err != nil {
		p.t.Fatal(err)
	}
	defer resp.Body.Close()
	raw, _ := io.ReadAll(resp.Body)
	r := response{status: resp.StatusCode, header: resp.Header, raw: string(raw)}
	_ = json.Unmarshal(raw, &r.body)
	return r
}

func (p *proc) get(path string, headers ...string) response {
	return p.call(http.MethodGet, path, nil, headers...)
}

// at walks a decoded JSON document: at(body, "data", "items", 0, "name").
func at(v any, path ...any) any {
	for _, step := range path {
		switch s := step.(type) {
		case string:
			m, _ := v.(map[string]any)
			v = m[s]
		case int:
			a, _ := v.([]any)
			if s >= len(a) {
				return nil
			}
			v = a[s]
		}
	}
	return v
}

func (r response) expect(t *testing.T, status int) response {
	t.Helper()
	if r.status != status {
		t.Fatalf("HTTP %d, want %d: %s", r.status, status, r.raw)
	}
	return r
}

func contains(t *testing.T, what, text string, wants ...string) {
	t.Helper()
	for _, w := range wants {
		if !strings.Contains(text, w) {
			t.Fatalf("%s lacks %q:\n%s", what, w, text)
		}
	}
}
