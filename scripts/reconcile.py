#!/usr/bin/env python3
"""Settlement report of a source-klarna SQLite database (`sync --sink sqlite:FILE`),
in money: what was paid out per month and currency, Klarna's fees by kind, the debt
still open with Klarna and the reserve it holds; then the checks a finance team makes:
every payout's settlement_amount by Klarna's formula, its totals against its
transactions, the debt carried from payout to payout per currency, and each payout
summary against its payouts.

    scripts/reconcile.py demo-output/klarna.db

Amounts are shown in major units with their currency (Klarna sends minor units).
A transaction's own amount may be signed or not (Klarna does not say): the report
adds magnitudes and takes each type's direction from the formula, so either works.
Exit status 1 when a payout's totals, its formula or a summary disagree."""

import collections
import sqlite3
import sys

# Klarna's "Calculation of settlement amount": each total's sign in the formula.
FORMULA = {"sale_amount": +1, "return_amount": -1, "reversal_amount": -1, "fee_amount": -1,
           "fee_correction_amount": +1, "commission_amount": +1, "tax_amount": -1,
           "charge_amount": -1, "credit_amount": +1, "repay_amount": -1,
           "holdback_amount": -1, "release_amount": +1, "fee_refund_amount": +1}
# The total each transaction type adds to (+) or takes from (-): merchant protection
# nets a reversal. TAX and CORRECTION belong to no total (tax_amount is the VAT on
# fees; fee corrections and repayments are not itemized).
TYPE_TOTALS = {"SALE": ("sale_amount", +1), "RETURN": ("return_amount", +1),
               "REVERSAL": ("reversal_amount", +1),
               "REVERSAL_MERCHANT_PROTECTION": ("reversal_amount", -1),
               "FEE": ("fee_amount", +1), "COMMISSION": ("commission_amount", +1),
               "CHARGE": ("charge_amount", +1), "CREDIT": ("credit_amount", +1),
               "HOLDBACK": ("holdback_amount", +1), "RELEASE": ("release_amount", +1),
               "FEE_REFUND": ("fee_refund_amount", +1)}
# Digits after the decimal point (ISO 4217) where they are not 2.
MINOR_DIGITS = {"JPY": 0, "KRW": 0, "ISK": 0, "CLP": 0, "HUF": 2, "BHD": 3, "KWD": 3}

# Where a real account may differ from klarna-sandbox (docs/CONFIGURATION.md).
REAL_ACCOUNT_NOTES = """\
Where a real Klarna account may differ from the sandbox:
  - Klarna may invoice a debt separately; the next opening balance then starts afresh
    (reported above as a break in the debt chain, not as an error).
  - TAX and CORRECTION transactions belong to no total of the formula; they are listed
    as outside the totals and left out of the checks.
  - Fee corrections and debt repayments are not itemized as transactions; only the
    payout's totals show them.
  - Payouts read from a start_date on: the first payout's opening balance carries debt
    from before it.
  - VAT on fees: the sandbox charges 19 % on every fee of a merchant registered in
    Germany; Klarna's rate depends on where the merchant is registered."""


def money(currency, minor):
    """`EUR 12,345.67` from 1234567 minor units."""
    digits = MINOR_DIGITS.get(currency, 2)
    major, fraction = divmod(abs(minor), 10 ** digits)
    sign = "-" if minor < 0 else ""
    return f"{currency} {sign}{major:,}" + (f".{fraction:0{digits}d}" if digits else "")


def has_table(db, name):
    return db.execute("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?", (name,)).fetchone()


