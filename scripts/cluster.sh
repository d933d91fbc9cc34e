#!/usr/bin/env bash
# make cluster: PostgreSQL, two guichet-server replicas and HAProxy (Debian's) in front of them,
# all on this machine, for trying replicas and measuring them (docs/deploy.md, docs/bench.md).
#   scripts/cluster.sh start DIR [ADDR]   start everything in DIR, seed the demo, print the address
#   scripts/cluster.sh stop DIR           stop everything and remove DIR
#   scripts/cluster.sh kill DIR N         SIGKILL replica N (1 or 2), to watch the balancer fail over
# The binaries are bin/guichet-server and bin/pgtmp (make build-cluster builds them).
set -euo pipefail
cmd=${1:?usage: cluster.sh start|stop|kill DIR [ADDR|N]}
dir=${2:?cluster directory}
bin=$(cd "$(dirname "$0")/.." && pwd)/bin

stop() {
	[ -d "$dir" ] || return 0
	for f in "$dir"/haproxy.pid "$dir"/replica-*.pid; do
		[ -f "$f" ] && kill "$(cat "$f")" 2>/dev/null || true
	done
	sleep 0.5
	[ -d "$dir/pg/data" ] && "$bin/pgtmp" stop "$dir/pg" || true
	rm -rf "$dir"
}

case "$cmd" in
stop)
	stop
	exit 0
	;;
kill)
	n=${3:?replica number}
	kill -9 "$(cat "$dir/replica-$n.pid")"
	echo "replica $n killed (SIGKILL)"
	exit 0
	;;
start) ;;
*)
	echo "usage: cluster.sh start|stop|kill DIR [ADDR|N]" >&2
	exit 2
	;;
esac

addr=${3:-127.0.0.1:8090}
stop
mkdir -p "$dir"
# Durable like production (the test clusters turn fsync off): measurements must pay for it.
admin=$("$bin/pgtmp" start "$dir/pg" -c fsync=on -c full_page_writes=on -c synchronous_commit=on)
psql -q "$admin" -c "CREATE DATABASE guichet"
db=${admin%/postgres*}/guichet?sslmode=disable
echo "$db" >"$dir/db-url"
"$bin/guichet-server" migrate --db "$db" >/dev/null
"$bin/guichet-server" demo --db "$db" >"$dir/demo.json"

for n in 1 2; do
	"$bin/guichet-server" serve --db "$db" --addr 127.0.0.1:0 --addr-file "$dir/replica-$n.addr" --drain 2s \
		--mail-dir "$dir/mail" --log-format json >"$dir/replica-$n.log" 2>&1 &
	echo $! >"$dir/replica-$n.pid"
done
for n in 1 2; do
	for _ in $(seq 100); do [ -s "$dir/replica-$n.addr" ] && break; sleep 0.1; done
	[ -s "$dir/replica-$n.addr" ] || { echo "replica $n did not start:"; cat "$dir/replica-$n.log"; stop; exit 1; }
done

cat >"$dir/haproxy.cfg" <<CFG
global
    maxconn 8000
    pidfile $dir/haproxy.pid
defaults
    mode http
    timeout connect 2s
    timeout client 60s
    timeout server 30s
    retries 2
    option redispatch
frontend guichet
    bind $addr
    default_backend replicas
backend replicas
    balance roundrobin
    option httpchk GET /readyz
    http-check expect status 200
    default-server inter 1s fastinter 500ms fall 2 rise 1 maxconn 500
    server replica1 $(cat "$dir/replica-1.addr") check
    server replica2 $(cat "$dir/replica-2.addr") check
CFG
haproxy -D -f "$dir/haproxy.cfg"
for _ in $(seq 50); do curl -sf "http://$addr/healthz" >/dev/null && break; sleep 0.1; done
echo "Guichet cluster: http://$addr (HAProxy) -> replicas $(cat "$dir/replica-1.addr") and $(cat "$dir/replica-2.addr")"
echo "PostgreSQL: $db"
echo "Demo keys and countermarks: $dir/demo.json; logs: $dir/*.log; stop: make cluster-stop"
