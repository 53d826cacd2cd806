//! The desk's state and its one `update` function. `update` never touches the
//! database or the terminal: it changes state and returns requests for the store
//! thread as data, so every key sequence can be tested without either.

use std::collections::{HashMap, HashSet};

use chrono::NaiveDate;
use crossterm::event::KeyEvent;

use super::action::Action;
use super::form::FormOutcome;
use super::forms::{OpenForm, Purpose};
use super::keymap::{Context, Key, Keymap};
use super::session::CallSession;
use super::worker::{Provisional, Reply, Request, Response, Ticket, WorkerEvent};
use crate::desk::{AccountView, AgendaItem, ImportReport, ReportOverview, WorklistRow};
use crate::domain::Money;
use crate::domain::ladder::Step;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Screen {
    Loading,
    Welcome,
    Worklist,
    Account,
    /// Aging, KPIs and recent activity; Esc goes back to where it was opened.
    Reports,
    /// Follow-ups, promises, installments and holds due today, overdue or soon.
    Agenda,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Tab {
    Invoices,
    Activity,
    PromisesPlans,
    Payments,
}

impl Tab {
    pub const ALL: [Tab; 4] = [Tab::Invoices, Tab::Activity, Tab::PromisesPlans, Tab::Payments];
    pub fn title(self) -> &'static str {
        match self {
            Tab::Invoices => "Invoices",
            Tab::Activity => "Activity",
            Tab::PromisesPlans => "Promises & plans",
            Tab::Payments => "Payments",
        }
    }
    fn index(self) -> usize {
        self as usize
    }
}

#[derive(Debug, Clone, PartialEq)]
pub enum Overlay {
    Help,
    Form(OpenForm),
    ConfirmDiscard(OpenForm),
    /// Writing the demo book into this (empty, real) book needs a yes.
    ConfirmDemo,
    /// Every factor of one account's rank.
    Why {
        debtor_id: i64,
    },
    /// Every action by name (`:`).
    Palette(super::palette::Palette),
    /// What an import would change, before anything is written.
    ImportReview {
        report: Box<ImportReport>,
        format: Option<String>,
        scroll: usize,
    },
}

