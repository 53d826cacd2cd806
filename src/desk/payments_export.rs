//! The way back to accounting: money recorded in dun written in layouts the ledger imports,
//! so the bookkeeper reconciles instead of re-keying.
//!
//! - `csv`: one row per invoice applied, with the ledger's customer and invoice references.
//! - `ledger`: an hledger / Ledger journal, receivable credited per invoice.
//! - `qbo`: QuickBooks Online's three-column bank upload (Date, Description, Amount; MM/DD/YYYY).
//! - `xero`: Xero's bank statement import (*Date, *Amount, Payee, Description, Reference; DD/MM/YYYY).
//!
//! Write-offs move no cash: they appear in `csv` and `ledger` only; in the bank layouts the
//! accountant records them as credit notes.

use chrono::NaiveDate;

use super::{Desk, Result, csv_text};
use crate::domain::Money;
use crate::store::{self, PaymentEntry};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PaymentLayout {
    Csv,
    Ledger,
    Qbo,
    Xero,
}

/// What an export wrote: the text, how many entries, and the write-offs a bank layout left out.
pub struct PaymentsExport {
    pub text: String,
    pub entries: usize,
    pub write_offs_left_out: usize,
}

impl Desk {
    pub fn export_payments(&self, since: NaiveDate, layout: PaymentLayout) -> Result<PaymentsExport> {
        let entries = store::payments_since(&self.conn, since)?;
        Ok(render(&entries, layout))
    }
}

fn is_cash(e: &PaymentEntry) -> bool {
    e.kind != "write-off"
}

pub fn render(entries: &[PaymentEntry], layout: PaymentLayout) -> PaymentsExport {
    let cash: Vec<&PaymentEntry> = entries.iter().filter(|e| is_cash(e)).collect();
    let (text, written) = match layout {
        PaymentLayout::Csv => (csv(entries), entries.len()),
        PaymentLayout::Ledger => (journal(entries), entries.len()),
        PaymentLayout::Qbo => (qbo(&cash), cash.len()),
        PaymentLayout::Xero => (xero(&cash), cash.len()),
    };
    PaymentsExport { text, entries: written, write_offs_left_out: entries.len() - written }
}

/// Each applied amount on its own row; money not applied to an invoice gets a row without one.
fn split(e: &PaymentEntry) -> Vec<(String, Money)> {
    let applied: Money = e.applied.iter().map(|(_, m)| *m).sum();
    let mut parts = e.applied.clone();
    if applied != e.amount {
        parts.push((String::new(), e.amount - applied));
    }
    parts
}

fn csv(entries: &[PaymentEntry]) -> String {
    let header = [
        "payment_id",
        "date",
        "kind",
        "customer",
        "customer_ref",
        "invoice",
        "amount",
        "currency",
        "method",
        "reference",
        "note",
    ];
    let rows = entries.iter().flat_map(|e| {
        split(e).into_iter().map(move |(invoice, amount)| {
            vec![
                e.id.to_string(),
                e.received_on.to_string(),
                e.kind.clone(),
                e.debtor_name.clone(),
                e.debtor_ref.clone().unwrap_or_default(),
                invoice,
                amount.to_decimal(),
                e.currency.clone(),
                e.method.clone(),
                e.reference.clone(),
                e.note.clone(),
            ]
        })
    });
    csv_text(&header, rows)
}

/// hledger account names may not contain two spaces in a row or a semicolon.
fn account_part(name: &str) -> String {
    let cleaned: String = name.chars().map(|c| if c == ';' || c == ':' { ' ' } else { c }).collect();
    cleaned.split_whitespace().collect::<Vec<_>>().join(" ")
}

fn journal(entries: &[PaymentEntry]) -> String {
    let mut out = String::from("; Payments, settlements, write-offs and reversals recorded in dun.\n\n");
    for e in entries {
        let customer = account_part(&e.debtor_name);
        let receivable = format!("assets:receivable:{customer}");
        let other = if is_cash(e) { "assets:bank".to_string() } else { "expenses:bad debts".to_string() };
        let mut desc = format!("{customer} | {}", e.kind);
        if !e.reference.is_empty() {
            desc.push_str(&format!(" {}", account_part(&e.reference)));
        }
        out.push_str(&format!("{} * {desc}\n    ; dun payment #{}\n", e.received_on, e.id));
        out.push_str(&format!("    {other:<40}  {} {}\n", e.amount.to_decimal(), e.currency));
        for (invoice, amount) in split(e) {
            let tag = if invoice.is_empty() { String::from("  ; unapplied") } else { format!("  ; invoice:{invoice}") };
            out.push_str(&format!("    {receivable:<40}  {} {}{tag}\n", (-amount).to_decimal(), e.currency));
        }
        out.push('\n');
    }
    out
}

