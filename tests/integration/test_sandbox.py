"""klarna-sandbox behaves like the Settlements API: endpoints, auth, errors,
pagination, filters, and data that reconciles."""

import base64
import json
import unittest
import urllib.error
import urllib.request

from harness import PASSWORD, USERNAME, Sandbox, SharedSandboxMixin

class SandboxTest(SharedSandboxMixin, unittest.TestCase):
    SANDBOX_ARGS = ("--payouts", "40", "--transactions-per-payout", "30", "--unpaid-transactions", "25")

    def get(self, path, auth=(USERNAME, PASSWORD)):
        request = urllib.request.Request(self.sandbox.url + "settlements/v1/" + path)
        if auth:
            token = base64.b64encode(f"{auth[0]}:{auth[1]}".encode()).decode()
            request.add_header("Authorization", "Basic " + token)
        try:
            with urllib.request.urlopen(request) as response:
                return response.status, json.loads(response.read())
        except urllib.error.HTTPError as error:
            return error.code, json.loads(error.read())

    def assert_error(self, status, body, expected_status):
        self.assertEqual(status, expected_status)
        self.assertEqual(set(body), {"error_code", "error_messages", "correlation_id"})

    def test_auth_is_required(self):
        self.assert_error(*self.get("payouts", auth=None), 401)
        self.assert_error(*self.get("payouts", auth=(USERNAME, "wrong")), 401)
        first = self.get("payouts", auth=None)[1]["correlation_id"]
        self.assertNotEqual(first, self.get("payouts", auth=None)[1]["correlation_id"])

    def test_pagination_defaults_and_links(self):
        status, page = self.get("transactions")
        self.assertEqual(status, 200)
        self.assertEqual(page["pagination"]["count"], 20)
        self.assertEqual(page["pagination"]["total"], 40 * 30 + 25)
        self.assertNotIn("prev", page["pagination"])
        nxt = page["pagination"]["next"]
        self.assertTrue(nxt.startswith(self.sandbox.url + "settlements/v1/transactions?"))
        status, last = self.get("transactions?offset=1220&size=500")
        self.assertEqual(last["pagination"]["count"], 5)
        self.assertNotIn("next", last["pagination"])
        self.assertIn("prev", last["pagination"])
        self.assertEqual(last["transactions"], self.sandbox.truth("transactions")[1220:])

    def test_bad_parameters_are_400(self):
        for path in ("payouts?size=501", "payouts?size=0", "payouts?size=abc",
                     "transactions?offset=-1", "payouts?start_date=2024-13-01",
                     "payouts/summary?start_date=2022-01-01"):
            with self.subTest(path=path):
                self.assert_error(*self.get(path), 400)

    def test_unknown_paths_and_references_are_404(self):
        self.assert_error(*self.get("payouts/NOPE"), 404)
        self.assert_error(*self.get("refunds"), 404)

    def test_single_payout_and_filters(self):
        payouts = self.sandbox.truth("payouts")
        reference = payouts[3]["payment_reference"]
        self.assertEqual(self.get("payouts/" + reference), (200, payouts[3]))
        start = payouts[10]["payout_date"]
        _, page = self.get(f"payouts?size=500&start_date={start}&end_date={payouts[19]['payout_date']}")
        self.assertEqual(page["payouts"], payouts[10:20])
        currency = payouts[0]["currency_code"]
        _, page = self.get(f"payouts?size=500&currency_code={currency}")
        self.assertEqual(page["payouts"], [p for p in payouts if p["currency_code"] == currency])
        _, page = self.get(f"payouts?size=500&start_date={start[:10]}")  # bare date = 00:00:00Z
        self.assertEqual(page["payouts"], [p for p in payouts if p["payout_date"] >= start[:10]])

    def test_transactions_by_payment_reference_and_by_order(self):
        # The money in them is checked by test_settlement_model.
        transactions = self.sandbox.truth("transactions")
        for payout in self.sandbox.truth("payouts"):
            reference = payout["payment_reference"]
            _, page = self.get(f"transactions?payment_reference={reference}&size=500")
            self.assertEqual(page["transactions"], [t for t in transactions if t.get("payment_reference") == reference])
        order = transactions[0]["order_id"]
        _, page = self.get(f"transactions?order_id={order}&size=500")
        self.assertEqual(page["transactions"], [t for t in transactions if t["order_id"] == order])

    def test_summary_sums_payouts_per_currency(self):
        payouts = self.sandbox.truth("payouts")
        status, summaries = self.get("payouts/summary?start_date=2000-01-01&end_date=2100-01-01")
        self.assertEqual(status, 200)
        by_currency = {s["summary_settlement_currency"]: s for s in summaries}
        self.assertEqual(set(by_currency), {p["currency_code"] for p in payouts})
        for code, summary in by_currency.items():
            mine = [p for p in payouts if p["currency_code"] == code]
            self.assertEqual(summary["summary_total_sale_amount"], sum(p["totals"]["sale_amount"] for p in mine))
            self.assertEqual(summary["summary_total_settlement_amount"],
                             sum(p["totals"]["settlement_amount"] for p in mine))


