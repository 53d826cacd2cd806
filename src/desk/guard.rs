//! The compliance guard as a use-case: gather the facts about a debtor, ask the
//! domain's rules, and answer allow / warn / block with when it becomes allowed.

use chrono::{DateTime, Duration, Utc};

use super::{Desk, Result};
use crate::domain::compliance::frequency::PastCall;
use crate::domain::compliance::window::CallWindow;
use crate::domain::compliance::zones::candidate_zones;
use crate::domain::compliance::{Answer, ContactFacts, Purpose, Restriction, Role, RuleProfile, check_contact};
use crate::domain::{Channel, Debtor, outcome};
use crate::store;

/// The account's profile: its own facts, else the book's defaults, else unknown (strictest).
pub fn rule_profile(debtor: &Debtor, defaults: &crate::config::ComplianceDefaults) -> RuleProfile {
    let purpose = match debtor.debt_purpose.as_deref() {
        Some("consumer") => Purpose::Consumer,
        Some("commercial") => Purpose::Commercial,
        _ => defaults.debt_purpose,
    };
    let role = match debtor.collector_role.as_deref() {
        Some("third-party") => Role::ThirdParty,
        Some("first-party") => Role::FirstParty,
        _ => defaults.collector_role,
    };
    RuleProfile { purpose, role }
}

impl Desk {
    /// Revoke what the debtor said was inconvenient (they said otherwise since).
    pub fn revoke_restrictions(&mut self, debtor_id: i64) -> Result<super::Saved> {
        let debtor_id = store::debtor(&self.conn, debtor_id)?.id;
        self.write(|tx, clock, config| {
            let now = clock.now();
            let ids = store::active_restrictions(tx, debtor_id)?;
            let n = store::revoke_restrictions(tx, debtor_id, now)?;
            store::append_event(
                tx,
                &store::NewEvent {
                    at: now,
                    actor: &config.collector,
                    kind: "restrictions-revoked",
                    debtor_id: Some(debtor_id),
                    entity: "contact_restriction",
                    entity_id: None,
                    before: None,
                    after: Some(serde_json::json!({ "revoked": n, "restrictions": ids })),
                },
            )?;
            Ok(super::Saved { debtor_id, id: 0, message: format!("{n} restriction(s) revoked") })
        })
    }

    /// Record what the debtor said is inconvenient; checked before every later contact.
    pub fn add_restriction(&mut self, debtor_id: i64, kind: &str, value: &str, source: &str) -> Result<super::Saved> {
        if Restriction::parse(kind, value).is_none() {
            return Err(super::DeskError::invalid(
                "restriction",
                format!("'{value}' is not a {kind} (e.g. 12:00-13:30, or sun)"),
            ));
        }
        if !matches!(source, "consumer-oral" | "consumer-written" | "creditor-file") {
            return Err(super::DeskError::invalid("source", "consumer-oral, consumer-written or creditor-file"));
        }
        let debtor_id = store::debtor(&self.conn, debtor_id)?.id;
        self.write(|tx, clock, config| {
            let now = clock.now();
            let id = store::add_restriction(tx, debtor_id, kind, value, source, now)?;
            store::append_event(
                tx,
                &store::NewEvent {
                    at: now,
                    actor: &config.collector,
                    kind: "restriction-added",
                    debtor_id: Some(debtor_id),
                    entity: "contact_restriction",
                    entity_id: Some(id),
                    before: None,
                    after: Some(serde_json::json!({ "kind": kind, "value": value, "source": source })),
                },
            )?;
            let what = if kind == "workplace" { "no contact at work".to_string() } else { format!("{kind} {value}") };
            Ok(super::Saved { debtor_id, id, message: format!("Recorded as inconvenient: {what}") })
        })
    }

