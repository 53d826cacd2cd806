//! Plan performance: plans by status, and every installment due so far judged paid on time,
//! paid late, missed or still in its grace.

use std::collections::HashMap;

use chrono::NaiveDate;
use serde::Serialize;

use super::reports::KpiLine;
use super::{Desk, Result};
use crate::domain::Money;
use crate::domain::kpi::Ratio;
use crate::domain::plan::{PlanLife, Timeliness, judge_plan};
use crate::store;

/// Plans in one status.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct PlanStatusLine {
    pub status: &'static str,
    pub plans: u64,
    /// What the plans were agreed for.
    pub total: Money,
    /// What has been paid toward their installments.
    pub paid: Money,
}

/// Installments due so far that went one way.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct InstallmentLine {
    pub outcome: Timeliness,
    pub label: &'static str,
    pub installments: u64,
    /// What they were scheduled for.
    pub amount: Money,
    pub paid: Money,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct PlanReport {
    pub as_of: NaiveDate,
    /// Plans in the book's currency only.
    pub currency: String,
    /// Active, completed, broken and replaced (and cancelled, when there are any).
    pub statuses: Vec<PlanStatusLine>,
    /// Paid on time, paid late, missed, due in grace.
    pub installments: Vec<InstallmentLine>,
    /// The share kept on time, by count and by amount, with formula and inputs.
    pub shares: Vec<KpiLine>,
}

const STATUSES: [&str; 5] = ["active", "completed", "broken", "replaced", "cancelled"];
const JUDGED: [Timeliness; 4] = [Timeliness::OnTime, Timeliness::Late, Timeliness::Missed, Timeliness::InGrace];

impl Desk {
    /// How the book's payment plans are going, today, judged by `plan::judge_plan` as the
    /// account view judges them (an active plan with too many missed installments is broken;
    /// when an installment was paid is found by replaying the debtor's receipts since the plan
    /// was agreed; a plan that ended is judged only on what fell due while it was live).
    pub fn plan_report(&self) -> Result<PlanReport> {
        let today = self.today();
        let currency = self.config.currency.clone();
        let plans = store::plans_with_installments(&self.conn, &currency)?;
        let receipts = store::receipts_of_plan_debtors(&self.conn)?;
        let mut statuses: Vec<PlanStatusLine> = STATUSES
            .iter()
            .map(|&status| PlanStatusLine { status, plans: 0, total: Money::ZERO, paid: Money::ZERO })
            .collect();
        let mut installments: HashMap<Timeliness, InstallmentLine> = JUDGED
            .iter()
            .map(|&outcome| {
                let line = InstallmentLine {
                    outcome,
                    label: outcome.label(),
                    installments: 0,
                    amount: Money::ZERO,
                    paid: Money::ZERO,
                };
                (outcome, line)
            })
            .collect();
        let none = Vec::new();
        for plan in &plans {
            let life = PlanLife {
                stored: &plan.status,
                grace_days: plan.grace_days,
                started_on: plan.started_on,
                ended_on: plan.ended_on,
            };
            let schedule: Vec<_> = plan.installments.iter().map(|i| (i.due_on, i.amount, i.paid)).collect();
            let received = receipts.get(&plan.debtor_id).unwrap_or(&none);
            let judged = judge_plan(life, &schedule, received, today, self.config.plan_misses_to_break);
            for (i, (state, _)) in plan.installments.iter().zip(&judged.installments) {
                // An installment still open when the plan ended never fell due under it.
                let Some(t) = state.timeliness(i.due_on, today) else { continue };
                if let Some(line) = installments.get_mut(&t) {
                    line.installments += 1;
                    line.amount += i.amount;
                    line.paid += i.paid;
                }
            }
            let status = judged.status;
            if let Some(line) = statuses.iter_mut().find(|l| l.status == status) {
                line.plans += 1;
                line.total += plan.total;
                line.paid += plan.installments.iter().map(|i| i.paid).sum();
            }
        }
        statuses.retain(|l| l.status != "cancelled" || l.plans > 0);
        let installments: Vec<InstallmentLine> = JUDGED.iter().filter_map(|t| installments.remove(t)).collect();
        let shares = shares(&installments, &currency);
        Ok(PlanReport { as_of: today, currency, statuses, installments, shares })
    }
}

fn shares(lines: &[InstallmentLine], currency: &str) -> Vec<KpiLine> {
    let get = |t: Timeliness| lines.iter().find(|l| l.outcome == t);
    let count = |t: Timeliness| get(t).map_or(0, |l| l.installments);
    let amount = |t: Timeliness| get(t).map_or(Money::ZERO, |l| l.amount);
    let judged = [Timeliness::OnTime, Timeliness::Late, Timeliness::Missed];
    let (on_time, due) = (count(Timeliness::OnTime), judged.iter().map(|t| count(*t)).sum::<u64>());
    let (on_time_amount, due_amount) = (amount(Timeliness::OnTime), judged.iter().map(|t| amount(*t)).sum::<Money>());
    let text = |r: Option<Ratio>| r.map_or_else(|| "—".to_string(), Ratio::percent_text);
    vec![
        KpiLine {
            name: "Kept on time",
            value: text(Ratio::new(on_time.into(), due.into())),
            formula: "installments paid on time / installments paid on time, paid late or missed",
            inputs: format!("{on_time} of {due}; {} still in their grace, not judged yet", count(Timeliness::InGrace)),
        },
        KpiLine {
            name: "Kept on time (amount)",
            value: text(Ratio::new(on_time_amount.cents().into(), due_amount.cents().into())),
            formula: "amount of the installments paid on time / amount of those paid on time, paid late or missed",
            inputs: format!("{} of {}", on_time_amount.display(currency), due_amount.display(currency)),
        },
    ]
}

