//! Logging contact attempts and notes.

use chrono::{DateTime, NaiveDate, Utc};
use serde_json::json;

use super::{Desk, DeskError, Result, Saved};
use crate::domain::contact::outcome_fits_channel;
use crate::domain::{Channel, ContactKind, ContactStatus, Money, PromiseStatus, outcome};
use crate::store::{self, NewAttempt, NewEvent, NewPromise};

#[derive(Debug, Clone)]
pub struct LogAttempt {
    pub debtor_id: i64,
    pub channel: Channel,
    pub outcome: String,
    pub note: String,
    pub follow_up_on: Option<NaiveDate>,
    /// When it happened; the clock's now when not given.
    pub at: Option<DateTime<Utc>>,
    /// Log it although the compliance guard blocks it: the reason is recorded.
    pub override_reason: Option<String>,
    /// With the outcome PTP: the amount promised and the date it is due.
    pub promise: Option<(Money, NaiveDate)>,
    /// The time of day the debtor asked to be called back (a call-back's follow-up says it).
    pub call_at: Option<chrono::NaiveTime>,
}

#[derive(Debug, Clone)]
pub struct NewNote {
    pub debtor_id: i64,
    pub body: String,
}

impl Desk {
    /// Record a contact attempt, its side effects (flags, a bad number) and the next follow-up.
    pub fn log_attempt(&mut self, input: LogAttempt) -> Result<Saved> {
        let code = outcome(&input.outcome).ok_or_else(|| {
            DeskError::invalid("outcome", format!("unknown outcome '{}' (see `dun log --help`)", input.outcome))
        })?;
        if !outcome_fits_channel(code, input.channel) {
            return Err(DeskError::invalid(
                "outcome",
                format!("{} ({}) cannot be the outcome of {}", code.code, code.label, input.channel.label()),
            ));
        }
        let today = self.today();
        if let Some(f) = input.follow_up_on.filter(|f| *f < today) {
            return Err(DeskError::invalid("follow-up", format!("{f} is in the past")));
        }
        if input.call_at.is_some() && input.follow_up_on.is_none() {
            return Err(DeskError::invalid("call at", "a call-back time needs the day to call back (follow-up)"));
        }
        if input.at.is_some_and(|at| at > self.clock.now() + chrono::Duration::minutes(5)) {
            return Err(DeskError::invalid("at", "an attempt cannot be logged in the future"));
        }
        match (code.code, input.promise) {
            ("PTP", None) => return Err(DeskError::invalid("promise", "a promise to pay needs an amount and a date")),
            ("PTP", Some((amount, _))) if !amount.is_positive() => {
                return Err(DeskError::invalid("promise", "the amount promised must be more than zero"));
            }
            ("PTP", Some((_, on))) if on < today => {
                return Err(DeskError::invalid("promise", format!("{on} is in the past")));
            }
            ("PTP", Some(_)) | (_, None) => {}
            (_, Some(_)) => return Err(DeskError::invalid("promise", "a promise goes with the outcome PTP")),
        }
        let debtor_id = store::debtor(&self.conn, input.debtor_id)?.id;
        // The guard runs on contacts the collector places; an inbound call is not placed.
        let override_reason = input.override_reason.as_deref().map(str::trim).filter(|r| !r.is_empty());
        let answer = if input.channel == Channel::CallIn || code.class == crate::domain::contact::OutcomeClass::Status {
            None
        } else {
            Some(self.check_contact(debtor_id, input.channel, input.at)?)
        };
        let blocked = answer.as_ref().filter(|a| a.level == crate::domain::compliance::Level::Block);
        if let (Some(a), None) = (blocked, override_reason) {
            return Err(DeskError::Blocked(Box::new(a.clone())));
        }
        let overridden: Vec<&'static str> = blocked
            .map(|a| {
                a.findings
                    .iter()
                    .filter(|f| f.level == crate::domain::compliance::Level::Block)
                    .map(|f| f.rule)
                    .collect()
            })
            .unwrap_or_default();
        self.write(|tx, clock, config| {
            let now = clock.now();
            let at = input.at.unwrap_or(now);
            // Calls are made to a number: the first usable phone unless told otherwise.
            let usable: Vec<_> = store::contact_points(tx, debtor_id)?
                .into_iter()
                .filter(|c| {
                    c.kind == ContactKind::Phone && matches!(c.status, ContactStatus::Good | ContactStatus::Unverified)
                })
                .collect();
            let usable_phones = usable.len();
            let phone = if input.channel.is_call() { usable.into_iter().next() } else { None };
            let attempt = NewAttempt {
                debtor_id,
                at,
                channel: input.channel,
                contact_point_id: phone.as_ref().map(|p| p.id),
                outcome: code.code.to_string(),
                note: input.note.trim().to_string(),
                follow_up_on: input.follow_up_on,
            };
            let attempt_id = store::insert_attempt(tx, &attempt, now)?;
            if let Some(reason) = override_reason.filter(|_| !overridden.is_empty()) {
                store::record_override(tx, attempt_id, reason)?;
                store::append_event(
                    tx,
                    &NewEvent {
                        at: now,
                        actor: &config.collector,
                        kind: "guard-overridden",
                        debtor_id: Some(debtor_id),
                        entity: "attempt",
                        entity_id: Some(attempt_id),
                        before: None,
                        after: Some(json!({ "rules": overridden, "reason": reason })),
                    },
                )?;
            }
            // What the attempt changes besides itself, so that undo can turn it back.
            let closed_follow_ups = super::arrangements::open_follow_up_ids(tx, debtor_id)?;
            store::close_follow_ups(tx, debtor_id, now)?;
            let mut promise_id = None;
            if let Some((amount, due_on)) = input.promise {
                let currency = store::debtor(tx, debtor_id)?.currency;
                promise_id = Some(store::insert_promise(
                    tx,
                    &NewPromise {
                        debtor_id,
                        attempt_id: Some(attempt_id),
                        amount,
                        currency,
                        promised_on: clock.today(),
                        due_on,
                        status: PromiseStatus::Pending,
                        paid: Money::ZERO,
                    },
                    now,
                )?);
            }
            // Follow up when asked; after a promise, on its date by default.
            let follow = input.follow_up_on.or(input.promise.map(|(_, on)| on));
            let mut follow_up_id = None;
            if let Some(on) = follow {
                let what = match input.call_at {
                    Some(t) => format!("call at {} (asked: {})", t.format("%H:%M"), code.label.to_lowercase()),
                    None => format!("after {}", code.label),
                };
                follow_up_id = Some(store::schedule_follow_up(tx, debtor_id, on, &what, Some(attempt_id), now)?);
            }
            // A wrong or dead number is marked bad only when there is no doubt which was dialled.
            let mut marked_bad = None;
            let mut which_number = String::new();
            if let (Some(p), "DC" | "WN", 1) = (&phone, code.code, usable_phones) {
                store::mark_contact_point(tx, p.id, ContactStatus::Bad, now)?;
                marked_bad = Some(json!({ "id": p.id, "was": p.status.code() }));
                which_number = format!("; {} marked bad", p.value);
            } else if matches!(code.code, "DC" | "WN") && usable_phones > 1 {
                // Said, not guessed: the collector knows which one was dialled.
                which_number = format!("; {usable_phones} phones on file, none marked: mark the one dialled bad (C)");
            }
            let mut flag_set = None;
            if let Some(flag) = match code.code {
                "ATTY" => Some("attorney"),
                "BK" => Some("bankruptcy"),
                "DEC" => Some("deceased"),
                // Only a written request to stop is F-CEASE; said on a call it stops that medium.
                "CND" if matches!(input.channel, Channel::Letter | Channel::Email) => Some("cease_contact"),
                "CND" => Some("do_not_call"),
                _ => None,
            } {
                let was = super::arrangements::flag_is_set(&store::debtor(tx, debtor_id)?.flags, flag);
                store::set_debtor_flag(tx, debtor_id, flag, now)?;
                flag_set = Some(json!({ "name": flag, "was": was }));
            }
            store::append_event(
                tx,
                &NewEvent {
                    at: now,
                    actor: &config.collector,
                    kind: "attempt-logged",
                    debtor_id: Some(debtor_id),
                    entity: "attempt",
                    entity_id: Some(attempt_id),
                    before: None,
                    after: Some(json!({
                        "channel": input.channel.code(), "outcome": code.code,
                        "at": at.to_rfc3339(), "follow_up_on": input.follow_up_on,
                        "promise": input.promise.map(|(a, d)| json!({"amount": a, "due_on": d})),
                        "effects": {
                            "closed_follow_ups": closed_follow_ups, "promise": promise_id,
                            "follow_up": follow_up_id, "marked_bad": marked_bad, "flag": flag_set,
                        },
                    })),
                },
            )?;
            let follow = match (follow, input.call_at) {
                (Some(d), Some(t)) => format!(", call back {d} at {}", t.format("%H:%M")),
                (Some(d), None) => format!(", follow up {d}"),
                _ => String::new(),
            };
            let promised = match input.promise {
                Some((amount, on)) => {
                    format!(", promise {} by {on}", amount.display(&store::debtor(tx, debtor_id)?.currency))
                }
                None => String::new(),
            };
            let warned: Vec<String> = answer
                .iter()
                .flat_map(|a| a.findings.iter())
                .filter(|x| x.level == crate::domain::compliance::Level::Warn)
                .map(|x| format!("{}: {}", x.rule, x.message))
                .collect();
            let warned = if warned.is_empty() { String::new() } else { format!(" (warning: {})", warned.join("; ")) };
            Ok(Saved {
                debtor_id,
                id: attempt_id,
                message: format!(
                    "Logged {}: {}{promised}{follow}{which_number}{warned}",
                    input.channel.label(),
                    code.label
                ),
            })
        })
    }

