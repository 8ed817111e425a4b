"""Benchmarks of incremental and resumed reads (bench/run.py incremental fanout resume):
how much of a full read a second read after new data costs, how well many small
per-payout listings use the budget, and how much a read cut at 80% fetches again."""

import base64
import json
import os
import signal
import subprocess
import tempfile

import run as bench

harness = bench.test_harness()


def grow(sandbox, payouts):
    token = base64.b64encode(b"sandbox-user:sandbox-password").decode()
    return harness.grow_sandbox(sandbox.url, "Basic " + token, payouts, timeout=120)


def write_read_inputs(work, url, modes, state=None, **config):
    """read arguments with `modes` ({stream: sync_mode}) and an optional state."""
    args = bench.write_inputs(work, url, list(modes), **config)
    with open(args[4]) as f:
        catalog = json.load(f)
    for entry in catalog["streams"]:
        entry["sync_mode"] = modes[entry["stream"]["name"]]
    with open(args[4], "w") as f:
        json.dump(catalog, f)
    if state is not None:
        path = os.path.join(work, "state.json")
        with open(path, "w") as f:
            json.dump(state, f)
        args += ["--state", path]
    return args


def read_messages(args, work, name):
    output = os.path.join(work, name + ".jsonl")
    with open(output, "w") as out:
        seconds, usage, _, code, peak = bench.run_connector(args, out)
    with open(output, encoding="utf-8") as f:
        messages = [json.loads(line) for line in f]
    return messages, seconds, code


def request_count(sandbox):
    with open(sandbox.log) as f:
        return sum(1 for _ in f)


def incremental_second_read(full):
    """A full read of both streams, 1% new payouts, then an incremental read from the
    first one's state: its requests and wall time as shares of the full read's."""
    payouts = 2000 if full else 400
    with tempfile.TemporaryDirectory() as work:
        sandbox = bench.Sandbox(work, "--payouts", str(payouts), "--transactions-per-payout", "500",
                                "--unpaid-transactions", "0", "--latency-ms", "20")
        modes = {"payouts": "incremental", "transactions": "incremental"}
        config = {"requests_per_second": 200, "rate_window_seconds": 5}
        first, first_seconds, _ = read_messages(write_read_inputs(work, sandbox.url, modes, **config),
                                                work, "first")
        first_requests = request_count(sandbox)
        new = payouts // 100
        grow(sandbox, new)
        second, second_seconds, code = read_messages(
            write_read_inputs(work, sandbox.url, modes, harness.last_states(first), **config), work, "second")
        second_requests = request_count(sandbox) - first_requests
        truth = sandbox.truth_lines("transactions")
        new_references = {p["payment_reference"] for p in sandbox.truth_lines("payouts")[payouts:]}
        expected = [t for t in truth if t.get("payment_reference") in new_references]
        sandbox.stop()
        return [{"scenario": "incremental_second_read", "payouts": payouts, "new_payouts": new,
                 "exit": code, "full_requests": first_requests, "second_requests": second_requests,
                 "request_share": round(second_requests / first_requests, 4),
                 "full_wall_seconds": round(first_seconds, 2), "second_wall_seconds": round(second_seconds, 2),
                 "wall_share": round(second_seconds / first_seconds, 4),
                 "new_transactions_exact": harness.records_of(second, "transactions") == expected,
                 "transactions_emitted": len(harness.records_of(second, "transactions")),
                 "payouts_emitted": len(harness.records_of(second, "payouts"))}]


def fanout_budget(full):
    """Incremental transactions across 2,000 payouts of 10 transactions each: one
    listing per payout, all under one budget of 200/s."""
    window_s = 60 if full else 5
    with tempfile.TemporaryDirectory() as work:
        sandbox = bench.Sandbox(work, "--payouts", "2000", "--transactions-per-payout", "10",
                                "--unpaid-transactions", "0", "--latency-ms", "50", "--jitter-ms", "10",
                                "--rate-limit", "200", "--rate-window-ms", str(window_s * 1000),
                                "--retry-after")
        args = write_read_inputs(work, sandbox.url, {"transactions": "incremental"},
                                 requests_per_second=200, rate_window_seconds=window_s)
        messages, seconds, code = read_messages(args, work, "out")
        requests = sandbox.stop()
        paid = sandbox.truth_lines("transactions")
        return [{"scenario": "fanout_budget", "payouts": 2000, "window_s": window_s, "exit": code,
                 "exact": harness.records_of(messages, "transactions") == paid,
                 **bench.rate_figures(requests, 200, window_s * 1000),
                 "wall_seconds": round(seconds, 2)}]


def resume_after_cut():
    """A full refresh of 500,000 transactions cut (SIGKILL) after 80% of its records,
    then resumed from its last STATE: pages fetched again as a share of a fresh read."""
    with tempfile.TemporaryDirectory() as work:
        sandbox = bench.Sandbox(work, "--payouts", "1000", "--transactions-per-payout", "500",
                                "--unpaid-transactions", "0", "--threads", "1")
        args = write_read_inputs(work, sandbox.url, {"transactions": "full_refresh"},
                                 requests_per_second=10000)
        total = 500_000
        process = subprocess.Popen([bench.SOURCE, *args], stdout=subprocess.PIPE,
                                   stderr=subprocess.DEVNULL)
        lines, seen = [], 0
        for line in process.stdout:
            lines.append(line)
            if line.startswith(b'{"type":"RECORD"'):
                seen += 1
                if seen >= total * 0.8:
                    break
        process.send_signal(signal.SIGKILL)
        lines += process.stdout.read().splitlines(keepends=True)
        process.wait()
        process.stdout.close()
        messages = [json.loads(line) for line in lines if line.endswith(b"\n")]
        cut = max(i for i, m in enumerate(messages) if m["type"] == "STATE")
        before = harness.records_of(messages[:cut], "transactions")
        requests_before = request_count(sandbox)
        rest, _, code = read_messages(
            write_read_inputs(work, sandbox.url, {"transactions": "full_refresh"},
                              [messages[cut]["state"]], requests_per_second=10000), work, "rest")
        second = request_count(sandbox) - requests_before
        truth = sandbox.truth_lines("transactions")
        sandbox.stop()
        fresh_pages = total // 500
        return [{"scenario": "resume_after_cut", "records": total, "cut_after_records": seen,
                 "records_before_last_state": len(before), "exit": code,
                 "pages_second_attempt": second, "pages_fresh_read": fresh_pages,
                 "share_of_fresh": round(second / fresh_pages, 3),
                 "joined_exact": before + harness.records_of(rest, "transactions") == truth}]