#[derive(Debug, Clone, PartialEq)]
pub struct Filter {
    pub query: String,
    pub editing: bool,
    /// Matching debtors, once the store has answered for this query.
    pub ids: Option<HashSet<i64>>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct AccountState {
    pub id: i64,
    pub view: Option<Box<AccountView>>,
    pub tab: Tab,
    pub selected: [usize; 4],
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Status {
    pub text: String,
    pub error: bool,
}

/// Which read a ticket answers; only the latest of each kind is applied.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub(super) enum ReadKind {
    Worklist,
    WorklistStart,
    Account,
    Search,
    Reports,
    Agenda,
    NextSteps,
    PlanSchedule,
}

#[derive(Debug, Clone, PartialEq)]
pub enum Msg {
    Key(KeyEvent),
    Resize { width: u16, height: u16 },
    Worker(WorkerEvent),
}

pub struct App {
    pub screen: Screen,
    pub overlay: Option<Overlay>,
    pub rows: Vec<WorklistRow>,
    /// What `rows` owe in all, summed when they come in (the title shows it at every frame,
    /// and 91k rows are too many to add up at every keystroke).
    pub rows_total: Money,
    /// While `rows` is a first page shown before the ranking is in; `None` once it is.
    pub provisional: Option<Provisional>,
    /// Indices into `rows` that pass the filter.
    pub visible: Vec<usize>,
    pub selected: usize,
    pub filter: Option<Filter>,
    pub account: Option<AccountState>,
    /// What the Reports screen shows, once the store has answered (kept while it reloads).
    pub reports: Option<Box<ReportOverview>>,
    pub agenda: Option<Vec<AgendaItem>>,
    pub agenda_selected: usize,
    /// `/` on the agenda: a text filter over names and what is due (no store round trip).
    pub agenda_filter: Option<Filter>,
    /// `/` on an account: a text filter over the rows of its tabs.
    pub tab_filter: Option<Filter>,
    /// Where Esc on an account goes back to (the worklist or the agenda).
    pub return_to: Screen,
    pub session: Option<CallSession>,
    /// Worklist rows selected for a bulk hold, follow-up or note.
    pub marked: std::collections::BTreeSet<i64>,
    /// The ladder's next step of worklist rows, asked for as they come on screen.
    pub next_steps: HashMap<i64, Option<Step>>,
    steps_asked: HashSet<i64>,
    pub status: Option<Status>,
    pub progress: Option<(usize, usize)>,
    pub today: NaiveDate,
    pub keymap: Keymap,
    /// Privacy mode: personal details masked on screen.
    pub private: bool,
    /// The worklist's weights, to explain a rank (the domain's pure `explain`).
    pub weights: crate::domain::priority::PriorityWeights,
    /// The book's `plan_grace_days`: what a new plan's grace starts at.
    pub plan_grace_days: u32,
    /// Import formats (name, title), for the import form.
    pub formats: Vec<(String, String)>,
    /// Rows a list shows at once, for paging.
    pub page: usize,
    pub quit: bool,
    next_ticket: Ticket,
    latest: HashMap<ReadKind, Ticket>,
    writes: HashSet<Ticket>,
}

impl App {
    /// A new desk; the returned requests load the worklist (after writing the
    /// demo book, when `load_demo`).
    pub fn new(today: NaiveDate, height: u16, load_demo: bool) -> (App, Vec<(Ticket, Request)>) {
        let mut app = App {
            screen: Screen::Loading,
            overlay: None,
            rows: Vec::new(),
            rows_total: Money::ZERO,
            provisional: None,
            visible: Vec::new(),
            selected: 0,
            filter: None,
            account: None,
            reports: None,
            agenda: None,
            agenda_selected: 0,
            agenda_filter: None,
            tab_filter: None,
            return_to: Screen::Worklist,
            session: None,
            marked: Default::default(),
            next_steps: HashMap::new(),
            steps_asked: HashSet::new(),
            status: None,
            progress: None,
            today,
            keymap: Keymap::default(),
            private: false,
            weights: Default::default(),
            // The default book's; the loop sets the configured one.
            plan_grace_days: crate::config::Config::default().plan_grace_days,
            formats: Vec::new(),
            page: page_for(height),
            quit: false,
            next_ticket: 0,
            latest: HashMap::new(),
            writes: HashSet::new(),
        };
        let mut out = Vec::new();
        if load_demo {
            app.act(Action::LoadDemo, &mut out);
        } else {
            // The last ranking's first page at once, if the book is as it was; then the ranking.
            app.read(ReadKind::WorklistStart, Request::WorklistStart, &mut out);
            app.read(ReadKind::Worklist, Request::Worklist, &mut out);
        }
        (app, out)
    }

    pub fn context(&self) -> Context {
        match self.screen {
            Screen::Loading | Screen::Worklist => Context::Worklist,
            Screen::Welcome => Context::Welcome,
            Screen::Account if self.in_session() => Context::Session,
            Screen::Account => Context::Account,
            Screen::Reports => Context::Reports,
            Screen::Agenda => Context::Agenda,
        }
    }

    pub fn selected_row(&self) -> Option<&WorklistRow> {
        self.visible.get(self.selected).map(|&i| &self.rows[i])
    }

    pub fn update(&mut self, msg: Msg) -> Vec<(Ticket, Request)> {
        let mut out = Vec::new();
        match msg {
            Msg::Key(key) => self.on_key(&key, &mut out),
            Msg::Resize { height, .. } => self.page = page_for(height),
            Msg::Worker(WorkerEvent::Progress { done, total }) => self.progress = Some((done, total)),
            Msg::Worker(WorkerEvent::ChangedElsewhere) => {
                self.reload(&mut out);
                if self.status.is_none() {
                    self.status = Some(info("The book was changed from elsewhere: reloaded"));
                }
            }
            Msg::Worker(WorkerEvent::Reply(reply)) => self.on_reply(reply, &mut out),
        }
        if self.screen == Screen::Worklist {
            self.want_next_steps(&mut out);
        }
        out
    }

    /// Ask for the ladder's step of the rows around the selection that are not known yet.
    fn want_next_steps(&mut self, out: &mut Vec<(Ticket, Request)>) {
        // The kept first page lacks what the steps are judged from: wait for the ranking.
        if self.provisional.is_some() {
            return;
        }
        let from = self.selected.saturating_sub(self.page);
        let wanted: Vec<WorklistRow> = self
            .visible
            .iter()
            .skip(from)
            .take(self.page * 2 + 1)
            .map(|&i| &self.rows[i])
            .filter(|r| !self.steps_asked.contains(&r.id))
            .cloned()
            .collect();
        if !wanted.is_empty() {
            self.steps_asked.extend(wanted.iter().map(|r| r.id));
            self.read(ReadKind::NextSteps, Request::NextSteps(wanted), out);
        }
    }

