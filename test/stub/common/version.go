package common

// Version is what the server reports. Like upstream it is injected at build time:
//
//	go build -ldflags "-X 'github.com/QuantumNous/new-api/common.Version=v0.10.1'"
//
// so a plain `go build` reports v0.0.0 (upstream issue #2242).
var Version = "v0.0.0"
