//! The nouns of the book as the store hands them out. Plain data, serialisable,
//! so the CLI's `--json` and the desk's screens read the same shapes.

use chrono::{DateTime, NaiveDate, Utc};
use serde::Serialize;

use super::contact::{Channel, ContactKind, ContactStatus};
use super::money::Money;
use super::promise::PromiseStatus;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum DebtorKind {
    Person,
    Business,
}

impl DebtorKind {
    pub fn code(self) -> &'static str {
        match self {
            DebtorKind::Person => "person",
            DebtorKind::Business => "business",
        }
    }
    pub fn parse(s: &str) -> Option<DebtorKind> {
        match s {
            "person" => Some(DebtorKind::Person),
            "business" => Some(DebtorKind::Business),
            _ => None,
        }
    }
}

/// Standing facts about a debtor that restrict contact.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize)]
pub struct DebtorFlags {
    pub cease_contact: bool,
    pub attorney: bool,
    pub bankruptcy: bool,
    pub deceased: bool,
    pub do_not_call: bool,
    pub email_opt_out: bool,
}

impl DebtorFlags {
    /// Labels of the flags that are set, for headers and the worklist.
    pub fn labels(&self) -> Vec<&'static str> {
        let all = [
            (self.cease_contact, "cease contact"),
            (self.attorney, "attorney"),
            (self.bankruptcy, "bankruptcy"),
            (self.deceased, "deceased"),
            (self.do_not_call, "do not call"),
            (self.email_opt_out, "email opt-out"),
        ];
        all.into_iter().filter(|(on, _)| *on).map(|(_, l)| l).collect()
    }

    /// The first flag that stops all collection work, if any.
    pub fn blocking(&self) -> Option<&'static str> {
        [
            (self.bankruptcy, "bankruptcy"),
            (self.deceased, "deceased"),
            (self.cease_contact, "cease contact"),
            (self.attorney, "attorney represented"),
        ]
        .into_iter()
        .find(|(on, _)| *on)
        .map(|(_, l)| l)
    }
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Debtor {
    pub id: i64,
    pub external_ref: Option<String>,
    pub name: String,
    pub kind: DebtorKind,
    pub region: Option<String>,
    pub postal_code: Option<String>,
    pub time_zone: Option<String>,
    pub currency: String,
    pub status: String,
    pub flags: DebtorFlags,
    /// Rule profile facts; `None` = unknown.
    pub debt_purpose: Option<String>,
    pub collector_role: Option<String>,
    /// A natural person owes or guarantees it; `None` = as `kind` says.
    pub natural_person: Option<bool>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ContactPoint {
    pub id: i64,
    pub debtor_id: i64,
    pub kind: ContactKind,
    pub label: String,
    pub value: String,
    pub status: ContactStatus,
    pub source: String,
    pub is_work: bool,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Invoice {
    pub id: i64,
    pub debtor_id: i64,
    pub number: String,
    pub kind: String,
    pub issued_on: Option<NaiveDate>,
    pub due_on: NaiveDate,
    pub original: Money,
    pub balance: Money,
    pub currency: String,
    pub status: String,
    /// An open dispute is on it (on all of it, or on `disputed_amount` of it).
    pub disputed: bool,
    /// The part of the balance open disputes hold back (`dispute::held_back`): still owed,
    /// but out of collection until resolved. The whole balance for a whole-invoice dispute.
    pub disputed_amount: Money,
}

impl Invoice {
    /// What may be collected on it now: the balance less the part in dispute.
    pub fn in_collection(&self) -> Money {
        (self.balance - self.disputed_amount).max(Money::ZERO)
    }

    /// Only part of the balance is in dispute.
    pub fn partly_disputed(&self) -> bool {
        self.disputed_amount.is_positive() && self.disputed_amount < self.balance
    }

    /// Its dispute in words, if it has one: "disputed", or "disputed $120.00 of $450.00"
    /// when only part of the balance is.
    pub fn dispute_label(&self) -> Option<String> {
        if !self.disputed {
            return None;
        }
        Some(if self.partly_disputed() {
            let cur = self.currency.as_str();
            format!("disputed {} of {}", self.disputed_amount.display(cur), self.balance.display(cur))
        } else {
            "disputed".to_string()
        })
    }
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Attempt {
    pub id: i64,
    pub debtor_id: i64,
    pub at: DateTime<Utc>,
    pub channel: Channel,
    pub contact_point_id: Option<i64>,
    pub outcome: String,
    pub note: String,
    pub follow_up_on: Option<NaiveDate>,
    /// Logged although the compliance guard blocked it, for this reason.
    pub override_reason: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Promise {
    pub id: i64,
    pub debtor_id: i64,
    pub amount: Money,
    pub currency: String,
    pub promised_on: NaiveDate,
    pub due_on: NaiveDate,
    pub status: PromiseStatus,
    pub paid: Money,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Installment {
    pub seq: i64,
    pub due_on: NaiveDate,
    pub amount: Money,
    pub paid: Money,
    /// As stored (due or paid); read through `Desk::account` it is the judged state:
    /// paid, paid-late, due, missed, replaced or cancelled (`plan::InstallmentState`).
    pub status: String,
    /// The day it was paid in full, replaying the debtor's receipts (when known).
    pub paid_on: Option<NaiveDate>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Plan {
    pub id: i64,
    pub debtor_id: i64,
    pub total: Money,
    pub down_payment: Money,
    pub currency: String,
    pub frequency: String,
    pub first_due_on: NaiveDate,
    /// active, completed, broken, replaced or cancelled.
    pub status: String,
    pub grace_days: u32,
    /// The day it was agreed (or its first due date, if earlier).
    pub started_on: NaiveDate,
    /// The day the plan that replaced it was agreed.
    pub ended_on: Option<NaiveDate>,
    pub installments: Vec<Installment>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct AppliedAmount {
    pub invoice_id: i64,
    pub invoice_number: String,
    pub amount: Money,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Payment {
    pub id: i64,
    pub debtor_id: i64,
    pub kind: String,
    pub amount: Money,
    pub currency: String,
    pub received_on: NaiveDate,
    pub method: String,
    pub reference: String,
    pub allocations: Vec<AppliedAmount>,
    pub unapplied: Money,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Note {
    pub id: i64,
    pub debtor_id: i64,
    pub at: DateTime<Utc>,
    pub body: String,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct FollowUp {
    pub id: i64,
    pub debtor_id: i64,
    pub due_on: NaiveDate,
    pub what: String,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Dispute {
    pub id: i64,
    pub debtor_id: i64,
    pub invoice_id: Option<i64>,
    pub amount: Option<Money>,
    pub reason: String,
    pub status: String,
    pub opened_on: NaiveDate,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct LegalCase {
    pub id: i64,
    pub debtor_id: i64,
    pub referred_on: NaiveDate,
    pub attorney: String,
    pub court: String,
    pub case_number: String,
    /// referred, filed, judgment, closed.
    pub status: String,
    /// Court and attorney costs paid so far (kept on the case, not added to the balance).
    pub costs: Money,
    pub judgment: Option<Money>,
    pub next_court_on: Option<NaiveDate>,
}

impl LegalCase {
    pub const STATUSES: [&'static str; 4] = ["referred", "filed", "judgment", "closed"];
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Hold {
    pub id: i64,
    pub debtor_id: i64,
    pub reason: String,
    pub ends_on: Option<NaiveDate>,
}
