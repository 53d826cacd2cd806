//! The legal file's case: an account referred to an attorney or agency, its court, case
//! number, costs, judgment and next court date (which becomes the account's follow-up).

use chrono::NaiveDate;
use serde_json::json;

use super::arrangements::open_follow_up_ids;
use super::{Desk, DeskError, Result, Saved};
use crate::domain::{LegalCase, Money};
use crate::store::{self, NewEvent};

/// What to set on the account's open case; `None` leaves a field as it is. With no open
/// case, one is opened (referred today unless `referred_on` says otherwise).
#[derive(Debug, Clone, Default)]
pub struct LegalChange {
    pub referred_on: Option<NaiveDate>,
    pub attorney: Option<String>,
    pub court: Option<String>,
    pub case_number: Option<String>,
    pub status: Option<String>,
    /// Added to the costs so far (a filing fee, a process server's bill).
    pub add_cost: Option<Money>,
    pub judgment: Option<Money>,
    pub next_court_on: Option<NaiveDate>,
}

impl Desk {
    pub fn legal_case(&mut self, debtor_id: i64, change: LegalChange) -> Result<Saved> {
        let today = self.today();
        let debtor = store::debtor(&self.conn, debtor_id)?;
        let existing = store::open_legal_case(&self.conn, debtor.id)?;
        let opening = existing.is_none();
        let before = existing.as_ref().map(case_json);
        let mut case = existing.unwrap_or(LegalCase {
            id: 0,
            debtor_id: debtor.id,
            referred_on: today,
            attorney: String::new(),
            court: String::new(),
            case_number: String::new(),
            status: "referred".into(),
            costs: Money::ZERO,
            judgment: None,
            next_court_on: None,
        });
        if let Some(d) = change.referred_on {
            if d > today {
                return Err(DeskError::invalid("referred", format!("{d} is in the future")));
            }
            case.referred_on = d;
        }
        for (field, value) in [
            (&mut case.attorney, change.attorney),
            (&mut case.court, change.court),
            (&mut case.case_number, change.case_number),
        ] {
            if let Some(v) = value {
                *field = v.trim().to_string();
            }
        }
        if let Some(cost) = change.add_cost {
            if !cost.is_positive() {
                return Err(DeskError::invalid("cost", "a cost must be more than zero"));
            }
            case.costs += cost;
        }
        if let Some(j) = change.judgment {
            if !j.is_positive() {
                return Err(DeskError::invalid("judgment", "a judgment must be more than zero"));
            }
            case.judgment = Some(j);
            case.status = "judgment".into();
        }
        if let Some(status) = change.status {
            let status = status.trim().to_ascii_lowercase();
            if !LegalCase::STATUSES.contains(&status.as_str()) {
                return Err(DeskError::invalid(
                    "status",
                    format!("'{status}' is not a case status (one of: {})", LegalCase::STATUSES.join(", ")),
                ));
            }
            case.status = status;
        }
        if let Some(d) = change.next_court_on {
            if d < today {
                return Err(DeskError::invalid("next court date", format!("{d} is in the past")));
            }
            case.next_court_on = Some(d);
        }
        let court_date = change.next_court_on;
        self.write(|tx, clock, config| {
            let now = clock.now();
            let id = if opening {
                store::insert_legal_case(tx, &case, now)?
            } else {
                store::update_legal_case(tx, &case)?;
                case.id
            };
            let mut after = case_json(&case);
            if let Some(d) = court_date {
                let what = format!("court date {} {}", case.court, case.case_number);
                after["replaced"] = json!(open_follow_up_ids(tx, case.debtor_id)?);
                after["follow_up"] =
                    json!(store::schedule_follow_up(tx, case.debtor_id, d, what.trim_end(), None, now)?);
            }
            let kind = if opening { "legal-case-opened" } else { "legal-case-updated" };
            store::append_event(
                tx,
                &NewEvent {
                    at: now,
                    actor: &config.collector,
                    kind,
                    debtor_id: Some(case.debtor_id),
                    entity: "legal_case",
                    entity_id: Some(id),
                    before,
                    after: Some(after),
                },
            )?;
            let cur = &debtor.currency;
            let mut message = format!(
                "Legal case {} ({}): {}",
                if opening { "opened" } else { "updated" },
                case.status,
                [
                    (!case.attorney.is_empty()).then(|| format!("attorney {}", case.attorney)),
                    (!case.court.is_empty()).then(|| format!("court {}", case.court)),
                    (!case.case_number.is_empty()).then(|| format!("case {}", case.case_number)),
                    Some(format!("costs {}", case.costs.display(cur))),
                    case.judgment.map(|j| format!("judgment {}", j.display(cur))),
                ]
                .into_iter()
                .flatten()
                .collect::<Vec<_>>()
                .join(", ")
            );
            if let Some(d) = court_date {
                message.push_str(&format!("; next court date {d} is the account's follow-up"));
            }
            Ok(Saved { debtor_id: case.debtor_id, id, message })
        })
    }
}

