"""scripts/reconcile.py on a database synced from klarna-sandbox: its figures equal
sums computed here from the sandbox's ground truth, its checks pass on Klarna's money
and fail, naming the payout, when a total is wrong."""

import collections
import decimal
import os
import sqlite3
import subprocess
import sys

from harness import ConnectorTestCase, Sandbox

REPO_ROOT = os.environ["REPO_ROOT"]

SIZE = ("--payouts", "70", "--transactions-per-payout", "60", "--unpaid-transactions", "45")


def major(currency, minor):
    """The report's money format, written independently: EUR 1,234.56."""
    return f"{currency} {decimal.Decimal(minor).scaleb(-2):,.2f}"


class ReconcileTest(ConnectorTestCase):
    def synced(self, sandbox):
        path = os.path.join(self.tmp.name, "klarna.db")
        config = self.write("config.json", self.config(sandbox.url, start_date="2021-12-01"))
        result = self.run_connector("sync", "--config", config, "--sink", "sqlite:" + path)
        self.assertEqual(result.returncode, 0, result.stderr)
        return path

    def report(self, path):
        return subprocess.run([sys.executable, os.path.join(REPO_ROOT, "scripts", "reconcile.py"), path],
                              capture_output=True, text=True, timeout=60)

    def test_the_report_in_money_equals_the_truth(self):
        with Sandbox(*SIZE, "--seed", "4") as sandbox:
            report = self.report(self.synced(sandbox))
            payouts, transactions = sandbox.truth("payouts"), sandbox.truth("transactions")
        self.assertEqual(report.returncode, 0, report.stdout + report.stderr)
        lines = report.stdout.splitlines()
        # Paid out per month and currency: the last figure of the month's line.
        paid = collections.Counter()
        for p in payouts:
            paid[(p["payout_date"][:7], p["currency_code"])] += p["totals"]["settlement_amount"]
        for (month, currency), amount in paid.items():
            row = [line for line in lines if line.startswith(f"  {month} ") and f" {currency} " in line]
            self.assertEqual(len(row), 1, (month, currency))
            self.assertTrue(row[0].endswith(major(currency, amount)), (row[0], major(currency, amount)))
        # Fees by kind in paid-out transactions, with their VAT.
        fees = collections.defaultdict(collections.Counter)
        for t in transactions:
            if t["type"] == "FEE" and "payment_reference" in t:
                key = (t["currency_code"], t["detailed_type"])
                fees[key]["count"] += 1
                fees[key]["fee"] += t["amount"]
                fees[key]["vat"] += t["vat_amount"]
        for (currency, kind), sums in fees.items():
            row = [line for line in lines if line.startswith(f"  {currency} {kind} ")]
            self.assertEqual(len(row), 1, (currency, kind))
            self.assertEqual(row[0].split()[2:], [f"{sums['count']:,}", "fees", *major(currency, sums["fee"]).split(),
                                                  "VAT", *major(currency, sums["vat"]).split()])
        # The open debt: the last payout's closing balance per currency.
        last = {p["currency_code"]: p for p in payouts}
        for currency, p in last.items():
            debt = major(currency, p["totals"]["closing_debt_balance_amount"])
            self.assertTrue(any(line.startswith(f"  {currency}  debt") and debt in line for line in lines), debt)
        for check in ("follows Klarna's formula", "equal their transactions", "Debt carried", "Payout summaries"):
            line = next(line for line in lines if check in line)
            done, of = line.rsplit(": ", 1)[1].split(" of ")
            self.assertEqual(done, of, line)
            self.assertGreater(int(of), 0, line)

    def test_a_wrong_total_fails_and_names_the_payout(self):
        with Sandbox(*SIZE, "--seed", "6") as sandbox:
            path = self.synced(sandbox)
            reference = sandbox.truth("payouts")[11]["payment_reference"]
        with sqlite3.connect(path) as db:
            db.execute("UPDATE payouts SET totals_fee_amount = totals_fee_amount + 1 WHERE payment_reference = ?",
                       (reference,))
        report = self.report(path)
        self.assertEqual(report.returncode, 1)
        wrong = [line for line in report.stdout.splitlines() if line.startswith(f"  {reference}:")]
        self.assertEqual(len(wrong), 2, report.stdout)  # the formula and the fee total
        self.assertIn("fee_amount", wrong[1])

    def test_signed_amounts_reconcile_alike(self):
        with Sandbox(*SIZE, "--seed", "4", "--signed-amounts", "--settlement-type", "GROSS") as sandbox:
            report = self.report(self.synced(sandbox))
        self.assertEqual(report.returncode, 0, report.stdout + report.stderr)
        self.assertIn("none: this merchant's fees are invoiced", report.stdout)
