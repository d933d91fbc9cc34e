# Guichet — build, run and test. `make run` and `make test` are the two commands a newcomer needs.
SHELL := /bin/bash
.SHELLFLAGS := -eu -o pipefail -c

GO      ?= go
BIN     := bin
VAR     := var
DEMO_DB := $(VAR)/demo.db
ADDR    ?= 127.0.0.1:8080
FYNE_TOOL := fyne.io/tools/cmd/fyne@v1.7.4
# Fyne reads the locale from LANG: tests pin one (a bare C locale makes it log an error), the app
# speaks French unless GUICHET_LANG says otherwise.
TEST_LANG := en_US.UTF-8
APP_LANG  ?= $(or $(GUICHET_LANG),fr_FR.UTF-8)

# Debian packages the build and the tests need (checked with dpkg, installed with apt-get when
# absent): cgo and Fyne's GL/X11 headers, Xvfb and ImageMagick for the smoke test's real window
# and screenshots, curl for its server check, PostgreSQL for the store's second engine, ALSA
# headers for the verdict sounds (ebitengine/oto; Windows needs nothing).
SYS_PKGS := gcc pkg-config libgl1-mesa-dev libx11-dev libxcursor-dev libxrandr-dev libxinerama-dev \
	libxi-dev libxxf86vm-dev libasound2-dev xvfb xauth imagemagick curl postgresql-15

.PHONY: all build run server test deps vet lint fmt-check smoke bench package clean fuzz fuzz-short cluster cluster-stop \
	windows package-windows test-windows deps-windows

all: build

deps: ## install missing system packages
	@missing=""; for p in $(SYS_PKGS); do dpkg -s $$p >/dev/null 2>&1 || missing="$$missing $$p"; done; \
	if [ -n "$$missing" ]; then \
	  echo "installing:$$missing"; \
	  SUDO=""; [ "$$(id -u)" -eq 0 ] || SUDO=sudo; \
	  $$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq --no-install-recommends $$missing; \
	fi

build: deps ## the server and the counter app, in bin/
	@mkdir -p $(BIN)
	$(GO) build -o $(BIN)/guichet-server ./sync/cmd/guichet-server
	$(GO) build -o $(BIN)/guichet .

run: build ## seed the demo, serve it, and open the counter app paired with it
	@mkdir -p $(VAR)
	$(BIN)/guichet-server demo --db $(DEMO_DB) --howto $(ADDR) > $(VAR)/demo.json
	@$(BIN)/guichet-server serve --db $(DEMO_DB) --addr $(ADDR) 2> $(VAR)/server.log & server=$$!; \
	trap "kill $$server 2>/dev/null" EXIT; \
	for i in $$(seq 50); do curl -sf http://$(ADDR)/healthz >/dev/null && break; sleep 0.1; done; \
	if ! kill -0 $$server 2>/dev/null; then echo "Le serveur n'a pas démarré (port $(ADDR) déjà pris ? ADDR=127.0.0.1:8081 make run) :"; cat $(VAR)/server.log; exit 1; fi; \
	echo "Serveur : http://$(ADDR) (journal : $(VAR)/server.log). Fermez la fenêtre de Guichet pour tout arrêter."; \
	if [ -z "$${DISPLAY:-}$${WAYLAND_DISPLAY:-}" ]; then \
	  echo "Pas d'écran (DISPLAY) : le serveur tourne seul ; Ctrl-C pour l'arrêter."; wait $$server; \
	else \
	  LANG=$(APP_LANG) $(BIN)/guichet --data $(VAR)/app --demo $(VAR)/demo.json --server http://$(ADDR); \
	fi

server: build ## serve the database in var/ (make run seeds it)
	@mkdir -p $(VAR)
	$(BIN)/guichet-server serve --db $(DEMO_DB) --addr $(ADDR)

fmt-check:
	@out=$$(gofmt -l $$(git ls-files '*.go' 2>/dev/null || find . -name '*.go')); \
	if [ -n "$$out" ]; then echo "gofmt needed:"; echo "$$out"; exit 1; fi

vet:
	$(GO) vet ./...

lint: deps fmt-check vet
	$(GO) tool staticcheck ./...

CLUSTER     := $(VAR)/cluster
CLUSTER_ADDR ?= 127.0.0.1:8090

