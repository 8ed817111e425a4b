#!/usr/bin/env python3
"""Reconciliation report of a source-klarna SQLite database (`sync --sink sqlite:FILE`):
payouts and transactions per currency with their sums, whether each payout's totals
equal the sums of its transactions by type, and whether each payout summary (per
currency and month) equals the sums of its payouts. Amounts are in minor units (cents).

    scripts/reconcile.py demo-output/klarna.db

Exit status 1 when a payout or a summary does not reconcile."""

import sqlite3
import sys

# Which transaction types make up each of a payout's totals (settlement: all of them).
TOTALS_BY_TYPE = {
    "sale_amount": ("SALE",),
    "return_amount": ("RETURN",),
    "fee_amount": ("FEE",),
    "fee_refund_amount": ("FEE_REFUND",),
    "fee_correction_amount": ("CORRECTION",),
    "commission_amount": ("COMMISSION",),
    "holdback_amount": ("HOLDBACK",),
    "release_amount": ("RELEASE",),
    "tax_amount": ("TAX",),
    "reversal_amount": ("REVERSAL", "REVERSAL_MERCHANT_PROTECTION"),
    "charge_amount": ("CHARGE",),
    "credit_amount": ("CREDIT",),
}


def main():
    if len(sys.argv) != 2:
        sys.exit(__doc__)
    db = sqlite3.connect(f"file:{sys.argv[1]}?mode=ro", uri=True)
    print(f"Reconciliation of {sys.argv[1]}")
    print("\nPayouts per currency            payouts      settlement_amount")
    for currency, count, total in db.execute(
            "SELECT currency_code, count(*), sum(totals_settlement_amount) FROM payouts "
            "GROUP BY currency_code ORDER BY currency_code"):
        print(f"  {currency:<28} {count:>9} {total:>22,}")
    print("\nTransactions per currency       transactions  amount          not yet paid out")
    for currency, count, total, unpaid in db.execute(
            "SELECT currency_code, count(*), sum(amount), sum(payment_reference IS NULL) "
            "FROM transactions GROUP BY currency_code ORDER BY currency_code"):
        print(f"  {currency:<28} {count:>12} {total:>15,} {unpaid:>12}")

    sums = {}  # (payment_reference, type) -> sum of amounts
    for reference, kind, total in db.execute(
            "SELECT payment_reference, type, sum(amount) FROM transactions "
            "WHERE payment_reference IS NOT NULL GROUP BY payment_reference, type"):
        sums[(reference, kind)] = total
    columns = ", ".join(f"totals_{name}" for name in TOTALS_BY_TYPE)
    matched, mismatches = 0, []
    for row in db.execute(f"SELECT payment_reference, totals_settlement_amount, {columns} FROM payouts"):
        reference, settlement, totals = row[0], row[1], row[2:]
        differences = []
        for (name, kinds), total in zip(TOTALS_BY_TYPE.items(), totals):
            expected = sum(sums.get((reference, kind), 0) for kind in kinds)
            if (total or 0) != expected:
                differences.append(f"{name} {total} != {expected}")
        everything = sum(v for (r, _), v in sums.items() if r == reference)
        if settlement != everything:
            differences.append(f"settlement_amount {settlement} != {everything}")
        if differences:
            mismatches.append((reference, differences))
        else:
            matched += 1
    print(f"\nPayouts whose totals equal their transactions by type: {matched} of {matched + len(mismatches)}")
    for reference, differences in mismatches[:10]:
        print(f"  {reference}: " + "; ".join(differences))
    summaries_ok = reconcile_summaries(db)
    sys.exit(1 if mismatches or not summaries_ok else 0)


# The totals a payout summary sums, as summary_total_<name> of payouts' totals_<name>.
SUMMARY_TOTALS = ("settlement_amount", "sale_amount", "return_amount", "fee_amount",
                  "fee_correction_amount", "commission_amount", "holdback_amount",
                  "release_amount", "tax_amount", "reversal_amount", "repay_amount")


def reconcile_summaries(db):
    """Each summary (a currency over its payouts' dates in one month) against the sums
    of those payouts. True when all agree, or when there are no summaries."""
    if not db.execute("SELECT 1 FROM sqlite_master WHERE name = 'payout_summaries'").fetchone():
        print("\nPayout summaries: none synced (they need start_date in the config)")
        return True
    columns = ", ".join(f"summary_total_{name}" for name in SUMMARY_TOTALS)
    sums = ", ".join(f"coalesce(sum(totals_{name}), 0)" for name in SUMMARY_TOTALS)
    matched, mismatches = 0, []
    for row in db.execute(f"SELECT summary_settlement_currency, summary_payout_date_start, "
                          f"summary_payout_date_end, {columns} FROM payout_summaries "
                          f"ORDER BY summary_payout_date_start, summary_settlement_currency"):
        currency, start, end, totals = row[0], row[1], row[2], row[3:]
        expected = db.execute(f"SELECT {sums} FROM payouts WHERE currency_code = ? "
                              f"AND payout_date >= ? AND payout_date <= ?", (currency, start, end)).fetchone()
        differences = [f"{name} {got} != {want}" for name, got, want in zip(SUMMARY_TOTALS, totals, expected)
                       if got != want]
        if differences:
            mismatches.append((f"{currency} {start[:7]}", differences))
        else:
            matched += 1
    print(f"Payout summaries that equal the sums of their payouts: {matched} of {matched + len(mismatches)}")
    for month, differences in mismatches[:10]:
        print(f"  {month}: " + "; ".join(differences))
    return not mismatches


if __name__ == "__main__":
    main()
