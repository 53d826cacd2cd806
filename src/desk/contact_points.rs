//! Phones, emails and addresses: added and marked, never deleted, every change in the event
//! log; accounts with no good phone and no good address are the skip-trace queue.

use serde::Serialize;
use serde_json::json;

use super::{Desk, DeskError, Result, Saved};
use crate::domain::{ContactKind, ContactPoint, ContactStatus};
use crate::store::{self, NewContactPoint, NewEvent};

/// One change to a contact point, from the event log.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ContactPointChange {
    pub at: String,
    pub actor: String,
    pub point_id: i64,
    /// "added" or "marked".
    pub what: String,
    pub from: Option<String>,
    pub to: String,
    pub reason: String,
}

/// What a new contact point is.
#[derive(Debug, Clone)]
pub struct NewPoint {
    pub kind: ContactKind,
    pub value: String,
    pub label: String,
    pub status: ContactStatus,
    /// Where it came from: "debtor", "skip-trace", "directory", …
    pub source: String,
}

/// A value in the shape its kind needs, or why not.
fn check_value(kind: ContactKind, value: &str) -> std::result::Result<String, String> {
    let value = value.trim();
    match kind {
        ContactKind::Phone => {
            let digits = value.chars().filter(char::is_ascii_digit).count();
            if !(7..=15).contains(&digits) || value.chars().any(|c| c.is_alphabetic()) {
                return Err(format!("'{value}' is not a phone number (7 to 15 digits)"));
            }
        }
        ContactKind::Email => {
            let (user, domain) = value.split_once('@').unwrap_or_default();
            if user.is_empty() || !domain.contains('.') || value.contains(char::is_whitespace) {
                return Err(format!("'{value}' is not an email address"));
            }
        }
        ContactKind::Address => {
            if value.len() < 5 {
                return Err(format!("'{value}' is too short for a postal address"));
            }
        }
    }
    Ok(value.to_string())
}

fn digits(s: &str) -> String {
    s.chars().filter(char::is_ascii_digit).collect()
}

impl Desk {
    pub fn add_contact_point(&mut self, debtor_id: i64, point: NewPoint) -> Result<Saved> {
        let debtor_id = store::debtor(&self.conn, debtor_id)?.id;
        let value = check_value(point.kind, &point.value).map_err(|e| DeskError::invalid("value", e))?;
        let same = |c: &ContactPoint| {
            c.kind == point.kind
                && match point.kind {
                    ContactKind::Phone => digits(&c.value) == digits(&value),
                    _ => c.value.trim().eq_ignore_ascii_case(&value),
                }
        };
        if let Some(c) = store::contact_points(&self.conn, debtor_id)?.iter().find(|c| same(c)) {
            return Err(DeskError::invalid(
                "value",
                format!("already on file as #{} ({}); mark it instead", c.id, c.status.code()),
            ));
        }
        let source =
            if point.source.trim().is_empty() { "manual".to_string() } else { point.source.trim().to_string() };
        self.write(|tx, clock, config| {
            let now = clock.now();
            let new = NewContactPoint {
                debtor_id,
                kind: point.kind,
                label: point.label.trim().to_string(),
                value: value.clone(),
                status: point.status,
                source: source.clone(),
                is_work: point.label.trim().eq_ignore_ascii_case("work"),
            };
            let id = store::insert_contact_point(tx, &new, now)?;
            store::append_event(
                tx,
                &NewEvent {
                    at: now,
                    actor: &config.collector,
                    kind: "contact-point-added",
                    debtor_id: Some(debtor_id),
                    entity: "contact_point",
                    entity_id: Some(id),
                    before: None,
                    after: Some(json!({"kind": point.kind.code(), "label": new.label, "status": point.status.code(), "source": source})),
                },
            )?;
            Ok(Saved {
                debtor_id,
                id,
                message: format!("Added {} #{id} ({}, source {source})", point.kind.code(), point.status.code()),
            })
        })
    }

