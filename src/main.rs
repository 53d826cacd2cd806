use std::io::Write;
use std::process::ExitCode;

use clap::Parser;
use dun::cli::printable::{self, printable_text};
use dun::cli::{Cli, Context, Failure, execute};

fn main() -> ExitCode {
    let cli = Cli::parse();
    match run(cli) {
        Ok(()) => ExitCode::SUCCESS,
        Err(f) if f.code == 0 => ExitCode::SUCCESS,
        Err(f) => {
            let _ = writeln!(std::io::stderr(), "dun: {}", printable_text(&f.message));
            ExitCode::from(f.code)
        }
    }
}

fn run(mut cli: Cli) -> Result<(), Failure> {
    let command = cli.command.take();
    let ctx = Context::from_cli(&cli)?;
    dun::logging::init(&ctx.paths);
    match command {
        Some(command) => execute(command, &ctx, &mut printable::stdout()),
        None if cli.demo => dun::tui::run_demo(ctx),
        None => dun::tui::run_on(ctx),
    }
}
