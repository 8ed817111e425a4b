#!/usr/bin/env bash
# A first try in a few minutes: installs what is missing, builds the two binaries
# only (no tests), starts a small klarna-sandbox (20 payouts, 1,000 transactions,
# plain HTTP on this machine), syncs every stream into try-output/klarna.db (SQLite)
# and queries it. The config it writes, try-output/config.json, is the one to copy
# for your own account: change base_url for region, and the password.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-deps.sh
scripts/build.sh
out=try-output
mkdir -p "$out"
. scripts/sandbox.sh
start_sandbox "$out/sandbox.log" --payouts 20 --transactions-per-payout 50 --unpaid-transactions 10
url=$sandbox_url
# The sandbox's API key; for your account, leave base_url out and put yours here.
cat > "$out/config.json" <<JSON
{
  "region": "eu",
  "playground": false,
  "password": "klarna_test_api_sandbox-key",
  "start_date": "2021-12-01",
  "base_url": "$url"
}
JSON
rm -f "$out/klarna.db" "$out/klarna.db-wal" "$out/klarna.db-shm"
echo "try: build/source-klarna sync --config $out/config.json --sink sqlite:$out/klarna.db"
build/source-klarna sync --config "$out/config.json" --sink "sqlite:$out/klarna.db"
echo
echo "try: a query of $out/klarna.db (amounts are in minor units: EUR 12.34 is 1234)"
python3 - "$out/klarna.db" <<'PY'
import sqlite3, sys
db = sqlite3.connect(sys.argv[1])
for (table,) in db.execute("SELECT name FROM sqlite_master WHERE type = 'table' "
                           "AND name NOT LIKE '\\_%' ESCAPE '\\' ORDER BY name"):
    print(f"  {table}: {db.execute(f'SELECT count(*) FROM {table}').fetchone()[0]} rows")
print("  the last three payouts:")
for reference, date, currency, amount in db.execute(
        "SELECT payment_reference, payout_date, currency_code, totals_settlement_amount "
        "FROM payouts ORDER BY payout_date DESC LIMIT 3"):
    print(f"    {date}  {reference}  {currency} {amount / 100:,.2f}")
PY
