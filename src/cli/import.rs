//! `dun import` and `dun formats`.

use std::io::Write;
use std::path::PathBuf;

use super::{Context, Failure};
use crate::desk::{ImportOptions, ImportReport};
use crate::import::{Issue, Profile, load_profiles};

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
    let mut desk = ctx.open_desk()?;
    let mut reports = Vec::new();
    let mut failed = Vec::new();
    for path in files {
        let name = path.display().to_string();
        let bytes = std::fs::read(path).map_err(|e| Failure::failed(format!("{name}: cannot read: {e}")))?;
        let report = desk.import_file(&name, &bytes, &profiles, opts)?;
        if !report.committed && !report.rejected.is_empty() && !opts.dry_run && !opts.skip_invalid {
            failed.push(name.clone());
        }
        if !json {
            write!(out, "{}", render(&report))?;
        }
        reports.push(report);
    }
    if json {
        writeln!(out, "{}", serde_json::to_string_pretty(&reports).map_err(|e| Failure::failed(e.to_string()))?)?;
    }
    if failed.is_empty() {
        Ok(())
    } else {
        Err(Failure::failed(format!("not imported, rows rejected: {}", failed.join(", "))))
    }
}

fn issue_line(i: &Issue) -> String {
    match &i.column {
        Some(c) => format!("line {}, column '{c}': {}", i.line, i.reason),
        None => format!("line {}: {}", i.line, i.reason),
    }
}

/// The report as the collector reads it: what the file is, what would change, what is wrong.
pub fn render(r: &ImportReport) -> String {
    let mut s = format!("{}: {} ({})\n", r.file, r.format_title, r.format);
    s.push_str(&format!(
        "  read as {}, {}-separated, decimal {}; dates: {}\n",
        r.encoding, r.delimiter, r.decimal, r.dates
    ));
    let mut classes: Vec<_> = r.rows.iter().filter(|(_, n)| **n > 0).collect();
    classes.sort();
    s.push_str(&format!(
        "  rows: {}\n",
        classes.iter().map(|(k, n)| format!("{n} {k}")).collect::<Vec<_>>().join(", ")
    ));
    if let Some(c) = &r.caveat {
        s.push_str(&format!("  note: {c}\n"));
    }
    let p = &r.plan;
    let section = |s: &mut String, title: &str, items: Vec<String>| {
        if !items.is_empty() {
            s.push_str(&format!("  {title} ({}):\n", items.len()));
            for item in items.iter().take(50) {
                s.push_str(&format!("    {item}\n"));
            }
            if items.len() > 50 {
                s.push_str(&format!("    … and {} more\n", items.len() - 50));
            }
        }
    };
    section(&mut s, "new customers", p.new_customers.clone());
    section(&mut s, "changed customers", p.changed_customers.iter().map(|(c, w)| format!("{c}: {w}")).collect());
    section(
        &mut s,
        "new invoices",
        p.new_invoices
            .iter()
            .map(|i| format!("{} #{} due {} open {}", i.customer, i.number, i.due, i.balance.to_decimal()))
            .collect(),
    );
    let change = |c: &crate::import::reconcile::BalanceChange| {
        format!("{} #{}: {} → {}", c.customer, c.number, c.before.to_decimal(), c.after.to_decimal())
    };
    section(&mut s, "changed balances", p.changed_balances.iter().map(change).collect());
    section(&mut s, "paid in the ledger", p.paid_in_ledger.iter().map(change).collect());
    section(&mut s, "vanished from the ledger (closed)", p.vanished.iter().map(change).collect());
    section(
        &mut s,
        "new contact points",
        p.new_contact_points.iter().map(|(c, k, v)| format!("{c}: {} {}", k.code(), v.replace('\n', ", "))).collect(),
    );
    if p.unchanged > 0 {
        s.push_str(&format!("  unchanged: {}\n", p.unchanged));
    }
    section(
        &mut s,
        "billing discrepancies",
        p.discrepancies.iter().map(|d| format!("line {}: {} #{}: {}", d.line, d.customer, d.number, d.what)).collect(),
    );
    section(&mut s, "warnings", r.warnings.iter().map(issue_line).collect());
    section(&mut s, "rejected rows", r.rejected.iter().map(issue_line).collect());
    match (&r.held_back, r.batch_id) {
        (_, Some(batch)) if r.committed => s.push_str(&format!("  imported as batch #{batch}\n")),
        (Some(why), _) => s.push_str(&format!("  {why}\n")),
        _ => {}
    }
    s
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
        writeln!(out, "{}", serde_json::to_string_pretty(&doc).map_err(|e| Failure::failed(e.to_string()))?)?;
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