cluster: deps ## PostgreSQL, two server replicas and HAProxy on this machine (docs/deploy.md)
	@command -v haproxy >/dev/null || { SUDO=""; [ "$$(id -u)" -eq 0 ] || SUDO=sudo; \
	  $$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq --no-install-recommends haproxy; }
	@mkdir -p $(BIN) $(VAR)
	$(GO) build -o $(BIN)/guichet-server ./sync/cmd/guichet-server
	$(GO) build -o $(BIN)/pgtmp ./sync/store/pgtest/pgtmp
	scripts/cluster.sh start $(abspath $(CLUSTER)) $(CLUSTER_ADDR)

cluster-stop: ## stop what make cluster started
	scripts/cluster.sh stop $(abspath $(CLUSTER))

smoke: build ## the real app in a real window under Xvfb against a real server, with screenshots
	scripts/smoke.sh $(VAR)/smoke

# The store and end-to-end tests run on SQLite and on PostgreSQL: a throwaway cluster (temporary
# directory, free port, user nobody) serves the whole run through GUICHET_TEST_PG.
test: deps lint ## everything: lint, unit and integration tests with -race (SQLite and PostgreSQL), the smoke tests (Linux, Windows under Wine)
	@mkdir -p $(BIN) && $(GO) build -o $(BIN)/pgtmp ./sync/store/pgtest/pgtmp
	@pgdir=$$(mktemp -d /tmp/guichet-pg.XXXXXX); \
	url=$$($(BIN)/pgtmp start $$pgdir); trap "$(BIN)/pgtmp stop $$pgdir" EXIT; \
	echo "PostgreSQL for the tests: $$url"; \
	GUICHET_TEST_PG=$$url LANG=$(TEST_LANG) $(GO) test -race -count=1 ./...
	$(MAKE) --no-print-directory fuzz-short
	$(MAKE) --no-print-directory smoke
	$(MAKE) --no-print-directory test-windows

# Fuzz targets of every parser that takes outside input (docs/security.md), as package:Target:N, where N is
# how many inputs `make fuzz-short` tries (a few seconds each on this machine; the slow targets get fewer).
FUZZ_TARGETS := app:FuzzParseScan:20000 app:FuzzSignedTicket:60000 app:FuzzValidateIBAN:60000 \
	app:FuzzCheckText:60000 app:FuzzParseStatementReference:60000 app/allocine:FuzzMap:20000 \
	sync/images:FuzzThumbnail:20000 sync/ratelimit:FuzzParseRule:60000 sync/server:FuzzNativeBodies:2000 \
	sync/server:FuzzProBodies:2000 sync/server:FuzzRequestLine:4000 camera:FuzzConvertFrame:10000 \
	camera:FuzzDecoder_Decode:1000 counter/lan:FuzzOpen:10000
FUZZTIME ?= 2m

