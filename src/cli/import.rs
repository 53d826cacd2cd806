//! `dun import` and `dun formats`.

use std::io::Write;
use std::path::PathBuf;

use super::{Context, Failure};
use crate::desk::ImportOptions;
use crate::import::{Profile, load_profiles};

pub fn profiles(ctx: &Context) -> Result<Vec<Profile>, Failure> {
    load_profiles(Some(&ctx.paths.config_dir.join("profiles"))).map_err(|e| Failure::usage(e.to_string()))
}

pub fn run(
    ctx: &Context,
    files: &[PathBuf],
    opts: &ImportOptions,
    json: bool,
    out: &mut dyn Write,
) -> Result<(), Failure> {
    let profiles = profiles(ctx)?;
    // A dry run on a book that does not exist yet reads the file against an empty book, and
    // leaves no file behind ("nothing was written" means nothing).
    let mut desk = if opts.dry_run && !ctx.paths.database.exists() {
        crate::desk::Desk::in_memory(ctx.clock, ctx.config.clone())?
    } else {
        ctx.open_desk()?
    };
    let mut reports = Vec::new();
    let mut failed = Vec::new();
    for path in files {
        let name = path.display().to_string();
        let report = desk.import_path(path, &profiles, opts)?;
        // Refused (rows rejected, an older export, one that would close most of the book):
        // the command fails, so that a script sees it. "Nothing changed" is no failure.
        let refused = !report.committed
            && !opts.dry_run
            && ((!report.rejected.is_empty() && !opts.skip_invalid) || report.plan.changes() > 0);
        if refused {
            failed.push(format!("{name}: {}", report.held_back.as_deref().unwrap_or("not imported")));
        }
        if !json {
            write!(out, "{}", report.describe())?;
        }
        reports.push(report);
    }
    if json {
        super::print_json(out, &reports)?;
    }
    if failed.is_empty() { Ok(()) } else { Err(Failure::failed(failed.join("\n"))) }
}

pub fn formats(ctx: &Context, json: bool, out: &mut dyn Write) -> Result<(), Failure> {
    let profiles = profiles(ctx)?;
    if json {
        let doc: Vec<_> = profiles
            .iter()
            .map(|p| {
                serde_json::json!({
                    "name": p.name, "title": p.title, "source": p.source,
                    "kind": format!("{:?}", p.kind).to_lowercase(),
                    "headers": p.detect.all, "any_of": p.detect.any, "none_of": p.detect.none, "title_contains": p.detect.title,
                })
            })
            .collect();
        super::print_json(out, &doc)?;
        return Ok(());
    }
    for p in &profiles {
        writeln!(out, "{:<30} {}", p.name, p.title)?;
        let mut sig = format!("headers: {}", p.detect.all.join(", "));
        if !p.detect.any.is_empty() {
            sig.push_str(&format!("; one of: {}", p.detect.any.join(", ")));
        }
        if !p.detect.none.is_empty() {
            sig.push_str(&format!("; not: {}", p.detect.none.join(", ")));
        }
        if !p.detect.title.is_empty() {
            sig.push_str(&format!("; title says: {}", p.detect.title.join(" | ")));
        }
        writeln!(out, "{:<30} {sig}", "")?;
    }
    writeln!(
        out,
        "\nAny other CSV: describe it in a profile (TOML) in {} (see the README).",
        ctx.paths.config_dir.join("profiles").display()
    )?;
    Ok(())
}
