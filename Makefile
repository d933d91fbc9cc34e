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

server: build ## serve the database in var/ (make run seeds it)
	@mkdir -p $(VAR)
	$(BIN)/guichet-server serve --db $(DEMO_DB) --addr $(ADDR)

run: build ## seed the demo and start the server, printing how to try it
	@mkdir -p $(VAR)
	$(BIN)/guichet-server demo --db $(DEMO_DB) --howto $(ADDR) > $(VAR)/demo.json
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

bench: deps ## benchmarks (see docs/bench.md)
	$(GO) test -run '^$$' -bench . -benchtime 3s ./sync/...

clean:
	rm -rf $(BIN) $(VAR)
