# Project tasks. `make test` is the single test command (also run by CI);
# extra go test arguments: make test ARGS='./internal/testenv/... -run Mail'.
# make fuzz FUZZTIME=1m runs every fuzz target that long (default 3s each).
.PHONY: run test bench lint build fuzz

# Build, then exec the binary, so Ctrl-C (or a signal to make) reaches the
# server itself rather than a `go run` parent that leaves it running.
run: build
	exec ./journey serve --demo --backup-dir ./backups

test:
	bash scripts/test.sh $(ARGS)

bench:
	bash scripts/bench.sh

fuzz:
	FUZZTIME=$(or $(FUZZTIME),3s) bash scripts/fuzz.sh $(ARGS)

# staticcheck and govulncheck are installed on first use, pinned, as the
# test command installs its tools. govulncheck needs vuln.go.dev: offline,
# `make lint VULN=off` says plainly that no vulnerability check was made.
STATICCHECK_VERSION = v0.8.2
GOVULNCHECK_VERSION = v1.9.0
GOBIN = $(shell go env GOPATH)/bin
VULN ?= on

lint:
	go vet ./...
	@files="$$(gofmt -l .)"; if [ -n "$$files" ]; then echo "gofmt -l reports:"; echo "$$files"; exit 1; fi
	@[ -x "$(GOBIN)/staticcheck" ] || (cd / && GOFLAGS= go install honnef.co/go/tools/cmd/staticcheck@$(STATICCHECK_VERSION))
	$(GOBIN)/staticcheck ./...
	@[ -x "$(GOBIN)/govulncheck" ] || (cd / && GOFLAGS= go install golang.org/x/vuln/cmd/govulncheck@$(GOVULNCHECK_VERSION))
	@if [ "$(VULN)" = off ]; then echo "VULN=off: govulncheck NOT run; no vulnerability check was made"; \
	else $(GOBIN)/govulncheck ./... || { echo "govulncheck failed (offline? it needs https://vuln.go.dev; VULN=off skips it, saying so)"; exit 1; }; fi

# The release the binary reports (journey version, /healthz, metrics):
# the newest tag, with the commits since and -dirty for uncommitted
# changes (v0.1.0-4-gabc1234-dirty); "devel" outside a git checkout.
VERSION ?= $(shell git describe --tags --always --dirty 2>/dev/null || echo devel)

# A static, cgo-free binary, stripped of symbol tables and local paths
# (about 30 MB instead of 42 MB); the size is printed.
build:
	CGO_ENABLED=0 go build -trimpath -ldflags "-s -w -X main.version=$(VERSION)" -o journey ./cmd/journey
	@ls -l journey | awk '{ printf "journey: %.1f MB\n", $$5 / 1048576 }'
