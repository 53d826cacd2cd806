//! `cargo bench` — the desk's budgets (DESIGN.md) on a 100k-debtor demo book.
//!
//! Plain `std::time` timing with a median of repeated runs: no harness crate, so the
//! figures are easy to read and the bench builds fast. The 100k book is written once
//! to target/bench-data and reused (delete it to re-measure the demo build).
//! `DUN_BENCH_DEBTORS=N` changes the book size.

use std::path::PathBuf;
use std::time::{Duration, Instant};

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use dun::clock::Clock;
use dun::config::Config;
use dun::desk::Desk;
use dun::tui::app::{App, Msg, Screen};
use dun::tui::theme::Theme;
use dun::tui::view;
use dun::tui::worker::{Reply, Request, Ticket, WorkerEvent, handle};
use ratatui::Terminal;
use ratatui::backend::TestBackend;
use ratatui::layout::Constraint;
use ratatui::widgets::{Row, Table};

const TODAY: &str = "2026-11-22";

fn median(mut runs: Vec<Duration>) -> Duration {
    runs.sort();
    runs[runs.len() / 2]
}

fn measure(n: usize, mut f: impl FnMut()) -> Duration {
    median(
        (0..n)
            .map(|_| {
                let t = Instant::now();
                f();
                t.elapsed()
            })
            .collect(),
    )
}

fn report(name: &str, d: Duration, budget: &str) {
    println!("{name:<46} {:>10.3} ms   budget: {budget}", d.as_secs_f64() * 1000.0);
}

fn clock() -> Clock {
    Clock::fixed(TODAY.parse().unwrap())
}

fn serve(desk: &mut Desk, app: &mut App, requests: Vec<(Ticket, Request)>) {
    let mut queue: std::collections::VecDeque<_> = requests.into();
    while let Some((ticket, request)) = queue.pop_front() {
        let result = handle(desk, &[], request, &mut |_, _| {});
        queue.extend(app.update(Msg::Worker(WorkerEvent::Reply(Reply { ticket, result }))));
    }
}