#[cfg(test)]
mod tests {
    use super::super::report_book::{Book, d};
    use super::*;

    /// Five debtors' plans on 22 Nov 2026, grace 5 days, broken after 2 misses:
    /// - Acme, 5 × 100.00 from 1 Aug: paid 1 Aug, 4 Sep (in grace), 20 Oct (late); 1 Nov missed;
    ///   1 Dec not due. Active, one miss.
    /// - Bolt, 3 × 200.00 from 15 Sep: nothing paid, two missed: broken on 21 Oct; the third
    ///   (15 Nov) no longer falls due under a broken plan: cancelled, not judged.
    /// - Cole, 2 × 150.00: paid 1 Jun and early on 25 Jun: completed.
    /// - Dale, 3 × 50.00 from 1 Jul: paid 1 Jul, 1 Aug missed; replaced on 10 Aug (1 Sep never
    ///   counts) by 2 × 100.00: paid 10 Aug, and 20 Sep (late): completed.
    /// - Eden, 2 × 80.00 from 20 Nov: unpaid but in grace; 20 Dec not due. Active.
    fn plans() -> Book {
        let mut b = Book::new("2026-11-22");
        let names = ["Acme", "Bolt", "Cole", "Dale", "Eden"];
        let ids: Vec<i64> = names.iter().map(|n| b.debtor(n)).collect();
        for (id, n) in ids.iter().zip(names) {
            b.invoice(*id, n, "2026-05-01", "2026-05-31", 100_000);
        }
        let [acme, bolt, cole, dale, eden] = ids[..] else { unreachable!() };
        let monthly = ["2026-08-01", "2026-09-01", "2026-10-01", "2026-11-01", "2026-12-01"];
        b.plan(acme, "2026-08-01", 5, &monthly.map(|m| (m, 10_000)));
        b.pay(acme, "2026-08-01", 10_000);
        b.pay(acme, "2026-09-04", 10_000);
        b.pay(acme, "2026-10-20", 10_000);
        b.plan(bolt, "2026-09-15", 5, &[("2026-09-15", 20_000), ("2026-10-15", 20_000), ("2026-11-15", 20_000)]);
        b.plan(cole, "2026-06-01", 5, &[("2026-06-01", 15_000), ("2026-07-01", 15_000)]);
        b.pay(cole, "2026-06-01", 15_000);
        b.pay(cole, "2026-06-25", 15_000);
        b.plan(dale, "2026-07-01", 5, &[("2026-07-01", 5_000), ("2026-08-01", 5_000), ("2026-09-01", 5_000)]);
        b.pay(dale, "2026-07-01", 5_000);
        b.plan(dale, "2026-08-10", 5, &[("2026-08-10", 10_000), ("2026-09-10", 10_000)]);
        b.pay(dale, "2026-08-10", 10_000);
        b.pay(dale, "2026-09-20", 10_000);
        b.plan(eden, "2026-11-10", 5, &[("2026-11-20", 8_000), ("2026-12-20", 8_000)]);
        b
    }

    #[test]
    fn plans_by_status_and_installments_by_outcome() {
        let b = plans();
        let r = b.desk.plan_report().unwrap();
        let status = |s: &str| {
            let l = r.statuses.iter().find(|l| l.status == s).unwrap();
            (l.plans, l.total, l.paid)
        };
        assert_eq!(status("active"), (2, Money(66_000), Money(30_000)));
        assert_eq!(status("completed"), (2, Money(50_000), Money(50_000)));
        assert_eq!(status("broken"), (1, Money(60_000), Money::ZERO));
        assert_eq!(status("replaced"), (1, Money(15_000), Money(5_000)));
        assert!(r.statuses.iter().all(|l| l.status != "cancelled"), "no cancelled plans, no line");

        let outcome = |t: Timeliness| {
            let l = r.installments.iter().find(|l| l.outcome == t).unwrap();
            (l.installments, l.amount, l.paid)
        };
        // On time: Acme 2 × 100, Cole 2 × 150, Dale 50 + 100.
        assert_eq!(outcome(Timeliness::OnTime), (6, Money(65_000), Money(65_000)));
        // Late: Acme's October, Dale's September.
        assert_eq!(outcome(Timeliness::Late), (2, Money(20_000), Money(20_000)));
        // Missed: Acme's November, Bolt's first two, Dale's first plan's August.
        assert_eq!(outcome(Timeliness::Missed), (4, Money(55_000), Money::ZERO));
        assert_eq!(outcome(Timeliness::InGrace), (1, Money(8_000), Money::ZERO));

        // 6 of 12 judged on time; 650.00 of 1,400.00 (46.43%).
        assert_eq!(r.shares[0].value, "50.0%");
        assert_eq!(r.shares[1].value, "46.4%");
        assert_eq!(r.shares[1].inputs, "$650.00 of $1,400.00");
    }

    #[test]
    fn no_plans_no_share() {
        let b = Book::new("2026-11-22");
        let r = b.desk.plan_report().unwrap();
        assert_eq!(r.statuses.len(), 4);
        assert!(r.statuses.iter().all(|l| l.plans == 0));
        assert_eq!(r.shares[0].value, "—");
        assert_eq!(d("2026-11-22"), r.as_of);
    }
}
