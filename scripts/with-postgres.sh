#!/usr/bin/env bash
# Start a throwaway PostgreSQL cluster on loopback, run "$@" with
# MASSLINE_TEST_DATABASE_URL pointing at it, then stop and delete the cluster.
set -euo pipefail
pgbin=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1 || true)
[ -n "$pgbin" ] || pgbin=$(dirname "$(command -v initdb)")
dir=$(mktemp -d /tmp/massline-pg.XXXXXX)
port=${MASSLINE_PG_PORT:-$(( 20000 + RANDOM % 20000 ))}
as_pg() { if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi; }
[ "$(id -u)" = 0 ] && chown postgres "$dir"
cleanup() { as_pg "$pgbin/pg_ctl" -D "$dir/data" -m immediate stop >/dev/null 2>&1 || true; rm -rf "$dir"; }
trap cleanup EXIT
as_pg "$pgbin/initdb" -D "$dir/data" -A trust -U massline -E UTF8 --locale=C.UTF-8 --no-sync >/dev/null
# Start it; a port taken meanwhile (or another start-up hiccup) gets up to two more tries on other ports.
started=0
for attempt in 1 2 3; do
  if as_pg "$pgbin/pg_ctl" -D "$dir/data" -l "$dir/log" -w -o \
    "-k $dir -p $port -c listen_addresses=127.0.0.1 -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=200" start >/dev/null; then
    started=1
    break
  fi
  echo "PostgreSQL did not start on port $port (try $attempt); its log:" >&2
  tail -n 20 "$dir/log" >&2 || true
  port=$(( 20000 + RANDOM % 20000 ))
done
[ "$started" = 1 ] || { echo "PostgreSQL could not be started" >&2; exit 1; }
export MASSLINE_TEST_DATABASE_URL="postgresql+psycopg://massline@127.0.0.1:$port/postgres"
"$@"
