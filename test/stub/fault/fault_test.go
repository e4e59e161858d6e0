package fault

import (
	"testing"

	"github.com/QuantumNous/new-api/common"
)

func TestTagSuffixNamesTheFault(t *testing.T) {
	cases := map[string]Fault{
		"v0.10.3-crash":        Crash,
		"v0.10.3-crashlater":   CrashLater,
		"v0.10.3-badmigration": BadMigration,
		"v0.10.3-wrongversion": WrongVersion,
		"v0.11.0-alpha.1":      None,
		"v0.10.1":              None,
	}
	for tag, want := range cases {
		if got := FromRelease(common.ParseRelease(tag)); got != want {
			t.Errorf("%s: got %q, want %q", tag, got, want)
		}
	}
}

func TestStubFaultOverridesTheTag(t *testing.T) {
	t.Setenv("STUB_FAULT", "slowboot")
	if f, err := Active(common.ParseRelease("v0.10.3-crash")); err != nil || f != SlowBoot {
		t.Fatalf("got %q, %v", f, err)
	}
	t.Setenv("STUB_FAULT", "none")
	if f, _ := Active(common.ParseRelease("v0.10.3-crash")); f != None {
		t.Fatalf("none did not clear the fault: %q", f)
	}
	t.Setenv("STUB_FAULT", "typo")
	if _, err := Active(common.ParseRelease("v0.10.1")); err == nil {
		t.Fatal("an unknown STUB_FAULT was accepted")
	}
}
