// Command new-api is the test bed's stand-in for New API (QuantumNous/new-api): the same
// module path, version ldflag, start-up log lines, SQLite data file and the HTTP surface the
// update action relies on, with fault variants selected by the build's tag. See README.md.
package main

import (
	"context"
	"crypto/rand"
	"embed"
	"errors"
	"flag"
	"fmt"
	"io/fs"
	"net"
	"net/http"
	"os"
	"os/signal"
	"strconv"
	"strings"
	"syscall"
	"time"
	// Scratch images have no zoneinfo; the guide's -e TZ=Asia/Shanghai must still apply.
	_ "time/tzdata"

	"github.com/QuantumNous/new-api/common"
	"github.com/QuantumNous/new-api/fault"
	"github.com/QuantumNous/new-api/model"
	"github.com/QuantumNous/new-api/server"
)

// The web UI is embedded, so it must be built (web/dist) before `go build`, as upstream.
//
//go:embed web/dist
var buildFS embed.FS

// VERSION holds the release a source checkout is (upstream keeps this file for its Docker
// build). It decides behaviour when no version was injected: a plain `go build` still reports
// v0.0.0 but acts as that release.
//
//go:embed VERSION
var versionFile string

var (
	port         = flag.Int("port", 3000, "the listening port")
	printVersion = flag.Bool("version", false, "print version and exit")
	printHelp    = flag.Bool("help", false, "print help and exit")
	logDir       = flag.String("log-dir", "./logs", "specify the log directory")
)

func main() {
	startTime := time.Now()
	flag.Parse()
	build := buildRelease()
	activeFault, faultErr := fault.Active(build)
	version := reportedVersion(activeFault)
	if *printVersion {
		fmt.Println(version)
		return
	}
	if *printHelp {
		fmt.Println("NewAPI(Based OneAPI) " + version + " - test bed stub")
		fmt.Println("Usage: new-api [--port <port>] [--log-dir <log directory>] [--version] [--help]")
		return
	}
	if *logDir != "" {
		if _, err := common.SetupLogger(*logDir); err != nil {
			common.FatalLog("failed to set up the log file: " + err.Error())
		}
	}
	if faultErr != nil {
		common.FatalLog(faultErr.Error())
	}
	cfg, err := configFromEnv(build, activeFault, version)
	if err != nil {
		common.FatalLog(err.Error())
	}
	master := os.Getenv("NODE_TYPE") != "slave"
	schema := model.SchemaFor(build)
	// Bearer logins need the login-session table whatever release forced the scheme.
	schema.AuthSessions = schema.AuthSessions || cfg.AuthScheme == server.AuthNew
	db, err := initDB(schema, activeFault, master, version)
	if err != nil {
		common.FatalLog("failed to initialize database: " + err.Error())
	}
	cfg.DB = db
	cfg.StartTime = startTime.Unix()
	cfg.Setup = db.CheckSetup(version)
	if conn := os.Getenv("REDIS_CONN_STRING"); conn != "" {
		if err := common.PingRedis(conn); err != nil {
			common.FatalLog("failed to initialize Redis: " + err.Error())
		}
		common.SysLog("Redis is enabled")
	}
	if frontend := os.Getenv("FRONTEND_BASE_URL"); frontend != "" {
		if master {
			common.SysLog("FRONTEND_BASE_URL is ignored on master node")
		} else {
			cfg.FrontendBaseURL = strings.TrimRight(frontend, "/")
		}
	}
	common.SysLog("New API " + version + " started")

	timings := fault.TimingsFromEnv()
	if activeFault == fault.SlowBoot {
		time.Sleep(timings.SlowBootDelay)
	}
	listenPort := os.Getenv("PORT")
	if listenPort == "" {
		listenPort = strconv.Itoa(*port)
	}
	listener, err := net.Listen("tcp", net.JoinHostPort(os.Getenv("STUB_LISTEN_HOST"), listenPort))
	if err != nil {
		common.FatalLog("failed to start HTTP server: " + err.Error())
	}
	common.LogStartupSuccess(startTime, "New API", version, listenPort)
	fault.AfterBoot(activeFault, timings, db)
	serve(&http.Server{Handler: server.New(cfg), ReadHeaderTimeout: 10 * time.Second}, listener, db)
}

func buildRelease() common.Release {
	if common.Version != "" && common.Version != "v0.0.0" {
		return common.ParseRelease(common.Version)
	}
	return common.ParseRelease(strings.TrimSpace(versionFile))
}

// reportedVersion: the VERSION environment variable overrides the build's version, as upstream.
func reportedVersion(f fault.Fault) string {
	if v := os.Getenv("VERSION"); v != "" {
		return v
	}
	if f == fault.WrongVersion {
		return fault.WrongVersionReported
	}
	return common.Version
}

