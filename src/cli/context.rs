//! What one run of dun works with: its clock, paths and config, from the global options,
//! and how a command opens the book.

use chrono::Utc;

use super::{Cli, Failure, waiting};
use crate::clock::Clock;
use crate::config::Config;
use crate::desk::{Desk, DeskError};
use crate::paths::Paths;

/// Clock, paths and config for this run, from the global options.
pub struct Context {
    pub clock: Clock,
    pub paths: Paths,
    pub config: Config,
    /// Privacy mode for the desk (`--private`).
    pub private: bool,
}

impl Context {
    pub fn from_cli(cli: &Cli) -> Result<Context, Failure> {
        let clock = Clock::pinned(cli.today, cli.now.map(|t| t.with_timezone(&Utc)));
        let paths = Paths::resolve(cli.db.clone());
        let config = Config::load(&paths.config_file()).map_err(|e| Failure::usage(e.to_string()))?;
        Ok(Context { clock, paths, config, private: cli.private })
    }

    /// Open the book for a command: it waits for another dun that holds it, up to
    /// [`waiting::COMMAND_PATIENCE`], opening and writing alike.
    pub fn open_desk(&self) -> Result<Desk, Failure> {
        // Every connection of a command waits so (the import's own among them).
        crate::store::set_patience(waiting::patient);
        self.open_desk_waiting(Some(waiting::COMMAND_PATIENCE))
    }

    /// [`Self::open_desk`], its error as the desk gave it (the desk face waits out a busy book).
    pub fn try_open_desk(&self) -> Result<Desk, DeskError> {
        // A migration may rebuild a large table: say why the first start takes a while.
        if let Some((found, to)) = Desk::upgrade_pending(&self.paths.database) {
            eprintln!(
                "upgrading {} from schema v{found} to v{to} (once, after a backup; a large book takes a few seconds)…",
                self.paths.database.display()
            );
        }
        Desk::open(&self.paths.database, self.clock, self.config.clone())
    }
}
