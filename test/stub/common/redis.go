package common

import (
	"bufio"
	"fmt"
	"net"
	"net/url"
	"strings"
	"time"
)

// PingRedis checks REDIS_CONN_STRING the way upstream's start-up does (a failed ping is
// fatal), speaking just enough RESP to AUTH, SELECT and PING.
func PingRedis(connString string) error {
	u, err := url.Parse(connString)
	if err != nil || (u.Scheme != "redis" && u.Scheme != "rediss") || u.Host == "" {
		return fmt.Errorf("invalid REDIS_CONN_STRING (want redis://[user:password@]host:port[/db])")
	}
	if u.Scheme == "rediss" {
		return fmt.Errorf("rediss:// (TLS) is not supported by the stub")
	}
	addr := u.Host
	if u.Port() == "" {
		addr = net.JoinHostPort(u.Hostname(), "6379")
	}
	conn, err := net.DialTimeout("tcp", addr, 5*time.Second)
	if err != nil {
		return err
	}
	defer conn.Close()
	_ = conn.SetDeadline(time.Now().Add(5 * time.Second))
	reader := bufio.NewReader(conn)
	command := func(args ...string) (string, error) {
		var b strings.Builder
		fmt.Fprintf(&b, "*%d\r\n", len(args))
		for _, a := range args {
			fmt.Fprintf(&b, "$%d\r\n%s\r\n", len(a), a)
		}
		if _, err := conn.Write([]byte(b.String())); err != nil {
			return "", err
		}
		line, err := reader.ReadString('\n')
		line = strings.TrimRight(line, "\r\n")
		if err == nil && strings.HasPrefix(line, "-") {
			err = fmt.Errorf("%s", strings.TrimPrefix(line, "-"))
		}
		return line, err
	}
	if password, set := u.User.Password(); set {
		args := []string{"AUTH", password}
		if name := u.User.Username(); name != "" {
			args = []string{"AUTH", name, password}
		}
		if _, err := command(args...); err != nil {
			return err
		}
	}
	if db := strings.Trim(u.Path, "/"); db != "" {
		if _, err := command("SELECT", db); err != nil {
			return err
		}
	}
	reply, err := command("PING")
	if err != nil {
		return err
	}
	if reply != "+PONG" {
		return fmt.Errorf("unexpected PING reply %q", reply)
	}
	return nil
}
