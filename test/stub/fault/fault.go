// Package fault names the test bed's broken releases. A build's fault is fixed by its tag
// suffix (v0.10.3-crash), so tests and benchmarks can pick a failure by image tag alone.
package fault

import (
	"fmt"
	"os"
	"strings"
	"time"

	"github.com/QuantumNous/new-api/common"
)

type Fault string

const (
	None         Fault = ""
	Crash        Fault = "crash"        // [FATAL] failed to initialize database, exit 1, at every boot
	SlowBoot     Fault = "slowboot"     // listens only after SlowBootDelay
	BadMigration Fault = "badmigration" // master: drops the channels table, then [FATAL], exit 1
	EmptyDB      Fault = "emptydb"      // ignores the configured database: setup:false
	WrongVersion Fault = "wrongversion" // reports v0.10.1
	BadLogin     Fault = "badlogin"     // rejects every password login and system access token
	ChannelsOff  Fault = "channelsoff"  // auto-disables every enabled channel after ChannelsOffAfter
	LogErrors    Fault = "logerrors"    // serves, but logs a [FATAL] and a panic: line after LogErrorsAfter
	CrashLater   Fault = "crashlater"   // serves for CrashLaterAfter, then panics (exit 2)
)

var all = []Fault{Crash, SlowBoot, BadMigration, EmptyDB, WrongVersion, BadLogin, ChannelsOff, LogErrors, CrashLater}

// WrongVersionReported is what a wrongversion build claims to be.
const WrongVersionReported = "v0.10.1"

// FromRelease reads the fault a tag names; prerelease suffixes like alpha.1 name none.
func FromRelease(r common.Release) Fault {
	for _, f := range all {
		if string(f) == r.Suffix {
			return f
		}
	}
	return None
}

// Active is the build's fault unless STUB_FAULT forces another one ("none" clears it).
func Active(build common.Release) (Fault, error) {
	forced := strings.TrimSpace(os.Getenv("STUB_FAULT"))
	switch forced {
	case "":
		return FromRelease(build), nil
	case "none":
		return None, nil
	}
	for _, f := range all {
		if string(f) == forced {
			return f, nil
		}
	}
	return None, fmt.Errorf("unknown STUB_FAULT %q (known: none, %s)", forced, names())
}

func names() string {
	s := make([]string, len(all))
	for i, f := range all {
		s[i] = string(f)
	}
	return strings.Join(s, ", ")
}

// Timings are the bed's defaults; tests shorten them through the environment.
type Timings struct {
	SlowBootDelay    time.Duration
	ChannelsOffAfter time.Duration
	LogErrorsAfter   time.Duration
	CrashLaterAfter  time.Duration
}

func TimingsFromEnv() Timings {
	return Timings{
		SlowBootDelay:    common.GetEnvSeconds("STUB_SLOWBOOT_SECONDS", 8*time.Second),
		ChannelsOffAfter: common.GetEnvSeconds("STUB_CHANNELSOFF_SECONDS", 3*time.Second),
		LogErrorsAfter:   common.GetEnvSeconds("STUB_LOGERRORS_SECONDS", 1*time.Second),
		CrashLaterAfter:  common.GetEnvSeconds("STUB_CRASHLATER_SECONDS", 4*time.Second),
	}
}
