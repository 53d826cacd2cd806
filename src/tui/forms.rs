//! The desk's forms: what each asks for, and the request it becomes when saved.

use chrono::NaiveDate;

use super::form::{Field, FieldKind, Form};
use super::worker::Request;
use crate::desk::{AccountView, BulkAction, LegalChange, LogAttempt, NewNote, NewPoint, RecordPayment};
use crate::domain::contact::{OUTCOMES, outcome_fits_channel};
use crate::domain::dates::parse_date;
use crate::domain::{Channel, Money, outcome, parse_money};
use crate::domain::{ContactKind, ContactStatus};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Purpose {
    LogAttempt,
    RecordPayment,
    AddNote,
    Promise,
    Plan,
    FollowUp,
    Dispute,
    Hold,
    Import,
    Settle,
    WriteOff,
    Reverse,
    Legal,
    AddContact,
    MarkContact,
    /// A session call that raised a dispute: the reason, then the next account.
    CallDispute,
    Extend,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OpenForm {
    pub purpose: Purpose,
    /// The account acted on (none for an import).
    pub debtor_id: Option<i64>,
    /// A bulk action: the selected accounts it applies to (hold, follow-up, note).
    pub bulk: Vec<i64>,
    pub form: Form,
    /// A plan's schedule as the store computed it (`Desk::plan_schedule`), for the terms it
    /// was asked with; it lets Enter save only while the fields still say the same.
    pub schedule: Option<PlanPreview>,
}

/// A plan's full schedule, checked against the book before saving.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PlanPreview {
    pub terms: crate::domain::plan::PlanTerms,
    /// (due date, amount), the down payment first when there is one.
    pub rows: Vec<(NaiveDate, Money)>,
}

/// The plan form's rule across its split fields.
pub const PLAN_SPLIT_NEITHER: &str = "give Payments (how many installments) or Each pays (the amount of each)";
pub const PLAN_SPLIT_BOTH: &str = "give Payments or Each pays, not both: clear one of them";

const PAYMENT_METHODS: &[(&str, &str)] = &[
    ("check", "Check"),
    ("ach", "ACH transfer"),
    ("card", "Card"),
    ("wire", "Wire"),
    ("cash", "Cash"),
    ("other", "Other"),
];

impl OpenForm {
    pub fn new(purpose: Purpose, debtor_id: i64, debtor_name: &str) -> OpenForm {
        OpenForm::build(purpose, Some(debtor_id), debtor_name, &[])
    }

    /// A hold, follow-up or note for every selected account at once.
    pub fn bulk(purpose: Purpose, ids: Vec<i64>) -> OpenForm {
        let mut open = OpenForm::build(purpose, ids.first().copied(), &format!("{} selected accounts", ids.len()), &[]);
        open.bulk = ids;
        open
    }

    /// A form that offers the account's own things to choose from: its payments to reverse,
    /// its contact points to mark, its legal case to update.
    pub fn for_account(purpose: Purpose, view: &AccountView) -> OpenForm {
        let mut open = OpenForm::new(purpose, view.debtor.id, &view.debtor.name);
        let cur = view.debtor.currency.as_str();
        match purpose {
            Purpose::Reverse => {
                let options: Vec<(String, String)> = view
                    .payments
                    .iter()
                    .filter(|p| p.kind == "payment" || p.kind == "settlement")
                    .map(|p| (p.id.to_string(), format!("{} {} {}", p.received_on, p.amount.display(cur), p.reference)))
                    .collect();
                open.form.fields[0] = Field::choice("Payment", options, "");
            }
            Purpose::MarkContact => {
                let options: Vec<(String, String)> = view
                    .contact_points
                    .iter()
                    .map(|c| {
                        (
                            c.id.to_string(),
                            format!("{} {} ({})", c.kind.code(), c.value.replace('\n', ", "), c.status.code()),
                        )
                    })
                    .collect();
                open.form.fields[0] = Field::choice("Point", options, "");
            }
            Purpose::Legal => {
                if let Some(case) = view.legal_cases.iter().rev().find(|c| c.status != "closed") {
                    open.form.title = format!("Legal case · {} (referred {})", view.debtor.name, case.referred_on);
                    for (label, value) in [
                        ("Attorney", case.attorney.clone()),
                        ("Court", case.court.clone()),
                        ("Case no.", case.case_number.clone()),
                        ("Status", case.status.clone()),
                    ] {
                        if let Some(f) = open.form.fields.iter_mut().find(|f| f.label == label) {
                            *f = match &f.kind {
                                FieldKind::Choice { options } => Field::choice(label, options.clone(), &value),
                                kind => Field::new(label, kind.clone(), value),
                            };
                        }
                    }
                }
            }
            _ => {}
        }
        open
    }