fn main() {
    // `cargo bench` passes `--bench`; `cargo test --benches` passes nothing and
    // only checks that the bench builds and runs on a tiny book.
    let quick = !std::env::args().any(|a| a == "--bench");
    let debtors: usize = std::env::var("DUN_BENCH_DEBTORS").ok().and_then(|v| v.parse().ok()).unwrap_or(if quick {
        200
    } else {
        100_000
    });
    let dir = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("bench-data");
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join(format!("book-{debtors}-{TODAY}.db"));
    println!("dun desk benchmarks: {debtors} debtors, book {}", path.display());

    if !path.exists() {
        let tmp = path.with_extension("partial");
        let _ = std::fs::remove_file(&tmp);
        let t = Instant::now();
        let mut desk = Desk::open(&tmp, clock(), Config::default()).unwrap();
        let summary = desk.load_demo(debtors, 1).unwrap();
        let took = t.elapsed();
        drop(desk);
        std::fs::rename(&tmp, &path).unwrap();
        report(&format!("demo book ({} invoices)", summary.invoices), took, "reasonable (no budget)");
    } else {
        println!("demo book: reusing the cached file (delete it to re-measure)");
    }

    let runs = if quick { 1 } else { 7 };
    let desk = Desk::open(&path, clock(), Config::default()).unwrap();
    let rows = desk.worklist().unwrap();
    println!("worklist rows: {}", rows.len());
    report("worklist build (desk.worklist)", measure(runs, || drop(desk.worklist().unwrap())), "part of first frame");
    drop(desk);

    let theme = Theme::colour();
    let (w, h) = (120, 40);
    // The first frame with the worklist on screen: the store thread answers the desk's
    // requests in order, and the frame is drawn as soon as rows are there (from the last
    // ranking's kept first page if the book is unchanged, else from the first page ranked
    // afresh when the tiers above dollar-days fill it, else from the ranking itself).
    let kept = path.with_file_name(format!("{}-worklist", path.file_name().unwrap().to_string_lossy()));
    let first_frame_of = |forget: bool| {
        let timed = (0..runs).map(|_| {
            if forget {
                let _ = std::fs::remove_file(&kept);
            }
            let t = Instant::now();
            let mut desk = Desk::open(&path, clock(), Config::default()).unwrap();
            let (mut app, requests) = App::new(TODAY.parse().unwrap(), h, false);
            let mut terminal = Terminal::new(TestBackend::new(w, h)).unwrap();
            let mut queue: std::collections::VecDeque<_> = requests.into();
            let mut took = None;
            while let Some((ticket, request)) = queue.pop_front() {
                let result = handle(&mut desk, &[], request, &mut |_, _| {});
                queue.extend(app.update(Msg::Worker(WorkerEvent::Reply(Reply { ticket, result }))));
                if took.is_none() && app.screen == Screen::Worklist && !app.rows.is_empty() {
                    terminal.draw(|f| view::render(&app, &theme, f)).unwrap();
                    took = Some(t.elapsed());
                }
            }
            // The ranking has finished too (untimed), and kept its first page for the next run.
            took.expect("the worklist came on screen")
        });
        median(timed.collect())
    };
    // Warm: the book as the last ranking left it (the usual start).
    first_frame_of(true);
    report("first frame (open + kept first page + render 120x40)", first_frame_of(false), "< 150 ms");
    report("first frame, nothing kept (first start after a write)", first_frame_of(true), "< 150 ms");

    // Keystroke to frame, against a bare ratatui Table of the same size in the same run.
    let mut desk = Desk::open(&path, clock(), Config::default()).unwrap();
    let (mut app, requests) = App::new(TODAY.parse().unwrap(), h, false);
    serve(&mut desk, &mut app, requests);
    let mut terminal = Terminal::new(TestBackend::new(w, h)).unwrap();
    let keys = if quick { 10 } else { 2000 };
    let down = KeyEvent::new(KeyCode::Char('j'), KeyModifiers::NONE);
    let key_to_frame = measure(keys, || {
        let requests = app.update(Msg::Key(down));
        serve(&mut desk, &mut app, requests);
        terminal.draw(|f| view::render(&app, &theme, f)).unwrap();
    });
    let bare_rows: Vec<Vec<String>> =
        (0..h).map(|i| (0..7).map(|c| format!("cell {i}:{c} with some text")).collect()).collect();
    let bare = measure(keys, || {
        terminal
            .draw(|f| {
                let rows = bare_rows.iter().map(|r| Row::new(r.iter().map(String::as_str)));
                f.render_widget(Table::new(rows, [Constraint::Fill(1); 7]), f.area());
            })
            .unwrap();
    });
    report("bare ratatui Table render 120x40", bare, "reference");
    report(
        "keystroke (j) to frame 120x40",
        key_to_frame,
        &format!("< 4x bare = {:.3} ms", 4.0 * bare.as_secs_f64() * 1e3),
    );
    println!("  ratio keystroke/bare: {:.2}", key_to_frame.as_secs_f64() / bare.as_secs_f64());

    // The index is built on the store thread on first use (and after writes), off the keystroke path.
    let t = Instant::now();
    drop(desk.search("warm-up").unwrap());
    report(
        "search index build (names, refs, invoice nos., phones, emails)",
        t.elapsed(),
        "off the UI thread (no budget)",
    );
    // A query typed or pasted afresh scans all the records (the empty query forgets the last).
    for query in ["o", "ol", "olivia", "olvia", "hernadnez", "martinex", "INV-0042", "555-01", "@example"] {
        let search = measure(runs, || {
            drop(desk.search("").unwrap());
            drop(desk.search(query).unwrap())
        });
        report(&format!("search afresh {query:?}"), search, "< 10 ms per keystroke");
    }
    // Typing: each keystroke narrows the records the one before matched.
    for word in [
        ["o", "ol", "oli", "oliv", "olivi", "olivia"],
        ["h", "he", "her", "hern", "herna", "hernadn"],
        // Invoice numbers and phones: the queries that unpack the compressed numbers.
        ["i", "in", "inv", "inv-", "inv-0", "inv-00"],
        ["5", "55", "555", "555-", "555-0", "555-01"],
    ] {
        let mut worst = (Duration::ZERO, "");
        for _ in 0..runs {
            drop(desk.search("").unwrap());
            for q in word {
                let t = Instant::now();
                drop(desk.search(q).unwrap());
                worst = worst.max((t.elapsed(), q));
            }
        }
        let what = format!("search while typing {}, slowest keystroke ({:?})", word[5], worst.1);
        report(&what, worst.0, "< 10 ms per keystroke");
    }
}
