//! The store thread: it owns the desk (and so the only database connection) and
//! answers requests with messages, so the UI thread never waits on SQL.

use std::collections::VecDeque;
use std::sync::mpsc::{Receiver, Sender};
use std::thread::JoinHandle;

use crate::desk::{
    AccountView, AgendaItem, DemoSummary, Desk, ImportOptions, ImportReport, LegalChange, LogAttempt, NewNote,
    NewPoint, RecordPayment, ReportOverview, Saved, WorklistRow,
};
use crate::domain::ladder::Step;
use crate::import::Profile;

pub type Ticket = u64;

#[derive(Debug, Clone)]
pub enum Request {
    Worklist,
    /// The first page of the last ranking, if still good, else the first page ranked afresh
    /// if it can be: shown while `Worklist` runs.
    WorklistStart,
    Account(i64),
    Search(String),
    /// The Reports screen: aging, this month's KPIs, the last 30 days.
    Reports,
    LogAttempt(LogAttempt),
    RecordPayment(RecordPayment),
    AddNote(NewNote),
    MakePromise {
        debtor_id: i64,
        amount: crate::domain::Money,
        due_on: chrono::NaiveDate,
    },
    MakePlan {
        debtor_id: i64,
        terms: crate::domain::plan::PlanTerms,
    },
    /// The schedule a plan would have, checked as saving would check it; nothing is written.
    PlanSchedule {
        debtor_id: i64,
        terms: crate::domain::plan::PlanTerms,
    },
    FollowUp {
        debtor_id: i64,
        due_on: chrono::NaiveDate,
        what: String,
    },
    Dispute {
        debtor_id: i64,
        invoice: Option<String>,
        /// Part of the invoice only; all of it (or the whole account) when not given.
        amount: Option<crate::domain::Money>,
        reason: String,
    },
    Hold {
        debtor_id: i64,
        reason: String,
        until: Option<chrono::NaiveDate>,
        /// One invoice only.
        invoice: Option<String>,
    },
    Extend {
        debtor_id: i64,
        invoice: String,
        to: chrono::NaiveDate,
        reason: String,
    },
    /// The ladder's next step for these rows (the ones on screen).
    NextSteps(Vec<WorklistRow>),
    Agenda,
    Settle {
        debtor_id: i64,
        amount: crate::domain::Money,
        received_on: Option<chrono::NaiveDate>,
        reference: String,
    },
    WriteOff {
        debtor_id: i64,
        invoice: Option<String>,
        reason: String,
    },
    Reverse {
        payment_id: i64,
        reason: String,
    },
    Legal {
        debtor_id: i64,
        change: LegalChange,
    },
    AddContact {
        debtor_id: i64,
        point: NewPoint,
    },
    MarkContact {
        debtor_id: i64,
        point_id: i64,
        status: crate::domain::ContactStatus,
        reason: String,
    },
    /// Undo the book's last undoable action (through the event log), or redo the last undone.
    Undo,
    Redo,
    /// One hold, follow-up or note for every selected account, in one transaction.
    Bulk {
        ids: Vec<i64>,
        action: crate::desk::BulkAction,
    },
    /// A call that raised a dispute: the attempt is logged, then the dispute opened.
    CallDispute {
        attempt: LogAttempt,
        invoice: Option<String>,
        amount: Option<crate::domain::Money>,
        reason: String,
    },
    LoadDemo {
        debtors: usize,
        seed: u64,
    },
    /// Read a file and show what importing it would change.
    ImportPreview {
        path: String,
        format: Option<String>,
    },
    /// Import the file previewed; refused if its content changed since (`sha256`).
    ImportCommit {
        path: String,
        format: Option<String>,
        sha256: String,
        skip_invalid: bool,
    },
}

