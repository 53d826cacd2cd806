//! Waiting for another dun that holds the book. A large import writes a book no one has
//! open with a rollback journal and holds it whole until it commits; any import holds the
//! write lock for its whole transaction. Rather than fail after SQLite's busy timeout, the
//! desk and the commands wait, and say so.

use std::path::Path;
use std::time::{Duration, Instant};

use super::{Context, Failure};
use crate::desk::Desk;

/// How long a command waits for the book before it gives up (the desk waits as long as it
/// takes: Ctrl-C stops it).
pub const COMMAND_PATIENCE: Duration = Duration::from_secs(120);

/// What dun says while it waits for a book another program holds.
pub fn waiting_for(book: &Path) -> String {
    format!(
        "dun: {} is being written by another program (an import holds it until it commits): waiting for it \
         (Ctrl-C stops waiting; nothing has been written)",
        book.display()
    )
}

impl Context {
    /// Open the book, waiting while another program holds it whole (for `patience` at most,
    /// or as long as it takes): said at once, on stderr, before anything is drawn.
    pub fn open_desk_waiting(&self, patience: Option<Duration>) -> Result<Desk, Failure> {
        let book = &self.paths.database;
        let started = Instant::now();
        let mut said = false;
        let mut say = || {
            if !std::mem::replace(&mut said, true) {
                eprintln!("{}", waiting_for(book));
            }
        };
        loop {
            if Desk::held_by_a_writer(book) {
                say();
            }
            match self.try_open_desk() {
                Err(e) if e.is_busy() && patience.is_none_or(|p| started.elapsed() < p) => {
                    say();
                    // SQLite gives up at once, not after its timeout, when waiting could not
                    // help (a lock held across a deadlock): do not spin.
                    std::thread::sleep(Duration::from_millis(200));
                }
                opened => return Ok(opened?),
            }
        }
    }
}

/// A command's busy handler (SQLite calls it each time the lock it wants is held): a write
/// waits up to [`COMMAND_PATIENCE`] for an import's transaction to end, and says once, after
/// a second, what it waits for.
pub fn patient(tries: i32) -> bool {
    const STEP: Duration = Duration::from_millis(10);
    let waited = STEP * tries.max(0) as u32;
    if waited == Duration::from_secs(1) {
        eprintln!("dun: another program is writing the book (an import?): waiting for it to finish…");
    }
    if waited >= COMMAND_PATIENCE {
        return false;
    }
    std::thread::sleep(STEP);
    true
}
