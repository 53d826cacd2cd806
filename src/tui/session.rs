//! A call session: the worklist worked in rank order, one key per outcome, on to the next
//! account by itself; with its running score (accounts worked, right-party contacts,
//! promises and the amount promised). Paused with `S`, resumed from the worklist with `S`.

use super::app::{App, Screen, Status};
use super::forms::{OpenForm, Purpose};
use super::worker::{Request, Ticket};
use crate::desk::LogAttempt;
use crate::domain::priority::Tier;
use crate::domain::{Channel, Money};

#[derive(Debug, Clone, PartialEq)]
pub struct CallSession {
    /// Accounts in worklist order when the session started.
    pub queue: Vec<i64>,
    pub position: usize,
    pub worked: usize,
    pub skipped: usize,
    /// Accounts passed over because the guard blocks a call now (window, frequency, cease…).
    pub blocked: usize,
    pub right_party: usize,
    pub promises: usize,
    pub promised: Money,
    pub currency: String,
    pub paused: bool,
    /// The outcome being saved for the current account, and the write that saves it.
    pending: Option<Pending>,
}

#[derive(Debug, Clone, PartialEq)]
struct Pending {
    outcome: &'static str,
    ticket: Option<Ticket>,
    /// The amount promised, for a PTP.
    amount: Option<Money>,
}

impl CallSession {
    pub fn current(&self) -> Option<i64> {
        self.queue.get(self.position).copied()
    }

    /// "3/57 · 2 worked · 1 RPC · 1 PTP $500.00" for the title bar.
    pub fn progress(&self) -> String {
        format!(
            "Session {}/{} · {} worked · {} RPC · {} PTP {}",
            (self.position + 1).min(self.queue.len()),
            self.queue.len(),
            self.worked,
            self.right_party,
            self.promises,
            self.promised.display(&self.currency)
        )
    }

    fn summary(&self) -> String {
        format!(
            "Session done: {} accounts worked, {} skipped, {} not callable now, {} right-party contacts, {} promises for {}",
            self.worked,
            self.skipped,
            self.blocked,
            self.right_party,
            self.promises,
            self.promised.display(&self.currency)
        )
    }
}

fn info(text: String) -> Status {
    Status { text, error: false }
}

impl App {
    /// `S`: start a session at the selected worklist row, pause a running one, or resume.
    pub(super) fn toggle_session(&mut self, out: &mut Vec<(Ticket, Request)>) {
        match self.session.as_mut() {
            Some(s) if !s.paused && self.screen == Screen::Account => {
                s.paused = true;
                s.pending = None;
                self.status = Some(info(format!("{} — paused; S resumes", s.progress())));
                self.screen = Screen::Worklist;
                self.account = None;
            }
            Some(s) => {
                s.paused = false;
                let next = s.current();
                if let Some(id) = next {
                    self.open_account(id, out);
                }
            }
            None => {
                // Accounts that may not be worked now stay out of a calling session.
                let queue: Vec<i64> = self
                    .visible
                    .iter()
                    .skip(self.selected)
                    .map(|&i| &self.rows[i])
                    .filter(|r| r.tier != Tier::OnHold)
                    .map(|r| r.id)
                    .collect();
                let Some(&first) = queue.first() else {
                    self.status = Some(info("No account to call from here".into()));
                    return;
                };
                let currency = self.rows.first().map_or("USD", |r| r.currency.as_str()).to_string();
                self.session = Some(CallSession {
                    queue,
                    position: 0,
                    worked: 0,
                    skipped: 0,
                    blocked: 0,
                    right_party: 0,
                    promises: 0,
                    promised: Money::ZERO,
                    currency,
                    paused: false,
                    pending: None,
                });
                self.open_account(first, out);
            }
        }
    }