    pub fn add_note(&mut self, input: NewNote) -> Result<Saved> {
        let body = input.body.trim().to_string();
        if body.is_empty() {
            return Err(DeskError::invalid("note", "a note needs some text"));
        }
        let debtor_id = store::debtor(&self.conn, input.debtor_id)?.id;
        self.write(|tx, clock, config| {
            let now = clock.now();
            let id = store::insert_note(tx, debtor_id, now, &body)?;
            store::append_event(
                tx,
                &NewEvent {
                    at: now,
                    actor: &config.collector,
                    kind: "note-added",
                    debtor_id: Some(debtor_id),
                    entity: "note",
                    entity_id: Some(id),
                    before: None,
                    after: Some(json!({ "length": body.chars().count() })),
                },
            )?;
            Ok(Saved { debtor_id, id, message: "Note added".into() })
        })
    }
}

#[cfg(test)]
mod tests {
    use super::super::testing::*;
    use super::*;

    #[test]
    fn logging_a_call_shows_in_account_and_worklist_and_the_event_log() {
        let mut desk = demo_desk(30);
        let row = desk.worklist().unwrap()[0].clone();
        let events_before = store::event_count(desk.connection(), row.id).unwrap();
        let follow = "2026-11-29".parse().unwrap();
        let saved = desk
            .log_attempt(LogAttempt {
                debtor_id: row.id,
                channel: Channel::CallOut,
                outcome: "lm".into(),
                note: "left LCM".into(),
                follow_up_on: Some(follow),
                call_at: None,
                at: None,
                override_reason: None,
                promise: None,
            })
            .unwrap();
        assert!(saved.message.contains("Left limited-content message"));
        let view = desk.account(row.id).unwrap();
        assert_eq!(view.attempts[0].outcome, "LM");
        assert_eq!(view.attempts[0].note, "left LCM");
        assert_eq!(view.follow_ups.len(), 1);
        let again = desk.worklist().unwrap().into_iter().find(|r| r.id == row.id).unwrap();
        assert_eq!(again.last_contact, Some(today()));
        assert_eq!(again.next_follow_up, Some(follow));
        assert_eq!(store::event_count(desk.connection(), row.id).unwrap(), events_before + 1);
        assert_eq!(store::verify_event_chain(desk.connection()).unwrap(), None);
    }

