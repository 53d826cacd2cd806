//! The desk's forms: what each asks for, and the request it becomes when saved.

use chrono::NaiveDate;

use super::form::{Field, FieldKind, Form};
use super::worker::Request;
use crate::desk::{LogAttempt, NewNote, RecordPayment};
use crate::domain::contact::{OUTCOMES, outcome_fits_channel};
use crate::domain::dates::parse_date;
use crate::domain::{Channel, outcome, parse_money};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Purpose {
    LogAttempt,
    RecordPayment,
    AddNote,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OpenForm {
    pub purpose: Purpose,
    pub debtor_id: i64,
    pub form: Form,
}

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
                ],
            ),
            Purpose::RecordPayment => Form::new(
                format!("Record payment · {debtor_name}"),
                vec![
                    Field::new("Amount", FieldKind::Money, ""),
                    Field::new("Received", FieldKind::Date { required: true }, "t"),
                    Field::choice(
                        "Method",
                        PAYMENT_METHODS.iter().map(|(c, l)| (c.to_string(), l.to_string())).collect(),
                        "check",
                    ),
                    Field::new("Reference", FieldKind::Text { required: false }, ""),
                ],
            ),
            Purpose::AddNote => Form::new(
                format!("Note · {debtor_name}"),
                vec![Field::new("Note", FieldKind::Text { required: true }, "")],
            ),
        };
        OpenForm { purpose, debtor_id, form }
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
                None
            }
            Purpose::RecordPayment => {
                let on = parse_date(f.value("Received"), today).ok()?;
                (on > today).then(|| "the payment date is in the future".to_string())
            }
            Purpose::AddNote => None,
        }
    }

    /// The request to send; `None` if a field does not parse (the form shows why).
    pub fn request(&self, today: NaiveDate) -> Option<Request> {
        let f = &self.form;
        let debtor_id = self.debtor_id;
        let date = |label: &str| -> Option<Option<NaiveDate>> {
            let v = f.value(label).trim();
            if v.is_empty() { Some(None) } else { parse_date(v, today).ok().map(Some) }
        };
        Some(match self.purpose {
            Purpose::LogAttempt => Request::LogAttempt(LogAttempt {
                debtor_id,
                channel: Channel::parse(f.value("Channel"))?,
                outcome: f.value("Outcome").to_string(),
                note: f.value("Note").to_string(),
                follow_up_on: date("Follow-up")?,
                at: None,
            }),
            Purpose::RecordPayment => Request::RecordPayment(RecordPayment {
                debtor_id,
                amount: parse_money(f.value("Amount")).ok()?,
                received_on: date("Received")?,
                method: f.value("Method").to_string(),
                reference: f.value("Reference").to_string(),
            }),
            Purpose::AddNote => Request::AddNote(NewNote { debtor_id, body: f.value("Note").to_string() }),
        })
    }
}