// configFromEnv derives the HTTP behaviour from the build's release, with STUB_* overrides
// for tests.
func configFromEnv(build common.Release, f fault.Fault, version string) (server.Config, error) {
	cfg := server.Config{
		Version:       version,
		Fault:         f,
		AuthScheme:    server.AuthOld,
		VersionHeader: build.AtLeast("v0.10.0"),
		Paged:         build.AtLeast("v0.8.5.2"),
		Require2FA:    common.GetEnvOrDefaultBool("STUB_REQUIRE_2FA", false),
		RelayDelay:    common.GetEnvSeconds("STUB_RELAY_DELAY_SECONDS", 0),
		SessionSecret: []byte(os.Getenv("SESSION_SECRET")),
	}
	if build.AtLeast("v0.10.0") {
		cfg.AuthScheme = server.AuthNew
	}
	switch scheme := os.Getenv("STUB_AUTH_SCHEME"); scheme {
	case "":
	case server.AuthOld, server.AuthNew:
		cfg.AuthScheme = scheme
	default:
		return cfg, fmt.Errorf("STUB_AUTH_SCHEME must be old or new, not %q", scheme)
	}
	switch shape := os.Getenv("STUB_CHANNELS_SHAPE"); shape {
	case "":
	case "array", "paged":
		cfg.Paged = shape == "paged"
	default:
		return cfg, fmt.Errorf("STUB_CHANNELS_SHAPE must be array or paged, not %q", shape)
	}
	if len(cfg.SessionSecret) == 0 {
		// Like upstream without SESSION_SECRET: sessions die with the process.
		cfg.SessionSecret = make([]byte, 32)
		if _, err := rand.Read(cfg.SessionSecret); err != nil {
			return cfg, err
		}
	}
	if common.GetEnvOrDefaultBool("GLOBAL_API_RATE_LIMIT_ENABLE", true) {
		num := common.GetEnvOrDefault("GLOBAL_API_RATE_LIMIT", common.GetEnvOrDefault("GLOBAL_API_RATE_LIMIT_NUM", 180))
		cfg.APILimit = server.NewLimiter(num, time.Duration(common.GetEnvOrDefault("GLOBAL_API_RATE_LIMIT_DURATION", 180))*time.Second)
	}
	if common.GetEnvOrDefaultBool("CRITICAL_RATE_LIMIT_ENABLE", true) {
		num := common.GetEnvOrDefault("CRITICAL_RATE_LIMIT", 20)
		cfg.LoginLimit = server.NewLimiter(num, time.Duration(common.GetEnvOrDefault("CRITICAL_RATE_LIMIT_DURATION", 20*60))*time.Second)
	}
	web, err := fs.Sub(buildFS, "web/dist")
	cfg.Web = web
	return cfg, err
}

// initDB opens the database and, on a master, migrates it: upstream's InitDB with the bed's
// boot-time faults and seed.
func initDB(schema model.Schema, f fault.Fault, master bool, version string) (*model.DB, error) {
	if dsn := os.Getenv("SQL_DSN"); dsn != "" && !strings.HasPrefix(dsn, "local") {
		return nil, errors.New("SQL_DSN is set, but this stub keeps its data in SQLite only")
	}
	common.SysLog("SQL_DSN not set, using SQLite as database")
	path := os.Getenv("SQLITE_PATH")
	if path == "" {
		path = "one-api.db" // relative, like upstream: /data/one-api.db under the image's WORKDIR /data
	}
	if f == fault.EmptyDB {
		path = ""
	}
	db, err := model.Open(path, schema)
	if err != nil {
		return nil, err
	}
	if master {
		common.SysLog("database migration started")
	}
	switch {
	case f == fault.Crash:
		return nil, errors.New("SQL logic error: duplicate column name: auth_version (1)")
	case f == fault.BadMigration && master:
		if err := db.DropChannels(); err != nil {
			return nil, err
		}
		return nil, errors.New("SQL logic error: no such table: channels (1)")
	}
	if !master {
		return db, nil
	}
	if err := db.Migrate(); err != nil {
		return nil, err
	}
	if f != fault.EmptyDB && common.GetEnvOrDefaultBool("STUB_SEED", true) {
		seeded, err := db.SeedIfEmpty(version)
		if err != nil {
			return nil, err
		}
		if seeded {
			common.SysLog("empty database: seeded the test bed's root user, access token, API key and channels")
		}
	}
	return db, nil
}

// serve runs until SIGTERM or SIGINT, then drains in-flight requests for up to
// SHUTDOWN_TIMEOUT_SECONDS and exits as soon as they are done.
func serve(srv *http.Server, listener net.Listener, db *model.DB) {
	signals := make(chan os.Signal, 1)
	signal.Notify(signals, syscall.SIGTERM, syscall.SIGINT)
	served := make(chan error, 1)
	go func() { served <- srv.Serve(listener) }()
	select {
	case err := <-served:
		common.FatalLog("failed to start HTTP server: " + err.Error())
	case sig := <-signals:
		timeout := time.Duration(common.GetEnvOrDefault("SHUTDOWN_TIMEOUT_SECONDS", 120)) * time.Second
		common.SysLog(fmt.Sprintf("received %v, shutting down (draining requests for up to %v)", sig, timeout))
		ctx, cancel := context.WithTimeout(context.Background(), timeout)
		defer cancel()
		if err := srv.Shutdown(ctx); err != nil {
			common.SysError("shutdown did not drain in time: " + err.Error())
		}
		if err := db.Close(); err != nil {
			common.SysError("failed to close database: " + err.Error())
		}
		common.SysLog("server exited")
	}
}
