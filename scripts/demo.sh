#!/usr/bin/env bash
# The main job: installs dependencies, builds, starts klarna-sandbox with a realistic
# data set (400 payouts, 202,000 transactions, Klarna's 200 requests/s) over HTTPS as
# Klarna serves it (a throwaway CA the connector is told to trust), syncs every
# stream into the embedded SQLite database demo-output/klarna.db with the progress
# display and archives each payout's settlement report files (CSV and PDF) in
# demo-output/reports, prints a settlement report in money from that database
# (scripts/reconcile.py), then syncs again: the second sync continues from the state in
# the database and the archive and reads only what is new.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-deps.sh
scripts/build.sh
out=demo-output
mkdir -p "$out"
. scripts/sandbox.sh
start_sandbox "$out/sandbox.log" --payouts 400 --transactions-per-payout 500 \
  --unpaid-transactions 2000 --latency-ms 20 --rate-limit 200 \
  --tls --tls-ca-out "$out/sandbox-ca.pem"
url=$sandbox_url
echo "demo: $(head -1 "$out/sandbox.log")"
# The config holds the sandbox's CA as PEM text (JSON-escaped by Python).
python3 - "$url" "$out/sandbox-ca.pem" > "$out/config.json" <<'PY'
import json, sys
url, ca = sys.argv[1], open(sys.argv[2]).read()
# The sandbox's API key, the credential Klarna gives merchants today (no username).
print(json.dumps({"region": "eu", "password": "klarna_test_api_sandbox-key", "base_url": url,
                  "start_date": "2021-12-01", "requests_per_second": 200,
                  "ca_certificate": ca}, indent=1))
PY
rm -rf "$out/klarna.db" "$out/klarna.db-wal" "$out/klarna.db-shm" "$out/reports"
echo "demo: source-klarna sync --config $out/config.json --sink sqlite:$out/klarna.db --reports $out/reports"
build/source-klarna sync --config "$out/config.json" --sink "sqlite:$out/klarna.db" --reports "$out/reports"
echo "demo: $(($(wc -l < "$out/reports/manifest.csv") - 1)) settlement report files (CSV and PDF per payout) in $out/reports, listed with their SHA-256 in manifest.csv"
echo
scripts/reconcile.py "$out/klarna.db"
echo
echo "demo: the same sync again, incremental from the state kept in $out/klarna.db"
build/source-klarna sync --config "$out/config.json" --sink "sqlite:$out/klarna.db" --reports "$out/reports"
