//! Small books for the report tests, built one row at a time so every figure a report prints
//! can be worked out by hand. Money goes through the desk's own `record_payment` and
//! `write_off`, so balances, promises and installments move the way they do in use.

use chrono::{NaiveDate, NaiveTime};

use super::{Desk, RecordPayment};
use crate::clock::Clock;
use crate::config::Config;
use crate::domain::{Channel, Installment, Money, PromiseStatus};
use crate::store::{self, NewAttempt, NewDebtor, NewInvoice, NewPlan, NewPromise};

pub fn d(s: &str) -> NaiveDate {
    s.parse().unwrap()
}

fn noon(day: &str) -> chrono::DateTime<chrono::Utc> {
    d(day).and_time(NaiveTime::from_hms_opt(12, 0, 0).unwrap()).and_utc()
}

pub struct Book {
    pub desk: Desk,
}

impl Book {
    pub fn new(today: &str) -> Book {
        Book { desk: Desk::in_memory(Clock::fixed(d(today)), Config::default()).unwrap() }
    }

    /// Move the desk's day (a write-off is dated the day it is made).
    pub fn set_today(&mut self, today: &str) {
        self.desk.clock = Clock::fixed(d(today));
    }

    pub fn debtor(&mut self, name: &str) -> i64 {
        self.debtor_in(name, "USD")
    }

    pub fn debtor_in(&mut self, name: &str, currency: &str) -> i64 {
        let debtor = NewDebtor {
            external_ref: None,
            name: name.into(),
            kind: None,
            region: None,
            postal_code: None,
            time_zone: None,
            currency: currency.into(),
            flags: Default::default(),
        };
        store::insert_debtor(&self.desk.conn, &debtor, self.desk.clock.now()).unwrap()
    }

    pub fn invoice(&mut self, debtor_id: i64, number: &str, issued: &str, due: &str, cents: i64) -> i64 {
        let currency = store::debtor(&self.desk.conn, debtor_id).unwrap().currency;
        let inv = NewInvoice {
            debtor_id,
            number: number.into(),
            credit_memo: false,
            issued_on: Some(d(issued)),
            due_on: d(due),
            original: Money(cents),
            balance: Money(cents),
            currency,
        };
        store::insert_invoice(&self.desk.conn, &inv, noon(issued)).unwrap()
    }

    /// A payment received on `on`, allocated oldest first by the desk.
    pub fn pay(&mut self, debtor_id: i64, on: &str, cents: i64) -> i64 {
        let input = RecordPayment {
            debtor_id,
            amount: Money(cents),
            received_on: Some(d(on)),
            method: String::new(),
            reference: String::new(),
            invoice: None,
        };
        self.desk.record_payment(input).unwrap().id
    }

    /// Write off the open balance of one invoice, dated `on`.
    pub fn write_off(&mut self, debtor_id: i64, number: &str, on: &str) {
        let today = self.desk.today();
        self.desk.clock = Clock::fixed(d(on));
        self.desk.write_off(debtor_id, Some(number), "uncollectible").unwrap();
        self.desk.clock = Clock::fixed(today);
    }

    pub fn attempt(&mut self, debtor_id: i64, on: &str, channel: Channel, outcome: &str) {
        let a = NewAttempt {
            debtor_id,
            at: noon(on),
            channel,
            contact_point_id: None,
            outcome: outcome.into(),
            note: String::new(),
            follow_up_on: None,
        };
        store::insert_attempt(&self.desk.conn, &a, noon(on)).unwrap();
    }

    pub fn promise(&mut self, debtor_id: i64, promised_on: &str, due_on: &str, cents: i64, status: PromiseStatus) {
        self.promise_paid(
            debtor_id,
            promised_on,
            due_on,
            cents,
            status,
            if status == PromiseStatus::Kept { cents } else { 0 },
        );
    }

    pub fn promise_paid(
        &mut self,
        debtor_id: i64,
        promised_on: &str,
        due_on: &str,
        cents: i64,
        status: PromiseStatus,
        paid: i64,
    ) {
        let currency = store::debtor(&self.desk.conn, debtor_id).unwrap().currency;
        let p = NewPromise {
            debtor_id,
            attempt_id: None,
            amount: Money(cents),
            currency,
            promised_on: d(promised_on),
            due_on: d(due_on),
            status,
            paid: Money(paid),
        };
        store::insert_promise(&self.desk.conn, &p, noon(promised_on)).unwrap();
    }

    /// A plan agreed on `created` with installments (due, amount) all unpaid; payments made
    /// later with `pay` pay them in due order.
    pub fn plan(&mut self, debtor_id: i64, created: &str, grace_days: i64, installments: &[(&str, i64)]) -> i64 {
        let conn = &self.desk.conn;
        let currency = store::debtor(conn, debtor_id).unwrap().currency;
        let replaced = store::replace_active_plans(conn, debtor_id).unwrap();
        let plan = NewPlan {
            debtor_id,
            total: Money(installments.iter().map(|i| i.1).sum()),
            down_payment: Money::ZERO,
            currency,
            frequency: "monthly".into(),
            first_due_on: d(installments[0].0),
            grace_days,
            status: "active".into(),
            installments: installments
                .iter()
                .enumerate()
                .map(|(k, (due, cents))| Installment {
                    seq: k as i64 + 1,
                    due_on: d(due),
                    amount: Money(*cents),
                    paid: Money::ZERO,
                    status: "due".into(),
                    paid_on: None,
                })
                .collect(),
        };
        let id = store::insert_plan(conn, &plan, noon(created)).unwrap();
        if let Some(old) = replaced {
            store::set_plan_replaces(conn, id, old).unwrap();
        }
        id
    }

    pub fn dispute(&mut self, debtor_id: i64, invoice_id: Option<i64>, reason: &str, opened: &str) -> i64 {
        store::insert_dispute(&self.desk.conn, debtor_id, invoice_id, None, reason, d(opened), noon(opened)).unwrap()
    }
}
