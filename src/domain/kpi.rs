//! Collection KPIs (domain rules §5): pure functions over amounts already summed from a dated
//! snapshot. Results are exact fractions so a report rounds once, half-even, at display; an
//! undefined denominator is `None`, never 0 or infinity.

use crate::domain::Money;

/// An exact non-negative-denominator fraction: days, or a rate when shown as a percentage.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Ratio {
    num: i128,
    den: i128,
}

impl Ratio {
    /// `None` when the denominator is not positive: the KPI is undefined, shown as "—".
    pub fn new(num: i128, den: i128) -> Option<Ratio> {
        (den > 0).then_some(Ratio { num, den })
    }

    fn of_money(num: Money, den: Money) -> Option<Ratio> {
        Ratio::new(num.cents().into(), den.cents().into())
    }

    fn of_counts(num: u64, den: u64) -> Option<Ratio> {
        Ratio::new(num.into(), den.into())
    }

    /// The value in tenths, rounded half to even (45.04 → 450, 0.25 → 2, 0.35 → 4).
    pub fn tenths(self) -> i128 {
        round_half_even(self.num * 10, self.den)
    }

    /// As a percentage in tenths (0.5 → 500, i.e. 50.0%).
    pub fn percent_tenths(self) -> i128 {
        round_half_even(self.num * 1000, self.den)
    }

    /// "45.0": days, one decimal.
    pub fn days_text(self) -> String {
        tenths_text(self.tenths())
    }

    /// "50.0%".
    pub fn percent_text(self) -> String {
        format!("{}%", tenths_text(self.percent_tenths()))
    }

    fn minus(self, other: Ratio) -> Ratio {
        Ratio { num: self.num * other.den - other.num * self.den, den: self.den * other.den }
    }
}

fn round_half_even(num: i128, den: i128) -> i128 {
    let q = num.div_euclid(den);
    let r = num.rem_euclid(den);
    match (2 * r).cmp(&den) {
        std::cmp::Ordering::Less => q,
        std::cmp::Ordering::Greater => q + 1,
        std::cmp::Ordering::Equal => q + (q & 1),
    }
}

fn tenths_text(t: i128) -> String {
    let sign = if t < 0 { "-" } else { "" };
    format!("{sign}{}.{}", t.abs() / 10, t.abs() % 10)
}

/// K-DSO: ending AR / credit sales × days in the period.
pub fn dso(ending_ar: Money, credit_sales: Money, days: u32) -> Option<Ratio> {
    Ratio::new(i128::from(ending_ar.cents()) * i128::from(days), credit_sales.cents().into())
}

/// K-BPDSO: current AR / credit sales × days in the period.
pub fn best_possible_dso(current_ar: Money, credit_sales: Money, days: u32) -> Option<Ratio> {
    dso(current_ar, credit_sales, days)
}

/// K-ADD: DSO − best possible DSO, the days customers take beyond terms.
pub fn average_days_delinquent(ending_ar: Money, current_ar: Money, credit_sales: Money, days: u32) -> Option<Ratio> {
    Some(dso(ending_ar, credit_sales, days)?.minus(best_possible_dso(current_ar, credit_sales, days)?))
}

/// One month of credit sales for the count-back, with its length in days.
#[derive(Debug, Clone, Copy)]
pub struct MonthSales {
    pub sales: Money,
    pub days: u32,
}

/// The answer of a count-back: exact, or only a lower bound when AR outlasts the history.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CountBack {
    Days(Ratio),
    AtLeast(u32),
}

/// K-DSO-CB: peel each month's sales off ending AR, newest month first, adding its days,
/// until what remains is smaller than the next month; that month adds its share.
pub fn count_back_dso(ending_ar: Money, newest_first: &[MonthSales]) -> CountBack {
    let mut remaining = i128::from(ending_ar.cents());
    let mut days: u32 = 0;
    for month in newest_first {
        let sales = i128::from(month.sales.cents());
        if remaining <= 0 {
            break;
        }
        if remaining < sales {
            let ratio = Ratio { num: i128::from(days) * sales + remaining * i128::from(month.days), den: sales };
            return CountBack::Days(ratio);
        }
        remaining -= sales;
        days += month.days;
    }
    if remaining <= 0 { CountBack::Days(Ratio { num: days.into(), den: 1 }) } else { CountBack::AtLeast(days) }
}

/// One past-due amount and its days past due, for the invoice-weighted delinquency.
pub fn weighted_days_past_due(items: &[(Money, i64)]) -> Option<Ratio> {
    let past_due = items.iter().filter(|(amount, dpd)| *dpd > 0 && amount.is_positive());
    let (weighted, total) = past_due.fold((0i128, 0i128), |(w, t), (amount, dpd)| {
        let cents = i128::from(amount.cents());
        (w + cents * i128::from(*dpd), t + cents)
    });
    Ratio::new(weighted, total)
}

/// The inputs of the Collection Effectiveness Index for a period of `months`.
#[derive(Debug, Clone, Copy)]
pub struct CeiInputs {
    pub beginning_ar: Money,
    pub credit_sales: Money,
    pub months: u32,
    pub ending_ar: Money,
    pub ending_current_ar: Money,
    pub write_offs: Money,
}