    #[test]
    fn refuses_bad_input_and_writes_nothing() {
        let mut desk = demo_desk(5);
        let id = desk.worklist().unwrap()[0].id;
        let attempts = desk.account(id).unwrap().attempts.len();
        let bad = |outcome: &str, channel, follow: Option<&str>| LogAttempt {
            debtor_id: id,
            channel,
            outcome: outcome.into(),
            note: String::new(),
            follow_up_on: follow.map(|f| f.parse().unwrap()),
            call_at: None,
            at: None,
            override_reason: None,
            promise: None,
        };
        for input in [
            bad("XX", Channel::CallOut, None),
            bad("VM", Channel::Letter, None),
            bad("NA", Channel::CallOut, Some("2026-01-01")),
        ] {
            assert!(matches!(desk.log_attempt(input), Err(DeskError::Invalid { .. })));
        }
        assert!(desk.add_note(NewNote { debtor_id: id, body: "  ".into() }).is_err());
        assert_eq!(desk.account(id).unwrap().attempts.len(), attempts);
    }

    #[test]
    fn wrong_number_marks_the_phone_bad_and_attorney_sets_the_flag() {
        let mut desk = demo_desk(10);
        let id = desk.worklist().unwrap()[0].id;
        let log = |outcome: &str| LogAttempt {
            debtor_id: id,
            channel: Channel::CallOut,
            outcome: outcome.into(),
            note: String::new(),
            follow_up_on: None,
            call_at: None,
            at: None,
            override_reason: None,
            promise: None,
        };
        let phone_before = desk.account(id).unwrap().contact_points.into_iter().find(|c| c.kind == ContactKind::Phone);
        desk.log_attempt(log("WN")).unwrap();
        if let Some(p) = phone_before {
            let after = desk.account(id).unwrap().contact_points.into_iter().find(|c| c.id == p.id).unwrap();
            assert_eq!(after.status, ContactStatus::Bad);
        }
        desk.log_attempt(log("ATTY")).unwrap();
        assert!(desk.account(id).unwrap().debtor.flags.attorney);
    }
}