    fn ticket(&mut self) -> Ticket {
        self.next_ticket += 1;
        self.next_ticket
    }

    pub(super) fn read(&mut self, kind: ReadKind, request: Request, out: &mut Vec<(Ticket, Request)>) {
        let t = self.ticket();
        self.latest.insert(kind, t);
        out.push((t, request));
    }

    pub(super) fn write(&mut self, request: Request, out: &mut Vec<(Ticket, Request)>) -> Ticket {
        let t = self.ticket();
        self.writes.insert(t);
        out.push((t, request));
        t
    }

    fn reload(&mut self, out: &mut Vec<(Ticket, Request)>) {
        self.read(ReadKind::Worklist, Request::Worklist, out);
        if let Some(id) = self.account.as_ref().map(|a| a.id) {
            self.read(ReadKind::Account, Request::Account(id), out);
        }
        if let Some(q) = self.filter.as_ref().map(|f| f.query.clone()).filter(|q| !q.is_empty()) {
            self.read(ReadKind::Search, Request::Search(q), out);
        }
        if self.screen == Screen::Reports {
            self.read(ReadKind::Reports, Request::Reports, out);
        }
        if self.screen == Screen::Agenda {
            self.read(ReadKind::Agenda, Request::Agenda, out);
        }
    }

    fn on_key(&mut self, key: &KeyEvent, out: &mut Vec<(Ticket, Request)>) {
        // Ctrl-C quits from anywhere, forms and pop-ups included: the user means it.
        if key.code == crossterm::event::KeyCode::Char('c')
            && key.modifiers.contains(crossterm::event::KeyModifiers::CONTROL)
        {
            self.quit = true;
            return;
        }
        match self.overlay.take() {
            Some(Overlay::ConfirmDiscard(form)) => {
                use crossterm::event::KeyCode;
                match key.code {
                    KeyCode::Char('y') | KeyCode::Char('Y') => {
                        self.session_form_cancelled();
                        self.status = Some(info("Discarded"));
                    }
                    _ => self.overlay = Some(Overlay::Form(form)),
                }
                return;
            }
            Some(Overlay::Form(mut open)) => {
                match open.form.on_key(key, self.today) {
                    FormOutcome::Editing => self.overlay = Some(Overlay::Form(open)),
                    FormOutcome::Cancel => self.session_form_cancelled(),
                    FormOutcome::ConfirmDiscard => self.overlay = Some(Overlay::ConfirmDiscard(open)),
                    FormOutcome::Submit => {
                        if let Some(problem) = open.cross_problem(self.today) {
                            open.form.error = Some(problem);
                        } else if open.purpose == Purpose::Plan && open.checked_schedule(self.today).is_none() {
                            // The schedule first, as saving would compute and check it.
                            if let (Some(debtor_id), Ok(terms)) = (open.debtor_id, open.plan_terms(self.today)) {
                                self.read(ReadKind::PlanSchedule, Request::PlanSchedule { debtor_id, terms }, out);
                            }
                        } else if let Some(request) = open.request(self.today) {
                            open.form.saving = true;
                            let promised = match &request {
                                Request::LogAttempt(a) => a.promise.map(|(amount, _)| amount),
                                _ => None,
                            };
                            let ticket = self.write(request, out);
                            self.session_form_submitted(ticket, open.purpose, promised);
                        }
                        self.overlay = Some(Overlay::Form(open));
                    }
                }
                return;
            }
            Some(Overlay::Palette(p)) => {
                self.on_palette_key(key, p, out);
                return;
            }
            Some(Overlay::Help) | Some(Overlay::Why { .. }) => {
                // Any key closes help; it never triggers the action underneath.
                return;
            }
            Some(Overlay::ConfirmDemo) => {
                if matches!(key.code, crossterm::event::KeyCode::Char('y') | crossterm::event::KeyCode::Char('Y')) {
                    self.progress = Some((0, 250));
                    self.write(Request::LoadDemo { debtors: 250, seed: 1 }, out);
                }
                return;
            }
            Some(Overlay::ImportReview { report, format, scroll }) => {
                self.on_review_key(key, report, format, scroll, out);
                return;
            }
            None => {}
        }
        if self.screen == Screen::Agenda && self.agenda_filter.as_ref().is_some_and(|f| f.editing) {
            self.on_agenda_filter_key(key);
            return;
        }
        if self.screen == Screen::Account && self.tab_filter.as_ref().is_some_and(|f| f.editing) {
            self.on_tab_filter_key(key);
            return;
        }
        if self.filter.as_ref().is_some_and(|f| f.editing) && self.on_filter_key(key, out) {
            return;
        }
        let k = Key::from_event(key);
        if let Some(action) = self.keymap.lookup(self.context(), k) {
            self.status = None;
            self.act(action, out);
        }
    }