    /// A contact log form with the outcome already chosen, on the field the outcome needs
    /// (a call session's promise or call-back key).
    pub fn call_outcome(debtor_id: i64, debtor_name: &str, outcome: &str) -> OpenForm {
        let mut open = OpenForm::new(Purpose::LogAttempt, debtor_id, debtor_name);
        if let Some(f) = open.form.fields.iter_mut().find(|f| f.label == "Outcome") {
            *f = match &f.kind {
                FieldKind::Choice { options } => Field::choice("Outcome", options.clone(), outcome),
                _ => return open,
            };
        }
        let focus = if outcome == "PTP" { "Promise $" } else { "Follow-up" };
        open.form.focus = open.form.fields.iter().position(|f| f.label == focus).unwrap_or(0);
        open
    }

    /// The import form: a file path and the format (detected unless chosen).
    pub fn import(formats: &[(String, String)]) -> OpenForm {
        let mut open = OpenForm::build(Purpose::Import, None, "", formats);
        open.form.submit_label = "preview";
        open
    }

    fn build(purpose: Purpose, debtor_id: Option<i64>, debtor_name: &str, formats: &[(String, String)]) -> OpenForm {
        let form = match purpose {
            Purpose::LogAttempt => Form::new(
                format!("Log contact · {debtor_name}"),
                vec![
                    Field::choice(
                        "Channel",
                        Channel::ALL.iter().map(|c| (c.code().to_string(), c.label().to_string())).collect(),
                        "call-out",
                    ),
                    Field::choice(
                        "Outcome",
                        OUTCOMES.iter().map(|o| (o.code.to_string(), format!("{} · {}", o.code, o.label))).collect(),
                        "NA",
                    ),
                    Field::new("Note", FieldKind::Text { required: false }, ""),
                    Field::new("Follow-up", FieldKind::Date { required: false }, ""),
                    Field::new("Call at", FieldKind::Time, ""),
                    Field::new("Promise $", FieldKind::Money { required: false }, ""),
                    Field::new("Promise by", FieldKind::Date { required: false }, ""),
                    Field::new("Override", FieldKind::Text { required: false }, ""),
                ],
            ),
            Purpose::RecordPayment => Form::new(
                format!("Record payment · {debtor_name}"),
                vec![
                    Field::new("Amount", FieldKind::Money { required: true }, ""),
                    Field::new("Received", FieldKind::Date { required: true }, "t"),
                    Field::choice(
                        "Method",
                        PAYMENT_METHODS.iter().map(|(c, l)| (c.to_string(), l.to_string())).collect(),
                        "check",
                    ),
                    Field::new("Reference", FieldKind::Text { required: false }, ""),
                    Field::new("Invoice", FieldKind::Text { required: false }, ""),
                ],
            ),
            Purpose::AddNote => Form::new(
                format!("Note · {debtor_name}"),
                vec![Field::new("Note", FieldKind::Text { required: true }, "")],
            ),
            Purpose::Promise => Form::new(
                format!("Promise to pay · {debtor_name}"),
                vec![
                    Field::new("Amount", FieldKind::Money { required: true }, ""),
                    Field::new("Pay by", FieldKind::Date { required: true }, ""),
                ],
            ),
            Purpose::Plan => Form::new(
                format!("Payment plan · {debtor_name}"),
                vec![
                    Field::new("Total", FieldKind::Money { required: true }, ""),
                    Field::new("Down", FieldKind::Money { required: false }, ""),
                    // One of the two: how many installments, or how much each is.
                    Field::new("Payments", FieldKind::Text { required: false }, "6"),
                    Field::new("Each pays", FieldKind::Money { required: false }, ""),
                    Field::choice(
                        "Every",
                        crate::domain::plan::Frequency::ALL
                            .iter()
                            .map(|f| (f.code().to_string(), f.label().to_string()))
                            .collect(),
                        "monthly",
                    ),
                    Field::new("First due", FieldKind::Date { required: true }, "+30"),
                    Field::new("Grace days", FieldKind::Text { required: true }, ""),
                ],
            ),
            Purpose::FollowUp => Form::new(
                format!("Follow-up · {debtor_name}"),
                vec![
                    Field::new("On", FieldKind::Date { required: true }, "tomorrow"),
                    Field::new("What", FieldKind::Text { required: false }, ""),
                ],
            ),
            Purpose::Dispute => Form::new(
                format!("Dispute · {debtor_name}"),
                vec![
                    Field::new("Invoice", FieldKind::Text { required: false }, ""),
                    Field::new("Reason", FieldKind::Text { required: true }, ""),
                    // Last, so an invoice and a reason are typed as before the amount existed.
                    Field::new("Amount", FieldKind::Money { required: false }, ""),
                ],
            ),
            Purpose::Hold => Form::new(
                format!("Hold · {debtor_name} (an invoice number: that invoice only)"),
                vec![
                    Field::new("Reason", FieldKind::Text { required: true }, ""),
                    Field::new("Until", FieldKind::Date { required: false }, ""),
                    Field::new("Invoice", FieldKind::Text { required: false }, ""),
                ],
            ),
            Purpose::Extend => Form::new(
                format!("Extend a due date · {debtor_name}"),
                vec![
                    Field::new("Invoice", FieldKind::Text { required: true }, ""),
                    Field::new("New due", FieldKind::Date { required: true }, "+30"),
                    Field::new("Reason", FieldKind::Text { required: true }, ""),
                ],
            ),
            Purpose::Settle => Form::new(
                format!("Settlement · {debtor_name} (the rest is written off)"),
                vec![
                    Field::new("Amount", FieldKind::Money { required: true }, ""),
                    Field::new("Received", FieldKind::Date { required: true }, "t"),
                    Field::new("Reference", FieldKind::Text { required: false }, ""),
                ],
            ),
            Purpose::WriteOff => Form::new(
                format!("Write off · {debtor_name} (no invoice: the whole balance)"),
                vec![
                    Field::new("Invoice", FieldKind::Text { required: false }, ""),
                    Field::choice(
                        "Reason",
                        crate::desk::WRITE_OFF_REASONS
                            .iter()
                            .filter(|r| **r != "settlement-remainder")
                            .map(|r| (r.to_string(), r.replace('-', " ")))
                            .collect(),
                        "uncollectible",
                    ),
                ],
            ),
            Purpose::Reverse => Form::new(
                format!("Reverse a payment · {debtor_name}"),
                vec![
                    Field::choice("Payment", Vec::new(), ""),
                    Field::new("Reason", FieldKind::Text { required: true }, "returned: insufficient funds"),
                ],
            ),
            Purpose::Legal => Form::new(
                format!("Legal case · {debtor_name}"),
                vec![
                    Field::new("Attorney", FieldKind::Text { required: false }, ""),
                    Field::new("Court", FieldKind::Text { required: false }, ""),
                    Field::new("Case no.", FieldKind::Text { required: false }, ""),
                    Field::choice(
                        "Status",
                        crate::domain::LegalCase::STATUSES.iter().map(|s| (s.to_string(), s.to_string())).collect(),
                        "referred",
                    ),
                    Field::new("Add cost", FieldKind::Money { required: false }, ""),
                    Field::new("Judgment", FieldKind::Money { required: false }, ""),
                    Field::new("Next court", FieldKind::Date { required: false }, ""),
                ],
            ),
            Purpose::AddContact => Form::new(
                format!("Add a contact point · {debtor_name}"),
                vec![
                    Field::choice(
                        "Kind",
                        ["phone", "email", "address"].iter().map(|k| (k.to_string(), k.to_string())).collect(),
                        "phone",
                    ),
                    Field::new("Value", FieldKind::Text { required: true }, ""),
                    Field::new("Label", FieldKind::Text { required: false }, ""),
                    Field::choice("Status", status_options(), "unverified"),
                    Field::new("Source", FieldKind::Text { required: false }, "manual"),
                ],
            ),
            Purpose::MarkContact => Form::new(
                format!("Mark a contact point · {debtor_name}"),
                vec![
                    Field::choice("Point", Vec::new(), ""),
                    Field::choice("Status", status_options(), "bad"),
                    Field::new("Reason", FieldKind::Text { required: true }, ""),
                ],
            ),
            Purpose::CallDispute => Form::new(
                format!("Dispute raised on the call · {debtor_name}"),
                vec![
                    Field::new("Invoice", FieldKind::Text { required: false }, ""),
                    Field::new("Reason", FieldKind::Text { required: true }, ""),
                    Field::new("Amount", FieldKind::Money { required: false }, ""),
                    Field::new("Note", FieldKind::Text { required: false }, ""),
                ],
            ),
            Purpose::Import => Form::new(
                "Import an A/R export (you see the changes before anything is written)",
                vec![
                    Field::new("File", FieldKind::Text { required: true }, ""),
                    Field::choice(
                        "Format",
                        std::iter::once(("auto".to_string(), "detect from the file".to_string()))
                            .chain(formats.iter().cloned())
                            .collect(),
                        "auto",
                    ),
                ],
            ),
        };
        OpenForm { purpose, debtor_id, bulk: Vec::new(), form, schedule: None }
    }