impl Request {
    /// A name for logs.
    pub fn kind(&self) -> &'static str {
        match self {
            Request::Worklist => "worklist",
            Request::WorklistStart => "worklist-start",
            Request::Account(_) => "account",
            Request::Search(_) => "search",
            Request::Reports => "reports",
            Request::LogAttempt(_) => "log-attempt",
            Request::RecordPayment(_) => "record-payment",
            Request::AddNote(_) => "add-note",
            Request::MakePromise { .. } => "promise",
            Request::MakePlan { .. } => "plan",
            Request::PlanSchedule { .. } => "plan-schedule",
            Request::FollowUp { .. } => "follow-up",
            Request::Dispute { .. } => "dispute",
            Request::Hold { .. } => "hold",
            Request::Extend { .. } => "extend",
            Request::NextSteps(_) => "next-steps",
            Request::Agenda => "agenda",
            Request::Settle { .. } => "settle",
            Request::WriteOff { .. } => "write-off",
            Request::Reverse { .. } => "reverse",
            Request::Legal { .. } => "legal",
            Request::AddContact { .. } => "add-contact",
            Request::MarkContact { .. } => "mark-contact",
            Request::CallDispute { .. } => "call-dispute",
            Request::Bulk { .. } => "bulk",
            Request::Undo => "undo",
            Request::Redo => "redo",
            Request::LoadDemo { .. } => "load-demo",
            Request::ImportPreview { .. } => "import-preview",
            Request::ImportCommit { .. } => "import-commit",
        }
    }
}

#[derive(Debug, Clone, PartialEq)]
pub enum Response {
    Worklist {
        rows: Vec<WorklistRow>,
        empty_book: bool,
    },
    WorklistStart(Option<(Vec<WorklistRow>, Provisional)>),
    Account(Box<AccountView>),
    Search {
        query: String,
        ids: Vec<i64>,
    },
    Reports(Box<ReportOverview>),
    NextSteps(Vec<(i64, Option<Step>)>),
    Agenda(Vec<AgendaItem>),
    Saved(Saved),
    DemoLoaded(DemoSummary),
    ImportPreview(Box<ImportReport>),
    Imported(Box<ImportReport>),
    PlanSchedule {
        debtor_id: i64,
        terms: crate::domain::plan::PlanTerms,
        rows: Vec<(chrono::NaiveDate, crate::domain::Money)>,
    },
}

/// Which first page is on screen while the whole worklist is ranked.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Provisional {
    /// The last ranking's, kept beside the book, with how many accounts and how much the
    /// whole list held then.
    Kept { accounts: usize, total: crate::domain::Money },
    /// Ranked afresh: the ranking's own first rows, but the whole list is not counted yet.
    FirstPage,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Reply {
    pub ticket: Ticket,
    pub result: Result<Response, String>,
}

/// What the worker sends back besides replies.
#[derive(Debug, Clone, PartialEq)]
pub enum WorkerEvent {
    Reply(Reply),
    Progress {
        done: usize,
        total: usize,
    },
    /// Another process (`dun import`, `dun log`, …) changed the book.
    ChangedElsewhere,
}

