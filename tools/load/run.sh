#!/usr/bin/env bash
# The load test (issue 16), run by hand: Odoo in prefork mode on a filled
# database, the logins (setup_users.py), then one headless locust run per
# number of users, each writing its table to var/load/<db>-<users>.md.
#
#   tools/load/run.sh DATABASE LABEL USERS[:DURATION]...
#   e.g. tools/load/run.sh load_e5 10^5 25:5m 50:5m 100:10m
#
# Environment: PORT (8470), WORKERS (4), DURATION (10m), SPAWN (users started
# per second, 2), ODOO_ARGS (more Odoo options, e.g. the replica's), CONF
# (var/odoo.conf), LOCUST (var/locust/bin/locust; see requirements.txt here).
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
cd "$here"
[ $# -ge 3 ] || { sed -n 2,10p "$0"; exit 2; }
db=$1 label=$2
shift 2
port=${PORT:-8470} workers=${WORKERS:-4} duration=${DURATION:-10m} spawn=${SPAWN:-2}
conf=${CONF:-var/odoo.conf} locust=${LOCUST:-var/locust/bin/locust}
out=var/load
mkdir -p "$out"
# odoo-bin, not `python -m odoo`: the prefork server starts its websocket
# (gevent) process again from sys.argv[0], which must be a script
odoo_bin=$(.venv/bin/python -c 'import odoo, os; print(os.path.join(os.path.dirname(odoo.__path__[0]), "odoo-bin"))')
[ -f "$odoo_bin" ] || odoo_bin=$(command -v odoo)
# shellcheck disable=SC2086
.venv/bin/python "$odoo_bin" -c "$conf" -d "$db" --db-filter="^$db\$" --no-database-list \
  --http-port="$port" --workers="$workers" --max-cron-threads=0 \
  --logfile="$out/odoo-$db.log" ${ODOO_ARGS:-} &
odoo=$!
trap 'kill $odoo 2>/dev/null; wait $odoo 2>/dev/null || true' EXIT
for _ in $(seq 120); do
  curl -sf -o /dev/null "http://127.0.0.1:$port/web/login" && break
  sleep 1
done
[ -f "$out/users-$db.json" ] || # made once per database (delete it to redo)
  .venv/bin/python tools/load/setup_users.py --url "http://127.0.0.1:$port" -d "$db" \
    --output "$out/users-$db.json"
for run in "$@"; do
  users=${run%%:*} time=${run#*:}
  [ "$time" = "$run" ] && time=$duration
  echo "load: $label signals, $users users, $time (nproc $(nproc), load $(cut -d' ' -f1-3 /proc/loadavg))"
  "$locust" -f tools/load/locustfile.py --host "http://127.0.0.1:$port" --headless \
    -u "$users" -r "$spawn" -t "$time" --only-summary --csv "$out/$db-$users" \
    --users-file "$out/users-$db.json" --md-out "$out/$db-$users.md" \
    --label "$label" || true # locust exits 1 when a request failed: the table says so
done