    /// Mark a contact point good, bad, unverified or do-not-use, with the reason.
    pub fn mark_contact_point(
        &mut self,
        debtor_id: i64,
        point_id: i64,
        status: ContactStatus,
        reason: &str,
    ) -> Result<Saved> {
        let reason = reason.trim();
        if reason.is_empty() {
            return Err(DeskError::invalid("reason", "say why (e.g. \"disconnected\", \"confirmed by the debtor\")"));
        }
        let points = store::contact_points(&self.conn, debtor_id)?;
        let Some(point) = points.iter().find(|c| c.id == point_id) else {
            let ids: Vec<String> = points.iter().map(|c| format!("#{} {}", c.id, c.kind.code())).collect();
            return Err(DeskError::invalid(
                "contact point",
                format!("#{point_id} is not one of this account's ({})", ids.join(", ")),
            ));
        };
        if point.status == status {
            return Err(DeskError::invalid("status", format!("#{point_id} is already {}", status.code())));
        }
        let before = point.status;
        self.write(|tx, clock, config| {
            let now = clock.now();
            store::mark_contact_point(tx, point_id, status, now)?;
            store::append_event(
                tx,
                &NewEvent {
                    at: now,
                    actor: &config.collector,
                    kind: "contact-point-marked",
                    debtor_id: Some(debtor_id),
                    entity: "contact_point",
                    entity_id: Some(point_id),
                    before: Some(json!({"status": before.code()})),
                    after: Some(json!({"status": status.code(), "reason": reason})),
                },
            )?;
            Ok(Saved {
                debtor_id,
                id: point_id,
                message: format!("Marked #{point_id} {} (was {}): {reason}", status.code(), before.code()),
            })
        })
    }

    /// Every change to the account's contact points, oldest first.
    pub fn contact_point_history(&self, debtor_id: i64) -> Result<Vec<ContactPointChange>> {
        let events = store::events_of(&self.conn, debtor_id)?;
        let text = |v: &serde_json::Value| v.as_str().unwrap_or_default().to_string();
        Ok(events
            .iter()
            .filter(|e| e["entity"] == "contact_point")
            .map(|e| ContactPointChange {
                at: text(&e["at"]),
                actor: text(&e["actor"]),
                point_id: e["entity_id"].as_i64().unwrap_or_default(),
                what: text(&e["kind"]).trim_start_matches("contact-point-").to_string(),
                from: e["before"]["status"].as_str().map(str::to_string),
                to: text(&e["after"]["status"]),
                reason: text(&e["after"]["reason"]),
            })
            .collect())
    }
}

#[cfg(test)]
mod tests {
    use super::super::testing::*;
    use super::*;

    fn phone(value: &str) -> NewPoint {
        NewPoint {
            kind: ContactKind::Phone,
            value: value.into(),
            label: "mobile".into(),
            status: ContactStatus::Unverified,
            source: "skip-trace".into(),
        }
    }

    #[test]
    fn points_are_added_once_marked_with_a_reason_and_never_deleted() {
        let mut desk = demo_desk(20);
        let before = desk.account(4).unwrap().contact_points.len();
        let saved = desk.add_contact_point(4, phone("(312) 555-0199")).unwrap();
        let err = desk.add_contact_point(4, phone("312.555.0199")).unwrap_err().to_string();
        assert!(err.contains(&format!("already on file as #{}", saved.id)), "{err}");
        assert!(desk.add_contact_point(4, phone("call me")).is_err());
        let email = NewPoint { kind: ContactKind::Email, value: "not-an-email".into(), ..phone("") };
        assert!(desk.add_contact_point(4, email).unwrap_err().to_string().contains("not an email address"));

        assert!(desk.mark_contact_point(4, saved.id, ContactStatus::Bad, " ").is_err(), "a reason is required");
        desk.mark_contact_point(4, saved.id, ContactStatus::Bad, "disconnected").unwrap();
        desk.mark_contact_point(4, saved.id, ContactStatus::Good, "debtor called from it").unwrap();
        let other = desk.account(5).unwrap().contact_points[0].id;
        assert!(desk.mark_contact_point(4, other, ContactStatus::Bad, "x").is_err(), "not this account's");

        let points = desk.account(4).unwrap().contact_points;
        assert_eq!(points.len(), before + 1);
        assert_eq!(points.iter().find(|c| c.id == saved.id).unwrap().status, ContactStatus::Good);
        let history = desk.contact_point_history(4).unwrap();
        let ours: Vec<(&str, Option<&str>, &str)> = history
            .iter()
            .filter(|h| h.point_id == saved.id)
            .map(|h| (h.what.as_str(), h.from.as_deref(), h.to.as_str()))
            .collect();
        assert_eq!(
            ours,
            [("added", None, "unverified"), ("marked", Some("unverified"), "bad"), ("marked", Some("bad"), "good")]
        );
    }
}