    /// The plan the form describes, or why it is not one yet.
    pub fn plan_terms(&self, today: NaiveDate) -> Result<crate::domain::plan::PlanTerms, String> {
        use crate::domain::plan::{Frequency, PlanTerms, Split, schedule};
        let f = &self.form;
        let total = parse_money(f.value("Total")).map_err(|e| e.to_string())?;
        let down = if f.value("Down").trim().is_empty() {
            crate::domain::Money::ZERO
        } else {
            parse_money(f.value("Down")).map_err(|e| e.to_string())?
        };
        let split = match (f.value("Payments").trim(), f.value("Each pays").trim()) {
            ("", "") => return Err(PLAN_SPLIT_NEITHER.into()),
            (count, "") => Split::Count(count.parse().map_err(|_| "Payments: a number of installments".to_string())?),
            ("", amount) => Split::Amount(parse_money(amount).map_err(|e| format!("Each pays: {e}"))?),
            _ => return Err(PLAN_SPLIT_BOTH.into()),
        };
        let frequency = Frequency::parse(f.value("Every")).ok_or("Every: choose how often")?;
        let first_due = parse_date(f.value("First due"), today).map_err(|e| e.to_string())?;
        let grace_days: u32 =
            f.value("Grace days").trim().parse().map_err(|_| "Grace days: a number of days, e.g. 5".to_string())?;
        let terms = PlanTerms {
            total,
            down_payment: down,
            split,
            frequency,
            start: today,
            first_due,
            grace_days: Some(grace_days),
        };
        schedule(&terms).map_err(|e| e.to_string())?;
        Ok(terms)
    }