/// K-CEI (Credit Research Foundation form), months not days in the divisor.
pub fn cei(i: CeiInputs) -> Option<Ratio> {
    cei_with_ending(i, i.ending_ar)
}

/// K-CEI with write-offs added back to ending AR, so writing off does not look like collecting.
pub fn cei_excluding_write_offs(i: CeiInputs) -> Option<Ratio> {
    cei_with_ending(i, i.ending_ar + i.write_offs)
}

fn cei_with_ending(i: CeiInputs, ending: Money) -> Option<Ratio> {
    if i.months == 0 {
        return None;
    }
    let months = i128::from(i.months);
    // Scaled by N so sales/N stays exact.
    let start = i128::from(i.beginning_ar.cents()) * months + i128::from(i.credit_sales.cents());
    let num = start - i128::from(ending.cents()) * months;
    let den = start - i128::from(i.ending_current_ar.cents()) * months;
    Ratio::new(num, den)
}

/// K-CUR: the share of AR that is current.
pub fn percent_current(current_ar: Money, total_ar: Money) -> Option<Ratio> {
    Ratio::of_money(current_ar, total_ar)
}

/// K-CUR: the share of AR more than 90 days past due.
pub fn percent_over_90(over_90: Money, total_ar: Money) -> Option<Ratio> {
    Ratio::of_money(over_90, total_ar)
}

/// K-PTP: promises kept (partial counts as not kept) over promises due.
pub fn promise_kept_rate(kept: u64, due: u64) -> Option<Ratio> {
    Ratio::of_counts(kept, due)
}

/// K-PTP: money received against due promises over money promised.
pub fn promise_amount_rate(received: Money, promised: Money) -> Option<Ratio> {
    Ratio::of_money(received, promised)
}

/// K-PTP: promises taken per right-party contact.
pub fn promise_rate(promises: u64, right_party_contacts: u64) -> Option<Ratio> {
    Ratio::of_counts(promises, right_party_contacts)
}

/// K-BPF: broken promises followed up in time over broken promises.
pub fn follow_up_rate(followed_up: u64, broken: u64) -> Option<Ratio> {
    Ratio::of_counts(followed_up, broken)
}

/// K-RPC per attempt: right-party contacts over outbound attempts.
pub fn rpc_rate_per_attempt(rpc: u64, attempts: u64) -> Option<Ratio> {
    Ratio::of_counts(rpc, attempts)
}

/// K-RPC per account: accounts with a right-party contact over accounts attempted.
pub fn rpc_rate_per_account(accounts_with_rpc: u64, accounts_attempted: u64) -> Option<Ratio> {
    Ratio::of_counts(accounts_with_rpc, accounts_attempted)
}

/// K-RPC: any live person reached (right, wrong or third party) over attempts.
pub fn contact_rate(live_contacts: u64, attempts: u64) -> Option<Ratio> {
    Ratio::of_counts(live_contacts, attempts)
}

/// K-ROLL: the share of a bucket's cohort that rolled into the next bucket.
pub fn roll_rate(rolled: Money, cohort: Money) -> Option<Ratio> {
    Ratio::of_money(rolled, cohort)
}

/// K-ROLL: the share of a bucket's cohort that is current or paid a period later.
pub fn cure_rate(cured: Money, cohort: Money) -> Option<Ratio> {
    Ratio::of_money(cured, cohort)
}

/// K-REC gross: collected over placed.
pub fn recovery_rate(collected: Money, placed: Money) -> Option<Ratio> {
    Ratio::of_money(collected, placed)
}

/// K-REC net: collected less fees over placed.
pub fn net_recovery_rate(collected: Money, fees: Money, placed: Money) -> Option<Ratio> {
    Ratio::of_money(collected - fees, placed)
}

/// K-BDR: write-offs over credit sales in the period.
pub fn bad_debt_ratio(write_offs: Money, credit_sales: Money) -> Option<Ratio> {
    Ratio::of_money(write_offs, credit_sales)
}

#[cfg(test)]
mod tests {
    //! The worked examples of domain rules §5, as golden tests (K-TEST).
    use super::*;

    fn m(units: i64) -> Money {
        Money(units * 100)
    }

    /// Fixture E1: June 2025, a 30-day month.
    const BEGIN: i64 = 140_000;
    const SALES: i64 = 100_000;
    const END: i64 = 150_000;
    const CURRENT: i64 = 60_000;

    #[test]
    fn e1_dso_best_possible_and_average_days_delinquent() {
        assert_eq!(dso(m(END), m(SALES), 30).unwrap().days_text(), "45.0");
        assert_eq!(best_possible_dso(m(CURRENT), m(SALES), 30).unwrap().days_text(), "18.0");
        assert_eq!(average_days_delinquent(m(END), m(CURRENT), m(SALES), 30).unwrap().days_text(), "27.0");
        // YayPay's published figures: 25,000 / 6,000 / 15,000 over 30 days → 50 − 12 = 38.
        assert_eq!(average_days_delinquent(m(25_000), m(6_000), m(15_000), 30).unwrap().days_text(), "38.0");
    }