    /// A session key: log the outcome (opening a form only when it needs data), then move on.
    pub(super) fn quick_outcome(&mut self, outcome: &'static str, out: &mut Vec<(Ticket, Request)>) {
        let Some(id) = self.session.as_ref().and_then(|s| s.current()) else { return };
        let name =
            self.account.as_ref().and_then(|a| a.view.as_ref()).map_or(format!("#{id}"), |v| v.debtor.name.clone());
        let form = match outcome {
            "PTP" | "CB" => Some(OpenForm::call_outcome(id, &name, outcome)),
            "DISP" => Some(OpenForm::new(Purpose::CallDispute, id, &name)),
            _ => None,
        };
        let ticket = match form {
            Some(form) => {
                self.overlay = Some(super::app::Overlay::Form(form));
                None
            }
            None => Some(self.write(
                Request::LogAttempt(LogAttempt {
                    debtor_id: id,
                    channel: Channel::CallOut,
                    outcome: outcome.to_string(),
                    note: String::new(),
                    follow_up_on: None,
                    call_at: None,
                    at: None,
                    override_reason: None,
                    promise: None,
                }),
                out,
            )),
        };
        if let Some(s) = self.session.as_mut() {
            s.pending = Some(Pending { outcome, ticket, amount: None });
        }
    }

    /// A session form was submitted as write `ticket` (with the amount promised, if any).
    pub(super) fn session_form_submitted(&mut self, ticket: Ticket, purpose: Purpose, amount: Option<Money>) {
        if let Some(p) = self.session.as_mut().and_then(|s| s.pending.as_mut())
            && matches!(purpose, Purpose::LogAttempt | Purpose::CallDispute)
        {
            p.ticket = Some(ticket);
            p.amount = amount;
        }
    }

    /// A form was closed without saving: the outcome it was for is dropped.
    pub(super) fn session_form_cancelled(&mut self) {
        if let Some(s) = self.session.as_mut() {
            s.pending = None;
        }
    }

    /// The store answered write `ticket`: if it saved the session's outcome, count it and go on.
    pub(super) fn session_saved(&mut self, ticket: Ticket, out: &mut Vec<(Ticket, Request)>) {
        let Some(s) = self.session.as_mut() else { return };
        let Some(p) = s.pending.take_if(|p| p.ticket == Some(ticket)) else { return };
        s.worked += 1;
        if crate::domain::outcome(p.outcome).is_some_and(|o| o.right_party) {
            s.right_party += 1;
        }
        if let Some(amount) = p.amount.filter(|_| p.outcome == "PTP") {
            s.promises += 1;
            s.promised += amount;
        }
        self.next_account(out);
    }

    /// The store refused write `ticket` (a guard block, say): stay on the account.
    pub(super) fn session_refused(&mut self, ticket: Ticket) {
        if let Some(s) = self.session.as_mut() {
            s.pending.take_if(|p| p.ticket == Some(ticket));
        }
    }

    /// The session's account has loaded: one the guard will not let be called now is passed
    /// over, and the status line says why, so the collector only dials what may be dialled.
    pub(super) fn session_account_loaded(&mut self, out: &mut Vec<(Ticket, Request)>) {
        if !self.in_session() {
            return;
        }
        let Some(view) = self.account.as_ref().and_then(|a| a.view.as_ref()) else { return };
        if view.call_check.level != crate::domain::compliance::Level::Block {
            return;
        }
        let rule = view.call_check.findings.iter().find(|f| f.level == crate::domain::compliance::Level::Block);
        let text = format!(
            "Passed over {}: {}",
            view.debtor.name,
            rule.map_or_else(|| "the guard blocks a call now".to_string(), |f| format!("{} {}", f.rule, f.message))
        );
        if let Some(s) = self.session.as_mut() {
            s.blocked += 1;
            s.pending = None;
        }
        self.status = Some(info(text));
        self.next_account(out);
    }

    pub(super) fn skip_account(&mut self, out: &mut Vec<(Ticket, Request)>) {
        if let Some(s) = self.session.as_mut() {
            s.skipped += 1;
            s.pending = None;
        }
        self.next_account(out);
    }

    fn next_account(&mut self, out: &mut Vec<(Ticket, Request)>) {
        let Some(s) = self.session.as_mut() else { return };
        s.position += 1;
        match s.current() {
            Some(id) => self.open_account(id, out),
            None => {
                let summary = s.summary();
                self.session = None;
                self.screen = Screen::Worklist;
                self.account = None;
                self.status = Some(info(summary));
            }
        }
    }

    /// Whether the account on screen is the one a running session is on.
    pub fn in_session(&self) -> bool {
        self.screen == Screen::Account
            && self.session.as_ref().is_some_and(|s| !s.paused && s.current() == self.account.as_ref().map(|a| a.id))
    }
}
