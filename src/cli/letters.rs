//! `dun letter --edit` and `dun letters`: the collector's editor before a letter goes, and the
//! ladder's batch printed as a table (and one PDF to print).

use std::io::Write;

use super::table::Table;
use super::{Context, Failure};
use crate::desk::BatchOutcome;

/// Let the collector change a letter in their own editor before it goes.
pub(super) fn edit_in_editor(dir: &std::path::Path, text: &str) -> Result<String, Failure> {
    let editor = std::env::var("VISUAL")
        .or_else(|_| std::env::var("EDITOR"))
        .map_err(|_| Failure::usage("--edit: set $EDITOR (or $VISUAL) to your editor"))?;
    crate::paths::create_private_dir(dir)?;
    let draft = dir.join(".draft.txt");
    crate::paths::write_private(&draft, text.as_bytes())?;
    let mut words = editor.split_whitespace();
    let program = words.next().ok_or_else(|| Failure::usage("--edit: $EDITOR is empty"))?;
    let status = std::process::Command::new(program).args(words).arg(&draft).status()?;
    let edited = std::fs::read_to_string(&draft)?;
    std::fs::remove_file(&draft)?;
    if !status.success() {
        return Err(Failure::failed(format!("{editor} exited with {status}: the letter was not sent")));
    }
    Ok(edited)
}

/// `dun letters`: the ladder's letters for the whole worklist, each guarded and archived.
pub(super) fn batch(
    ctx: &Context,
    queue: crate::domain::queue::Queue,
    only: Option<&str>,
    dry_run: bool,
    print: Option<&std::path::Path>,
    out: &mut dyn Write,
) -> Result<(), Failure> {
    let mut desk = ctx.open_desk()?;
    let overrides = ctx.paths.config_dir.join("letters");
    let archive = ctx.paths.database.parent().unwrap_or(std::path::Path::new(".")).join("letters");
    let lines = desk.ladder_letters(queue, only, dry_run, &overrides, &archive)?;
    let printable: Vec<&crate::desk::Letter> = lines
        .iter()
        .filter_map(|l| match &l.outcome {
            BatchOutcome::Sent { letter, .. } => Some(&**letter),
            _ => None,
        })
        .collect();
    let print_note = match print {
        Some(path) if !printable.is_empty() => {
            crate::paths::write_private(path, &desk.letters_pdf(&printable))
                .map_err(|e| Failure::failed(format!("{}: {e}", path.display())))?;
            Some(format!("Print {} to post them.", path.display()))
        }
        _ => None,
    };
    let mut t = Table::new(&[("ID", true), ("NAME", false), ("LETTER", false), ("WHY", false), ("RESULT", false)]);
    let (mut sent, mut skipped) = (0, 0);
    for line in lines {
        let result = match line.outcome {
            BatchOutcome::WouldSend => "would send".to_string(),
            BatchOutcome::Sent { file, .. } => {
                sent += 1;
                format!("sent: {}", file.display())
            }
            BatchOutcome::Skipped(why) => {
                skipped += 1;
                format!("{}: {why}", if dry_run { "would skip" } else { "skipped" })
            }
        };
        t.row(vec![line.debtor_id.to_string(), line.name, line.template.to_string(), line.why, result]);
    }
    write!(out, "{}", t.render())?;
    if dry_run {
        writeln!(out, "Dry run: nothing sent, logged or archived ({skipped} would be skipped).")?;
    } else {
        writeln!(out, "{sent} letter(s) sent and archived, {skipped} skipped.")?;
    }
    if let Some(note) = print_note {
        writeln!(out, "{note}")?;
    }
    Ok(())
}