    /// The plan form for an account: the total starts at what is open (in collection), the
    /// grace days at the book's `plan_grace_days`.
    pub fn plan(debtor_id: i64, debtor_name: &str, open_balance: Option<Money>, grace_days: u32) -> OpenForm {
        let mut open = OpenForm::new(Purpose::Plan, debtor_id, debtor_name);
        if let Some(total) = open_balance.filter(|b| b.is_positive()) {
            open.form.fields[0] = Field::new("Total", FieldKind::Money { required: true }, total.to_decimal());
        }
        if let Some(f) = open.form.field_mut("Grace days") {
            *f = Field::new("Grace days", FieldKind::Text { required: true }, grace_days.to_string());
        }
        open
    }

    /// The schedule the store checked, if it is still the one the fields describe.
    pub fn checked_schedule(&self, today: NaiveDate) -> Option<&PlanPreview> {
        let preview = self.schedule.as_ref()?;
        (self.plan_terms(today).ok()? == preview.terms).then_some(preview)
    }

    /// What Enter does now: a plan is previewed (checked by the store) before it is saved.
    pub fn submit_label(&self, today: NaiveDate) -> &'static str {
        match self.purpose {
            Purpose::Plan if self.checked_schedule(today).is_none() => "preview the schedule",
            Purpose::Plan => "save this plan",
            _ => self.form.submit_label,
        }
    }

    /// One line that previews the schedule while the form is filled in.
    pub fn plan_preview(&self, today: NaiveDate) -> Option<String> {
        let terms = self.plan_terms(today).ok()?;
        let rows = crate::domain::plan::schedule(&terms).ok()?;
        let (first, last) = (rows.first()?, rows.last()?);
        Some(format!(
            "{} payments: {} on {}{} … last {} on {}",
            rows.len(),
            first.1.to_decimal(),
            first.0,
            if rows.len() > 2 { format!(", {} on {}", rows[1].1.to_decimal(), rows[1].0) } else { String::new() },
            last.1.to_decimal(),
            last.0
        ))
    }

    /// A rule across fields (the outcome must fit the channel), shown under the form.
    pub fn cross_problem(&self, today: NaiveDate) -> Option<String> {
        let f = &self.form;
        match self.purpose {
            Purpose::LogAttempt => {
                let channel = Channel::parse(f.value("Channel"))?;
                let code = outcome(f.value("Outcome"))?;
                if !outcome_fits_channel(code, channel) {
                    return Some(format!("{} cannot be the outcome of {}", code.label, channel.label()));
                }
                let promised = !f.value("Promise $").trim().is_empty() || !f.value("Promise by").trim().is_empty();
                match (code.code == "PTP", promised) {
                    (true, _) if f.value("Promise $").trim().is_empty() || f.value("Promise by").trim().is_empty() => {
                        Some("a promise to pay needs an amount and a date (Promise $, Promise by)".into())
                    }
                    (false, true) => Some("a promise amount and date go with the outcome PTP".into()),
                    _ => None,
                }
            }
            Purpose::RecordPayment => {
                let on = parse_date(f.value("Received"), today).ok()?;
                (on > today).then(|| "the payment date is in the future".to_string())
            }
            Purpose::Promise | Purpose::FollowUp => {
                let label = if self.purpose == Purpose::Promise { "Pay by" } else { "On" };
                let on = parse_date(f.value(label), today).ok()?;
                (on < today).then(|| "the date is in the past".to_string())
            }
            Purpose::Plan => self.plan_terms(today).err(),
            Purpose::Settle => {
                let on = parse_date(f.value("Received"), today).ok()?;
                (on > today).then(|| "the payment date is in the future".to_string())
            }
            Purpose::Reverse if f.value("Payment").is_empty() => Some("the account has no payment to reverse".into()),
            Purpose::MarkContact if f.value("Point").is_empty() => Some("the account has no contact point".into()),
            _ => None,
        }
    }

    /// A line under the fields for what a label alone cannot say.
    pub fn note(&self) -> Option<&'static str> {
        match self.purpose {
            Purpose::Dispute | Purpose::CallDispute => {
                Some("Amount: only that much of the invoice is disputed (empty: all of it)")
            }
            _ => None,
        }
    }

    /// The request to send; `None` if a field does not parse (the form shows why).
    pub fn request(&self, today: NaiveDate) -> Option<Request> {
        let f = &self.form;
        if self.purpose == Purpose::Import {
            let format = Some(f.value("Format").to_string()).filter(|v| v != "auto");
            return Some(Request::ImportPreview { path: f.value("File").trim().to_string(), format });
        }
        let debtor_id = self.debtor_id?;
        let date = |label: &str| -> Option<Option<NaiveDate>> {
            let v = f.value(label).trim();
            if v.is_empty() { Some(None) } else { parse_date(v, today).ok().map(Some) }
        };
        if !self.bulk.is_empty() {
            let action = match self.purpose {
                Purpose::Hold => BulkAction::Hold { reason: f.value("Reason").to_string(), until: date("Until")? },
                Purpose::FollowUp => BulkAction::FollowUp { due_on: date("On")??, what: f.value("What").to_string() },
                Purpose::AddNote => BulkAction::Note { body: f.value("Note").to_string() },
                _ => return None,
            };
            return Some(Request::Bulk { ids: self.bulk.clone(), action });
        }
        Some(match self.purpose {
            Purpose::LogAttempt => Request::LogAttempt(LogAttempt {
                debtor_id,
                channel: Channel::parse(f.value("Channel"))?,
                outcome: f.value("Outcome").to_string(),
                note: f.value("Note").to_string(),
                follow_up_on: date("Follow-up")?,
                call_at: match f.value("Call at").trim() {
                    "" => None,
                    t => Some(crate::domain::dates::parse_time_of_day(t).ok()?),
                },
                at: None,
                override_reason: Some(f.value("Override").to_string()).filter(|r| !r.trim().is_empty()),
                promise: match (parse_money(f.value("Promise $")).ok(), date("Promise by")?) {
                    (Some(amount), Some(due_on)) => Some((amount, due_on)),
                    _ => None,
                },
            }),
            Purpose::RecordPayment => Request::RecordPayment(RecordPayment {
                debtor_id,
                amount: parse_money(f.value("Amount")).ok()?,
                received_on: date("Received")?,
                method: f.value("Method").to_string(),
                reference: f.value("Reference").to_string(),
                invoice: Some(f.value("Invoice").trim().to_string()).filter(|v| !v.is_empty()),
            }),
            Purpose::AddNote => Request::AddNote(NewNote { debtor_id, body: f.value("Note").to_string() }),
            Purpose::Plan => Request::MakePlan { debtor_id, terms: self.plan_terms(today).ok()? },
            Purpose::Promise => Request::MakePromise {
                debtor_id,
                amount: parse_money(f.value("Amount")).ok()?,
                due_on: date("Pay by")??,
            },
            Purpose::FollowUp => {
                Request::FollowUp { debtor_id, due_on: date("On")??, what: f.value("What").to_string() }
            }
            Purpose::Dispute => Request::Dispute {
                debtor_id,
                invoice: Some(f.value("Invoice").trim().to_string()).filter(|v| !v.is_empty()),
                amount: optional_money(f.value("Amount"))?,
                reason: f.value("Reason").to_string(),
            },
            Purpose::Hold => Request::Hold {
                debtor_id,
                reason: f.value("Reason").to_string(),
                until: date("Until")?,
                invoice: Some(f.value("Invoice").trim().to_string()).filter(|v| !v.is_empty()),
            },
            Purpose::Extend => Request::Extend {
                debtor_id,
                invoice: f.value("Invoice").trim().to_string(),
                to: date("New due")??,
                reason: f.value("Reason").to_string(),
            },
            Purpose::Settle => Request::Settle {
                debtor_id,
                amount: parse_money(f.value("Amount")).ok()?,
                received_on: date("Received")?,
                reference: f.value("Reference").to_string(),
            },
            Purpose::WriteOff => Request::WriteOff {
                debtor_id,
                invoice: Some(f.value("Invoice").trim().to_string()).filter(|v| !v.is_empty()),
                reason: f.value("Reason").to_string(),
            },
            Purpose::Reverse => {
                Request::Reverse { payment_id: f.value("Payment").parse().ok()?, reason: f.value("Reason").to_string() }
            }
            Purpose::Legal => {
                let text = |label: &str| Some(f.value(label).trim().to_string()).filter(|v| !v.is_empty());
                let money = |label: &str| optional_money(f.value(label));
                Request::Legal {
                    debtor_id,
                    change: LegalChange {
                        attorney: text("Attorney"),
                        court: text("Court"),
                        case_number: text("Case no."),
                        status: text("Status"),
                        add_cost: money("Add cost")?,
                        judgment: money("Judgment")?,
                        next_court_on: date("Next court")?,
                        referred_on: None,
                    },
                }
            }
            Purpose::AddContact => Request::AddContact {
                debtor_id,
                point: NewPoint {
                    kind: ContactKind::parse(f.value("Kind"))?,
                    value: f.value("Value").to_string(),
                    label: f.value("Label").to_string(),
                    status: ContactStatus::parse(f.value("Status"))?,
                    source: f.value("Source").to_string(),
                },
            },
            Purpose::MarkContact => Request::MarkContact {
                debtor_id,
                point_id: f.value("Point").parse().ok()?,
                status: ContactStatus::parse(f.value("Status"))?,
                reason: f.value("Reason").to_string(),
            },
            Purpose::CallDispute => Request::CallDispute {
                attempt: LogAttempt {
                    debtor_id,
                    channel: Channel::CallOut,
                    outcome: "DISP".into(),
                    note: [f.value("Reason").trim(), f.value("Note").trim()]
                        .iter()
                        .filter(|s| !s.is_empty())
                        .copied()
                        .collect::<Vec<_>>()
                        .join(": "),
                    follow_up_on: None,
                    call_at: None,
                    at: None,
                    override_reason: None,
                    promise: None,
                },
                invoice: Some(f.value("Invoice").trim().to_string()).filter(|v| !v.is_empty()),
                amount: optional_money(f.value("Amount"))?,
                reason: f.value("Reason").to_string(),
            },
            Purpose::Import => return None,
        })
    }
}

/// An optional amount: `Some(None)` when left empty, `None` when it does not parse.
fn optional_money(v: &str) -> Option<Option<crate::domain::Money>> {
    let v = v.trim();
    if v.is_empty() { Some(None) } else { parse_money(v).ok().map(Some) }
}

fn status_options() -> Vec<(String, String)> {
    [ContactStatus::Good, ContactStatus::Bad, ContactStatus::Unverified, ContactStatus::DoNotUse]
        .iter()
        .map(|s| (s.code().to_string(), s.code().to_string()))
        .collect()
}