    #[test]
    fn zero_sales_leave_dso_undefined() {
        assert_eq!(dso(m(END), Money::ZERO, 30), None);
        assert_eq!(average_days_delinquent(m(END), m(CURRENT), Money::ZERO, 30), None);
    }

    #[test]
    fn count_back_with_actual_days_and_with_thirty_day_months() {
        let months = |april: u32, may: u32| {
            [
                MonthSales { sales: m(100_000), days: 30 },
                MonthSales { sales: m(80_000), days: may },
                MonthSales { sales: m(70_000), days: april },
            ]
        };
        let CountBack::Days(actual) = count_back_dso(m(212_000), &months(30, 31)) else { panic!() };
        assert_eq!(actual.tenths(), 747); // 74.71
        assert_eq!(round_half_even(actual.num * 100, actual.den), 7471);
        let CountBack::Days(convention) = count_back_dso(m(212_000), &months(30, 30)) else { panic!() };
        assert_eq!(convention.days_text(), "73.7");
        assert_eq!(count_back_dso(m(300_000), &months(30, 31)), CountBack::AtLeast(91));
    }

    #[test]
    fn invoice_weighted_days_past_due() {
        let items = [(m(1_000), 10), (m(3_000), 40), (m(500), 100), (m(9_999), 0)];
        assert_eq!(weighted_days_past_due(&items).unwrap().days_text(), "40.0");
        assert_eq!(weighted_days_past_due(&[(m(5), 0)]), None);
    }

    #[test]
    fn cei_e1_and_creditguru_quarter() {
        let e1 = CeiInputs {
            beginning_ar: m(BEGIN),
            credit_sales: m(SALES),
            months: 1,
            ending_ar: m(END),
            ending_current_ar: m(CURRENT),
            write_offs: Money::ZERO,
        };
        assert_eq!(cei(e1).unwrap().percent_text(), "50.0%");
        let quarter = CeiInputs {
            beginning_ar: m(6_200),
            credit_sales: m(10_890),
            months: 3,
            ending_ar: m(6_340),
            ending_current_ar: m(3_590),
            write_offs: Money::ZERO,
        };
        assert_eq!(cei(quarter).unwrap().percent_text(), "55.9%");
        let written_off = CeiInputs { write_offs: m(9_000), ..e1 };
        assert_eq!(cei_excluding_write_offs(written_off).unwrap().percent_text(), "45.0%");
        assert_eq!(cei(CeiInputs { months: 0, ..e1 }), None);
        assert_eq!(cei(CeiInputs { beginning_ar: Money::ZERO, credit_sales: Money::ZERO, ..e1 }), None);
    }

    #[test]
    fn aging_mix() {
        assert_eq!(percent_current(m(CURRENT), m(END)).unwrap().percent_text(), "40.0%");
        assert_eq!(percent_over_90(m(6_000 + 4_000), m(END)).unwrap().percent_text(), "6.7%");
        assert_eq!(percent_current(Money::ZERO, Money::ZERO), None);
    }

    #[test]
    fn promise_metrics() {
        assert_eq!(promise_kept_rate(13, 20).unwrap().percent_text(), "65.0%");
        assert_eq!(promise_amount_rate(m(38_500), m(50_000)).unwrap().percent_text(), "77.0%");
        assert_eq!(promise_rate(24, 60).unwrap().percent_text(), "40.0%");
        assert_eq!(follow_up_rate(8, 10).unwrap().percent_text(), "80.0%");
        assert_eq!(promise_kept_rate(0, 0), None);
    }

    #[test]
    fn contact_rates() {
        assert_eq!(rpc_rate_per_attempt(60, 400).unwrap().percent_text(), "15.0%");
        assert_eq!(rpc_rate_per_account(48, 150).unwrap().percent_text(), "32.0%");
        assert_eq!(contact_rate(60 + 30, 400).unwrap().percent_text(), "22.5%");
    }

    #[test]
    fn roll_cure_recovery_and_bad_debt() {
        assert_eq!(roll_rate(m(12_000), m(40_000)).unwrap().percent_text(), "30.0%");
        assert_eq!(cure_rate(m(28_000), m(40_000)).unwrap().percent_text(), "70.0%");
        assert_eq!(recovery_rate(m(46_000), m(200_000)).unwrap().percent_text(), "23.0%");
        let fee = Money(m(46_000).cents() / 4);
        let net = net_recovery_rate(m(46_000), fee, m(200_000)).unwrap();
        assert_eq!(round_half_even(net.num * 10_000, net.den), 1725); // 17.25%
        assert_eq!(net.percent_text(), "17.2%"); // half to even at display
        assert_eq!(bad_debt_ratio(m(12_000), m(1_200_000)).unwrap().percent_text(), "1.0%");
    }

    #[test]
    fn rounding_is_half_to_even() {
        assert_eq!(Ratio::new(25, 100).unwrap().tenths(), 2);
        assert_eq!(Ratio::new(35, 100).unwrap().tenths(), 4);
        assert_eq!(Ratio::new(-25, 100).unwrap().tenths(), -2);
        assert_eq!(Ratio::new(1, 0), None);
    }
}