    pub(super) fn act(&mut self, action: Action, out: &mut Vec<(Ticket, Request)>) {
        match action {
            Action::Quit => self.quit = true,
            Action::Back => self.back(),
            Action::Help => self.overlay = Some(Overlay::Help),
            Action::Palette => {
                self.overlay = Some(Overlay::Palette(super::palette::Palette { query: String::new(), selected: 0 }))
            }
            Action::Refresh => {
                self.reload(out);
                self.status = Some(info("Reloaded from the database"));
            }
            Action::TogglePrivacy => {
                self.private = !self.private;
                self.status = Some(info(if self.private {
                    "Privacy mode on: phones, emails, addresses and account numbers are masked"
                } else {
                    "Privacy mode off"
                }));
            }
            Action::Up | Action::Down | Action::Top | Action::Bottom => self.step(action),
            Action::PageUp | Action::PageDown | Action::HalfPageUp | Action::HalfPageDown => self.step(action),
            Action::Filter if self.screen == Screen::Account => {
                let query = self.tab_filter.as_ref().map(|f| f.query.clone()).unwrap_or_default();
                self.tab_filter = Some(Filter { query, editing: true, ids: None });
            }
            Action::Filter if self.screen == Screen::Agenda => {
                let query = self.agenda_filter.as_ref().map(|f| f.query.clone()).unwrap_or_default();
                self.agenda_filter = Some(Filter { query, editing: true, ids: None });
            }
            Action::Open if self.screen == Screen::Agenda => {
                let id = self.agenda_items().get(self.agenda_selected).map(|i| i.debtor_id);
                if let Some(id) = id {
                    self.open_account(id, out);
                    self.return_to = Screen::Agenda;
                }
            }
            Action::Open => {
                if let Some(id) = self.selected_row().map(|r| r.id) {
                    self.open_account(id, out);
                }
            }
            Action::Filter => {
                let query = self.filter.as_ref().map(|f| f.query.clone()).unwrap_or_default();
                let ids = self.filter.as_ref().and_then(|f| f.ids.clone());
                self.filter = Some(Filter { query, editing: true, ids });
            }
            Action::NextTab | Action::PrevTab => {
                if let Some(acc) = self.account.as_mut() {
                    let n = Tab::ALL.len();
                    let i = acc.tab.index();
                    acc.tab = Tab::ALL[if action == Action::NextTab { (i + 1) % n } else { (i + n - 1) % n }];
                }
            }
            Action::Hold | Action::FollowUp | Action::AddNote
                if self.screen == Screen::Worklist && !self.marked.is_empty() =>
            {
                let purpose = match action {
                    Action::Hold => Purpose::Hold,
                    Action::FollowUp => Purpose::FollowUp,
                    _ => Purpose::AddNote,
                };
                self.overlay = Some(Overlay::Form(OpenForm::bulk(purpose, self.marked.iter().copied().collect())));
            }
            Action::LogAttempt => self.open_form(Purpose::LogAttempt),
            Action::RecordPayment => self.open_form(Purpose::RecordPayment),
            Action::AddNote => self.open_form(Purpose::AddNote),
            Action::Promise => self.open_form(Purpose::Promise),
            Action::Plan => {
                if let Some((id, name)) = self.target() {
                    let open_balance = match (&self.screen, &self.account) {
                        // The balance in collection: a plan never covers disputed money.
                        (Screen::Account, Some(a)) => a.view.as_ref().map(|v| v.in_collection()),
                        _ => self.selected_row().map(|r| r.balance - r.facts.disputed),
                    };
                    self.overlay = Some(Overlay::Form(OpenForm::plan(id, &name, open_balance, self.plan_grace_days)));
                }
            }
            Action::FollowUp => self.open_form(Purpose::FollowUp),
            Action::Dispute => self.open_form(Purpose::Dispute),
            Action::Undo => {
                self.write(Request::Undo, out);
            }
            Action::Redo => {
                self.write(Request::Redo, out);
            }
            Action::ToggleMark => {
                if let Some(id) = self.selected_row().map(|r| r.id) {
                    if !self.marked.remove(&id) {
                        self.marked.insert(id);
                    }
                    self.step(Action::Down);
                }
            }
            Action::MarkAll => {
                let shown: Vec<i64> = self.visible.iter().map(|&i| self.rows[i].id).collect();
                if shown.iter().all(|id| self.marked.contains(id)) {
                    self.marked.clear();
                } else {
                    self.marked.extend(shown);
                }
            }
            Action::Hold => self.open_form(Purpose::Hold),
            Action::Settle => self.open_form(Purpose::Settle),
            Action::Extend => self.open_form(Purpose::Extend),
            Action::WriteOff => self.open_form(Purpose::WriteOff),
            Action::AddContact => self.open_form(Purpose::AddContact),
            Action::Reverse | Action::MarkContact | Action::Legal => {
                let purpose = match action {
                    Action::Reverse => Purpose::Reverse,
                    Action::MarkContact => Purpose::MarkContact,
                    _ => Purpose::Legal,
                };
                if let Some(view) = self.account.as_ref().and_then(|a| a.view.as_ref()) {
                    self.overlay = Some(Overlay::Form(OpenForm::for_account(purpose, view)));
                }
            }
            Action::Agenda => {
                self.screen = Screen::Agenda;
                self.account = None;
                self.read(ReadKind::Agenda, Request::Agenda, out);
            }
            Action::Session => self.toggle_session(out),
            Action::SkipAccount => self.skip_account(out),
            Action::QuickNoAnswer
            | Action::QuickLeftMessage
            | Action::QuickRightParty
            | Action::QuickPromise
            | Action::QuickRefused
            | Action::QuickDispute
            | Action::QuickCallBack
            | Action::QuickWrongNumber => {
                if let Some(outcome) = action.quick_outcome() {
                    self.quick_outcome(outcome, out);
                }
            }
            Action::Why => {
                if let Some(id) = self.target().map(|(id, _)| id) {
                    self.overlay = Some(Overlay::Why { debtor_id: id });
                }
            }
            Action::Import => self.overlay = Some(Overlay::Form(OpenForm::import(&self.formats))),
            Action::Reports => {
                self.screen = Screen::Reports;
                self.read(ReadKind::Reports, Request::Reports, out);
            }
            // `dun --demo` starts on a throw-away book; here the book is the user's own.
            Action::LoadDemo if self.screen == Screen::Welcome => self.overlay = Some(Overlay::ConfirmDemo),
            Action::LoadDemo => {
                self.progress = Some((0, 250));
                self.write(Request::LoadDemo { debtors: 250, seed: 1 }, out);
            }
        }
    }

