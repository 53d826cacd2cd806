//! What the book keeps and proves: an integrity check, a person's full record
//! (an access request), and changes to an account's rule profile.

use serde::Serialize;
use serde_json::json;

use super::{AccountView, Desk, DeskError, Result};
use crate::store::{self, NewEvent};

#[derive(Debug, Clone, Serialize)]
pub struct BookCheck {
    pub integrity: String,
    /// The first event whose hash does not match, if the log was tampered with.
    pub broken_event: Option<i64>,
    pub events: i64,
}

impl BookCheck {
    pub fn ok(&self) -> bool {
        self.integrity == "ok" && self.broken_event.is_none()
    }
}

#[derive(Debug, Clone, Serialize)]
pub struct PersonRecord {
    pub account: AccountView,
    pub events: Vec<serde_json::Value>,
}

/// What a purge did, or would do.
#[derive(Debug, Clone, Serialize)]
pub struct PurgeReport {
    pub closed_before: chrono::NaiveDate,
    /// (debtor id, last activity)
    pub accounts: Vec<(i64, chrono::NaiveDate)>,
    pub done: bool,
}

/// F-RET: records are kept at least this long after an account's last activity.
pub const MIN_RETENTION_YEARS: u32 = 3;

impl Desk {
    /// Anonymise closed accounts whose last activity was before `closed_before`. Refused
    /// when that date would cut into the retention period the law requires.
    pub fn purge(&mut self, closed_before: chrono::NaiveDate, dry_run: bool) -> Result<PurgeReport> {
        let latest =
            self.today().checked_sub_months(chrono::Months::new(MIN_RETENTION_YEARS * 12)).unwrap_or(closed_before);
        if closed_before > latest {
            return Err(DeskError::Refused(format!(
                "records must be kept {MIN_RETENTION_YEARS} years after an account's last activity (F-RET): \
                 the latest --closed-before allowed today is {latest}"
            )));
        }
        let accounts = store::purge_candidates(&self.conn, closed_before)?;
        if dry_run || accounts.is_empty() {
            return Ok(PurgeReport { closed_before, accounts, done: false });
        }
        let ids: Vec<i64> = accounts.iter().map(|(id, _)| *id).collect();
        // The worklist's kept first page may name them.
        self.forget_worklist_start();
        self.write(|tx, clock, config| {
            let now = clock.now();
            for id in &ids {
                store::anonymise_debtor(tx, *id, now)?;
                store::append_event(
                    tx,
                    &NewEvent {
                        at: now,
                        actor: &config.collector,
                        kind: "debtor-purged",
                        debtor_id: Some(*id),
                        entity: "debtor",
                        entity_id: Some(*id),
                        before: None,
                        after: Some(json!({ "closed_before": closed_before })),
                    },
                )?;
            }
            Ok(())
        })?;
        Ok(PurgeReport { closed_before, accounts, done: true })
    }

    pub fn check_book(&self) -> Result<BookCheck> {
        Ok(BookCheck {
            integrity: store::integrity_check(&self.conn)?,
            broken_event: store::verify_event_chain(&self.conn)?,
            events: store::event_total(&self.conn)?,
        })
    }

    /// Everything held about one debtor, for an access request.
    pub fn person_record(&self, debtor_id: i64) -> Result<PersonRecord> {
        Ok(PersonRecord { account: self.account(debtor_id)?, events: store::events_of(&self.conn, debtor_id)? })
    }

    /// Change which rules bind an account. `None` leaves a fact as it is; "unknown"
    /// clears it. The reason and the before/after are recorded.
    pub fn set_profile(
        &mut self,
        debtor_id: i64,
        purpose: Option<&str>,
        role: Option<&str>,
        natural_person: Option<bool>,
        reason: &str,
    ) -> Result<String> {
        if reason.trim().is_empty() {
            return Err(DeskError::invalid("reason", "a profile change needs a reason"));
        }
        let norm = |v: Option<&str>, allowed: [&str; 2], field: &'static str| -> Result<Option<Option<String>>> {
            match v {
                None => Ok(None),
                Some("unknown") => Ok(Some(None)),
                Some(x) if allowed.contains(&x) => Ok(Some(Some(x.to_string()))),
                Some(x) => {
                    Err(DeskError::invalid(field, format!("'{x}': use {}, {} or unknown", allowed[0], allowed[1])))
                }
            }
        };
        let purpose = norm(purpose, ["consumer", "commercial"], "purpose")?;
        let role = norm(role, ["third-party", "first-party"], "role")?;
        let debtor = store::debtor(&self.conn, debtor_id)?;
        let new_purpose = purpose.unwrap_or(debtor.debt_purpose.clone());
        let new_role = role.unwrap_or(debtor.collector_role.clone());
        let new_person = natural_person.or(debtor.natural_person);
        self.write(|tx, clock, config| {
            let now = clock.now();
            store::set_rule_profile(tx, debtor_id, new_purpose.as_deref(), new_role.as_deref(), new_person, now)?;
            store::append_event(
                tx,
                &NewEvent {
                    at: now,
                    actor: &config.collector,
                    kind: "profile-changed",
                    debtor_id: Some(debtor_id),
                    entity: "debtor",
                    entity_id: Some(debtor_id),
                    before: Some(json!({
                        "debt_purpose": debtor.debt_purpose, "collector_role": debtor.collector_role,
                        "natural_person": debtor.natural_person,
                    })),
                    after: Some(json!({
                        "debt_purpose": new_purpose, "collector_role": new_role,
                        "natural_person": new_person, "reason": reason.trim(),
                    })),
                },
            )?;
            Ok(())
        })?;
        let updated = store::debtor(&self.conn, debtor_id)?;
        Ok(super::rule_profile(&updated, &self.config.compliance).describe())
    }
}
