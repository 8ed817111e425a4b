"""Faults injected by klarna-sandbox: retried pages still give exactly the ground
truth; faults that cannot pass end in a clean, typed failure."""

import time
import unittest

from harness import ConnectorTestCase, Sandbox, errors_of, records_of, statuses_of

DATA = ("--payouts", "12", "--transactions-per-payout", "100", "--unpaid-transactions", "40")
KINDS = ("500", "502", "503", "504", "reset", "truncated", "malformed", "wrong_shape", "slow")


class FaultMatrixTest(ConnectorTestCase):
    def read_through_faults(self, kinds, rate, max_attempts=8):
        with Sandbox(*DATA, "--fault-rate", str(rate), "--faults", ",".join(kinds),
                     "--fault-seed", "11", "--slow-ms", "3000") as sandbox:
            # 1 s request timeout so that 'slow' answers time out quickly.
            config = self.config(sandbox.url, page_size=20, request_timeout_seconds=1,
                                 max_attempts=max_attempts)
            result = self.read(config, self.catalog("payouts", "transactions"))
            self.assertEqual(result.returncode, 0, result.stderr[-2000:])
            messages = self.messages(result.stdout)
            for stream in ("payouts", "transactions"):
                truth = sandbox.truth(stream)
                got = records_of(messages, stream)
                self.assertEqual(len(got), len(truth), f"{stream}: records lost or doubled")
                self.assertEqual(got, truth, stream)
                self.assertEqual(statuses_of(messages, stream)[-1], "COMPLETE")
            self.assertEqual(errors_of(messages), [])
            sandbox.stop()
            pages = 1 + 1 + len(sandbox.truth("transactions")) // 20
            self.assertGreater(len(sandbox.requests()), pages, "no fault was injected")
            retries = [m for m in messages if m["type"] == "LOG" and "retrying" in m["log"]["message"]]
            # A reset with no byte of answer on a reused keep-alive connection is retried
            # by libcurl itself on a fresh one (as for a connection the server closed
            # while idle), so it never reaches the connector's own retries.
            if kinds != ["reset"]:
                self.assertTrue(retries, "retries are logged")
            return retries

    def test_each_fault_kind_at_five_percent(self):
        for kind in KINDS:
            with self.subTest(kind=kind):
                self.read_through_faults([kind], 0.05)

    def test_all_fault_kinds_mixed(self):
        # 30% of answers fail, of all nine kinds; 12 attempts make a page that fails
        # every time (0.3^12) practically impossible.
        retries = self.read_through_faults(KINDS, 0.3, max_attempts=12)
        reasons = " ".join(m["log"]["message"] for m in retries)
        self.assertIn("500", reasons)
        self.assertIn("not a valid collection", reasons)


class FailuresThatDoNotPassTest(ConnectorTestCase):
    def test_only_server_errors_fail_cleanly_by_the_page_deadline(self):
        with Sandbox(*DATA, "--fault-rate", "1", "--faults", "500") as sandbox:
            config = self.config(sandbox.url, max_attempts=20, page_deadline_seconds=3)
            started = time.monotonic()
            result = self.read(config, self.catalog("payouts", "transactions"))
            elapsed = time.monotonic() - started
        self.assertNotEqual(result.returncode, 0)
        messages = self.messages(result.stdout)
        errors = errors_of(messages)
        self.assertEqual({e["failure_type"] for e in errors}, {"transient_error"})
        self.assertIn("deadline", errors[0]["message"])
        for stream in ("payouts", "transactions"):
            self.assertEqual(statuses_of(messages, stream)[-1], "INCOMPLETE")
            self.assertNotIn("COMPLETE", statuses_of(messages, stream)[:-1])
            self.assertEqual(records_of(messages, stream), [])
        # Gave up at the deadline (3 s plus at most one back-off), not after 20 attempts.
        self.assertLess(elapsed, 3 + 35)

    def test_wrong_password_fails_at_once_without_retries(self):
        with Sandbox(*DATA) as sandbox:
            config = self.config(sandbox.url, password="not-the-password")
            result = self.read(config, self.catalog("payouts", "transactions"))
            sandbox.stop()
            requests = sandbox.requests()
        self.assertNotEqual(result.returncode, 0)
        errors = errors_of(self.messages(result.stdout))
        self.assertEqual({e["failure_type"] for e in errors}, {"config_error"})
        self.assertEqual([status for _, status, _ in requests], [401, 401], "one request per stream")
        self.assertNotIn("retrying", result.stdout)


if __name__ == "__main__":
    unittest.main()