    fn back(&mut self) {
        match self.screen {
            Screen::Account if self.tab_filter.is_some() => self.tab_filter = None,
            Screen::Account => {
                self.screen = std::mem::replace(&mut self.return_to, Screen::Worklist);
                self.account = None;
                // Leaving the account a session is on pauses the session.
                if let Some(s) = self.session.as_mut().filter(|s| !s.paused) {
                    s.paused = true;
                    self.status = Some(info(&format!("{} — paused; S resumes", s.progress())));
                }
            }
            Screen::Agenda if self.agenda_filter.is_some() => self.agenda_filter = None,
            Screen::Agenda => self.screen = Screen::Worklist,
            // Back to the account it was opened from, else the worklist.
            Screen::Reports => {
                self.screen = if self.account.is_some() { Screen::Account } else { Screen::Worklist };
            }
            Screen::Worklist if !self.marked.is_empty() => self.marked.clear(),
            Screen::Worklist if self.filter.is_some() => {
                self.filter = None;
                self.refilter();
            }
            _ => {}
        }
    }

    pub(super) fn open_account(&mut self, id: i64, out: &mut Vec<(Ticket, Request)>) {
        self.return_to = Screen::Worklist;
        self.tab_filter = None;
        self.account = Some(AccountState { id, view: None, tab: Tab::Invoices, selected: [0; 4] });
        self.screen = Screen::Account;
        self.read(ReadKind::Account, Request::Account(id), out);
    }

