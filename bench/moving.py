"""Benchmark of a listing that grows while it is read (bench/run.py growth): what a
growth event costs in requests, per listing order, and whether the read stays exact."""

import collections
import json
import os
import tempfile

import run as bench

PAYOUTS, PER_PAYOUT, UNPAID, GROWN = 400, 500, 1000, 4


def one_read(order, grow_after_pages):
    """Both streams, full refresh, page 500, 20 ms latency, at 200/s; the listing
    grows by GROWN payouts after `grow_after_pages` answered pages (0: never)."""
    with tempfile.TemporaryDirectory() as work:
        growth = ["--grow-after-pages", str(grow_after_pages), "--grow-payouts", str(GROWN)]
        sandbox = bench.Sandbox(work, "--payouts", str(PAYOUTS), "--transactions-per-payout",
                                str(PER_PAYOUT), "--unpaid-transactions", str(UNPAID),
                                "--latency-ms", "20", "--order", order, *growth)
        before = {s: collections.Counter(json.dumps(r, sort_keys=True) for r in sandbox.truth_lines(s))
                  for s in ("payouts", "transactions")}
        args = bench.write_inputs(work, sandbox.url, ["payouts", "transactions"], page_size=500,
                                  requests_per_second=200)
        output = os.path.join(work, "out.jsonl")
        with open(output, "w") as out:
            seconds, usage, _, code, peak = bench.run_connector(args, out)
        requests = sandbox.stop()
        after = {s: collections.Counter(json.dumps(r, sort_keys=True) for r in sandbox.truth_lines(s))
                 for s in ("payouts", "transactions")}
        got = {s: collections.Counter() for s in before}
        moves = 0
        with open(output) as f:
            for line in f:
                message = json.loads(line)
                if message["type"] == "RECORD":
                    got[message["record"]["stream"]][json.dumps(message["record"]["data"], sort_keys=True)] += 1
                elif message["type"] == "LOG" and "moved while it was read" in message["log"]["message"]:
                    moves += 1
        exact = all(not (before[s] - got[s]) and max(got[s].values()) == 1 and not (got[s] - after[s])
                    for s in before)
        return {"requests": len(requests), "moves": moves, "exit": code, "exact": exact,
                "wall_seconds": round(seconds, 2),
                "cpu_seconds": round(usage.ru_utime + usage.ru_stime, 2), "peak_rss_mib": peak}


def growth_cost():
    results = []
    for order in ("oldest-first", "newest-first"):
        still = one_read(order, 0)
        grown = one_read(order, 200)  # about half way through the 403 pages
        results.append({"scenario": "growth", "order": order, "grown_payouts": GROWN,
                        "requests_still": still["requests"], "requests_grown": grown["requests"],
                        "extra_requests": grown["requests"] - still["requests"],
                        "moves_seen": grown["moves"], "exact_still": still["exact"],
                        "exact_grown": grown["exact"], "exit": [still["exit"], grown["exit"]],
                        "peak_rss_mib": [still["peak_rss_mib"], grown["peak_rss_mib"]]})
    return results
