#!/usr/bin/env bash
# Anchor figures for bench_db's writers, taken with PostgreSQL's own tools against the same
# server and the same table shape (narrow table, 7 daily partitions + default, the two indexes):
#   - pgbench running one transaction of 8,000 single-row INSERTs (the spec's executemany
#     baseline) with 1 client, and with 20 clients;
#   - psql \copy of the same 8,000 rows (CSV) per COPY, repeated.
# Prints rows/s for each. Uses NEUROPERF_PG_URL, else the embedded server (scripts/services:
# started, and stopped at the end when this script started it); works in its own schema
# neuro_anchor, dropped at the end.
#   scripts/anchors/pg_write_anchor.sh [--seconds N]
# Exit: 0 ok; 2 bad usage; 3 PostgreSQL could not be reached or started, or failed a pgbench or
# psql run (its own error quoted).
set -euo pipefail
source "$(dirname "$0")/../lib.sh"
seconds=10
while [[ $# -gt 0 ]]; do
  case $1 in
    --seconds) seconds=${2:?}; shift 2 ;;
    -h|--help) neuro_help; exit 0 ;;
    *) die 2 "unknown argument '$1' (try --help)" ;;
  esac
done
neuro_use_services pg
url=$NEUROPERF_PG_URL
pg_bin=$(printf '%s\n' /usr/lib/postgresql/*/bin | sort -V | tail -1)
psql=("$pg_bin/psql" "$url" -v ON_ERROR_STOP=1 -qtA)
"${psql[@]}" -c 'select 1' >/dev/null 2>&1 || die 3 "PostgreSQL at ${url} cannot be reached"
tmp=$(mktemp -d -t neuroperf-pganchor.XXXXXX)
drop_schema() { "${psql[@]}" -c 'DROP SCHEMA IF EXISTS neuro_anchor CASCADE' >/dev/null 2>&1; }
neuro_on_exit drop_schema
neuro_on_exit rm -rf "$tmp"

"${psql[@]}" >/dev/null <<'SQL'
SET client_min_messages = warning;
DROP SCHEMA IF EXISTS neuro_anchor CASCADE;
CREATE SCHEMA neuro_anchor;
CREATE TABLE neuro_anchor.eeg_samples (time timestamptz NOT NULL, session_id bigint NOT NULL,
  channel integer NOT NULL, value real NOT NULL, metadata jsonb) PARTITION BY RANGE (time);
DO $$ BEGIN
  FOR d IN 0..6 LOOP
    EXECUTE format('CREATE TABLE neuro_anchor.eeg_samples_p%s PARTITION OF neuro_anchor.eeg_samples
      FOR VALUES FROM (%L) TO (%L)', d, timestamptz '2026-01-01 00:00+00' + d * interval '1 day',
      timestamptz '2026-01-01 00:00+00' + (d + 1) * interval '1 day');
  END LOOP;
END $$;
CREATE TABLE neuro_anchor.eeg_samples_default PARTITION OF neuro_anchor.eeg_samples DEFAULT;
CREATE INDEX ON neuro_anchor.eeg_samples (session_id, time DESC);
CREATE INDEX ON neuro_anchor.eeg_samples (session_id, channel, time DESC);
SQL

# 1,000 timestamps at 250 Hz x 8 channels, values like EEG in microvolts.
awk 'BEGIN { srand(1); for (s = 0; s < 1000; s++) for (c = 0; c < 8; c++)
  printf "2026-01-01 00:00:%09.6f+00,%d,%d,%.6g\n", s * 0.004, 1, c, (rand() - 0.5) * 200 }' \
  >"$tmp/batch.csv"
{
  echo 'BEGIN;'
  awk -F, '{ printf "INSERT INTO neuro_anchor.eeg_samples (time, session_id, channel, value) VALUES (%c%s%c, %s, %s, %s);\n", 39, $1, 39, $2, $3, $4 }' "$tmp/batch.csv"
  echo 'COMMIT;'
} >"$tmp/insert.sql"

# first_error FILE: the line of a tool's stderr that says what went wrong (else its last line).
first_error() { grep -m1 -iE 'error|fatal|abort' "$1" || tail -1 "$1"; }

for clients in 1 20; do
  "$pg_bin/pgbench" -n -f "$tmp/insert.sql" -c "$clients" -j "$clients" -T "$seconds" "$url" \
    >"$tmp/pgbench.out" 2>"$tmp/pgbench.err" ||
    die 3 "pgbench with $clients client(s) at ${url} exited $?: $(first_error "$tmp/pgbench.err")"
  tps=$(awk '/^tps/ { print $3 }' "$tmp/pgbench.out")
  [[ -n $tps ]] || die 3 "pgbench with $clients client(s) at ${url} printed no tps: $(first_error "$tmp/pgbench.err")"
  awk -v t="$tps" -v c="$clients" 'BEGIN { printf "pgbench row INSERT, %d client(s): %.0f rows/s (%.3f batches/s)\n", c, t * 8000, t }'
done

start=$(date +%s.%N)
n=0
while awk -v s="$start" -v now="$(date +%s.%N)" -v lim="$seconds" 'BEGIN { exit !(now - s < lim) }'; do
  "${psql[@]}" -c "\\copy neuro_anchor.eeg_samples (time, session_id, channel, value) FROM '$tmp/batch.csv' WITH (FORMAT csv)" \
    >/dev/null 2>"$tmp/psql.err" || die 3 "psql \\copy at ${url} exited $?: $(first_error "$tmp/psql.err")"
  n=$((n + 1))
done
end=$(date +%s.%N)
awk -v n="$n" -v s="$start" -v e="$end" 'BEGIN { printf "psql \\copy CSV (one psql per batch), 1 client: %.0f rows/s (%d batches)\n", n * 8000 / (e - s), n }'
