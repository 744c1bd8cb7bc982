#!/usr/bin/env bash
# Runs a command against a throwaway PostgreSQL cluster: initdb in a temporary directory, a
# server on a free loopback port, FIELD_TEST_DATABASE_URL exported to the command (the server's
# tests make a fresh database in it per test), and the cluster always stopped and removed at the
# end (also when the command fails or is interrupted). Exits with the command's status.
#
#   bash scripts/with-postgres.sh cargo test -p server
#
# The scripts run as root and initdb refuses root, so the cluster belongs to the `postgres`
# user of Debian's package (scripts/setup.sh installs it). Run as another user, it is that user's.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/env.sh"

[ "$#" -gt 0 ] || die "usage: scripts/with-postgres.sh <command…>"

bindir="$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n1 || true)"
[ -x "$bindir/initdb" ] || die "no PostgreSQL server under /usr/lib/postgresql (run scripts/setup.sh)"

if [ "$(id -u)" -eq 0 ]; then
  as_owner() { runuser -u postgres -- "$@"; }
  owner=postgres
else
  as_owner() { "$@"; }
  owner="$(id -un)"
fi

pgdir="$(mktemp -d /tmp/field-pg.XXXXXX)"
chmod 755 "$pgdir"
chown "$owner" "$pgdir"
cleanup() {
  status=$?
  as_owner "$bindir/pg_ctl" -D "$pgdir/data" -m immediate stop >/dev/null 2>&1 || true
  rm -rf "$pgdir"
  exit "$status"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

port="$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')"
password="field-$(od -An -N8 -tx1 /dev/urandom | tr -d ' \n')"
printf '%s\n' "$password" >"$pgdir/pwfile"
chown "$owner" "$pgdir/pwfile"

# C locale: text sorts byte-wise, as in SQLite (the store also says COLLATE "C" where it sorts).
as_owner "$bindir/initdb" -D "$pgdir/data" -U field --pwfile="$pgdir/pwfile" --auth=scram-sha-256 \
  -E UTF8 --no-locale >"$pgdir/initdb.log" 2>&1 || { cat "$pgdir/initdb.log"; die "initdb failed"; }
# A throwaway cluster: durability off for speed (fsync=off), enough connections for the tests'
# pools running in parallel, sockets only in the temporary directory.
as_owner "$bindir/pg_ctl" -D "$pgdir/data" -l "$pgdir/server.log" -w -t 60 \
  -o "-h 127.0.0.1 -p $port -k $pgdir -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=400" \
  start >/dev/null || { cat "$pgdir/server.log"; die "PostgreSQL did not start"; }

export FIELD_TEST_DATABASE_URL="postgres://field:$password@127.0.0.1:$port/postgres"
echo "with-postgres: PostgreSQL $("$bindir/postgres" --version | awk '{print $3}') on 127.0.0.1:$port ($pgdir)"
set +e
"$@"
status=$?
set -e
exit "$status"