# `make fuzz` runs each target for FUZZTIME; `make fuzz-short` (part of make test) runs each for its count of
# inputs instead of a duration, because Go 1.26's fuzzing coordinator can fail a duration-bounded run with
# "context deadline exceeded" when the time is up while a worker is busy (go.dev/issue/75804, fixed in 1.27);
# a count has no deadline to race.
fuzz: ## every fuzz target for FUZZTIME each (2 minutes by default: make fuzz FUZZTIME=10m)
	@for t in $(FUZZ_TARGETS); do pkg=$${t%%:*}; rest=$${t#*:}; name=$${rest%%:*}; n=$${rest#*:}; \
	  if [ -n "$(FUZZ_BY_COUNT)" ]; then budget=$${n}x; else budget=$(FUZZTIME); fi; \
	  echo "fuzz ./$$pkg $$name for $$budget"; \
	  LANG=$(TEST_LANG) $(GO) test -run '^$$' -fuzz "^$$name\$$" -fuzztime $$budget ./$$pkg/ || exit 1; done

fuzz-short: ## every fuzz target for its count of inputs, a few seconds each (part of make test)
	@$(MAKE) --no-print-directory fuzz FUZZ_BY_COUNT=1

bench: deps ## benchmarks (see docs/bench.md)
	$(GO) test -run '^$$' -bench . -benchtime 3s ./sync/... ./counter/... ./app/...

package: deps ## a Linux package of the counter app (fyne package), in bin/
	@mkdir -p $(BIN)
	$(GO) run $(FYNE_TOOL) package --os linux --release --name Guichet --app-id fr.guichet.counter --icon assets/icon.png
	mv -f Guichet.tar.xz $(BIN)/
	@echo "bin/Guichet.tar.xz: extract it and run 'make user-install' (or 'sudo make install') inside"

clean:
	rm -rf $(BIN) $(VAR)

# Webcam QR decoding bench (issues 5, 15): generates two deterministic camera-like frame sets, seed 5 (the
# decoder was tuned on it) and seed 1001 (hold-out: seeds >= 1000 are never used while tuning), then decodes
# the very same frames in one process with this pipeline ("guichet"), plain gozxing ("plain"), zxing-cpp and
# zbar (cgo harness behind the refdecoders tag), and prints rates per difficulty and situation, and times.
# Debian 12 has no package named "zbar": the library and headers come with libzbar-dev.
SCAN_PKGS := libzxing-dev libzbar-dev g++ pkg-config
SCAN_DIR  := $(VAR)/scanframes
SCAN_SETS := tuned:5 holdout:1001

.PHONY: bench-scan
bench-scan:
	@missing=""; for p in $(SCAN_PKGS); do dpkg -s $$p >/dev/null 2>&1 || missing="$$missing $$p"; done; \
	if [ -n "$$missing" ]; then \
	  echo "installing:$$missing"; \
	  SUDO=""; [ "$$(id -u)" -eq 0 ] || SUDO=sudo; \
	  $$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq --no-install-recommends $$missing; \
	fi
	@rm -rf $(SCAN_DIR) && mkdir -p $(VAR)
	@set -e; for s in $(SCAN_SETS); do name=$${s%%:*}; seed=$${s##*:}; \
	  $(GO) run ./camera/cmd/scangen -out $(SCAN_DIR)/$$name -seed $$seed -n 40; \
	done
	@set -e; for s in $(SCAN_SETS); do name=$${s%%:*}; seed=$${s##*:}; \
	  $(GO) run -tags refdecoders ./camera/cmd/scanbench -decoders guichet,plain,zxingcpp,zbar -repeat 3 -markdown \
	    $(SCAN_DIR)/$$name > $(VAR)/bench-scan-$$name.txt; \
	  echo; echo "== $$name frames (seed $$seed)"; grep -v '^[a-z]' $(VAR)/bench-scan-$$name.txt; \
	done
	@echo "per-file results: $(VAR)/bench-scan-*.txt"
	$(GO) test -run '^$$' -bench 'Decoder_Decode' -benchtime 50x -cpu 1 ./camera/
	$(GO) test -run '^$$' -bench 'Pipeline_' -benchtime 1x -cpu 1 ./camera/
	$(GO) test -run '^$$' -bench 'Decoder_SignedVsPlain' -benchtime 40x -cpu 1 ./camera/
	GUICHET_SCAN_STREAM=1016 $(GO) test -run '^$$' -bench 'Decoder_SignedVsPlain' -benchtime 40x -cpu 1 ./camera/

# ---- Windows (issue 10): the counter app cross-built with mingw-w64, packaged with NSIS, tested
# under Wine. See README "Windows" and docs/decisions.md.
WIN_PKGS    := locales gcc-mingw-w64-x86-64 g++-mingw-w64-x86-64 binutils-mingw-w64-x86-64 nsis wine wine64 \
	xvfb xauth xdotool imagemagick curl
WIN_DIR     := $(BIN)/windows
WIN_CC      := x86_64-w64-mingw32-gcc
APP_VERSION := $(shell sed -n 's/^Version = "\(.*\)"/\1/p' FyneApp.toml)
APP_BUILD   := $(shell sed -n 's/^Build = \([0-9]*\)/\1/p' FyneApp.toml)
WIN_VERSION4 := $(APP_VERSION).$(APP_BUILD)
WIN_SYSO    := rsrc_windows_amd64.syso

deps-windows: ## install the mingw-w64 cross-compilers, NSIS and Wine when missing
	@missing=""; for p in $(WIN_PKGS); do dpkg -s $$p >/dev/null 2>&1 || missing="$$missing $$p"; done; \
	if [ -n "$$missing" ]; then \
	  echo "installing:$$missing"; \
	  SUDO=""; [ "$$(id -u)" -eq 0 ] || SUDO=sudo; \
	  $$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq --no-install-recommends $$missing; \
	fi
	@# Wine takes Windows' language and code page from the Unix locale: French and English UTF-8
	@# locales must exist (otherwise accented arguments reach the app mangled).
	@SUDO=""; [ "$$(id -u)" -eq 0 ] || SUDO=sudo; \
	for l in fr_FR en_US; do locale -a | grep -qx "$$l.utf8" || { echo "generating the $$l.UTF-8 locale"; $$SUDO localedef -i $$l -f UTF-8 $$l.UTF-8; }; done

windows: deps-windows ## the counter app for Windows (amd64, cgo with mingw-w64): bin/windows/Guichet.exe
	@mkdir -p $(WIN_DIR)
	convert-im6.q16 assets/icon.png -background none -define icon:auto-resize=256,128,64,48,32,16 $(WIN_DIR)/guichet.ico
	x86_64-w64-mingw32-windres -O coff -I packaging/windows -I $(WIN_DIR) \
	  -DICON_FILE='\"guichet.ico\"' -DVERSION_STR='\"$(APP_VERSION)\"' \
	  -DVERSION_NUM=$$(echo $(WIN_VERSION4) | tr . ,) \
	  -i packaging/windows/guichet.rc -o $(WIN_SYSO)
	GOOS=windows GOARCH=amd64 CGO_ENABLED=1 CC=$(WIN_CC) CXX=x86_64-w64-mingw32-g++ \
	  $(GO) build -ldflags '-H=windowsgui -s -w -extldflags "-static"' -o $(WIN_DIR)/Guichet.exe . \
	  || { rm -f $(WIN_SYSO); exit 1; }
	rm -f $(WIN_SYSO)
	@ls -l $(WIN_DIR)/Guichet.exe

package-windows: windows ## the per-user Windows installer: bin/windows/Guichet-<version>-setup.exe
	makensis -V2 -DVERSION=$(APP_VERSION) -DVERSION4=$(WIN_VERSION4) \
	  -DEXE=$(CURDIR)/$(WIN_DIR)/Guichet.exe -DICON=$(CURDIR)/$(WIN_DIR)/guichet.ico \
	  -DOUTFILE=$(CURDIR)/$(WIN_DIR)/Guichet-$(APP_VERSION)-setup.exe packaging/windows/installer.nsi
	@ls -l $(WIN_DIR)/Guichet-$(APP_VERSION)-setup.exe

test-windows: package-windows ## the Windows build under Wine: camera, offline-store and counter-engine tests, install, a countermark typed and used, uninstall
	$(GO) build -o $(BIN)/guichet-server ./sync/cmd/guichet-server
	@# every package (tests included) builds and passes vet for Windows, not only those run under Wine
	GOOS=windows GOARCH=amd64 CGO_ENABLED=1 CC=$(WIN_CC) $(GO) vet ./...
	GOOS=windows GOARCH=amd64 CGO_ENABLED=1 CC=$(WIN_CC) $(GO) test -c -o $(WIN_DIR)/camera.test.exe ./camera
	@# the counter app's packages whose tests run under Wine (camera's, which need cgo, are run apart)
	for p in app counter/cache counter counter/lan prefs sound; do \
	  GOOS=windows GOARCH=amd64 CGO_ENABLED=0 $(GO) test -c -o $(WIN_DIR)/$$(basename $$p).test.exe ./$$p || exit 1; done
	GOOS=windows GOARCH=amd64 CGO_ENABLED=1 CC=$(WIN_CC) $(GO) test -c -o $(WIN_DIR)/ui.test.exe ./ui
	scripts/windows-test.sh $(WIN_DIR)/Guichet-$(APP_VERSION)-setup.exe $(WIN_DIR)/camera.test.exe $(VAR)/smoke-windows \
	  $(WIN_DIR)/app.test.exe@app $(WIN_DIR)/cache.test.exe@counter/cache $(WIN_DIR)/counter.test.exe@counter $(WIN_DIR)/lan.test.exe@counter/lan $(WIN_DIR)/prefs.test.exe@prefs \
	  $(WIN_DIR)/sound.test.exe@sound $(WIN_DIR)/ui.test.exe@ui
