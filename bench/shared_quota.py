"""Benchmark of the merchant's shared quota (bench/run.py shared_quota): klarna-sandbox
enforces 40 requests per second with rate-limit headers and plays the merchant's other
traffic in the same window (--background-rps), evenly or in bursts; the connector is
configured with the merchant's whole quota and the default reserve. Figures per case:
the other traffic refused, the connector's 429s, and the connector's rate against
what the other traffic and the reserve leave it. A plot per case shows both rates per
second against the quota."""

import os
import shutil
import subprocess
import tempfile
import time

import run as bench

QUOTA, RESERVE, FLOOR, SECONDS = 40, 0.1, 0.025, 20


def per_second(times_ms, start_ms):
    counts = {}
    for ms in times_ms:
        counts[(ms - start_ms) // 1000] = counts.get((ms - start_ms) // 1000, 0) + 1
    return counts


def plot(name, own, others, start_ms):
    if not shutil.which("gnuplot"):
        return None
    own_rate, others_rate = per_second(own, start_ms), per_second(others, start_ms)
    data = os.path.join(bench.OUT, name + ".dat")
    png = os.path.join(bench.OUT, name + ".png")
    with open(data, "w") as f:
        for second in sorted(set(own_rate) | set(others_rate)):
            f.write(f"{second} {own_rate.get(second, 0)} {others_rate.get(second, 0)}\n")
    script = (f"set terminal png size 900,400; set output '{png}'; set xlabel 'seconds';"
              f"set ylabel 'requests/s'; set yrange [0:{QUOTA * 1.3}];"
              f"plot '{data}' using 1:2 with steps title 'connector', "
              f"'{data}' using 1:3 with steps title 'other traffic', "
              f"'{data}' using 1:($2+$3) with steps title 'together', {QUOTA} title 'quota' lw 2")
    subprocess.run(["gnuplot", "-e", script], check=False)
    return os.path.relpath(png, bench.ROOT)


def one_case(others_share, burst_ms):
    others = QUOTA * others_share
    expected = max(QUOTA * FLOOR, QUOTA * (1 - RESERVE) - others)
    pages = int(expected * SECONDS)
    with tempfile.TemporaryDirectory() as work:
        log = os.path.join(work, "background.log")
        background = (["--background-rps", str(others), "--background-burst-ms", str(burst_ms),
                       "--background-log", log] if others else [])
        sandbox = bench.Sandbox(work, "--payouts", str(pages), "--transactions-per-payout", "19",
                                "--unpaid-transactions", "0", "--rate-limit", str(QUOTA),
                                "--rate-window-ms", "1000", "--rate-limit-headers", "x-ratelimit",
                                "--retry-after", "--latency-ms", "20", "--jitter-ms", "5",
                                *background)
        time.sleep(2)  # the other traffic runs before the sync starts, as it would
        args = bench.write_inputs(work, sandbox.url, ["transactions"], page_size=20,
                                  requests_per_second=QUOTA)
        with open(os.devnull, "w") as null:
            seconds, _, _, code, _ = bench.run_connector(args, null)
        requests = sandbox.stop()
        others_log = []
        if others:
            with open(log) as f:
                others_log = [(int(ms), int(status)) for ms, status in (line.split() for line in f)]
    first, last = requests[0][0], requests[-1][0]
    during = [status for ms, status in others_log if first <= ms <= last]
    rate = (len(requests) - 1) / ((last - first) / 1000)
    name = f"shared_quota_{int(others_share * 100)}_{'bursts' if burst_ms else 'steady'}"
    return {"scenario": "shared_quota", "others_share": others_share,
            "others": "bursts of 100 ms" if burst_ms else "steady", "exit": code,
            "connector_requests": len(requests),
            "connector_429s": sum(1 for _, status in requests if status == 429),
            "others_sent": len(during), "others_refused": during.count(429),
            "connector_rate": round(rate, 2), "left_less_reserve": expected,
            "connector_share_of_left": round(rate / expected, 3),
            "plot": plot(name, [ms for ms, _ in requests], [ms for ms, s in others_log if s == 200],
                         first)}


def shared_quota():
    results = []
    for others_share in (0.0, 0.3, 0.6, 0.9):
        for burst_ms in ((0, 100) if others_share else (0,)):
            results.append(one_case(others_share, burst_ms))
    return results
