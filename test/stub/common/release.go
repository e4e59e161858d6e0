package common

import (
	"strconv"
	"strings"
)

// Release is a parsed New API tag. Tags come in several shapes (v0.8.8.3, v0.13.2,
// v0.12.0-alpha.2, v0.9.20-patch.1, nightly-20260409-44fc10b), so parsing is permissive:
// the numeric core decides which behaviour a build has, the suffix names a prerelease
// or, in the test bed, a fault variant.
type Release struct {
	Core   []int
	Suffix string
}

// ParseRelease never fails: a tag without a numeric core (a nightly, or empty) has a nil Core
// and counts as the newest code.
func ParseRelease(tag string) Release {
	var r Release
	body := strings.TrimPrefix(strings.TrimSpace(tag), "v")
	core := body
	if i := strings.IndexByte(body, '-'); i >= 0 {
		core, r.Suffix = body[:i], body[i+1:]
	}
	for _, part := range strings.Split(core, ".") {
		n, err := strconv.Atoi(part)
		if err != nil {
			return Release{}
		}
		r.Core = append(r.Core, n)
	}
	return r
}

// Known reports whether the tag has a numeric core.
func (r Release) Known() bool { return r.Core != nil }

// AtLeast compares numeric cores only (v0.8.8.3 >= v0.8.5.2; v1.0.0-rc.7 counts as v1.0.0).
// An unknown release is the newest code, so it has every feature.
func (r Release) AtLeast(tag string) bool {
	if !r.Known() {
		return true
	}
	other := ParseRelease(tag).Core
	for i := 0; i < len(r.Core) || i < len(other); i++ {
		a, b := partAt(r.Core, i), partAt(other, i)
		if a != b {
			return a > b
		}
	}
	return true
}

func partAt(core []int, i int) int {
	if i < len(core) {
		return core[i]
	}
	return 0
}
