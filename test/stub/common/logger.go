package common

import (
	"fmt"
	"io"
	"net"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"time"
)

// The writers mirror gin.DefaultWriter/DefaultErrorWriter upstream: stdout and stderr (what
// `docker logs` shows), each teed into the --log-dir file when there is one.
var (
	logMu     sync.Mutex
	logOut    io.Writer = os.Stdout
	logErrOut io.Writer = os.Stderr
)

const timeLayout = "2006/01/02 - 15:04:05"

// SetupLogger opens <dir>/oneapi-<timestamp>.log as upstream does, creating the directory.
func SetupLogger(dir string) (string, error) {
	abs, err := filepath.Abs(dir)
	if err != nil {
		return "", err
	}
	if err := os.MkdirAll(abs, 0o777); err != nil {
		return "", err
	}
	path := filepath.Join(abs, fmt.Sprintf("oneapi-%s.log", time.Now().Format("20060102150405")))
	fd, err := os.OpenFile(path, os.O_APPEND|os.O_CREATE|os.O_WRONLY, 0o644)
	if err != nil {
		return "", err
	}
	logMu.Lock()
	logOut = io.MultiWriter(os.Stdout, fd)
	logErrOut = io.MultiWriter(os.Stderr, fd)
	logMu.Unlock()
	return path, nil
}

// WriteOut and WriteErr write pre-formatted text (the banner, access log lines, simulated
// crash output) to the same sinks as SysLog and SysError.
func WriteOut(s string) { write(false, s) }
func WriteErr(s string) { write(true, s) }

func write(toErr bool, s string) {
	logMu.Lock()
	defer logMu.Unlock()
	if toErr {
		_, _ = io.WriteString(logErrOut, s)
	} else {
		_, _ = io.WriteString(logOut, s)
	}
}

func now() string { return time.Now().Format(timeLayout) }

func SysLog(s string) { WriteOut(fmt.Sprintf("[SYS] %v | %s \n", now(), s)) }

func SysError(s string) { WriteErr(fmt.Sprintf("[SYS] %v | %s \n", now(), s)) }

// FatalLog prints upstream's shape, `[FATAL] <time> | [<message>]` (a slice printed with %v),
// and exits 1.
func FatalLog(v ...any) {
	WriteErr(FatalLine(v...))
	os.Exit(1)
}

func FatalLine(v ...any) string { return fmt.Sprintf("[FATAL] %v | %v \n", now(), v) }

// LogStartupSuccess prints upstream's banner (since v0.9.1) verbatim, ANSI colour codes
// included: log parsers must cope with them exactly as with the real server.
func LogStartupSuccess(start time.Time, systemName, version, port string) {
	var b strings.Builder
	b.WriteString("\n")
	fmt.Fprintf(&b, "  \033[32m%s %s\033[0m  ready in %d ms\n", systemName, version, time.Since(start).Milliseconds())
	b.WriteString("\n")
	if !runningInContainer() {
		fmt.Fprintf(&b, "  ➜  \033[1mLocal:\033[0m   http://localhost:%s/\n", port)
	}
	for _, ip := range networkIPs() {
		fmt.Fprintf(&b, "  ➜  \033[1mNetwork:\033[0m http://%s:%s/\n", ip, port)
	}
	b.WriteString("\n")
	WriteOut(b.String())
}

func runningInContainer() bool {
	if _, err := os.Stat("/.dockerenv"); err == nil {
		return true
	}
	cgroup, err := os.ReadFile("/proc/1/cgroup")
	return err == nil && (strings.Contains(string(cgroup), "docker") || strings.Contains(string(cgroup), "containerd"))
}

func networkIPs() []string {
	addrs, err := net.InterfaceAddrs()
	if err != nil {
		return nil
	}
	var ips []string
	for _, addr := range addrs {
		if ipNet, ok := addr.(*net.IPNet); ok && !ipNet.IP.IsLoopback() && ipNet.IP.To4() != nil {
			ips = append(ips, ipNet.IP.String())
		}
	}
	return ips
}
