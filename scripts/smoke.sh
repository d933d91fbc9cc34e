#!/usr/bin/env bash
# Smoke test of the real counter app: a demo server on a free port, the app in a real window
# under Xvfb paired with it, countermarks scanned with the verdict code each must get (admitted,
# already used, refused, attention confirmed with Entrée, admitted offline under the banner with the
# server paused, a signed ticket booked during the pause admitted by its signature), a screenshot of the X display for every screen, no Fyne thread-check error in the
# app's log, and the server checked. Usage: scripts/smoke.sh [OUT_DIR]  (binaries from make build)
set -euo pipefail
out=$(mkdir -p "${1:-var/smoke}" && cd "${1:-var/smoke}" && pwd)
root=$(cd "$(dirname "$0")/.." && pwd)
tmp=$(mktemp -d)
server_pid=""
cleanup() {
  [ -n "$server_pid" ] && { kill -CONT "$server_pid"; kill "$server_pid"; } 2>/dev/null || true
  rm -rf "$tmp"
}
trap cleanup EXIT
rm -f "$out"/*.png "$out"/*.ready

"$root/bin/guichet-server" demo --db "$tmp/server.db" > "$tmp/demo.json"
"$root/bin/guichet-server" serve --db "$tmp/server.db" --addr 127.0.0.1:0 --addr-file "$tmp/addr" 2> "$tmp/server.log" &
server_pid=$!
for _ in $(seq 50); do [ -s "$tmp/addr" ] && break; sleep 0.1; done
addr=$(cat "$tmp/addr")
first() { grep -A1 "\"$1\"" "$tmp/demo.json" | tail -1 | tr -d ' ",'; }
token=$(first confirmed) used=$(first used) early=$(first notYetConfirmed)
filmed=$(grep -A2 '"confirmed"' "$tmp/demo.json" | tail -1 | tr -d ' ",')
offline=$(grep -A3 '"confirmed"' "$tmp/demo.json" | tail -1 | tr -d ' ",')
other_day=$(first anotherDay)
cashier=$(grep '"cashier"' "$tmp/demo.json" | cut -d'"' -f4)
echo "smoke: server on $addr, scanning $token (confirmed), $used (used), $early (too early), $other_day (another day), $offline (server paused)"

shots="counter-idle counter-verdict-1 counter-verdict-2 counter-verdict-3 counter-verdict-4 camera showtimes search conflicts settings payouts programme counter-offline counter-signed"
# Each scan says the verdict it must get; the offline one is scanned with the server paused (SIGSTOP).
scan="PASSCULTURE:v3;TOKEN:$token=ADMITTED,$used=ALREADY_USED,$(echo $early | tr A-Z a-z)=NOT_YET_USABLE"
scan="$scan,PASSCULTURE:v3;TOKEN:$other_day=CONFIRM,offline:$offline=ADMITTED"
# Last, a signed ticket (issue 16): booked while the app's server is paused, through a second server
# process on the same database, so that the app's copy cannot have it; it must be admitted by its signature.
scan="$scan,signed:$tmp/signed.txt=ADMITTED"
ben_email=$(grep -m1 -A1 '"email": ".*@demo.guichet.test"' "$tmp/demo.json" | head -1 | cut -d'"' -f4)
ben_password=$(grep -m1 '"password"' "$tmp/demo.json" | cut -d'"' -f4)
cat > "$tmp/inside.sh" <<INSIDE
set -u
# book_signed pauses the app's server and books a showtime through a second server on the same
# database (tried again if the paused one held a write), writing the QR payload for the app.
book_signed() {
  for attempt in 1 2 3; do
    kill -STOP $server_pid
    rm -f "$tmp/addr2"
    "$root/bin/guichet-server" serve --db "$tmp/server.db" --addr 127.0.0.1:0 --addr-file "$tmp/addr2" --mail-dir "$tmp/mail2" 2> "$tmp/server2.log" &
    local second=\$!
    for _ in \$(seq 100); do [ -s "$tmp/addr2" ] && break; sleep 0.1; done
    if [ -s "$tmp/addr2" ] && "$root/bin/guichet-server" try-booking --server "http://\$(cat "$tmp/addr2")" \\
        --email "$ben_email" --password "$ben_password" --qr "$tmp/signed.png" > "$tmp/booked.txt" 2>> "$tmp/server2.log"; then
      kill \$second; wait \$second 2>/dev/null
      sed -n 's/^QR code *: //p' "$tmp/booked.txt" > "$tmp/signed.tmp" && mv "$tmp/signed.tmp" "$tmp/signed.txt"
      return 0
    fi
    kill \$second; wait \$second 2>/dev/null
    kill -CONT $server_pid; sleep 2
  done
  echo "smoke: could not book the signed ticket"; cat "$tmp/server2.log"; return 1
}
"$root/bin/guichet" --data "$tmp/app" --demo "$tmp/demo.json" --server "http://$addr" \
  --camera-synthetic "PASSCULTURE:v3;TOKEN:$filmed" --smoke "$out" --smoke-scan "$scan" 2> "$tmp/app.log" &
app=\$!
for s in $shots; do
  if [ "\$s" = counter-offline ]; then
    for _ in \$(seq 300); do [ -e "$out/stop-server.ready" ] && break; kill -0 \$app 2>/dev/null || break; sleep 0.1; done
    kill -STOP $server_pid
  fi
  if [ "\$s" = counter-signed ]; then
    for _ in \$(seq 300); do [ -e "$out/book-signed.ready" ] && break; kill -0 \$app 2>/dev/null || break; sleep 0.1; done
    book_signed || { kill \$app; exit 1; }
  fi
  for _ in \$(seq 300); do [ -e "$out/\$s.png.ready" ] && break; kill -0 \$app 2>/dev/null || break; sleep 0.1; done
  [ -e "$out/\$s.png.ready" ] || { echo "smoke: the app never showed \$s"; kill \$app; exit 1; }
  import -window root "$out/\$s.tmp.png" && mv "$out/\$s.tmp.png" "$out/\$s.png"
  [ "\$s" = counter-offline ] || [ "\$s" = counter-signed ] && kill -CONT $server_pid
done
wait \$app
INSIDE
export XDG_CONFIG_HOME="$tmp/config" LIBGL_ALWAYS_SOFTWARE=1 LANG="${SMOKE_LANG:-fr_FR.UTF-8}" # SMOKE_LANG=en_US.UTF-8: in English
if ! timeout 180 xvfb-run -a -s "-screen 0 1280x800x24 +extension GLX" bash "$tmp/inside.sh"; then
  echo "smoke: the app failed"; cat "$tmp/app.log"; exit 1
fi
rm -f "$out"/*.ready
if grep -q 'Error in Fyne call thread' "$tmp/app.log"; then
  echo "smoke: the app touched widgets off the UI goroutine:"; grep -A3 'Error in Fyne call thread' "$tmp/app.log"; exit 1
fi
for f in $shots; do
  size=$(stat -c %s "$out/$f.png" 2>/dev/null || echo 0)
  if [ "$size" -lt 10000 ]; then echo "smoke: $out/$f.png missing or blank ($size bytes)"; exit 1; fi
done
status=$(curl -s -o /dev/null -w '%{http_code}' -H "Authorization: Bearer $cashier" "http://$addr/v2/bookings/token/$token")
if [ "$status" != "410" ]; then
  echo "smoke: the server should now say $token is already validated (410), got $status"; exit 1
fi
status=$(curl -s -o /dev/null -w '%{http_code}' -H "Authorization: Bearer $cashier" "http://$addr/v2/bookings/token/$filmed")
if [ "$status" != "410" ]; then
  echo "smoke: the code filmed by the (synthetic) webcam, $filmed, should be validated (410), got $status"; exit 1
fi
echo "smoke: ok — screenshots in $out; $token (typed) and $filmed (webcam) validated on the server"
