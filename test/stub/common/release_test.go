package common

import "testing"

func TestAtLeastComparesNumericCoresOfEveryTagShape(t *testing.T) {
	cases := []struct {
		tag, min string
		want     bool
	}{
		{"v0.8.8.3", "v0.8.5.2", true},
		{"v0.8.5.1", "v0.8.5.2", false},
		{"v0.9.2", "v0.10.0", false},
		{"v0.10.0", "v0.10.0", true},
		{"v0.10.3-crash", "v0.10.0", true},
		{"v0.11.0-alpha.1", "v0.10.0", true},
		{"v1.0.0-rc.7", "v1.0.0", true},
		{"v0.9.20-patch.1", "v0.10.0", false},
		{"nightly-20260409-44fc10b", "v1.0.0", true}, // no numeric core: the newest code
		{"", "v0.10.0", true},
	}
	for _, c := range cases {
		if got := ParseRelease(c.tag).AtLeast(c.min); got != c.want {
			t.Errorf("%q.AtLeast(%q) = %v, want %v", c.tag, c.min, got, c.want)
		}
	}
}

func TestParseReleaseSeparatesSuffix(t *testing.T) {
	r := ParseRelease("v0.10.3-badmigration")
	if r.Suffix != "badmigration" || len(r.Core) != 3 {
		t.Fatalf("got %+v", r)
	}
	if ParseRelease("v0.0.0").Known() != true || ParseRelease("nightly-x").Known() {
		t.Fatal("Known() wrong")
	}
}
