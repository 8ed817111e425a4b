"""klarna-sandbox's money follows Klarna's settlement formula and debt rules, for
several seeds and each merchant_settlement_type: checked here from the served records
alone, with the formula written out from Klarna's "Settlement reports" page
(docs/CONFIGURATION.md lists what the sandbox assumes where Klarna is silent)."""

import collections
import itertools
import unittest

from harness import Sandbox

# Klarna's formula: each total's sign, and the transaction types that make it up
# (reversal_amount is the reversals net of merchant protection).
FORMULA = {"sale_amount": +1, "return_amount": -1, "reversal_amount": -1, "fee_amount": -1,
           "fee_correction_amount": +1, "commission_amount": +1, "tax_amount": -1,
           "charge_amount": -1, "credit_amount": +1, "repay_amount": -1, "holdback_amount": -1,
           "release_amount": +1, "fee_refund_amount": +1}
# Which transaction types each total sums ("-": subtracted from it).
TOTALS_OF_TYPES = {"sale_amount": ["SALE"], "return_amount": ["RETURN"],
                   "reversal_amount": ["REVERSAL", "-REVERSAL_MERCHANT_PROTECTION"],
                   "fee_amount": ["FEE"], "commission_amount": ["COMMISSION"],
                   "charge_amount": ["CHARGE"], "credit_amount": ["CREDIT"],
                   "holdback_amount": ["HOLDBACK"], "release_amount": ["RELEASE"],
                   "fee_refund_amount": ["FEE_REFUND"]}
# The detailed types each type carries (Klarna's settlement-report page).
DETAILED_TYPES = {
    "SALE": {"PURCHASE"},
    "RETURN": {"PURCHASE_RETURN"},
    "REVERSAL": {"REVERSAL", "FRAUD_POLICY_CHARGE"},
    "REVERSAL_MERCHANT_PROTECTION": {"FRAUD_POLICY_CREDIT_NET"},
    "FEE": {"PURCHASE_FEE_PERCENTAGE", "PURCHASE_FEE_FIXED", "RETURN_FEE", "LATE_RETURN_FEE",
            "DISPUTE_FEE", "SERVICING_FEE", "EXTRA_INVOICE_FEE"},
    "FEE_REFUND": {"FEE_REFUND", "PURCHASE_FEE_PERCENTAGE_REFUND"},
    "COMMISSION": {"COMMISSION", "PURCHASE_COMMISSION_PERCENTAGE"},
    "CHARGE": {"PAYMENT_REMINDER", "LIABILITY_TRANSFER", "CASH_ADVANCE_AMORTISATION",
               "TRANSFER_FROM_LEGACY_INTEGRATION"},
    "CREDIT": {"CORRECTION_DISPUTE", "CASH_ADVANCE_PAYOUT", "CASH_ADVANCE_FEES"},
    "HOLDBACK": {"ROLLING_RESERVE"},
    "RELEASE": {"ROLLING_RESERVE"},
}
SIZE = ("--payouts", "90", "--transactions-per-payout", "60", "--unpaid-transactions", "40")


def by_payout(transactions):
    grouped = collections.defaultdict(list)
    for t in transactions:
        if "payment_reference" in t:
            grouped[t["payment_reference"]].append(t)
    return grouped