    /// The account a form acts on: the open account, else the selected worklist row.
    fn target(&self) -> Option<(i64, String)> {
        match self.screen {
            Screen::Account => self.account.as_ref().map(|a| {
                (a.id, a.view.as_ref().map(|v| v.debtor.name.clone()).unwrap_or_else(|| format!("#{}", a.id)))
            }),
            Screen::Worklist => self.selected_row().map(|r| (r.id, r.name.to_string())),
            _ => None,
        }
    }

    fn open_form(&mut self, purpose: Purpose) {
        if let Some((id, name)) = self.target() {
            self.overlay = Some(Overlay::Form(OpenForm::new(purpose, id, &name)));
        }
    }

    /// Rows in the list the keys move through now.
    fn list_len(&self) -> usize {
        match (self.screen, &self.account) {
            (Screen::Account, Some(acc)) => acc.view.as_ref().map_or(0, |v| {
                if self.tab_query().is_empty() {
                    tab_len(v, acc.tab)
                } else {
                    super::view::account::tab_rows(v, acc.tab, self.today, self.tab_query()).1.len()
                }
            }),
            (Screen::Agenda, _) => self.agenda_items().len(),
            _ => self.visible.len(),
        }
    }

    fn step(&mut self, action: Action) {
        let len = self.list_len();
        let page = self.page.max(1);
        let current = match (self.screen, &self.account) {
            (Screen::Account, Some(acc)) => acc.selected[acc.tab.index()],
            (Screen::Agenda, _) => self.agenda_selected,
            _ => self.selected,
        };
        let last = len.saturating_sub(1);
        let next = match action {
            Action::Up => current.saturating_sub(1),
            Action::Down => (current + 1).min(last),
            Action::Top => 0,
            Action::Bottom => last,
            Action::PageUp => current.saturating_sub(page),
            Action::PageDown => (current + page).min(last),
            Action::HalfPageUp => current.saturating_sub(page / 2),
            Action::HalfPageDown => (current + page / 2).min(last),
            _ => current,
        };
        match (self.screen, self.account.as_mut()) {
            (Screen::Account, Some(acc)) => acc.selected[acc.tab.index()] = next,
            (Screen::Agenda, _) => self.agenda_selected = next,
            _ => self.selected = next,
        }
    }

    pub(super) fn refilter(&mut self) {
        let keep = self.selected_row().map(|r| r.id);
        self.visible = match self.filter.as_ref().and_then(|f| f.ids.as_ref()) {
            Some(ids) => (0..self.rows.len()).filter(|&i| ids.contains(&self.rows[i].id)).collect(),
            None => (0..self.rows.len()).collect(),
        };
        self.selected = keep
            .and_then(|id| self.visible.iter().position(|&i| self.rows[i].id == id))
            .unwrap_or(0)
            .min(self.visible.len().saturating_sub(1));
    }

