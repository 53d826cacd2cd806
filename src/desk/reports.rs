//! Reports: aging as of any date and the collection KPIs of a period, each KPI with its formula
//! and inputs so the collector can check the arithmetic.

use std::collections::{BTreeMap, HashSet};

use chrono::{Datelike, NaiveDate};
use serde::Serialize;

use super::{Desk, Result};
use crate::domain::contact::OutcomeClass;
use crate::domain::kpi::{self, Ratio};
use crate::domain::{AgingSplit, Bucket, Money, days_past_due, outcome};
use crate::store;

/// The aging of one currency's receivables.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct AgingSection {
    pub currency: String,
    pub buckets: Vec<BucketLine>,
    pub total: Money,
    /// Debtors with a balance, largest first.
    pub debtors: Vec<DebtorAging>,
}

impl AgingSection {
    /// The accounts in credit its total includes, and what they hold: the worklist, which
    /// lists only accounts that owe, leaves them out.
    pub fn in_credit(&self) -> (usize, Money) {
        let credit = self.debtors.iter().filter(|d| d.total.is_negative());
        (credit.clone().count(), credit.map(|d| d.total).sum())
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct BucketLine {
    pub bucket: Bucket,
    pub amount: Money,
    pub invoices: usize,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct DebtorAging {
    pub debtor_id: i64,
    pub name: String,
    pub split: AgingSplit,
    pub total: Money,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct AgingReport {
    pub as_of: NaiveDate,
    pub sections: Vec<AgingSection>,
}

/// One KPI: its value as shown ("—" when undefined), how it is computed and from what.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct KpiLine {
    pub name: &'static str,
    pub value: String,
    pub formula: &'static str,
    pub inputs: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct KpiReport {
    pub from: NaiveDate,
    pub to: NaiveDate,
    pub currency: String,
    pub kpis: Vec<KpiLine>,
}

const UNDEFINED: &str = "—";

fn days(r: Option<Ratio>) -> String {
    r.map_or_else(|| UNDEFINED.to_string(), |r| format!("{} days", r.days_text()))
}

fn percent(r: Option<Ratio>) -> String {
    r.map_or_else(|| UNDEFINED.to_string(), Ratio::percent_text)
}

impl Desk {
    /// Receivables by aging bucket as they stood at the end of `as_of`.
    pub fn aging_report(&self, as_of: NaiveDate) -> Result<AgingReport> {
        let mut by_currency: BTreeMap<String, Vec<store::BalanceAsOf>> = BTreeMap::new();
        for item in store::balances_as_of(&self.conn, as_of)? {
            by_currency.entry(item.currency.clone()).or_default().push(item);
        }
        let sections = by_currency
            .into_iter()
            .map(|(currency, items)| {
                let mut buckets: Vec<BucketLine> =
                    Bucket::ALL.iter().map(|&bucket| BucketLine { bucket, amount: Money::ZERO, invoices: 0 }).collect();
                let mut debtors: BTreeMap<i64, DebtorAging> = BTreeMap::new();
                for item in &items {
                    let bucket = Bucket::for_days_past_due(days_past_due(item.due_on, as_of));
                    let line = &mut buckets[bucket.index()];
                    line.amount += item.balance;
                    line.invoices += 1;
                    let debtor = debtors.entry(item.debtor_id).or_insert_with(|| DebtorAging {
                        debtor_id: item.debtor_id,
                        name: item.debtor_name.clone(),
                        split: AgingSplit::default(),
                        total: Money::ZERO,
                    });
                    debtor.split.0[bucket.index()] += item.balance;
                    debtor.total += item.balance;
                }
                let mut debtors: Vec<DebtorAging> = debtors.into_values().filter(|d| d.total != Money::ZERO).collect();
                debtors.sort_by(|a, b| b.total.cmp(&a.total).then(a.debtor_id.cmp(&b.debtor_id)));
                let total = buckets.iter().map(|b| b.amount).sum();
                AgingSection { currency, buckets, total, debtors }
            })
            .collect();
        Ok(AgingReport { as_of, sections })
    }

    /// The KPIs of domain rules §5 over `from..=to`, in the book's currency.
    pub fn kpi_report(&self, from: NaiveDate, to: NaiveDate) -> Result<KpiReport> {
        let currency = self.config.currency.clone();
        let cur = |m: Money| m.display(&currency);
        let day_before = from.pred_opt().unwrap_or(from);
        let items = store::balances_as_of(&self.conn, to)?;
        let items: Vec<_> = items.into_iter().filter(|i| i.currency == currency).collect();
        let ending: Money = items.iter().map(|i| i.balance).sum();
        let current: Money = items.iter().filter(|i| days_past_due(i.due_on, to) <= 0).map(|i| i.balance).sum();
        let over_90: Money = items.iter().filter(|i| days_past_due(i.due_on, to) > 90).map(|i| i.balance).sum();
        let beginning: Money = store::balances_as_of(&self.conn, day_before)?
            .iter()
            .filter(|i| i.currency == currency)
            .map(|i| i.balance)
            .sum();
        let weighted: Vec<(Money, i64)> = items.iter().map(|i| (i.balance, days_past_due(i.due_on, to))).collect();
        let f = store::period_figures(&self.conn, from, to)?;
        let period_days = u32::try_from((to - from).num_days() + 1).unwrap_or(0);
        let months = u32::try_from((to.year() * 12 + to.month() as i32) - (from.year() * 12 + from.month() as i32) + 1)
            .unwrap_or(0);

        let attempts = store::attempts_between(&self.conn, from, to)?;
        let mut dialled = 0u64;
        let mut rpc = 0u64;
        let mut live = 0u64;
        let mut accounts_attempted = HashSet::new();
        let mut accounts_reached = HashSet::new();
        for (debtor_id, code) in &attempts {
            let Some(o) = outcome(code) else { continue };
            if !o.placed_call {
                continue;
            }
            dialled += 1;
            accounts_attempted.insert(*debtor_id);
            if o.right_party {
                rpc += 1;
                accounts_reached.insert(*debtor_id);
            }
            if o.right_party || matches!(o.class, OutcomeClass::WrongParty | OutcomeClass::ThirdParty) {
                live += 1;
            }
        }

        let cei = kpi::CeiInputs {
            beginning_ar: beginning,
            credit_sales: f.credit_sales,
            months,
            ending_ar: ending,
            ending_current_ar: current,
            write_offs: f.written_off,
        };
        let sales_inputs = format!("credit sales {}, {period_days} days", cur(f.credit_sales));
        let kpis = vec![
            KpiLine {
                name: "DSO",
                value: days(kpi::dso(ending, f.credit_sales, period_days)),
                formula: "ending AR / credit sales × days in period",
                inputs: format!("ending AR {}, {sales_inputs}", cur(ending)),
            },
            {
                let months = store::monthly_sales(&self.conn, to, 24)?;
                let newest_first: Vec<kpi::MonthSales> =
                    months.iter().map(|(sales, days)| kpi::MonthSales { sales: *sales, days: *days }).collect();
                let shown: Vec<String> = months.iter().take(4).map(|(s, _)| cur(*s)).collect();
                KpiLine {
                    name: "Count-back DSO",
                    value: match kpi::count_back_dso(ending, &newest_first) {
                        kpi::CountBack::Days(r) => days(Some(r)),
                        kpi::CountBack::AtLeast(d) => format!("≥ {d} days"),
                    },
                    formula: "peel each month's credit sales off ending AR, newest first, adding its days",
                    inputs: format!("ending AR {}, monthly sales newest first {} …", cur(ending), shown.join(", ")),
                }
            },
            KpiLine {
                name: "Best possible DSO",
                value: days(kpi::best_possible_dso(current, f.credit_sales, period_days)),
                formula: "current AR / credit sales × days in period",
                inputs: format!("current AR {}, {sales_inputs}", cur(current)),
            },
            KpiLine {
                name: "Average days delinquent",
                value: days(kpi::average_days_delinquent(ending, current, f.credit_sales, period_days)),
                formula: "DSO − best possible DSO",
                inputs: format!("ending AR {}, current AR {}, {sales_inputs}", cur(ending), cur(current)),
            },
            KpiLine {
                name: "Weighted days past due",
                value: days(kpi::weighted_days_past_due(&weighted)),
                formula: "Σ(past-due amount × days past due) / Σ past-due amount",
                inputs: format!("{} open items at {to}", weighted.len()),
            },
            KpiLine {
                name: "CEI",
                value: percent(kpi::cei(cei)),
                formula: "(beginning AR + sales/N − ending AR) / (beginning AR + sales/N − ending current AR)",
                inputs: format!(
                    "beginning AR {}, credit sales {}, N = {months} month(s), ending AR {}, ending current AR {}",
                    cur(beginning),
                    cur(f.credit_sales),
                    cur(ending),
                    cur(current)
                ),
            },
            KpiLine {
                name: "CEI excluding write-offs",
                value: percent(kpi::cei_excluding_write_offs(cei)),
                formula: "CEI with write-offs added back to ending AR",
                inputs: format!("write-offs {}", cur(f.written_off)),
            },
            KpiLine {
                name: "Percent current",
                value: percent(kpi::percent_current(current, ending)),
                formula: "current AR / total AR",
                inputs: format!("{} of {}", cur(current), cur(ending)),
            },
            KpiLine {
                name: "Percent over 90 days",
                value: percent(kpi::percent_over_90(over_90, ending)),
                formula: "(91–120 + 120+) / total AR",
                inputs: format!("{} of {}", cur(over_90), cur(ending)),
            },
            KpiLine {
                name: "Promise-kept rate",
                value: percent(kpi::promise_kept_rate(f.promises_kept, f.promises_due)),
                formula: "promises kept / promises due in period (partly kept counts as not kept)",
                inputs: format!("{} kept of {} due", f.promises_kept, f.promises_due),
            },
            KpiLine {
                name: "Promise amount rate",
                value: percent(kpi::promise_amount_rate(f.paid_against_promises, f.promised)),
                formula: "paid against due promises / amount promised",
                inputs: format!("{} of {}", cur(f.paid_against_promises), cur(f.promised)),
            },
            KpiLine {
                name: "Promise rate",
                value: percent(kpi::promise_rate(f.promises_made, rpc)),
                formula: "promises taken / right-party contacts",
                inputs: format!("{} promises, {rpc} right-party contacts", f.promises_made),
            },
            KpiLine {
                name: "Right-party contact rate (per attempt)",
                value: percent(kpi::rpc_rate_per_attempt(rpc, dialled)),
                formula: "right-party contacts / outbound call attempts",
                inputs: format!("{rpc} of {dialled} calls"),
            },
            KpiLine {
                name: "Right-party contact rate (per account)",
                value: percent(kpi::rpc_rate_per_account(
                    accounts_reached.len() as u64,
                    accounts_attempted.len() as u64,
                )),
                formula: "accounts with a right-party contact / accounts called",
                inputs: format!("{} of {} accounts", accounts_reached.len(), accounts_attempted.len()),
            },
            KpiLine {
                name: "Contact rate",
                value: percent(kpi::contact_rate(live, dialled)),
                formula: "live contacts (right, wrong or third party) / outbound call attempts",
                inputs: format!("{live} of {dialled} calls"),
            },
            KpiLine {
                name: "Bad-debt ratio",
                value: percent(kpi::bad_debt_ratio(f.written_off, f.credit_sales)),
                formula: "write-offs / credit sales in period",
                inputs: format!("{} of {}", cur(f.written_off), cur(f.credit_sales)),
            },
            {
                let placed = store::placements(&self.conn, to, &currency)?;
                let (at_placement, recovered) =
                    placed.iter().fold((Money::ZERO, Money::ZERO), |(p, c), (bal, got)| (p + *bal, c + *got));
                KpiLine {
                    name: "Recovery rate",
                    value: percent(kpi::recovery_rate(recovered, at_placement)),
                    formula: "collected on placed (referred) accounts since placement / balance at placement",
                    inputs: format!(
                        "{} of {} on {} placed account(s)",
                        cur(recovered),
                        cur(at_placement),
                        placed.len()
                    ),
                }
            },
            KpiLine {
                name: "Collected",
                value: cur(f.collected),
                formula: "payments, settlements and ledger payments less reversals",
                inputs: format!("{from} to {to}"),
            },
        ];
        Ok(KpiReport { from, to, currency, kpis })
    }
}

#[cfg(test)]
mod count_back_and_recovery_tests {
    use super::super::testing::*;

    #[test]
    fn the_kpi_report_has_count_back_dso_and_the_recovery_rate_of_placed_accounts() {
        let desk = demo_desk(150);
        let report = desk.kpi_report(today().with_day(1).unwrap(), today()).unwrap();
        let line = |name: &str| report.kpis.iter().find(|k| k.name == name).unwrap_or_else(|| panic!("{name}")).clone();
        let cb = line("Count-back DSO");
        assert!(cb.value.ends_with(" days"), "{}", cb.value);
        let rec = line("Recovery rate");
        assert!(rec.value.ends_with('%') && rec.inputs.contains("placed account"), "{rec:?}");
    }
    use chrono::Datelike;
}

#[cfg(test)]
mod tests {
    use super::super::RecordPayment;
    use super::super::testing::today;
    use super::*;
    use crate::clock::Clock;
    use crate::config::Config;
    use crate::store::{NewDebtor, NewInvoice, insert_debtor, insert_invoice};

    fn d(s: &str) -> NaiveDate {
        s.parse().unwrap()
    }

    /// One debtor, three invoices and a payment of 400.00 on 15 Nov, worked out by hand below.
    fn small_book() -> Desk {
        let mut desk = Desk::in_memory(Clock::fixed(today()), Config::default()).unwrap();
        let at = desk.clock.now();
        let debtor = NewDebtor {
            external_ref: None,
            name: "Acme Ltd".into(),
            kind: None,
            region: None,
            postal_code: None,
            time_zone: None,
            currency: "USD".into(),
            flags: Default::default(),
        };
        let id = insert_debtor(&desk.conn, &debtor, at).unwrap();
        for (number, issued, due, cents) in [
            ("1", "2026-09-01", "2026-10-01", 100_000),
            ("2", "2026-10-10", "2026-11-09", 50_000),
            ("3", "2026-11-01", "2026-12-01", 30_000),
        ] {
            let inv = NewInvoice {
                debtor_id: id,
                number: number.into(),
                credit_memo: false,
                issued_on: Some(d(issued)),
                due_on: d(due),
                original: Money(cents),
                balance: Money(cents),
                currency: "USD".into(),
            };
            insert_invoice(&desk.conn, &inv, at).unwrap();
        }
        let pay = RecordPayment {
            debtor_id: id,
            amount: Money(40_000),
            received_on: Some(d("2026-11-15")),
            method: String::new(),
            reference: String::new(),
            invoice: None,
        };
        desk.record_payment(pay).unwrap();
        desk
    }

    #[test]
    fn aging_as_of_a_past_date_adds_back_later_payments_and_drops_later_invoices() {
        let desk = small_book();

        // Today (22 Nov): invoice 1 has 600.00 left at 52 days, invoice 2 500.00 at 13, invoice 3 current.
        let now = desk.aging_report(today()).unwrap();
        let s = &now.sections[0];
        assert_eq!(s.total, Money(140_000));
        assert_eq!(s.buckets[Bucket::Current.index()].amount, Money(30_000));
        assert_eq!(s.buckets[Bucket::Days1To30.index()].amount, Money(50_000));
        assert_eq!(s.buckets[Bucket::Days31To60.index()].amount, Money(60_000));
        assert_eq!(s.debtors[0].total, Money(140_000));

        // 31 Oct: the payment had not come, invoice 3 not yet issued; invoice 1 at 30 days, 2 current.
        let then = desk.aging_report(d("2026-10-31")).unwrap();
        let s = &then.sections[0];
        assert_eq!(s.total, Money(150_000));
        assert_eq!(s.buckets[Bucket::Days1To30.index()].amount, Money(100_000));
        assert_eq!(s.buckets[Bucket::Current.index()].amount, Money(50_000));
        assert_eq!(s.buckets[Bucket::Current.index()].invoices, 1);
    }

    #[test]
    fn kpis_of_a_month_from_the_book() {
        let desk = small_book();
        let report = desk.kpi_report(d("2026-11-01"), d("2026-11-30")).unwrap();
        let value = |name: &str| report.kpis.iter().find(|k| k.name == name).unwrap().value.clone();
        // Ending AR 1,400.00 (as of 30 Nov: invoice 3 is still current); sales 300.00; 30 days.
        assert_eq!(value("DSO"), "140.0 days");
        assert_eq!(value("Best possible DSO"), "30.0 days");
        assert_eq!(value("Average days delinquent"), "110.0 days");
        // Beginning AR 1,500.00: (1,500 + 300 − 1,400) / (1,500 + 300 − 300) = 400 / 1,500.
        assert_eq!(value("CEI"), "26.7%");
        assert_eq!(value("Collected"), "$400.00");
        // No calls: rates are undefined, not zero.
        assert_eq!(value("Contact rate"), "—");
        assert_eq!(value("Promise-kept rate"), "—");
    }
}