/// Answer one request. The same function serves the thread and the tests.
pub fn handle(
    desk: &mut Desk,
    profiles: &[Profile],
    request: Request,
    progress: &mut dyn FnMut(usize, usize),
) -> Result<Response, String> {
    let text = |e: crate::desk::DeskError| e.to_string();
    match request {
        Request::Worklist => {
            let rows = desk.worklist().map_err(text)?;
            let empty_book = rows.is_empty() && desk.is_empty().map_err(text)?;
            // For the next start: its first page at once (`WorklistStart`).
            desk.keep_worklist_start(&rows).map_err(text)?;
            Ok(Response::Worklist { rows, empty_book })
        }
        Request::WorklistStart => {
            let start = match desk.worklist_start().map_err(text)? {
                Some(kept) => Some((kept.rows, Provisional::Kept { accounts: kept.accounts, total: kept.total })),
                None => desk.worklist_first_page().map_err(text)?.map(|rows| (rows, Provisional::FirstPage)),
            };
            Ok(Response::WorklistStart(start))
        }
        Request::Account(id) => Ok(Response::Account(Box::new(desk.account(id).map_err(text)?))),
        Request::Search(query) => {
            let ids = desk.search(&query).map_err(text)?;
            Ok(Response::Search { query, ids })
        }
        Request::Reports => Ok(Response::Reports(Box::new(desk.report_overview().map_err(text)?))),
        Request::LogAttempt(input) => desk.log_attempt(input).map(Response::Saved).map_err(text),
        Request::RecordPayment(input) => desk.record_payment(input).map(Response::Saved).map_err(text),
        Request::AddNote(input) => desk.add_note(input).map(Response::Saved).map_err(text),
        Request::MakePromise { debtor_id, amount, due_on } => {
            desk.make_promise(debtor_id, amount, due_on).map(Response::Saved).map_err(text)
        }
        Request::MakePlan { debtor_id, terms } => desk.make_plan(debtor_id, &terms).map(Response::Saved).map_err(text),
        Request::PlanSchedule { debtor_id, terms } => {
            let rows = desk.plan_schedule(debtor_id, &terms).map_err(text)?;
            Ok(Response::PlanSchedule { debtor_id, terms, rows })
        }
        Request::FollowUp { debtor_id, due_on, what } => {
            desk.schedule_follow_up(debtor_id, due_on, &what).map(Response::Saved).map_err(text)
        }
        Request::Dispute { debtor_id, invoice, amount, reason } => {
            desk.open_dispute(debtor_id, invoice.as_deref(), amount, &reason).map(Response::Saved).map_err(text)
        }
        Request::Hold { debtor_id, reason, until, invoice: None } => {
            desk.place_hold(debtor_id, &reason, until).map(Response::Saved).map_err(text)
        }
        Request::Hold { debtor_id, reason, until, invoice: Some(number) } => {
            desk.hold_invoice(debtor_id, &number, &reason, until).map(Response::Saved).map_err(text)
        }
        Request::Extend { debtor_id, invoice, to, reason } => {
            desk.extend_invoice(debtor_id, &invoice, to, &reason).map(Response::Saved).map_err(text)
        }
        Request::NextSteps(rows) => {
            let steps = rows
                .iter()
                .map(|r| desk.next_step_of_row(r).map(|n| (r.id, n.step)))
                .collect::<Result<_, _>>()
                .map_err(text)?;
            Ok(Response::NextSteps(steps))
        }
        Request::Agenda => Ok(Response::Agenda(desk.agenda(14).map_err(text)?)),
        Request::Settle { debtor_id, amount, received_on, reference } => {
            desk.settle(debtor_id, amount, received_on, &reference).map(Response::Saved).map_err(text)
        }
        Request::WriteOff { debtor_id, invoice, reason } => {
            desk.write_off(debtor_id, invoice.as_deref(), &reason).map(Response::Saved).map_err(text)
        }
        Request::Reverse { payment_id, reason } => {
            desk.reverse_payment(payment_id, &reason).map(Response::Saved).map_err(text)
        }
        Request::Legal { debtor_id, change } => desk.legal_case(debtor_id, change).map(Response::Saved).map_err(text),
        Request::AddContact { debtor_id, point } => {
            desk.add_contact_point(debtor_id, point).map(Response::Saved).map_err(text)
        }
        Request::MarkContact { debtor_id, point_id, status, reason } => {
            desk.mark_contact_point(debtor_id, point_id, status, &reason).map(Response::Saved).map_err(text)
        }
        Request::Undo => desk.undo().map(Response::Saved).map_err(text),
        Request::Redo => desk.redo().map(Response::Saved).map_err(text),
        Request::Bulk { ids, action } => desk.bulk(&ids, &action).map(Response::Saved).map_err(text),
        Request::CallDispute { attempt, invoice, amount, reason } => {
            // Two writes: the call happened whatever becomes of the dispute, so it is logged
            // first; but only once the dispute is known to be valid, or fixing a mistyped
            // invoice or amount and saving again would log the call twice.
            let debtor_id = attempt.debtor_id;
            desk.check_dispute(debtor_id, invoice.as_deref(), amount, &reason).map_err(text)?;
            let logged = desk.log_attempt(attempt).map_err(text)?;
            let opened = desk.open_dispute(debtor_id, invoice.as_deref(), amount, &reason).map_err(text)?;
            Ok(Response::Saved(Saved { message: format!("{}; {}", logged.message, opened.message), ..opened }))
        }
        Request::LoadDemo { debtors, seed } => desk
            .load_demo_with_progress(debtors, seed, |done| progress(done, debtors))
            .map(Response::DemoLoaded)
            .map_err(text),
        Request::ImportPreview { path, format } => {
            let opts = ImportOptions { format, dry_run: true, skip_invalid: false, force: false };
            desk.import_path(&export_path(&path), profiles, &opts)
                .map(|r| Response::ImportPreview(Box::new(r)))
                .map_err(text)
        }
        Request::ImportCommit { path, format, sha256, skip_invalid } => {
            // The collector saw the preview, older-export warning included, and said yes.
            let opts = ImportOptions { format, dry_run: false, skip_invalid, force: true };
            let expanded = export_path(&path);
            let now = crate::import::Source::open(&expanded).and_then(|s| s.sha256());
            if now.as_ref().is_ok_and(|now| *now != sha256) {
                return Err(format!("{path} changed since the preview; nothing was imported. Preview it again."));
            }
            desk.import_path(&expanded, profiles, &opts).map(|r| Response::Imported(Box::new(r))).map_err(text)
        }
    }
}