    fn on_reply(&mut self, reply: Reply, out: &mut Vec<(Ticket, Request)>) {
        let is_write = self.writes.remove(&reply.ticket);
        let kind = self.latest.iter().find(|(_, t)| **t == reply.ticket).map(|(k, _)| *k);
        if !is_write && kind.is_none() {
            return; // A stale read: a newer one of its kind is on its way.
        }
        match reply.result {
            Ok(Response::WorklistStart(Some((rows, provisional)))) if self.screen == Screen::Loading => {
                self.rows_total = rows.iter().map(|r| r.balance).sum();
                self.rows = rows;
                self.provisional = Some(provisional);
                self.refilter();
                self.screen = Screen::Worklist;
            }
            Ok(Response::WorklistStart(_)) => {}
            Ok(Response::Worklist { rows, empty_book }) => {
                self.rows_total = rows.iter().map(|r| r.balance).sum();
                self.rows = rows;
                self.provisional = None;
                // The book changed: the steps are asked again as rows come on screen.
                self.next_steps.clear();
                self.steps_asked.clear();
                self.refilter();
                self.screen = match self.screen {
                    _ if empty_book => Screen::Welcome,
                    Screen::Loading | Screen::Welcome => Screen::Worklist,
                    other => other,
                };
            }
            Ok(Response::Account(view)) => {
                if let Some(acc) = self.account.as_mut().filter(|a| a.id == view.debtor.id) {
                    acc.view = Some(view);
                    let len = acc.view.as_ref().map(|v| Tab::ALL.map(|t| tab_len(v, t))).unwrap_or_default();
                    for (sel, n) in acc.selected.iter_mut().zip(len) {
                        *sel = (*sel).min(n.saturating_sub(1));
                    }
                    self.session_account_loaded(out);
                }
            }
            Ok(Response::Search { query, ids }) => {
                if let Some(f) = self.filter.as_mut().filter(|f| f.query == query) {
                    f.ids = Some(ids.into_iter().collect());
                    self.refilter();
                }
            }
            Ok(Response::Reports(overview)) => self.reports = Some(overview),
            Ok(Response::NextSteps(steps)) => self.next_steps.extend(steps),
            Ok(Response::Agenda(items)) => {
                self.agenda_selected = self.agenda_selected.min(items.len().saturating_sub(1));
                self.agenda = Some(items);
            }
            Ok(Response::Saved(saved)) => {
                if let Some(Overlay::Form(open)) = &self.overlay {
                    if !open.bulk.is_empty() {
                        self.marked.clear();
                    }
                    self.overlay = None;
                }
                self.status = Some(info(&saved.message));
                self.reload(out);
                self.session_saved(reply.ticket, out);
            }
            Ok(Response::ImportPreview(report)) => {
                let format = match &self.overlay {
                    Some(Overlay::Form(open)) => Some(open.form.value("Format").to_string()).filter(|f| f != "auto"),
                    _ => None,
                };
                self.overlay = Some(Overlay::ImportReview { report, format, scroll: 0 });
            }
            Ok(Response::Imported(report)) => {
                self.overlay = None;
                let p = &report.plan;
                self.status = Some(info(&match report.batch_id {
                    Some(batch) => format!(
                        "Imported {} as batch #{batch}: {} new invoice(s), {} changed, {} paid or closed in the ledger",
                        report.format,
                        p.new_invoices.len() + p.new_contact_points.len(),
                        p.changed_balances.len(),
                        p.paid_in_ledger.len() + p.vanished.len()
                    ),
                    None => report.held_back.clone().unwrap_or_default(),
                }));
                self.reload(out);
            }
            Ok(Response::PlanSchedule { debtor_id, terms, rows }) => {
                if let Some(Overlay::Form(open)) = self.overlay.as_mut()
                    && open.purpose == Purpose::Plan
                    && open.debtor_id == Some(debtor_id)
                {
                    open.form.error = None;
                    open.schedule = Some(super::forms::PlanPreview { terms, rows });
                }
            }
            Ok(Response::DemoLoaded(summary)) => {
                self.progress = None;
                self.status = Some(info(&format!(
                    "Demo book loaded: {} debtors, {} invoices. Enter opens an account, ? shows the keys.",
                    summary.debtors, summary.invoices
                )));
                self.reload(out);
            }
            Err(message) => {
                self.progress = None;
                self.session_refused(reply.ticket);
                match self.overlay.as_mut() {
                    Some(Overlay::Form(open)) if is_write || kind == Some(ReadKind::PlanSchedule) => {
                        open.form.saving = false;
                        open.form.error = Some(message);
                    }
                    Some(Overlay::ImportReview { .. }) if is_write => {
                        self.overlay = None;
                        self.status = Some(Status { text: message, error: true });
                    }
                    _ => self.status = Some(Status { text: message, error: true }),
                }
            }
        }
    }
}

pub(super) fn info(text: &str) -> Status {
    Status { text: text.to_string(), error: false }
}

/// Visible list rows for a page: the screen less title, header, hint and status lines.
fn page_for(height: u16) -> usize {
    usize::from(height.saturating_sub(6)).max(1)
}

/// How many rows a tab lists.
pub fn tab_len(v: &AccountView, tab: Tab) -> usize {
    match tab {
        Tab::Invoices => v.invoices.len(),
        Tab::Activity => v.attempts.len() + v.notes.len(),
        Tab::PromisesPlans => v.promises.len() + v.plans.iter().map(|p| p.installments.len()).sum::<usize>(),
        Tab::Payments => v.payments.len(),
    }
}