/// A case's fields as the event log keeps them (before and after an update).
pub(super) fn case_json(case: &LegalCase) -> serde_json::Value {
    json!({
        "referred_on": case.referred_on, "attorney": case.attorney, "court": case.court,
        "case_number": case.case_number, "status": case.status, "costs": case.costs,
        "judgment": case.judgment, "next_court_on": case.next_court_on,
    })
}

/// The case `id` as [`case_json`] wrote it; `None` if a field is missing or unreadable.
pub(super) fn case_from_json(id: i64, debtor_id: i64, v: &serde_json::Value) -> Option<LegalCase> {
    let text = |k: &str| v[k].as_str().map(str::to_string);
    let date = |k: &str| v[k].as_str().and_then(|d| d.parse().ok());
    let money = |k: &str| v[k].as_str().and_then(|m| crate::domain::parse_money(m).ok());
    Some(LegalCase {
        id,
        debtor_id,
        referred_on: date("referred_on")?,
        attorney: text("attorney")?,
        court: text("court")?,
        case_number: text("case_number")?,
        status: text("status")?,
        costs: money("costs")?,
        judgment: if v["judgment"].is_null() { None } else { Some(money("judgment")?) },
        next_court_on: if v["next_court_on"].is_null() { None } else { Some(date("next_court_on")?) },
    })
}

#[cfg(test)]
mod tests {
    use super::super::testing::*;
    use super::*;
    use chrono::Days;

    #[test]
    fn a_case_opens_then_collects_costs_a_judgment_and_a_court_date() {
        let mut desk = demo_desk(30);
        let id = (1..=30).find(|id| desk.account(*id).unwrap().legal_cases.is_empty()).unwrap();
        let saved = desk
            .legal_case(
                id,
                LegalChange {
                    attorney: Some("Lee & Park LLP".into()),
                    add_cost: Some(Money(15_000)),
                    ..Default::default()
                },
            )
            .unwrap();
        assert!(
            saved.message.starts_with("Legal case opened (referred): attorney Lee & Park LLP"),
            "{}",
            saved.message
        );
        let hearing = today() + Days::new(21);
        desk.legal_case(
            id,
            LegalChange {
                court: Some("Cook County Circuit Court".into()),
                case_number: Some("2026-M1-0042".into()),
                status: Some("filed".into()),
                add_cost: Some(Money(7_500)),
                next_court_on: Some(hearing),
                ..Default::default()
            },
        )
        .unwrap();
        let view = desk.account(id).unwrap();
        assert_eq!(view.legal_cases.len(), 1, "the open case is updated, not doubled");
        let case = &view.legal_cases[0];
        assert_eq!((case.status.as_str(), case.costs, case.next_court_on), ("filed", Money(22_500), Some(hearing)));
        assert_eq!(case.attorney, "Lee & Park LLP", "fields not given stay");
        assert_eq!(view.follow_ups[0].due_on, hearing);
        assert!(view.follow_ups[0].what.contains("2026-M1-0042"));

        desk.legal_case(id, LegalChange { judgment: Some(Money(480_000)), ..Default::default() }).unwrap();
        assert_eq!(desk.account(id).unwrap().legal_cases[0].status, "judgment");
        desk.legal_case(id, LegalChange { status: Some("closed".into()), ..Default::default() }).unwrap();
        // A new referral after the case closed is a new case.
        desk.legal_case(id, LegalChange::default()).unwrap();
        assert_eq!(desk.account(id).unwrap().legal_cases.len(), 2);
        let events = crate::store::events_of(&desk.conn, id).unwrap();
        let kinds: Vec<&str> =
            events.iter().filter_map(|e| e["kind"].as_str()).filter(|k| k.starts_with("legal")).collect();
        assert_eq!(
            kinds,
            [
                "legal-case-opened",
                "legal-case-updated",
                "legal-case-updated",
                "legal-case-updated",
                "legal-case-opened"
            ]
        );
    }

    #[test]
    fn bad_values_are_refused_and_nothing_is_written() {
        let mut desk = demo_desk(10);
        let id = 1;
        let before = desk.account(id).unwrap().legal_cases.len();
        let bad = [
            LegalChange { status: Some("won".into()), ..Default::default() },
            LegalChange { add_cost: Some(Money(-5)), ..Default::default() },
            LegalChange { next_court_on: Some(today() - Days::new(1)), ..Default::default() },
            LegalChange { referred_on: Some(today() + Days::new(1)), ..Default::default() },
        ];
        for change in bad {
            assert!(desk.legal_case(id, change).is_err());
        }
        assert_eq!(desk.account(id).unwrap().legal_cases.len(), before);
    }
}
