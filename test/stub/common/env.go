package common

import (
	"os"
	"strconv"
	"strings"
	"time"
)

func GetEnvOrDefault(name string, def int) int {
	if v, err := strconv.Atoi(strings.TrimSpace(os.Getenv(name))); err == nil {
		return v
	}
	return def
}

func GetEnvOrDefaultBool(name string, def bool) bool {
	if v, err := strconv.ParseBool(strings.TrimSpace(os.Getenv(name))); err == nil {
		return v
	}
	return def
}

// GetEnvSeconds reads a duration given in (possibly fractional) seconds, so tests can
// shorten the bed's fault timings to fractions of a second.
func GetEnvSeconds(name string, def time.Duration) time.Duration {
	if v, err := strconv.ParseFloat(strings.TrimSpace(os.Getenv(name)), 64); err == nil && v >= 0 {
		return time.Duration(v * float64(time.Second))
	}
	return def
}
