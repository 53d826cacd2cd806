//! F-TBD and D-SOL: when a debt becomes time-barred. Only the verified seed values
//! of the reference are shipped; anywhere else the answer is "unknown", never a guess.

use chrono::{Months, NaiveDate};
use serde::Serialize;

/// (state, consumer debt?, years, source)
const SEEDS: &[(&str, Option<bool>, u32, &str)] = &[
    ("CA", None, 4, "Cal. CCP 337 (written contract, open book account)"),
    ("WA", None, 6, "RCW 4.16.040 (written contract)"),
    ("TX", None, 4, "Tex. Civ. Prac. & Rem. Code 16.004"),
    ("MA", None, 6, "G.L. c. 260 §2"),
    ("NY", Some(true), 3, "NY CPLR 214-i (consumer credit; no revival)"),
    ("NY", Some(false), 6, "NY CPLR 213"),
];

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "status", rename_all = "kebab-case")]
pub enum Statute {
    Running { expires_on: NaiveDate, basis: String },
    Expired { expired_on: NaiveDate, basis: String },
    Unknown { why: String },
}

/// The limitation period of a debt accrued (fell due) on `accrued`, governed by `state`.
/// `consumer`: the debt's purpose, where a state treats consumer credit apart.
pub fn statute(state: Option<&str>, consumer: bool, accrued: NaiveDate, today: NaiveDate) -> Statute {
    let Some(st) = state.map(|s| s.trim().to_ascii_uppercase()) else {
        return Statute::Unknown { why: "no governing state on record".into() };
    };
    let seed = SEEDS.iter().find(|(s, c, _, _)| *s == st && c.is_none_or(|c| c == consumer));
    let Some((_, _, years, source)) = seed else {
        return Statute::Unknown { why: format!("no verified limitation period for {st} yet") };
    };
    let ends = accrued.checked_add_months(Months::new(years * 12)).unwrap_or(accrued);
    let basis = format!("{years} years from {accrued}, {source}");
    if today >= ends {
        Statute::Expired { expired_on: ends, basis }
    } else {
        Statute::Running { expires_on: ends, basis }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> NaiveDate {
        s.parse().unwrap()
    }

    #[test]
    fn seeds_and_unknowns() {
        let today = d("2026-11-22");
        assert_eq!(
            statute(Some("NY"), true, d("2023-11-22"), today),
            Statute::Expired {
                expired_on: d("2026-11-22"),
                basis: "3 years from 2023-11-22, NY CPLR 214-i (consumer credit; no revival)".into()
            }
        );
        assert!(matches!(statute(Some("NY"), false, d("2023-11-22"), today), Statute::Running { .. }));
        assert!(matches!(statute(Some("ca"), true, d("2022-01-01"), today), Statute::Expired { .. }));
        assert!(matches!(statute(Some("CO"), true, d("2010-01-01"), today), Statute::Unknown { .. }));
        assert!(matches!(statute(None, true, d("2010-01-01"), today), Statute::Unknown { .. }));
    }
}
