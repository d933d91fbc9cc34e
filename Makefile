# Guichet — build, run and test. `make run` and `make test` are the two commands a newcomer needs.
SHELL := /bin/bash
.SHELLFLAGS := -eu -o pipefail -c

GO      ?= go
BIN     := bin
VAR     := var
DEMO_DB := $(VAR)/demo.db
ADDR    ?= 127.0.0.1:8080

# Debian packages the build and the tests need (checked with dpkg, installed with apt-get when absent).
SYS_PKGS := gcc pkg-config

.PHONY: all build run server test deps vet lint fmt-check bench clean

all: build

deps: ## install missing system packages
	@missing=""; for p in $(SYS_PKGS); do dpkg -s $$p >/dev/null 2>&1 || missing="$$missing $$p"; done; \
	if [ -n "$$missing" ]; then \
	  echo "installing:$$missing"; \
	  SUDO=""; [ "$$(id -u)" -eq 0 ] || SUDO=sudo; \
	  $$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq --no-install-recommends $$missing; \
	fi

build: deps
	@mkdir -p $(BIN)
	$(GO) build -o $(BIN)/guichet-server ./sync/cmd/guichet-server

server: build ## seed the demo database and serve it
	@mkdir -p $(VAR)
	$(BIN)/guichet-server demo --db $(DEMO_DB) > $(VAR)/demo.json
	$(BIN)/guichet-server serve --db $(DEMO_DB) --addr $(ADDR)

run: build ## seed the demo and start the server, printing how to try it
	@mkdir -p $(VAR)
	$(BIN)/guichet-server demo --db $(DEMO_DB) > $(VAR)/demo.json
	@scripts/try.sh $(VAR)/demo.json $(ADDR)
	$(BIN)/guichet-server serve --db $(DEMO_DB) --addr $(ADDR)

fmt-check:
	@out=$$(gofmt -l $$(git ls-files '*.go' 2>/dev/null || find . -name '*.go')); \
	if [ -n "$$out" ]; then echo "gofmt needed:"; echo "$$out"; exit 1; fi

vet:
	$(GO) vet ./...

lint: fmt-check vet
	$(GO) tool staticcheck ./...

test: deps lint
	$(GO) test -race -count=1 ./...

bench: deps
	$(GO) test -run '^$$' -bench . -benchtime 2s ./sync/...

clean:
	rm -rf $(BIN) $(VAR)

# Webcam QR decoding bench (issue 5): generates the deterministic frame set, then decodes the very same
# frames in one process with this pipeline ("guichet"), plain gozxing ("plain"), zxing-cpp and zbar
# (cgo harness behind the refdecoders tag), and prints rates per difficulty and per-frame times.
# Debian 12 has no package named "zbar": the library and headers come with libzbar-dev.
SCAN_PKGS := libzxing-dev libzbar-dev g++ pkg-config
SCAN_DIR  := $(VAR)/scanframes

.PHONY: bench-scan
bench-scan:
	@missing=""; for p in $(SCAN_PKGS); do dpkg -s $$p >/dev/null 2>&1 || missing="$$missing $$p"; done; \
	if [ -n "$$missing" ]; then \
	  echo "installing:$$missing"; \
	  SUDO=""; [ "$$(id -u)" -eq 0 ] || SUDO=sudo; \
	  $$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq --no-install-recommends $$missing; \
	fi
	@rm -rf $(SCAN_DIR) && mkdir -p $(VAR)
	$(GO) run ./camera/cmd/scangen -out $(SCAN_DIR) -seed 5 -n 40
	$(GO) run -tags refdecoders ./camera/cmd/scanbench -decoders guichet,plain,zxingcpp,zbar -repeat 3 -markdown $(SCAN_DIR) > $(VAR)/bench-scan.txt
	@grep -v '^[a-z]' $(VAR)/bench-scan.txt
	@echo "per-file results: $(VAR)/bench-scan.txt"
	$(GO) test -run '^$$' -bench 'Decoder_Decode' -benchtime 50x -cpu 1 ./camera/
	$(GO) test -run '^$$' -bench 'Pipeline_' -benchtime 1x -cpu 1 ./camera/