class SettlementModelTest(unittest.TestCase):
    def check_account(self, payouts, transactions, merchant_type):
        mine = by_payout(transactions)
        debt = collections.Counter()  # per currency: the last closing balance
        deposits = repays = 0
        for payout in payouts:  # in payout_date order
            totals, reference = payout["totals"], payout["payment_reference"]
            where = f"{merchant_type} {reference}"
            self.assertEqual(payout["merchant_settlement_type"], merchant_type)
            by_type = collections.Counter()
            for t in mine[reference]:
                self.assertEqual(t["currency_code"], payout["currency_code"], where)
                self.assertIn(t["type"], DETAILED_TYPES, f"{where}: a type no total takes")
                by_type[t["type"]] += abs(t["amount"])
            for total, types in TOTALS_OF_TYPES.items():
                expected = sum(-by_type[kind[1:]] if kind.startswith("-") else by_type[kind] for kind in types)
                self.assertEqual(totals[total], expected, f"{where} {total}")
            self.assertEqual(totals["tax_amount"], sum(t.get("vat_amount", 0) for t in mine[reference]),
                             f"{where}: tax is the VAT on fees")
            # The formula, with the shortfall of a negative period booked as deposit.
            formula = sum(sign * totals[name] for name, sign in FORMULA.items())
            self.assertEqual(totals["settlement_amount"], formula + totals["deposit_amount"], where)
            self.assertGreaterEqual(totals["settlement_amount"], 0, where)
            if totals["deposit_amount"]:
                self.assertEqual(totals["settlement_amount"], 0, f"{where}: a negative period pays nothing")
                self.assertEqual(totals["repay_amount"], 0, where)
            # The debt chain, per currency.
            currency = payout["currency_code"]
            self.assertEqual(totals["opening_debt_balance_amount"], debt[currency], f"{where} opening")
            self.assertLessEqual(totals["repay_amount"], totals["opening_debt_balance_amount"], where)
            self.assertEqual(totals["closing_debt_balance_amount"],
                             debt[currency] + totals["deposit_amount"] - totals["repay_amount"], where)
            debt[currency] = totals["closing_debt_balance_amount"]
            deposits += totals["deposit_amount"] > 0
            repays += totals["repay_amount"] > 0
        self.assertGreater(deposits, 0, f"{merchant_type}: some period ends in debt")
        self.assertGreater(repays, 0, f"{merchant_type}: some debt is repaid")

    def check_fees(self, transactions, merchant_type):
        fees = {t["detailed_type"] for t in transactions if t["type"] == "FEE"}
        if merchant_type == "GROSS":
            self.assertEqual(fees, set(), "GROSS: every fee is invoiced")
        elif merchant_type == "GROSS_FEE":
            self.assertEqual(fees, {"PURCHASE_FEE_PERCENTAGE", "PURCHASE_FEE_FIXED"},
                             "GROSS_FEE: only transaction fees are deducted")
        else:
            self.assertGreater(len(fees), 2, "NET: other fees are deducted too")
        for t in transactions:
            if t["type"] == "FEE":
                self.assertEqual(t["vat_amount"], (t["amount"] * 19 + 50) // 100)
                if t["currency_code"] == "EUR":
                    self.assertEqual(t["tax_in_currency_of_registration_country"], t["vat_amount"])
                self.assertEqual(t["currency_code_of_registration_country"], "EUR")

    def check_orders(self, transactions):
        orders = collections.defaultdict(list)
        for t in transactions:
            self.assertIn(t["detailed_type"], DETAILED_TYPES[t["type"]], t["type"])
            orders[t["order_id"]].append(t)
        shared = ("sale_date", "short_order_id", "merchant_reference1", "currency_code", "purchase_country")
        several = 0
        for order_id, rows in orders.items():
            for field in shared:
                self.assertEqual(len({r.get(field) for r in rows}), 1, f"{order_id}: {field}")
            captured = sum(r["amount"] for r in rows if r["type"] == "SALE")
            given_back = sum(abs(r["amount"]) for r in rows if r["type"] in ("RETURN", "REVERSAL"))
            if captured:
                self.assertLessEqual(given_back, captured, order_id)
            for r in rows:
                self.assertLessEqual(r["sale_date"], r["capture_date"], order_id)
                if r["type"] in ("RETURN", "REVERSAL"):
                    self.assertEqual(r["capture_id"], "")
            several += len(rows) > 1
        self.assertGreater(several, len(orders) // 10, "orders with several transactions")

    def test_every_payout_follows_the_formula_and_the_debt_chain(self):
        for seed, merchant_type in itertools.product(("1", "2", "3"), ("NET", "GROSS", "GROSS_FEE")):
            with self.subTest(seed=seed, merchant_type=merchant_type), \
                    Sandbox(*SIZE, "--seed", seed, "--settlement-type", merchant_type) as sandbox:
                payouts, transactions = sandbox.truth("payouts"), sandbox.truth("transactions")
                self.check_account(payouts, transactions, merchant_type)
                self.check_fees(transactions, merchant_type)
                self.check_orders(transactions)

    def test_the_account_stays_whole_as_it_grows(self):
        with Sandbox(*SIZE, "--seed", "5") as sandbox:
            unpaid = [t for t in sandbox.truth("transactions") if "payment_reference" not in t]
            sandbox.grow(8, settle_unpaid=True)
            payouts, transactions = sandbox.truth("payouts"), sandbox.truth("transactions")
            self.check_account(payouts, transactions, "NET")
            self.check_orders(transactions)
        new = {p["payment_reference"]: p["currency_code"] for p in payouts[90:]}
        settled = transactions[90 * 60:90 * 60 + len(unpaid)]
        self.assertEqual([{**t, "payment_reference": None, "payout": None} for t in settled],
                         [{**t, "payment_reference": None, "payout": None} for t in unpaid], "in place")
        for t in settled:
            self.assertEqual(new.get(t.get("payment_reference")), t["currency_code"],
                             "each unpaid transaction joins a new payout of its currency")

    def test_signed_amounts_are_the_same_money(self):
        with Sandbox(*SIZE, "--seed", "1") as plain, Sandbox(*SIZE, "--seed", "1", "--signed-amounts") as signed:
            self.assertEqual([p["totals"] for p in plain.truth("payouts")],
                             [p["totals"] for p in signed.truth("payouts")])
            pairs = list(zip(plain.truth("transactions"), signed.truth("transactions")))
            self.check_account(signed.truth("payouts"), signed.truth("transactions"), "NET")
        negative = {"RETURN", "REVERSAL", "FEE", "CHARGE", "HOLDBACK"}
        for magnitude, signed_one in pairs:
            self.assertGreater(magnitude["amount"], 0)
            sign = -1 if magnitude["type"] in negative else 1
            self.assertEqual(signed_one["amount"], sign * magnitude["amount"])

    def test_amounts_are_realistic_unless_extreme_values_are_asked_for(self):
        with Sandbox(*SIZE, "--seed", "9") as plain, Sandbox(*SIZE, "--seed", "9", "--extreme-values") as extreme:
            ordinary, edgy = plain.truth("transactions"), extreme.truth("transactions")
        sales = sorted(t["amount"] for t in ordinary if t["type"] == "SALE" and t["currency_code"] == "EUR")
        median = sales[len(sales) // 2]
        self.assertTrue(2_000 < median < 15_000, f"a typical EUR order is tens of euros: {median}")
        self.assertLess(sales[-1], 100 * median, "a long tail, not 2^53")
        references = [t["merchant_reference1"] for t in ordinary if "merchant_reference1" in t]
        self.assertTrue(all(r and max(map(ord, r)) < 0x250 for r in references), "Latin letters only")
        amounts = {t["amount"] for t in edgy}
        self.assertIn(2 ** 53 + 1, amounts)
        installments = {t.get("initial_number_of_installments") for t in edgy}
        self.assertIn(-2 ** 63, installments)
        self.assertIn(2 ** 63 - 1, {t.get("initial_payment_method_monthly_downpayments") for t in edgy})
        references = [t.get("merchant_reference1") for t in edgy]
        self.assertTrue(any(r is not None and r.isdigit() for r in references), "an empty pattern")
        self.assertTrue(any(r and "🛒" in r for r in references))


if __name__ == "__main__":
    unittest.main()
