//! dun: a keyboard-first collections desk for the terminal.
//!
//! Layers, dependencies pointing down only (see ARCHITECTURE.md):
//! `cli` and `tui` (the two faces) → `desk` (use-cases) → `store` (SQL) → `domain` (pure rules).

pub mod cli;
pub mod clock;
pub mod config;
pub mod desk;
pub mod domain;
pub mod import;
pub mod let_go;
pub mod logging;
pub mod mailer;
pub mod paths;
pub mod print;
pub mod privacy;
pub mod store;
pub mod tui;