fn description(e: &PaymentEntry) -> String {
    let invoices: Vec<&str> = e.applied.iter().map(|(n, _)| n.as_str()).collect();
    let mut d = format!("{} from {}", e.kind, e.debtor_name);
    if !invoices.is_empty() {
        d.push_str(&format!(" for {}", invoices.join(" ")));
    }
    d
}

fn qbo(entries: &[&PaymentEntry]) -> String {
    let rows = entries
        .iter()
        .map(|e| vec![e.received_on.format("%m/%d/%Y").to_string(), description(e), e.amount.to_decimal()]);
    csv_text(&["Date", "Description", "Amount"], rows)
}

fn xero(entries: &[&PaymentEntry]) -> String {
    let rows = entries.iter().map(|e| {
        vec![
            e.received_on.format("%d/%m/%Y").to_string(),
            e.amount.to_decimal(),
            e.debtor_name.clone(),
            description(e),
            e.reference.clone(),
        ]
    });
    csv_text(&["*Date", "*Amount", "Payee", "Description", "Reference"], rows)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn entry(id: i64, kind: &str, cents: i64, applied: &[(&str, i64)]) -> PaymentEntry {
        PaymentEntry {
            id,
            kind: kind.into(),
            debtor_name: "Acme; Ltd".into(),
            debtor_ref: Some("C-7".into()),
            received_on: "2026-11-15".parse().unwrap(),
            amount: Money(cents),
            currency: "USD".into(),
            method: "check".into(),
            reference: "CHK 1001".into(),
            note: String::new(),
            applied: applied.iter().map(|(n, c)| (n.to_string(), Money(*c))).collect(),
        }
    }

    fn book() -> Vec<PaymentEntry> {
        vec![
            entry(1, "payment", 50_000, &[("INV-1", 30_000), ("INV-2", 15_000)]),
            entry(2, "write-off", 12_000, &[("INV-3", 12_000)]),
            entry(3, "reversal", -50_000, &[("INV-1", -30_000), ("INV-2", -15_000)]),
        ]
    }

    #[test]
    fn csv_has_a_row_per_invoice_and_the_unapplied_rest() {
        let out = render(&book(), PaymentLayout::Csv);
        let mut reader = csv::Reader::from_reader(out.text.as_bytes());
        let rows: Vec<csv::StringRecord> = reader.records().map(Result::unwrap).collect();
        let amounts: Vec<&str> = rows.iter().map(|r| &r[6]).collect();
        assert_eq!(amounts, ["300.00", "150.00", "50.00", "120.00", "-300.00", "-150.00", "-50.00"]);
        assert_eq!(&rows[2][5], "");
        assert_eq!(&rows[0][4], "C-7");
        assert_eq!(out.write_offs_left_out, 0);
    }

    #[test]
    fn every_journal_transaction_balances() {
        let out = render(&book(), PaymentLayout::Ledger);
        for txn in out.text.split("\n\n").filter(|t| t.contains(" * ")) {
            let total: i64 = txn
                .lines()
                .filter(|l| l.starts_with("    ") && !l.trim_start().starts_with(';'))
                .map(|l| {
                    let amount =
                        l.split("  ").map(str::trim).find(|p| p.ends_with(" USD") || p.contains(" USD ")).unwrap();
                    amount.split(' ').next().unwrap().replace('.', "").parse::<i64>().unwrap()
                })
                .sum();
            assert_eq!(total, 0, "{txn}");
        }
        assert!(out.text.contains("assets:receivable:Acme Ltd"), "{}", out.text);
        assert!(out.text.contains("expenses:bad debts"));
        assert!(out.text.contains("; invoice:INV-2"));
    }

    #[test]
    fn bank_layouts_carry_cash_only_in_their_date_order() {
        let qbo = render(&book(), PaymentLayout::Qbo);
        assert_eq!(qbo.write_offs_left_out, 1);
        assert!(qbo.text.starts_with("Date,Description,Amount\n11/15/2026,"), "{}", qbo.text);
        assert!(qbo.text.contains("-500.00"));
        let xero = render(&book(), PaymentLayout::Xero);
        assert!(
            xero.text.starts_with("*Date,*Amount,Payee,Description,Reference\n15/11/2026,500.00,"),
            "{}",
            xero.text
        );
        assert_eq!(xero.entries, 2);
    }
}
