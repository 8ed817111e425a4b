#!/usr/bin/env bash
# The main job: installs dependencies, builds, starts klarna-sandbox with a realistic
# data set, syncs both streams through the Airbyte `read` command, and prints what
# the sync did. The Airbyte output is kept in demo-output/read.jsonl.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-deps.sh
scripts/build.sh
out=demo-output
mkdir -p "$out"
build/klarna-sandbox --port 0 --payouts 400 --transactions-per-payout 500 \
  --unpaid-transactions 2000 --latency-ms 20 --rate-limit 200 > "$out/sandbox.log" 2>&1 &
sandbox=$!
trap 'kill $sandbox 2>/dev/null || true' EXIT
for _ in $(seq 100); do
  grep -q "listening on" "$out/sandbox.log" 2>/dev/null && break
  sleep 0.1
done
url=$(awk '/listening on/ {print $4; exit}' "$out/sandbox.log")
echo "demo: $(head -1 "$out/sandbox.log")"
cat > "$out/config.json" <<JSON
{"region": "eu", "username": "sandbox-user", "password": "sandbox-password",
 "base_url": "$url", "requests_per_second": 200}
JSON
build/source-klarna discover --config "$out/config.json" > "$out/catalog.json"
python3 - "$out/catalog.json" "$out/configured_catalog.json" <<'PY'
import json, sys
catalog = json.loads(open(sys.argv[1]).readline())["catalog"]
configured = {"streams": [{"stream": s, "sync_mode": "full_refresh",
                           "destination_sync_mode": "overwrite"} for s in catalog["streams"]]}
json.dump(configured, open(sys.argv[2], "w"))
PY
build/source-klarna read --config "$out/config.json" --catalog "$out/configured_catalog.json" \
  > "$out/read.jsonl"
python3 - "$out/read.jsonl" <<'PY'
import collections, json, sys
counts, statuses = collections.Counter(), {}
for line in open(sys.argv[1]):
    message = json.loads(line)
    if message["type"] == "RECORD":
        counts[message["record"]["stream"]] += 1
    elif message["type"] == "TRACE" and message["trace"]["type"] == "STREAM_STATUS":
        status = message["trace"]["stream_status"]
        statuses[status["stream_descriptor"]["name"]] = status["status"]
print("demo: Airbyte messages in demo-output/read.jsonl")
for stream in sorted(statuses):
    print(f"demo:   {stream:<13} {counts[stream]:>8} records  {statuses[stream]}")
PY
