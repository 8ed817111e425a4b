"""`read` against klarna-sandbox: every record once, unchanged, in API order."""

import collections
import json
import os
import subprocess
import unittest

from harness import (PASSWORD, SOURCE, ConnectorTestCase, Sandbox, SharedSandboxMixin, errors_of,
                     peak_rss_mib, records_of, requests_once_stalled, states_of, statuses_of)


def multiset(records):
    return collections.Counter(json.dumps(r, sort_keys=True) for r in records)


class FullReadTest(SharedSandboxMixin, ConnectorTestCase):
    # 101,000 transactions and 202 payouts: several pages of each stream.
    SANDBOX_ARGS = ("--payouts", "202", "--transactions-per-payout", "495", "--unpaid-transactions", "1010", "--seed", "7",
                   "--extreme-values")

    def test_both_streams_equal_the_ground_truth_in_order(self):
        result = self.read(self.config(self.sandbox.url), self.catalog("payouts", "transactions"))
        self.assertEqual(result.returncode, 0, result.stderr)
        messages = self.messages(result.stdout)
        for stream in ("payouts", "transactions"):
            truth = self.sandbox.truth(stream)
            got = records_of(messages, stream)
            self.assertEqual(len(got), len(truth), stream)
            self.assertEqual(multiset(got), multiset(truth), f"{stream}: records differ as multisets")
            self.assertTrue(got == truth, f"{stream}: records are not in API order")
            self.assertEqual(statuses_of(messages, stream), ["STARTED", "RUNNING", "COMPLETE"])
            # Checkpoints along the way (every 10,000 records by default), then the
            # completion marker; the counts of all of them add up to the stream.
            states = states_of(messages, stream)
            self.assertEqual({state["type"] for state in states}, {"STREAM"})
            self.assertEqual(states[-1]["stream"]["stream_state"],
                             {"__ab_full_refresh_sync_complete": True})
            self.assertEqual(sum(state["sourceStats"]["recordCount"] for state in states), len(truth))
            if len(truth) > 20_000:
                self.assertGreaterEqual(len(states), len(truth) // 10_000)
        self.assertGreaterEqual(len(records_of(messages, "transactions")), 100_000)
        self.assertEqual(errors_of(messages), [])
        # Values beyond double precision and unicode arrive exactly.
        amounts = {r["amount"] for r in records_of(messages, "transactions")}
        self.assertIn(9007199254740993, amounts)
        references = "".join(r.get("merchant_reference1", "") for r in records_of(messages, "transactions"))
        self.assertIn("注文番号", references)
        self.assertIn("\"", references)
        # Unpaid transactions are part of the listing.
        self.assertTrue(any("payment_reference" not in r for r in records_of(messages, "transactions")))
        self.assertIn("read finished", result.stderr)

    def test_one_stream_only(self):
        result = self.read(self.config(self.sandbox.url), self.catalog("payouts"))
        self.assertEqual(result.returncode, 0, result.stderr)
        messages = self.messages(result.stdout)
        self.assertEqual(records_of(messages, "payouts"), self.sandbox.truth("payouts"))
        self.assertEqual(records_of(messages, "transactions"), [])
        self.assertEqual(statuses_of(messages, "transactions"), [])

    def test_start_date_filters_payouts(self):
        start = "2022-02-01T00:00:00Z"
        result = self.read(self.config(self.sandbox.url, start_date="2022-02-01T01:00:00+01:00"),
                           self.catalog("payouts"))
        self.assertEqual(result.returncode, 0, result.stderr)
        expected = [p for p in self.sandbox.truth("payouts") if p["payout_date"] >= start]
        self.assertTrue(0 < len(expected) < len(self.sandbox.truth("payouts")))
        self.assertEqual(records_of(self.messages(result.stdout), "payouts"), expected)

    def test_small_pages_and_input_state(self):
        state = self.write("state.json", [{"type": "STREAM", "stream": {
            "stream_descriptor": {"name": "payouts"},
            "stream_state": {"__ab_no_cursor_state_message": True}}}])
        result = self.read(self.config(self.sandbox.url, page_size=7), self.catalog("payouts"),
                           "--state", state)
        self.assertEqual(result.returncode, 0, result.stderr)
        self.assertEqual(records_of(self.messages(result.stdout), "payouts"), self.sandbox.truth("payouts"))

    def test_wrong_password_is_a_config_error(self):
        config = self.config(self.sandbox.url, password="wrong-" + "x" * 8)
        result = self.read(config, self.catalog("payouts", "transactions"))
        self.assertNotEqual(result.returncode, 0)
        messages = self.messages(result.stdout)
        errors = errors_of(messages)
        self.assertEqual({e["failure_type"] for e in errors}, {"config_error"})
        self.assertIn("username or password", errors[0]["message"])
        for stream in ("payouts", "transactions"):
            self.assertEqual(statuses_of(messages, stream)[-1], "INCOMPLETE")
            self.assertEqual(records_of(messages, stream), [])
        self.assertNotIn("wrong-xxxxxxxx", result.stdout + result.stderr)


class RateLimitedReadTest(ConnectorTestCase):
    def test_tight_budget_is_never_exceeded(self):
        # The sandbox allows 40 requests/s over a 4 s window; the connector is told the
        # same budget and must finish exact without a single 429.
        with Sandbox("--payouts", "30", "--transactions-per-payout", "100",
                     "--unpaid-transactions", "0", "--rate-limit", "40",
                     "--rate-window-ms", "4000", "--latency-ms", "5") as sandbox:
            result = self.read(self.config(sandbox.url, page_size=20, requests_per_second=40,
                                           rate_window_seconds=4),
                               self.catalog("payouts", "transactions"))
            self.assertEqual(result.returncode, 0, result.stderr)
            messages = self.messages(result.stdout)
            self.assertEqual(records_of(messages, "transactions"), sandbox.truth("transactions"))
            sandbox.stop()
            requests = sandbox.requests()
            self.assertGreater(len(requests), 150)
            self.assertEqual([r for r in requests if r[1] == 429], [])
            # And the budget was never exceeded in any 4 s window (the sandbox's own log).
            times = sorted(ms for ms, _, _ in requests)
            peak = max(sum(1 for t in times[i:i + 200] if t - start < 4000)
                       for i, start in enumerate(times))
            self.assertLessEqual(peak, 160)

    def test_429s_are_waited_out_and_nothing_is_lost(self):
        # The sandbox allows half of what the connector is told: 429s must come, be
        # retried after Retry-After, and the output must still be exact.
        with Sandbox("--payouts", "20", "--transactions-per-payout", "100",
                     "--unpaid-transactions", "0", "--rate-limit", "50",
                     "--rate-window-ms", "1000", "--retry-after") as sandbox:
            result = self.read(self.config(sandbox.url, page_size=10, requests_per_second=100),
                               self.catalog("transactions"))
            self.assertEqual(result.returncode, 0, result.stderr)
            messages = self.messages(result.stdout)
            self.assertEqual(records_of(messages, "transactions"), sandbox.truth("transactions"))
            sandbox.stop()
            self.assertGreater(len([r for r in sandbox.requests() if r[1] == 429]), 0)
            self.assertTrue(any(m["type"] == "TRACE" and m["trace"]["type"] == "STREAM_STATUS"
                                and m["trace"]["stream_status"].get("reasons")
                                for m in messages), "no RATE_LIMITED status was emitted")


class BackpressureTest(ConnectorTestCase):
    def test_a_stalled_reader_stops_fetching_and_memory_stays_bounded(self):
        # 5,010 pages of 20 records; nobody reads stdout at first. Credits (pages in
        # flight or buffered per stream) must stop the fetching after a bounded number
        # of pages, and the output must still be exact once the reader comes back.
        with Sandbox("--payouts", "200", "--transactions-per-payout", "500",
                     "--unpaid-transactions", "0") as sandbox:
            config = self.write("config.json", self.config(sandbox.url, page_size=20))
            catalog = self.write("catalog.json", self.catalog("payouts", "transactions"))
            with open(os.path.join(self.tmp.name, "stderr.txt"), "w+") as stderr:
                process = subprocess.Popen([SOURCE, "read", "--config", config, "--catalog", catalog],
                                           stdout=subprocess.PIPE, stderr=stderr)
                try:
                    stalled_at = requests_once_stalled(sandbox, process)
                    stalled_rss = peak_rss_mib(process.pid)
                    output, _ = process.communicate(timeout=300)
                finally:
                    if process.poll() is None:
                        process.kill()
                        process.wait()
                stderr.seek(0)
                self.assertNotIn(PASSWORD, stderr.read())
            self.assertEqual(process.returncode, 0)
            # 48 credits per stream, the payouts' 10 pages, and the few pages that fit
            # into the pipe before a write blocks: far below the 5,010 pages there are.
            self.assertLess(stalled_at, 150, "fetching did not stop while stdout was blocked")
            self.assertLess(stalled_rss, 128, "peak RSS while stdout was blocked (MiB)")
            output = output.decode("utf-8")
            self.assertNotIn(PASSWORD, output)
            messages = self.messages(output)
            for stream in ("payouts", "transactions"):
                self.assertEqual(records_of(messages, stream), sandbox.truth(stream), stream)


if __name__ == "__main__":
    unittest.main()