class Report:
    def __init__(self, db):
        self.db = db
        self.failed = False
        cursor = db.execute("SELECT * FROM payouts ORDER BY payout_date, rowid")
        names = [column[0] for column in cursor.description]
        self.payouts = [dict(zip(names, row)) for row in cursor]
        self.transactions = has_table(db, "transactions")

    def total(self, payout, name):
        return payout.get("totals_" + name) or 0

    def header(self, path):
        print(f"Settlement report of {path}")
        if not self.payouts:
            print("  no payouts synced")
            return
        merchants = sorted({(p.get("merchant_id") or "?", p.get("merchant_settlement_type") or "?")
                            for p in self.payouts})
        print("  merchant " + ", ".join(f"{m} ({kind})" for m, kind in merchants)
              + f"; {len(self.payouts):,} payouts from {self.payouts[0]['payout_date'][:10]}"
              f" to {self.payouts[-1]['payout_date'][:10]}; amounts in major units")

    def paid_out_per_month(self):
        print("\nPaid out per month and currency")
        columns = ("payouts", "sales", "returns, reversals", "fees and VAT", "other", "debt",
                   "paid out")
        print(f"  {'month':<8} {columns[0]:>7} " + " ".join(f"{c:>19}" for c in columns[1:]))
        rows = {}
        for p in self.payouts:
            key = (p["payout_date"][:7], p["currency_code"])
            row = rows.setdefault(key, collections.Counter())
            row["payouts"] += 1
            row["sales"] += self.total(p, "sale_amount")
            row["returns"] += self.total(p, "return_amount") + self.total(p, "reversal_amount")
            row["fees"] += self.total(p, "fee_amount") + self.total(p, "tax_amount")
            row["debt"] += self.total(p, "deposit_amount") - self.total(p, "repay_amount")
            row["paid"] += self.total(p, "settlement_amount")
        for (month, currency), row in sorted(rows.items()):
            other = row["paid"] - row["sales"] + row["returns"] + row["fees"] - row["debt"]
            figures = (row["sales"], row["returns"], row["fees"], other, row["debt"], row["paid"])
            print(f"  {month:<8} {row['payouts']:>7} " + " ".join(f"{money(currency, v):>19}" for v in figures))
        print("  (other: commissions, charges, credits, holdback and release, fee refunds and"
              " corrections; debt: debt taken on less debt repaid)")

    def fees_by_kind(self):
        if not self.transactions:
            return
        print("\nKlarna's fees by kind, in paid-out transactions")
        rows = self.db.execute(
            "SELECT currency_code, detailed_type, count(*), sum(abs(amount)), "
            "coalesce(sum(vat_amount), 0) FROM transactions "
            "WHERE type = 'FEE' AND payment_reference IS NOT NULL "
            "GROUP BY currency_code, detailed_type ORDER BY currency_code, sum(abs(amount)) DESC").fetchall()
        if not rows:
            print("  none: this merchant's fees are invoiced (merchant_settlement_type GROSS)")
        for currency, kind, count, fee, vat in rows:
            print(f"  {currency} {kind:<32} {count:>9,} fees {money(currency, fee):>20}"
                  f"   VAT {money(currency, vat):>18}")

    def balances(self):
        print("\nOpen debt to Klarna and reserve held, per currency")
        last = {}
        reserve = collections.Counter()
        for p in self.payouts:
            last[p["currency_code"]] = p
            reserve[p["currency_code"]] += self.total(p, "holdback_amount") - self.total(p, "release_amount")
        for currency, p in sorted(last.items()):
            print(f"  {currency}  debt {money(currency, self.total(p, 'closing_debt_balance_amount')):>18}"
                  f" after the payout of {p['payout_date'][:10]}"
                  f"   reserve held {money(currency, reserve[currency]):>18}")
        if self.transactions:
            for currency, count, sales in self.db.execute(
                    "SELECT currency_code, count(*), coalesce(sum(CASE WHEN type = 'SALE' THEN abs(amount) END), 0) "
                    "FROM transactions WHERE payment_reference IS NULL GROUP BY currency_code ORDER BY currency_code"):
                print(f"  {currency}  {count:,} transactions not yet paid out (sales {money(currency, sales)})")

    def check_formula(self):
        wrong = []
        for p in self.payouts:
            formula = sum(sign * self.total(p, name) for name, sign in FORMULA.items())
            expected = formula + self.total(p, "deposit_amount")
            if self.total(p, "settlement_amount") != expected:
                wrong.append(f"{p['payment_reference']}: settlement_amount "
                             f"{money(p['currency_code'], self.total(p, 'settlement_amount'))}, "
                             f"the formula gives {money(p['currency_code'], expected)}")
        self.result("Payouts whose settlement_amount follows Klarna's formula (plus any debt taken on)", wrong, len(self.payouts))

    def check_totals(self):
        if not self.transactions:
            return
        sums = collections.defaultdict(collections.Counter)
        outside = collections.Counter()
        for reference, kind, magnitude, vat in self.db.execute(
                "SELECT payment_reference, type, sum(abs(amount)), coalesce(sum(vat_amount), 0) "
                "FROM transactions WHERE payment_reference IS NOT NULL GROUP BY payment_reference, type"):
            if kind not in TYPE_TOTALS:
                outside[kind] += 1
                continue
            total, direction = TYPE_TOTALS[kind]
            sums[reference][total] += direction * magnitude
            if kind == "FEE":
                sums[reference]["tax_amount"] += vat
        names = sorted({name for name, _ in TYPE_TOTALS.values()} | {"tax_amount"})
        wrong = []
        for p in self.payouts:
            differences = [f"{name} {money(p['currency_code'], self.total(p, name))} != "
                           f"{money(p['currency_code'], sums[p['payment_reference']][name])}"
                           for name in names if self.total(p, name) != sums[p["payment_reference"]][name]]
            if differences:
                wrong.append(f"{p['payment_reference']}: " + "; ".join(differences))
        self.result("Payouts whose totals equal their transactions by type (tax: the VAT on fees)", wrong, len(self.payouts))
        for kind, count in outside.items():
            print(f"  note: {kind} transactions in {count} payouts belong to no total and were left out")

    def check_debt_chain(self):
        breaks, checked = [], 0
        previous = {}
        for p in self.payouts:
            currency = p["currency_code"]
            opening, closing = self.total(p, "opening_debt_balance_amount"), self.total(p, "closing_debt_balance_amount")
            moved = opening + self.total(p, "deposit_amount") - self.total(p, "repay_amount")
            if closing != moved:
                breaks.append(f"{p['payment_reference']}: closing {money(currency, closing)}, "
                              f"opening + deposit - repay = {money(currency, moved)}")
                self.failed = True
            if currency in previous and previous[currency] != opening:
                breaks.append(f"{p['payment_reference']}: opens at {money(currency, opening)} after a "
                              f"closing of {money(currency, previous[currency])} (invoiced separately?)")
            checked += currency in previous
            previous[currency] = closing
        print(f"Debt carried from payout to payout per currency: {checked - len(breaks)} of {checked}")
        for line in breaks[:10]:
            print("  " + line)

    def check_summaries(self):
        if not has_table(self.db, "payout_summaries"):
            print("Payout summaries: none synced (they need start_date in the config)")
            return
        names = ("settlement_amount", "sale_amount", "return_amount", "fee_amount", "fee_correction_amount",
                 "commission_amount", "holdback_amount", "release_amount", "tax_amount", "reversal_amount",
                 "repay_amount")
        columns = ", ".join(f"summary_total_{name}" for name in names)
        wrong, count = [], 0
        for row in self.db.execute(f"SELECT summary_settlement_currency, summary_payout_date_start, "
                                   f"summary_payout_date_end, {columns} FROM payout_summaries "
                                   f"ORDER BY summary_payout_date_start, summary_settlement_currency"):
            currency, start, end, got = row[0], row[1], row[2], row[3:]
            count += 1
            mine = [p for p in self.payouts if p["currency_code"] == currency and start <= p["payout_date"] <= end]
            expected = {name: sum(self.total(p, name) for p in mine) for name in names}
            differences = [f"{name} {money(currency, have or 0)} != {money(currency, expected[name])}"
                           for name, have in zip(names, got) if (have or 0) != expected[name]]
            if differences:
                wrong.append(f"{currency} {start[:7]}: " + "; ".join(differences))
        self.result("Payout summaries that equal the sums of their payouts", wrong, count)

    def result(self, what, wrong, count):
        print(f"{what}: {count - len(wrong)} of {count}")
        for line in wrong[:10]:
            print("  " + line)
        self.failed |= bool(wrong)


def main():
    if len(sys.argv) != 2:
        sys.exit(__doc__)
    db = sqlite3.connect(f"file:{sys.argv[1]}?mode=ro", uri=True)
    if not has_table(db, "payouts"):
        sys.exit(f"{sys.argv[1]}: no payouts table; sync the payouts stream into it first")
    report = Report(db)
    report.header(sys.argv[1])
    report.paid_out_per_month()
    report.fees_by_kind()
    report.balances()
    print("\nChecks")
    report.check_formula()
    report.check_totals()
    report.check_debt_chain()
    report.check_summaries()
    print("\n" + REAL_ACCOUNT_NOTES)
    sys.exit(1 if report.failed else 0)


if __name__ == "__main__":
    main()