/// A path as typed: `~/` means the home directory.
fn export_path(path: &str) -> std::path::PathBuf {
    match (path.strip_prefix("~/"), std::env::var_os("HOME")) {
        (Some(rest), Some(home)) => std::path::Path::new(&home).join(rest),
        _ => std::path::PathBuf::from(path),
    }
}

/// Start the store thread. It stops when the request sender is dropped, after
/// finishing what it was given, so the last write commits before dun exits.
pub fn spawn<M: Send + 'static>(
    mut desk: Desk,
    profiles: Vec<Profile>,
    requests: Receiver<(Ticket, Request)>,
    out: Sender<M>,
    wrap: fn(WorkerEvent) -> M,
) -> JoinHandle<()> {
    std::thread::Builder::new()
        .name("dun-store".into())
        .spawn(move || {
            let mut queue: VecDeque<(Ticket, Request)> = VecDeque::new();
            // SQLite's data_version moves only when another connection commits: a cheap
            // question, asked when the desk is idle, so writes from a second terminal show.
            let mut seen = desk.data_version().ok();
            loop {
                let first = match requests.recv_timeout(std::time::Duration::from_secs(1)) {
                    Ok(first) => first,
                    Err(std::sync::mpsc::RecvTimeoutError::Timeout) => {
                        let now = desk.data_version().ok();
                        if now != seen {
                            seen = now;
                            if out.send(wrap(WorkerEvent::ChangedElsewhere)).is_err() {
                                return;
                            }
                        }
                        continue;
                    }
                    Err(std::sync::mpsc::RecvTimeoutError::Disconnected) => return,
                };
                queue.push_back(first);
                queue.extend(requests.try_iter());
                // Latest wins: a search typed over is never run.
                if let Some(last_search) = queue.iter().rposition(|(_, r)| matches!(r, Request::Search(_))) {
                    let mut i = 0;
                    queue.retain(|(_, r)| {
                        let keep = !matches!(r, Request::Search(_)) || i == last_search;
                        i += 1;
                        keep
                    });
                }
                while let Some((ticket, request)) = queue.pop_front() {
                    let sender = out.clone();
                    let mut progress = |done, total| {
                        let _ = sender.send(wrap(WorkerEvent::Progress { done, total }));
                    };
                    let kind = request.kind();
                    let started = std::time::Instant::now();
                    let result = handle(&mut desk, &profiles, request, &mut progress);
                    // Ids and kinds only: log lines never carry debtor data.
                    tracing::debug!(
                        ticket,
                        kind,
                        ok = result.is_ok(),
                        ms = started.elapsed().as_millis() as u64,
                        "request"
                    );
                    if out.send(wrap(WorkerEvent::Reply(Reply { ticket, result }))).is_err() {
                        return;
                    }
                }
            }
        })
        .expect("spawning the store thread")
}
