#!/usr/bin/env bash
# The Windows build under Wine, as a cinema's PC would run it: a throwaway Wine prefix, the
# Media Foundation camera tests, the installer run silently, the installed Guichet.exe opened
# under Xvfb against a demo server, a confirmed countermark typed with xdotool (as a USB
# scanner types it) and checked used through the server's countermark API, screenshots in
# OUT_DIR, the data folder checked in %LOCALAPPDATA% and in a folder with spaces and accents,
# then the uninstaller. Usage: scripts/windows-test.sh SETUP.exe camera.test.exe OUT_DIR [TEST.exe@PKG_DIR…]
# (make test-windows builds them; each further Go test program — the counter's offline store and
# engine, the screens, preferences, sound — runs all its tests under Wine, in its package folder). Debian 12's Wine 8.0 lacks ProcessPrng, which Go
# programs need at start: a test-only shim (scripts/wine/bcryptprimitives.c) goes into the
# throwaway prefix, never into the installer.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
setup=$(realpath "$1") camtest=$(realpath "$2")
out=$(mkdir -p "$3" && cd "$3" && pwd)
shift 3
# EXE@PACKAGE_DIR: a test program runs in its package's folder, as go test runs it (the package
# folder, relative to the checkout, holds no @; the paths around it may).
gotests=() gotest_dirs=()
for t in "$@"; do gotests+=("$(realpath "${t%@*}")"); gotest_dirs+=("$root/${t##*@}"); done
tmp=$(mktemp -d)
server_pid="" xvfb_pid="" app_pid=""
export WINEPREFIX="$tmp/wine prefix" WINEDEBUG=-all WINEDLLOVERRIDES="mscoree,mshtml=" LIBGL_ALWAYS_SOFTWARE=1
cleanup() {
  [ -n "$app_pid" ] && kill "$app_pid" 2>/dev/null || true
  wineserver -k 2>/dev/null || true
  [ -n "$server_pid" ] && kill "$server_pid" 2>/dev/null || true
  [ -n "$xvfb_pid" ] && kill "$xvfb_pid" 2>/dev/null || true
  rm -rf "$tmp"
}
trap cleanup EXIT
fail() { echo "windows-test: $*"; [ -f "$tmp/app.log" ] && { echo "--- app log"; tail -40 "$tmp/app.log"; }; exit 1; }
rm -f "$out"/*.png

# The X server first: Wine's processes (wineserver, explorer) started by wineboot keep the
# display they were started with.
Xvfb -displayfd 3 -screen 0 1280x800x24 +extension GLX -nolisten tcp 3> "$tmp/display" 2>/dev/null &
xvfb_pid=$!
for _ in $(seq 50); do [ -s "$tmp/display" ] && break; sleep 0.1; done
[ -s "$tmp/display" ] || fail "Xvfb did not start"
export DISPLAY=":$(cat "$tmp/display")"

echo "windows-test: creating a Wine prefix (about 30 s the first time)"
# wineboot once failed in CI with no message: its output is kept and shown, and a failed boot
# is tried again in a fresh prefix (twice at most) after its wineserver is stopped.
booted=""
for attempt in 1 2 3; do
  mkdir -p "$WINEPREFIX"
  if WINEDEBUG=err+all wineboot -i > "$tmp/wineboot.log" 2>&1 && wineserver -w; then booted=1; break; fi
  echo "windows-test: wineboot failed (attempt $attempt), its output:"; tail -30 "$tmp/wineboot.log"
  wineserver -k 2>/dev/null || true; sleep 2; rm -rf "$WINEPREFIX"
done
[ -n "$booted" ] || fail "wineboot failed three times"
x86_64-w64-mingw32-gcc -shared -O2 -o "$tmp/bcryptprimitives.dll" "$root/scripts/wine/bcryptprimitives.c" -ladvapi32
cp "$tmp/bcryptprimitives.dll" "$WINEPREFIX/drive_c/windows/system32/"

echo "windows-test: camera tests (Media Foundation enumeration, conversions) under Wine"
(cd "$tmp" && wine "$camtest" -test.run 'ListDevices|MF|NV12|ConvertFrame|Negotiate' -test.v > "$tmp/camera.log" 2>&1) \
  || { cat "$tmp/camera.log"; fail "camera tests failed under Wine"; }
grep -q -- '--- PASS: TestListDevices_mediaFoundation' "$tmp/camera.log" || { cat "$tmp/camera.log"; fail "the Media Foundation enumeration test did not run"; }
grep 'Media Foundation lists' "$tmp/camera.log"
# Each test program's wineserver is let go before the next Wine program starts: one starting
# while the last one's server shuts down failed once with "recvmsg: Connection reset by peer".
wineserver -w

# Each further Go test program (the counter's offline store; the counter engine with a real
# server in the same process: outage, sync, LAN exchange on loopback, signed tickets, a counter
# killed with TerminateProcess) runs whole; any failure or a program that ran no test fails.
for i in "${!gotests[@]}"; do
  gotest=${gotests[$i]} pkgdir=${gotest_dirs[$i]}
  name=$(basename "$gotest" .exe)
  echo "windows-test: $name under Wine"
  (cd "$pkgdir" && wine "$gotest" -test.v -test.timeout 15m > "$tmp/$name.log" 2>&1) \
    || { grep -E -A15 -- '^(--- FAIL|panic|FAIL)' "$tmp/$name.log" | head -80 || true; fail "$name failed under Wine"; }
  passed=$(grep -c -- '^--- PASS' "$tmp/$name.log" || true)
  [ "$passed" -gt 0 ] || { tail -20 "$tmp/$name.log"; fail "$name ran no test under Wine"; }
  echo "windows-test: $name: $passed tests passed, $(grep -c -- '^--- SKIP' "$tmp/$name.log" || true) skipped"
  wineserver -w
done

echo "windows-test: installing $(basename "$setup") silently (per user, no admin)"
wine "$setup" /S || fail "the installer failed"
wineserver -w
user_dir=$(ls -d "$WINEPREFIX/drive_c/users/"* | grep -v Public | head -1)
install_dir="$user_dir/AppData/Local/Programs/Guichet"
start_menu="$user_dir/AppData/Roaming/Microsoft/Windows/Start Menu/Programs/Guichet"
[ -f "$install_dir/Guichet.exe" ] || fail "Guichet.exe not installed in $install_dir"
[ -f "$install_dir/Uninstall.exe" ] || fail "no uninstaller in $install_dir"
[ -f "$start_menu/Guichet.lnk" ] || fail "no Start-menu entry in $start_menu"
wine reg query 'HKCU\Software\Microsoft\Windows\CurrentVersion\Uninstall\Guichet' /v DisplayVersion 2>/dev/null | grep -q DisplayVersion \
  || fail "the uninstaller is not registered for the user"

"$root/bin/guichet-server" demo --db "$tmp/server.db" > "$tmp/demo.json"
"$root/bin/guichet-server" serve --db "$tmp/server.db" --addr 127.0.0.1:0 --addr-file "$tmp/addr" 2> "$tmp/server.log" &
server_pid=$!
for _ in $(seq 50); do [ -s "$tmp/addr" ] && break; sleep 0.1; done
addr=$(cat "$tmp/addr")
first() { grep -A1 "\"$1\"" "$tmp/demo.json" | tail -1 | tr -d ' ",'; }
token=$(first confirmed)
cashier=$(grep '"cashier"' "$tmp/demo.json" | cut -d'"' -f4)
venue=$(grep -A2 '"venue"' "$tmp/demo.json" | grep '"id"' | head -1 | tr -dc 0-9)


# The first run keeps its data where a Windows user's does (%LOCALAPPDATA%\Guichet); the second
# in a folder chosen with --data whose path has spaces and accents.
data_dir="$user_dir/AppData/Local/Guichet"
odd_dir="$WINEPREFIX/drive_c/Données de caisse/Cinéma Le Méliès"
# start_app LANG [ARGS…]: the installed Guichet.exe paired with the demo server; sets app_pid and win (the
# paired window, titled "Guichet — <venue>").
start_app() {
  local lang=$1; shift
  echo "windows-test: starting the installed Guichet.exe under Wine ($lang) $*, server http://$addr"
  # Wine takes Windows' language and code page from LC_ALL (make deps-windows generates the
  # locales): French or English, and accented arguments passed intact.
  LANG=$lang LC_ALL=$lang wine "$install_dir/Guichet.exe" --server "http://$addr" --key "$cashier" "$@" > "$tmp/app.log" 2>&1 &
  app_pid=$!
  win=""
  for _ in $(seq 120); do
    win=$(xdotool search --name '^Guichet .' 2>/dev/null | head -1 || true)
    [ -n "$win" ] && break
    kill -0 "$app_pid" 2>/dev/null || fail "Guichet.exe exited"
    sleep 0.5
  done
  [ -n "$win" ] || fail "no paired Guichet window within 60 s"
  for _ in $(seq 60); do grep -q 'camera: not opened\|camera: stopped' "$tmp/app.log" && break; sleep 0.5; done
  sleep 2
}
stop_app() {
  kill "$app_pid" 2>/dev/null || true
  wait "$app_pid" 2>/dev/null || true
  app_pid=""
  wineserver -w
}

start_app fr_FR.UTF-8
import -window "$win" "$out/counter-idle.png"
# The screens speak the Windows user's language (the app logs a sample of what they show).
grep -q 'msg=language .*sample="Hors ligne"' "$tmp/app.log" || fail "the app does not speak French on a French Windows"

echo "windows-test: typing $token as a keyboard-wedge scanner would"
xdotool windowfocus --sync "$win" 2>/dev/null || true
xdotool type --delay 20 --window "$win" "$token" 2>/dev/null || xdotool type --delay 20 "$token"
xdotool key --window "$win" Return 2>/dev/null || xdotool key Return
status=""
for _ in $(seq 60); do
  status=$(curl -s -o /dev/null -w '%{http_code}' -H "Authorization: Bearer $cashier" "http://$addr/v2/bookings/token/$token")
  [ "$status" = "410" ] && break
  sleep 0.5
done
sleep 1
import -window "$win" "$out/counter-verdict.png"
[ "$status" = "410" ] || fail "$token typed into the Windows build is not used on the server (GET answered $status, want 410)"

grep -q 'backend="Media Foundation"' "$tmp/app.log" || fail "the camera panel did not run the Media Foundation enumeration"
grep -q 'Aucune caméra détectée' "$tmp/app.log" || fail "the camera panel does not report 'Aucune caméra détectée'"
if grep -q 'Caméra indisponible' "$tmp/app.log"; then fail "the camera panel reports the camera unavailable (unsupported platform)"; fi
[ -f "$data_dir/venue-$venue/cache.db" ] || fail "no offline cache in %LOCALAPPDATA%\\Guichet (looked in $data_dir)"
[ -f "$data_dir/preferences.json" ] || fail "no preferences in %LOCALAPPDATA%\\Guichet"
stop_app

# The same counter on an English Windows, its data in a folder with spaces and accents.
start_app en_US.UTF-8 --data 'C:\Données de caisse\Cinéma Le Méliès'
import -window "$win" "$out/counter-idle-en.png"
grep -q 'msg=language .*sample=Offline' "$tmp/app.log" || fail "the app does not speak English on an English Windows"
stop_app
[ -f "$odd_dir/venue-$venue/cache.db" ] && [ -f "$odd_dir/preferences.json" ] \
  || fail "no cache or preferences in a data folder with spaces and accents ($odd_dir)"

echo "windows-test: uninstalling"
wine "$install_dir/Uninstall.exe" /S || fail "the uninstaller failed"
wineserver -w
[ ! -f "$install_dir/Guichet.exe" ] || fail "Guichet.exe left after uninstalling"
[ ! -e "$start_menu" ] || fail "Start-menu entry left after uninstalling"
[ -f "$data_dir/venue-$venue/cache.db" ] || fail "uninstalling removed the counter's data (its outbox may hold unsent validations)"
for f in counter-idle counter-verdict counter-idle-en; do
  size=$(stat -c %s "$out/$f.png" 2>/dev/null || echo 0)
  [ "$size" -gt 10000 ] || fail "$out/$f.png missing or blank ($size bytes)"
done
echo "windows-test: ok — $token typed into Guichet.exe under Wine is used on the server; camera: no camera found by Media Foundation; screenshots in $out"
