//! Shared test helpers: a desk on a demo book, driven synchronously.
#![allow(dead_code)]

use chrono::NaiveDate;
use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use dun::clock::Clock;
use dun::config::Config;
use dun::desk::Desk;
use dun::tui::app::{App, Msg};
use dun::tui::theme::Theme;
use dun::tui::view;
use dun::tui::worker::{Reply, Request, Ticket, WorkerEvent, handle};
use ratatui::Terminal;
use ratatui::backend::TestBackend;

pub const TODAY: &str = "2026-11-22";

pub fn today() -> NaiveDate {
    TODAY.parse().unwrap()
}

pub fn demo_desk(debtors: usize) -> Desk {
    let mut desk = Desk::in_memory(Clock::fixed(today()), Config::default()).unwrap();
    if debtors > 0 {
        desk.load_demo(debtors, 1).unwrap();
    }
    desk
}

/// The desk's `App` wired to an in-memory store, with requests answered inline
/// through the same `handle` the store thread runs: deterministic, no sleeps.
pub struct Harness {
    pub desk: Desk,
    pub app: App,
    pub profiles: Vec<dun::import::Profile>,
}

impl Harness {
    pub fn new(debtors: usize) -> Harness {
        Harness::on_desk(demo_desk(debtors))
    }

    /// The desk on a given store (say, a book file the CLI also writes to).
    pub fn on_desk(desk: Desk) -> Harness {
        let (mut app, requests) = App::new(today(), 24, false);
        let profiles = dun::import::load_profiles(None).unwrap();
        app.formats = profiles.iter().map(|p| (p.name.clone(), p.title.clone())).collect();
        let mut h = Harness { desk, app, profiles };
        h.serve(requests);
        h
    }

    pub fn serve(&mut self, requests: Vec<(Ticket, Request)>) {
        let mut queue: std::collections::VecDeque<_> = requests.into();
        while let Some((ticket, request)) = queue.pop_front() {
            let result = handle(&mut self.desk, &self.profiles, request, &mut |_, _| {});
            let more = self.app.update(Msg::Worker(WorkerEvent::Reply(Reply { ticket, result })));
            queue.extend(more);
        }
    }

    pub fn key(&mut self, key: KeyEvent) {
        let requests = self.app.update(Msg::Key(key));
        self.serve(requests);
    }

    /// Keys as text: plain characters, or `<Enter>`, `<Esc>`, `<Tab>`, `<S-Tab>`, `<Down>`,
    /// `<Up>`, `<BS>`, `<C-c>`.
    pub fn keys(&mut self, keys: &str) {
        let mut rest = keys;
        while !rest.is_empty() {
            let (key, len) = if rest.starts_with('<') {
                let end = rest.find('>').expect("closing >") + 1;
                let name = &rest[1..end - 1];
                let key = match name {
                    "Enter" => KeyEvent::new(KeyCode::Enter, KeyModifiers::NONE),
                    "Esc" => KeyEvent::new(KeyCode::Esc, KeyModifiers::NONE),
                    "Tab" => KeyEvent::new(KeyCode::Tab, KeyModifiers::NONE),
                    "S-Tab" => KeyEvent::new(KeyCode::BackTab, KeyModifiers::SHIFT),
                    "Down" => KeyEvent::new(KeyCode::Down, KeyModifiers::NONE),
                    "Up" => KeyEvent::new(KeyCode::Up, KeyModifiers::NONE),
                    "Right" => KeyEvent::new(KeyCode::Right, KeyModifiers::NONE),
                    "BS" => KeyEvent::new(KeyCode::Backspace, KeyModifiers::NONE),
                    "PgDn" => KeyEvent::new(KeyCode::PageDown, KeyModifiers::NONE),
                    "C-c" => KeyEvent::new(KeyCode::Char('c'), KeyModifiers::CONTROL),
                    "C-u" => KeyEvent::new(KeyCode::Char('u'), KeyModifiers::CONTROL),
                    "C-d" => KeyEvent::new(KeyCode::Char('d'), KeyModifiers::CONTROL),
                    "C-l" => KeyEvent::new(KeyCode::Char('l'), KeyModifiers::CONTROL),
                    "C-r" => KeyEvent::new(KeyCode::Char('r'), KeyModifiers::CONTROL),
                    other => panic!("unknown key <{other}>"),
                };
                (key, end)
            } else {
                let c = rest.chars().next().unwrap();
                let mods = if c.is_ascii_uppercase() { KeyModifiers::SHIFT } else { KeyModifiers::NONE };
                (KeyEvent::new(KeyCode::Char(c), mods), c.len_utf8())
            };
            self.key(key);
            rest = &rest[len..];
        }
    }

    pub fn screen(&self, width: u16, height: u16) -> String {
        let mut terminal = Terminal::new(TestBackend::new(width, height)).unwrap();
        let theme = Theme::colour();
        terminal.draw(|f| view::render(&self.app, &theme, f)).unwrap();
        terminal.backend().to_string()
    }
}