    /// What the rules say about contacting `debtor_id` by `channel` at `at` (now when
    /// not given). Reads only; logs nothing.
    pub fn check_contact(&self, debtor_id: i64, channel: Channel, at: Option<DateTime<Utc>>) -> Result<Answer> {
        let at = at.unwrap_or_else(|| self.clock.now());
        let debtor = store::debtor(&self.conn, debtor_id)?;
        let inputs = store::guard_inputs(&self.conn, debtor_id, at - Duration::days(9))?;
        let (initial, notice) = store::validation_dates(&self.conn, debtor_id)?;
        let (talk, written) = store::first_contacts(&self.conn, debtor_id)?;
        let phones: Vec<&str> = inputs.phones.iter().map(String::as_str).collect();
        let (zones, zone_source) = candidate_zones(
            debtor.time_zone.as_deref(),
            debtor.region.as_deref(),
            debtor.postal_code.as_deref(),
            &phones,
        );
        let primary = zones[0];
        let calls = inputs
            .attempts
            .iter()
            .filter(|(when, _, _, _)| *when <= at)
            .filter_map(|(when, ch, code, _)| {
                let o = outcome(code)?;
                let call = matches!(ch, Channel::CallOut | Channel::CallIn | Channel::Visit);
                Some(PastCall {
                    local_date: when.with_timezone(&primary).date_naive(),
                    counts: *ch == Channel::CallOut && o.placed_call && o.connected,
                    conversation: call && o.conversation,
                    ma_counts: matches!(ch, Channel::CallOut | Channel::Sms)
                        && !matches!(o.code, "NA" | "BZ" | "DC")
                        && (o.placed_call || *ch == Channel::Sms),
                    communication: *ch != Channel::CallIn
                        && !matches!(o.code, "NA" | "BZ" | "DC")
                        && o.class != crate::domain::contact::OutcomeClass::Status,
                })
            })
            .collect();
        let today = at.with_timezone(&primary).date_naive();
        let holds =
            store::active_holds(&self.conn, debtor_id, today)?.into_iter().map(|h| (h.reason, h.ends_on)).collect();
        let defaults = &self.config.compliance;
        let open = store::open_items(&self.conn, debtor_id)?;
        let exposure: crate::domain::Money = open.iter().map(|i| i.balance).sum();
        let disputed: crate::domain::Money = open.iter().map(|i| i.disputed).sum();
        let facts = ContactFacts {
            channel,
            at,
            profile: rule_profile(&debtor, defaults),
            state: debtor.region.clone(),
            zones,
            zone_source,
            flags: debtor.flags,
            // Wholly in dispute: the account, or every open invoice all of whose balance is.
            fully_disputed: inputs.account_disputed || (exposure.is_positive() && disputed == exposure),
            disputed,
            currency: debtor.currency.clone(),
            holds,
            calls,
            window: CallWindow { buffer_minutes: defaults.last_dial_buffer_minutes, ..CallWindow::default() },
            oldest_due: open.iter().map(|i| i.due_on).min(),
            // Unknown counts as yes: the strict reading (D-PROFILE-1).
            natural_person: debtor.natural_person.unwrap_or(true),
            natural_person_known: debtor.natural_person.is_some() || debtor.kind == crate::domain::DebtorKind::Person,
            restrictions: inputs.restrictions.iter().filter_map(|(k, v)| Restriction::parse(k, v)).collect(),
            dialled_is_work: inputs.first_phone_is_work,
            nyc: crate::domain::compliance::zones::is_nyc(debtor.region.as_deref(), debtor.postal_code.as_deref()),
            initial_communication: initial.map(|t| t.with_timezone(&primary).date_naive()),
            validation_notice: notice.map(|t| t.with_timezone(&primary).date_naive()),
            first_conversation: talk.map(|t| t.with_timezone(&primary).date_naive()),
            first_written: written.map(|t| t.with_timezone(&primary).date_naive()),
            // Consent: in a conversation of the last 7 days the debtor asked for a call today.
            consent_today: inputs.attempts.iter().any(|(when, _, code, follow)| {
                code == "CB"
                    && *follow == Some(today)
                    && (today - when.with_timezone(&primary).date_naive()).num_days() < 7
            }),
            exposure,
        };
        Ok(check_contact(&facts))
    }
}
