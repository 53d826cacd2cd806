//! The desk face: an Elm-style loop. Terminal events and store replies arrive as
//! messages on one channel; `App::update` turns them into state and requests;
//! the screen is redrawn only when something changed.

pub mod action;
mod agenda;
pub mod app;
mod filter;
pub mod form;
pub mod forms;
mod import_review;
pub mod keymap;
pub mod palette;
pub mod session;
pub mod theme;
pub mod view;
pub mod worker;

use std::sync::mpsc;

use crossterm::event::{Event, KeyEventKind};
use ratatui::DefaultTerminal;

use crate::cli::{Context, Failure};
use crate::desk::Desk;
use app::{App, Msg};
use theme::Theme;
use worker::{Request, Ticket};

/// Open the desk on the configured database.
pub fn run_on(ctx: Context) -> Result<(), Failure> {
    // A large import may hold the book whole: wait for it as long as it takes.
    let desk = ctx.open_desk_waiting(None)?;
    run(desk, profiles(&ctx)?, false, ctx.private)
}

fn profiles(ctx: &Context) -> Result<Vec<crate::import::Profile>, Failure> {
    crate::import::load_profiles(Some(&ctx.paths.config_dir.join("profiles")))
        .map_err(|e| Failure::usage(e.to_string()))
}

/// Open the desk on a fresh demo book in a temporary directory.
pub fn run_demo(ctx: Context) -> Result<(), Failure> {
    let dir = tempfile::Builder::new().prefix("dun-demo-").tempdir()?;
    let desk = Desk::open(&dir.path().join("demo.db"), ctx.clock, ctx.config.clone())?;
    run(desk, profiles(&ctx)?, true, ctx.private)?;
    println!("The demo book lived in a temporary directory and is gone. `dun demo --db demo.db` writes one to keep.");
    Ok(())
}

fn run(desk: Desk, profiles: Vec<crate::import::Profile>, load_demo: bool, private: bool) -> Result<(), Failure> {
    let today = desk.today();
    let formats: Vec<(String, String)> = profiles.iter().map(|p| (p.name.clone(), p.title.clone())).collect();
    let weights = desk.config().priority;
    let plan_grace_days = desk.config().plan_grace_days;
    // Both were checked when config.toml was read; the defaults stand in only for a
    // config built by hand.
    let keymap = keymap::Keymap::with_overrides(&desk.config().key_overrides()).unwrap_or_default();
    let theme =
        Theme::from_env().with_overrides(&desk.config().colour_overrides()).unwrap_or_else(|_| Theme::from_env());
    let (msg_tx, msg_rx) = mpsc::channel::<Msg>();
    let (req_tx, req_rx) = mpsc::channel::<(Ticket, Request)>();
    let store = worker::spawn(desk, profiles, req_rx, msg_tx.clone(), Msg::Worker);

    // ratatui::init installs a panic hook that restores the terminal first.
    let mut terminal = ratatui::init();
    let looks = Looks { today, formats, private, weights, plan_grace_days, keymap, theme };
    let result = event_loop(&mut terminal, looks, load_demo, &msg_tx, msg_rx, &req_tx);
    ratatui::restore();
    drop(req_tx);
    // Wait for the store thread so a write in flight commits before dun exits.
    let _ = store.join();
    result
}

/// What the desk starts with besides the store.
struct Looks {
    today: chrono::NaiveDate,
    formats: Vec<(String, String)>,
    private: bool,
    weights: crate::domain::priority::PriorityWeights,
    plan_grace_days: u32,
    keymap: keymap::Keymap,
    theme: Theme,
}

fn event_loop(
    terminal: &mut DefaultTerminal,
    Looks { today, formats, private, weights, plan_grace_days, keymap, theme }: Looks,
    load_demo: bool,
    msg_tx: &mpsc::Sender<Msg>,
    msg_rx: mpsc::Receiver<Msg>,
    req_tx: &mpsc::Sender<(Ticket, Request)>,
) -> Result<(), Failure> {
    let height = terminal.size().map(|s| s.height).unwrap_or(24);
    let (mut app, initial) = App::new(today, height, load_demo);
    app.formats = formats;
    app.weights = weights;
    app.plan_grace_days = plan_grace_days;
    app.private = private;
    app.keymap = keymap;
    for request in initial {
        let _ = req_tx.send(request);
    }
    spawn_input(msg_tx.clone());
    let draw = |terminal: &mut DefaultTerminal, app: &App| {
        terminal.draw(|frame| view::render(app, &theme, frame)).map(|_| ()).map_err(|e| Failure::failed(e.to_string()))
    };
    draw(terminal, &app)?;
    while let Ok(msg) = msg_rx.recv() {
        let mut batch = vec![msg];
        batch.extend(msg_rx.try_iter());
        for msg in batch {
            for request in app.update(msg) {
                let _ = req_tx.send(request);
            }
        }
        if app.quit {
            return Ok(());
        }
        draw(terminal, &app)?;
    }
    Ok(())
}

/// Terminal input on its own thread; it ends when the loop stops listening.
fn spawn_input(tx: mpsc::Sender<Msg>) {
    std::thread::Builder::new()
        .name("dun-input".into())
        .spawn(move || {
            loop {
                let msg = match crossterm::event::read() {
                    Ok(Event::Key(k)) if k.kind != KeyEventKind::Release => Msg::Key(k),
                    Ok(Event::Resize(width, height)) => Msg::Resize { width, height },
                    Ok(_) => continue,
                    Err(_) => return,
                };
                if tx.send(msg).is_err() {
                    return;
                }
            }
        })
        .ok();
}
