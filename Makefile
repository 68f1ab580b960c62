# Project tasks. `make test` is the single test command (also run by CI);
# extra go test arguments: make test ARGS='./internal/testenv/... -run Mail'.
# make fuzz FUZZTIME=1m runs every fuzz target that long (default 3s each).
.PHONY: run test bench lint build fuzz

run:
	go run ./cmd/journey serve --demo

test:
	bash scripts/test.sh $(ARGS)

bench:
	bash scripts/bench.sh

fuzz:
	FUZZTIME=$(or $(FUZZTIME),3s) bash scripts/fuzz.sh $(ARGS)

lint:
	go vet ./...
	@files="$$(gofmt -l .)"; if [ -n "$$files" ]; then echo "gofmt -l reports:"; echo "$$files"; exit 1; fi
	@sc="$$(command -v staticcheck || true)"; \
	if [ -z "$$sc" ] && [ -x "$$(go env GOPATH)/bin/staticcheck" ]; then sc="$$(go env GOPATH)/bin/staticcheck"; fi; \
	if [ -n "$$sc" ]; then "$$sc" ./...; else echo "staticcheck not installed; skipped"; fi

build:
	CGO_ENABLED=0 go build -o journey ./cmd/journey