if __name__ == "__main__":
    unittest.main()


class SandboxRateSignalsTest(unittest.TestCase):
    """What the sandbox says on the wire about its limits, read without the connector."""

    def answers(self, sandbox, count):
        token = base64.b64encode(f"{USERNAME}:{PASSWORD}".encode()).decode()
        results = []
        for _ in range(count):
            request = urllib.request.Request(sandbox.url + "settlements/v1/payouts?size=1",
                                             headers={"Authorization": "Basic " + token})
            try:
                with urllib.request.urlopen(request) as response:
                    results.append((response.status, dict(response.headers)))
            except urllib.error.HTTPError as error:
                results.append((error.code, dict(error.headers)))
        return results

    def test_both_windows_are_enforced(self):
        # 3 per second over 60 s allows 180; 2 per second over 1 s allows 2 at once.
        with Sandbox("--payouts", "2", "--transactions-per-payout", "1", "--rate-limit", "3",
                     "--second-rate-limit", "2", "--retry-after") as sandbox:
            statuses = [status for status, _ in self.answers(sandbox, 4)]
        self.assertEqual(statuses, [200, 200, 429, 429])

    def test_x_ratelimit_headers_announce_the_tightest_limit(self):
        with Sandbox("--payouts", "2", "--transactions-per-payout", "1", "--rate-limit", "200",
                     "--second-rate-limit", "40", "--rate-limit-headers", "x-ratelimit") as sandbox:
            (status, headers), (_, second) = self.answers(sandbox, 2)
        self.assertEqual(status, 200)
        self.assertEqual(headers["X-RateLimit-Limit"], "40, 40;w=1")
        self.assertEqual(headers["X-RateLimit-Remaining"], "39")
        self.assertEqual(second["X-RateLimit-Remaining"], "38")
        self.assertIn(headers["X-RateLimit-Reset"], ("0", "1"))

    def test_ietf_headers(self):
        with Sandbox("--payouts", "2", "--transactions-per-payout", "1", "--rate-limit", "100",
                     "--rate-window-ms", "60000", "--rate-limit-headers", "ietf") as sandbox:
            (_, headers), = self.answers(sandbox, 1)
        self.assertEqual(headers["RateLimit-Policy"], '"default";q=6000;w=60')
        self.assertTrue(headers["RateLimit"].startswith('"default";r=5999;t='), headers["RateLimit"])

    def test_a_literal_retry_after_goes_with_429_and_injected_503(self):
        with Sandbox("--payouts", "2", "--transactions-per-payout", "1", "--rate-limit", "1",
                     "--rate-window-ms", "1000", "--retry-after-value", "inf") as sandbox:
            answers = self.answers(sandbox, 2)
        self.assertEqual([status for status, _ in answers], [200, 429])
        self.assertEqual(answers[1][1]["Retry-After"], "inf")
        with Sandbox("--payouts", "2", "--transactions-per-payout", "1", "--fault-rate", "1",
                     "--faults", "503", "--retry-after") as sandbox:
            (status, headers), = self.answers(sandbox, 1)
        self.assertEqual(status, 503)
        self.assertEqual(headers["Retry-After"], "1")
