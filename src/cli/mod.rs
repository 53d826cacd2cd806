//! The scripting face: every command calls the same `desk` functions as the desk.

mod args;
mod context;
mod import;
mod letters;
pub mod printable;
mod report;
mod show;
mod table;
pub mod waiting;

pub use args::{Cli, Command, ContactAction};
pub use context::Context;

use std::io::Write;

use chrono::{Datelike, Utc};
use serde_json::json;

use crate::desk::{Desk, DeskError, LogAttempt, NewNote, PaymentLayout, RecordPayment, Saved, WorklistRow};
use crate::domain::dates::parse_date;
use crate::domain::{Channel, ContactKind, ContactStatus};
use table::Table;

/// Exit codes: 0 done, 1 failed, 2 the command line or its values were wrong,
/// 3 the compliance guard blocked the contact.
pub const EXIT_FAILED: u8 = 1;
pub const EXIT_USAGE: u8 = 2;
pub const EXIT_BLOCKED: u8 = 3;

/// A failure to report on stderr, with its exit code.
#[derive(Debug)]
pub struct Failure {
    pub code: u8,
    pub message: String,
}

impl Failure {
    pub fn usage(message: impl Into<String>) -> Failure {
        Failure { code: EXIT_USAGE, message: message.into() }
    }
    pub fn failed(message: impl Into<String>) -> Failure {
        Failure { code: EXIT_FAILED, message: message.into() }
    }
}

impl From<DeskError> for Failure {
    fn from(e: DeskError) -> Failure {
        let code = match e {
            DeskError::Invalid { .. } => EXIT_USAGE,
            DeskError::Blocked(_) => EXIT_BLOCKED,
            _ => EXIT_FAILED,
        };
        Failure { code, message: e.to_string() }
    }
}

impl From<std::io::Error> for Failure {
    fn from(e: std::io::Error) -> Failure {
        // `dun worklist | head`: the reader has what it wanted; that is not a failure.
        if e.kind() == std::io::ErrorKind::BrokenPipe {
            return Failure { message: String::new(), code: 0 };
        }
        Failure::failed(e.to_string())
    }
}

/// Run one subcommand, writing its output to `out`.
pub fn execute(command: Command, ctx: &Context, out: &mut dyn Write) -> Result<(), Failure> {
    match command {
        Command::Demo { debtors, seed, json } => {
            let mut desk = ctx.open_desk()?;
            let summary = desk.load_demo(debtors as usize, seed)?;
            if json {
                return print_json(out, &json!({ "database": ctx.paths.database, "summary": summary }));
            }
            writeln!(
                out,
                "Demo book written to {}: {} debtors, {} invoices, {} contact attempts, {} payments.",
                ctx.paths.database.display(),
                summary.debtors,
                summary.invoices,
                summary.attempts,
                summary.payments
            )?;
        }
        Command::Worklist { limit, queue, json } => {
            let desk = ctx.open_desk()?;
            let mut rows = desk.queue(queue_arg(&queue)?)?;
            if let Some(n) = limit {
                rows.truncate(n);
            }
            if json {
                let doc: Vec<_> = desk.reading(|desk| rows.iter().map(|r| worklist_json(r, desk)).collect())?;
                print_json(out, &doc)?;
            } else if rows.is_empty() && queue != "all" {
                writeln!(out, "No account in the {queue} queue today (`dun queues` shows them all).")?;
            } else if rows.is_empty() {
                writeln!(out, "No open balances: nothing to collect. (`dun import FILE` brings in your receivables.)")?;
            } else {
                write!(out, "{}", desk.reading(|desk| worklist_table(&rows, desk))??)?;
            }
        }
        Command::Queues { json } => {
            let desk = ctx.open_desk()?;
            let summaries = desk.queue_summaries()?;
            let mut t = Table::new(&[("QUEUE", false), ("ACCOUNTS", true), ("BALANCE", true), ("WHAT", false)]);
            let mut doc = Vec::new();
            for q in &summaries {
                let balance = if q.balances.is_empty() {
                    "-".to_string()
                } else {
                    q.balances.iter().map(|(c, m)| m.display(c)).collect::<Vec<_>>().join(" + ")
                };
                // Money as the README promises scripts: a decimal string and exact cents, per currency.
                let balances: Vec<_> = q
                    .balances
                    .iter()
                    .map(|(c, m)| json!({"currency": c, "amount": m.to_decimal(), "cents": m.cents()}))
                    .collect();
                doc.push(json!({"queue": q.name, "what": q.what, "accounts": q.accounts, "balances": balances}));
                t.row(vec![q.name.to_string(), q.accounts.to_string(), balance, q.what.to_string()]);
            }
            if json {
                print_json(out, &doc)?;
            } else {
                write!(out, "{}", t.render())?;
            }
        }
        Command::Show { account, json } => {
            let desk = ctx.open_desk()?;
            let view = desk.account(desk.resolve(&account)?)?;
            if json {
                print_json(out, &view)?;
            } else {
                write!(out, "{}", show::render(&view, desk.today(), ctx.private))?;
            }
        }
        Command::Log {
            account,
            channel,
            outcome,
            note,
            follow_up,
            call_at,
            at,
            override_reason,
            promise,
            by,
            json,
        } => {
            let mut desk = ctx.open_desk()?;
            let channel = channel_arg(&channel)?;
            let promise = match (promise, date_arg("--by", by.as_deref(), &desk)?) {
                (Some(amount), Some(on)) => Some((amount, on)),
                _ => None,
            };
            let follow_up_on = date_arg("--follow-up", follow_up.as_deref(), &desk)?;
            let debtor_id = desk.resolve(&account)?;
            let saved = desk.log_attempt(LogAttempt {
                debtor_id,
                channel,
                outcome,
                note,
                follow_up_on,
                call_at,
                at: at.map(|t| t.with_timezone(&Utc)),
                override_reason,
                promise,
            })?;
            print_saved(out, &saved, json)?;
        }
        Command::CheckContact { account, channel, at, json } => {
            let desk = ctx.open_desk()?;
            let channel = channel_arg(&channel)?;
            let answer = desk.check_contact(desk.resolve(&account)?, channel, at.map(|t| t.with_timezone(&Utc)))?;
            if json {
                print_json(out, &answer)?;
            } else {
                write!(out, "{}", guard_text(&answer))?;
            }
        }
        Command::Pay { account, amount, on, method, reference, settle, invoice, json } => {
            let mut desk = ctx.open_desk()?;
            let received_on = date_arg("--on", on.as_deref(), &desk)?;
            let debtor_id = desk.resolve(&account)?;
            let saved = if settle {
                desk.settle(debtor_id, amount, received_on, &reference)?
            } else {
                desk.record_payment(RecordPayment { debtor_id, amount, received_on, method, reference, invoice })?
            };
            print_saved(out, &saved, json)?;
        }
        Command::WriteOff { account, invoice, reason, json } => {
            let mut desk = ctx.open_desk()?;
            let id = desk.resolve(&account)?;
            let saved = desk.write_off(id, invoice.as_deref(), &reason)?;
            print_saved(out, &saved, json)?;
        }
        Command::Reverse { payment, reason, json } => {
            let mut desk = ctx.open_desk()?;
            let saved = desk.reverse_payment(payment, &reason)?;
            print_saved(out, &saved, json)?;
        }
        Command::Note { account, text, json } => {
            let mut desk = ctx.open_desk()?;
            let debtor_id = desk.resolve(&account)?;
            let saved = desk.add_note(NewNote { debtor_id, body: text })?;
            print_saved(out, &saved, json)?;
        }
        Command::Import { files, format, dry_run, skip_invalid, force, json } => {
            let opts = crate::desk::ImportOptions { format, dry_run, skip_invalid, force };
            import::run(ctx, &files, &opts, json, out)?;
        }
        Command::Formats { json } => import::formats(ctx, json, out)?,
        Command::Promise { account, amount, by, json } => {
            let mut desk = ctx.open_desk()?;
            let due = date_arg("--by", Some(&by), &desk)?.unwrap_or_default();
            let id = desk.resolve(&account)?;
            let saved = desk.make_promise(id, amount, due)?;
            print_saved(out, &saved, json)?;
        }
        Command::Plan { account, total, down, count, installment, every, first, grace, dry_run, json } => {
            use crate::domain::plan::{Frequency, PlanTerms, Split};
            let mut desk = ctx.open_desk()?;
            let frequency = Frequency::parse(&every)
                .ok_or_else(|| Failure::usage(format!("--every {every}: week, 2weeks, semimonth or month")))?;
            let split = match (count, installment) {
                (Some(n), _) => Split::Count(n),
                (None, Some(a)) => Split::Amount(a),
                (None, None) => return Err(Failure::usage("give --installments N or --amount AMOUNT")),
            };
            let first_due = date_arg("--first", Some(&first), &desk)?.unwrap_or_default();
            let total = match total {
                Some(t) => t,
                // The balance in collection: disputed money is never planned for.
                None => desk.plan_ceiling(desk.resolve(&account)?)?,
            };
            let terms = PlanTerms {
                total,
                down_payment: down.unwrap_or_default(),
                split,
                frequency,
                start: desk.today(),
                first_due,
                grace_days: grace,
            };
            let id = desk.resolve(&account)?;
            let rows = desk.plan_schedule(id, &terms)?;
            if dry_run {
                if json {
                    let doc: Vec<_> = rows.iter().map(|(d, a)| json!({"due_on": d, "amount": a})).collect();
                    print_json(out, &doc)?;
                } else {
                    for (k, (d, a)) in rows.iter().enumerate() {
                        writeln!(out, "{:>3}  {d}  {:>12}", k + 1, a.to_decimal())?;
                    }
                    writeln!(out, "     total {:>17}   (dry run: nothing saved)", total.to_decimal())?;
                }
            } else {
                let saved = desk.make_plan(id, &terms)?;
                print_saved(out, &saved, json)?;
            }
        }
        Command::FollowUp { account, date, what, json } => {
            let mut desk = ctx.open_desk()?;
            let due = date_arg("DATE", Some(&date), &desk)?.unwrap_or_default();
            let id = desk.resolve(&account)?;
            let saved = desk.schedule_follow_up(id, due, &what)?;
            print_saved(out, &saved, json)?;
        }
        Command::Dispute { account, invoice, amount, reason, resolve, json } => {
            let mut desk = ctx.open_desk()?;
            let id = desk.resolve(&account)?;
            let saved = match resolve.as_deref() {
                None => desk.open_dispute(id, invoice.as_deref(), amount, &reason)?,
                Some("upheld") => desk.resolve_dispute(id, invoice.as_deref(), true, &reason)?,
                Some("rejected") => desk.resolve_dispute(id, invoice.as_deref(), false, &reason)?,
                Some(other) => return Err(Failure::usage(format!("--resolve {other}: upheld or rejected"))),
            };
            print_saved(out, &saved, json)?;
        }
        Command::Resolve { dispute, outcome, note, json } => {
            let mut desk = ctx.open_desk()?;
            let saved = desk.resolve_dispute_by_id(dispute, outcome == "upheld", &note)?;
            print_saved(out, &saved, json)?;
        }
        Command::Agenda { days, json } => {
            let desk = ctx.open_desk()?;
            let items = desk.agenda(days)?;
            if json {
                print_json(out, &items)?;
            } else if items.is_empty() {
                writeln!(out, "Nothing due in the next {days} days.")?;
            } else {
                let mut t =
                    Table::new(&[("WHEN", false), ("DATE", false), ("ID", true), ("ACCOUNT", false), ("TO DO", false)]);
                for i in &items {
                    let when = match i.days_late {
                        0 => "today".to_string(),
                        d if d > 0 => format!("{d}d late"),
                        d => format!("in {}d", -d),
                    };
                    t.row(vec![when, i.due_on.to_string(), i.debtor_id.to_string(), i.debtor_name.clone(), i.what()]);
                }
                write!(out, "{}", t.render())?;
            }
        }
        Command::Hold { account, invoice, reason, release, until, json } => {
            let mut desk = ctx.open_desk()?;
            let until = date_arg("--until", until.as_deref(), &desk)?;
            let id = desk.resolve(&account)?;
            let saved = match (release, invoice) {
                (true, _) => desk.release_holds(id)?,
                (false, Some(number)) => desk.hold_invoice(id, &number, &reason, until)?,
                (false, None) => desk.place_hold(id, &reason, until)?,
            };
            print_saved(out, &saved, json)?;
        }
        Command::Extend { account, invoice, to, reason, json } => {
            let mut desk = ctx.open_desk()?;
            let id = desk.resolve(&account)?;
            let to = date_arg("--to", Some(&to), &desk)?.unwrap_or_default();
            print_saved(out, &desk.extend_invoice(id, &invoice, to, &reason)?, json)?;
        }
        Command::Legal {
            account,
            referred,
            attorney,
            court,
            case_number,
            status,
            add_cost,
            judgment,
            next_court,
            json,
        } => {
            let mut desk = ctx.open_desk()?;
            let id = desk.resolve(&account)?;
            let change = crate::desk::LegalChange {
                referred_on: date_arg("--referred", referred.as_deref(), &desk)?,
                attorney,
                court,
                case_number,
                status,
                add_cost,
                judgment,
                next_court_on: date_arg("--next-court", next_court.as_deref(), &desk)?,
            };
            let asks_nothing = change.referred_on.is_none()
                && change.attorney.is_none()
                && change.court.is_none()
                && change.case_number.is_none()
                && change.status.is_none()
                && change.add_cost.is_none()
                && change.judgment.is_none()
                && change.next_court_on.is_none();
            if asks_nothing {
                let view = desk.account(id)?;
                if json {
                    print_json(out, &view.legal_cases)?;
                } else {
                    write!(out, "{}", show::legal_cases(&view))?;
                }
            } else {
                let saved = desk.legal_case(id, change)?;
                print_saved(out, &saved, json)?;
            }
        }
        Command::Contact { account, action, json } => {
            let mut desk = ctx.open_desk()?;
            let id = desk.resolve(&account)?;
            let status_arg = |s: &str| {
                ContactStatus::parse(s).ok_or_else(|| {
                    Failure::usage(format!("unknown status '{s}' (one of: good, bad, unverified, do-not-use)"))
                })
            };
            match action {
                Some(ContactAction::Add { kind, value, label, status, source }) => {
                    let kind = ContactKind::parse(&kind).ok_or_else(|| {
                        Failure::usage(format!("unknown kind '{kind}' (one of: phone, email, address)"))
                    })?;
                    let point = crate::desk::NewPoint { kind, value, label, status: status_arg(&status)?, source };
                    print_saved(out, &desk.add_contact_point(id, point)?, json)?;
                }
                Some(ContactAction::Mark { id: point, status, reason }) => {
                    print_saved(out, &desk.mark_contact_point(id, point, status_arg(&status)?, &reason)?, json)?;
                }
                None => {
                    let points = desk.account(id)?.contact_points;
                    let history = desk.contact_point_history(id)?;
                    if json {
                        let doc = json!({"contact_points": points, "history": history});
                        print_json(out, &doc)?;
                    } else {
                        write!(out, "{}", show::contact_points(&points, &history, ctx.private))?;
                    }
                }
            }
        }
        Command::Why { account, json } => {
            let desk = ctx.open_desk()?;
            let id = desk.resolve(&account)?;
            let rows = desk.worklist()?;
            let Some((rank, row)) = rows.iter().enumerate().find(|(_, r)| r.id == id) else {
                writeln!(out, "#{id} is not in the worklist: it has no open balance.")?;
                return Ok(());
            };
            if json {
                writeln!(out, "{}", worklist_json(row, &desk))?;
            } else {
                writeln!(out, "{} ranks {} of {}: {}", row.name, rank + 1, rows.len(), row.reason)?;
                writeln!(out, "  tier {}: {}, score {}", row.tier.rank(), row.tier.label(), row.score)?;
                for f in desk.explain(row) {
                    writeln!(out, "  ×{:<5} {:<16} {}", f.weight, f.name, f.detail)?;
                }
            }
        }
        Command::Restrict { account, inconvenient, weekday, no_work_contact, revoke, source, json } => {
            let mut desk = ctx.open_desk()?;
            let id = desk.resolve(&account)?;
            if revoke {
                return print_saved(out, &desk.revoke_restrictions(id)?, json);
            }
            let (kind, value) = match (inconvenient, weekday, no_work_contact) {
                (Some(window), _, _) => ("time", window),
                (None, Some(day), _) => ("weekday", day),
                (None, None, true) => ("workplace", String::new()),
                _ => return Err(Failure::usage("give --inconvenient, --weekday or --no-work-contact")),
            };
            let saved = desk.add_restriction(id, kind, &value, &source)?;
            print_saved(out, &saved, json)?;
        }
        Command::Flag { account, flag, clear, reason, json } => {
            let mut desk = ctx.open_desk()?;
            let id = desk.resolve(&account)?;
            print_saved(out, &desk.set_flag(id, &flag, !clear, &reason)?, json)?;
        }
        Command::Backup { path, json } => {
            let desk = ctx.open_desk()?;
            let dest = desk.backup(path.as_deref())?;
            if json {
                return print_json(out, &json!({ "backup": dest }));
            }
            writeln!(out, "Backed up to {} (readable by you only).", dest.display())?;
        }
        Command::Restore { path, json } => {
            use crate::store::Restored;
            let previous = crate::store::restore(&ctx.paths.database, &path, ctx.clock.now())
                .map_err(|e| Failure::failed(e.to_string()))?;
            let (kept, damaged) = match &previous {
                Restored::BackedUp(at) => (at, false),
                Restored::MovedAside(at) => (at, true),
            };
            if json {
                return print_json(
                    out,
                    &json!({ "database": ctx.paths.database, "restored_from": path, "previous_book": kept,
                             "previous_book_damaged": damaged }),
                );
            }
            let what = if damaged { "The damaged book was moved, as it was, to" } else { "The book as it was is in" };
            writeln!(
                out,
                "Restored {} from {}. {what} {}.",
                ctx.paths.database.display(),
                path.display(),
                kept.display()
            )?;
        }
        Command::Check { json } => {
            let desk = ctx.open_desk()?;
            let check = desk.check_book()?;
            if json {
                print_json(out, &json!({ "ok": check.ok(), "check": check }))?;
            } else {
                writeln!(out, "integrity: {}", check.integrity)?;
                match check.broken_event {
                    None => writeln!(
                        out,
                        "event log: {} event{}, hash chain intact",
                        check.events,
                        if check.events == 1 { "" } else { "s" }
                    )?,
                    Some(id) => writeln!(out, "event log: BROKEN at event {id}: a record was changed or removed")?,
                }
            }
            if !check.ok() {
                return Err(Failure::failed("the book failed its check"));
            }
        }
        Command::Purge { closed_before, dry_run, json } => {
            let mut desk = ctx.open_desk()?;
            let report = desk.purge(closed_before, dry_run)?;
            if json {
                print_json(out, &report)?;
            } else {
                let verb = if report.done { "Anonymised" } else { "Would anonymise" };
                writeln!(
                    out,
                    "{verb} {} closed account(s) with no activity since before {}.",
                    report.accounts.len(),
                    report.closed_before
                )?;
                for (id, last) in &report.accounts {
                    writeln!(out, "  #{id}  last activity {last}")?;
                }
                if report.done {
                    writeln!(
                        out,
                        "Names, references, contact points and notes were replaced; amounts and the audit trail remain."
                    )?;
                }
            }
        }
        Command::Export { what: args::ExportWhat::Debtor { account, out: file } } => {
            let desk = ctx.open_desk()?;
            let id = desk.resolve(&account)?;
            let record = desk.person_record(id)?;
            let path = file.unwrap_or_else(|| std::path::PathBuf::from(format!("debtor-{id}.json")));
            let text = serde_json::to_string_pretty(&record).map_err(|e| Failure::failed(e.to_string()))?;
            crate::paths::write_private(&path, text.as_bytes())
                .map_err(|e| Failure::failed(format!("{}: {e}", path.display())))?;
            writeln!(out, "Wrote everything held about #{id} to {} (readable by you only).", path.display())?;
        }
        Command::Export { what: args::ExportWhat::Payments { since, format, out: file } } => {
            let desk = ctx.open_desk()?;
            let since = date_arg("--since", Some(&since), &desk)?.unwrap_or_default();
            let layout = match format {
                args::PaymentFormat::Csv => PaymentLayout::Csv,
                args::PaymentFormat::Ledger => PaymentLayout::Ledger,
                args::PaymentFormat::Qbo => PaymentLayout::Qbo,
                args::PaymentFormat::Xero => PaymentLayout::Xero,
            };
            let export = desk.export_payments(since, layout)?;
            let Some(path) = file else {
                return Ok(write!(out, "{}", export.text)?);
            };
            crate::paths::write_private(&path, export.text.as_bytes())
                .map_err(|e| Failure::failed(format!("{}: {e}", path.display())))?;
            writeln!(out, "Wrote {} entries since {since} to {}.", export.entries, path.display())?;
            if export.write_offs_left_out > 0 {
                writeln!(
                    out,
                    "{} write-off(s) moved no cash and are not in a bank file: record them as credit notes.",
                    export.write_offs_left_out
                )?;
            }
        }
        Command::Export { what: args::ExportWhat::Case { account, out: dir } } => {
            let desk = ctx.open_desk()?;
            let id = desk.resolve(&account)?;
            let dir = dir.unwrap_or_else(|| format!("case-{id}").into());
            let letters = ctx.paths.database.parent().unwrap_or(std::path::Path::new(".")).join("letters");
            let case = desk.export_case(id, &dir, &letters)?;
            writeln!(out, "Wrote the case file of #{id} to {}: {}", case.dir.display(), case.files.join(", "))?;
        }
        Command::Export { what: args::ExportWhat::Ics { from, out: file } } => {
            let desk = ctx.open_desk()?;
            let from = date_arg("--from", from.as_deref(), &desk)?.unwrap_or(desk.today());
            let (ics, events) = desk.calendar(from)?;
            let path = file.unwrap_or_else(|| "dun.ics".into());
            // Debtor names are in it: readable by the collector only, like the book.
            crate::paths::write_private(&path, ics.as_bytes())
                .map_err(|e| Failure::failed(format!("{}: {e}", path.display())))?;
            writeln!(out, "Wrote {events} event(s) due from {from} to {} (readable by you only).", path.display())?;
        }
        Command::Profile { account, purpose, role, natural_person, reason, json } => {
            let mut desk = ctx.open_desk()?;
            let id = desk.resolve(&account)?;
            let now = desk.set_profile(id, purpose.as_deref(), role.as_deref(), natural_person, &reason)?;
            if json {
                return print_json(out, &json!({ "debtor_id": id, "rules": now.to_string() }));
            }
            writeln!(out, "#{id}: rules now apply as {now}")?;
        }
        Command::Letter { account, template, out: file, offer, expires, edit, email, dry_run, override_reason } => {
            let mut desk = ctx.open_desk()?;
            let id = desk.resolve(&account)?;
            let expires =
                date_arg("--expires", expires.as_deref(), &desk)?.unwrap_or(desk.today() + chrono::Days::new(30));
            let offer = offer.map(|amount| crate::desk::Offer { amount, expires });
            let overrides = ctx.paths.config_dir.join("letters");
            let mut letter = desk.compose_letter(id, &template, Some(&overrides), offer)?;
            if dry_run {
                return Ok(write!(out, "{}", letter.text)?);
            }
            let archive = ctx.paths.database.parent().unwrap_or(std::path::Path::new(".")).join("letters");
            if edit {
                letter.text = letters::edit_in_editor(&archive, &letter.text)?;
            }
            let (saved, copy) = if email {
                desk.email_letter(&letter, &archive, override_reason)?
            } else {
                desk.send_letter(&letter, &archive, override_reason)?
            };
            match file {
                Some(path) => {
                    let pdf = path.extension().is_some_and(|e| e.eq_ignore_ascii_case("pdf"));
                    let bytes = if pdf { desk.letters_pdf(&[&letter]) } else { letter.text.clone().into_bytes() };
                    crate::paths::write_private(&path, &bytes)
                        .map_err(|e| Failure::failed(format!("{}: {e}", path.display())))?;
                    writeln!(out, "Wrote {} to {}.", letter.template, path.display())?;
                }
                None => write!(out, "{}", letter.text)?,
            }
            if !email && !letter.laid_out(desk.config().print.paper).address_in_window {
                eprintln!(
                    "Note: on paper the address is not where a window envelope shows it (the template puts too much above it)."
                );
            }
            eprintln!("{} Archived as {}.", saved.message, copy.display());
        }
        Command::Letters { template, queue, dry_run, out: print } => {
            letters::batch(ctx, queue_arg(&queue)?, template.as_deref(), dry_run, print.as_deref(), out)?
        }
        Command::Report { name, as_of, from, to, format, json } => {
            let format = if json { args::ReportFormat::Json } else { format };
            let desk = ctx.open_desk()?;
            let as_of = date_arg("--as-of", as_of.as_deref(), &desk)?.unwrap_or(desk.today());
            let to = date_arg("--to", to.as_deref(), &desk)?.unwrap_or(desk.today());
            let from = date_arg("--from", from.as_deref(), &desk)?.unwrap_or(to.with_day(1).unwrap_or(to));
            if from > to {
                return Err(Failure::usage(format!("--from {from} is after --to {to}")));
            }
            report::run(&desk, name, as_of, (from, to), format, out)?;
        }
        Command::Undo { json } | Command::Redo { json } => {
            let undo = matches!(command, Command::Undo { .. });
            let mut desk = ctx.open_desk()?;
            let saved = if undo { desk.undo() } else { desk.redo() };
            // Nothing to undo (or redo) is a refusal of what was asked: exit 2 with the reason.
            let saved = saved.map_err(|e| match e {
                DeskError::Refused(reason) => Failure::usage(reason),
                e => Failure::from(e),
            })?;
            print_saved(out, &saved, json)?;
        }
        Command::Completions { shell } => {
            let mut cmd = <Cli as clap::CommandFactory>::command();
            clap_complete::generate(shell, &mut cmd, "dun", out);
        }
    }
    Ok(())
}

/// A value as pretty JSON on its own line (every `--json`).
pub(crate) fn print_json<T: serde::Serialize + ?Sized>(out: &mut dyn Write, value: &T) -> Result<(), Failure> {
    let text = serde_json::to_string_pretty(value).map_err(|e| Failure::failed(e.to_string()))?;
    Ok(writeln!(out, "{text}")?)
}

fn queue_arg(name: &str) -> Result<crate::domain::queue::Queue, Failure> {
    crate::domain::queue::Queue::parse(name).map_err(Failure::usage)
}

fn channel_arg(channel: &str) -> Result<Channel, Failure> {
    Channel::parse(channel).ok_or_else(|| {
        Failure::usage(format!("unknown channel '{channel}' (one of: {})", Channel::ALL.map(|c| c.code()).join(", ")))
    })
}

/// The guard's answer in words: verdict, each rule, when it becomes allowed (UTC and
/// the debtor's first zone), which zones and profile it assumed.
pub fn guard_text(a: &crate::domain::compliance::Answer) -> String {
    use crate::domain::compliance::level_word;
    let mut s = format!("{}\n", level_word(a.level));
    for f in &a.findings {
        s.push_str(&format!("  {} {}: {}\n", level_word(f.level), f.rule, f.message));
    }
    if let Some(t) = a.next_allowed {
        let debtor_zone = a.zones.first().and_then(|z| z.parse::<chrono_tz::Tz>().ok());
        let local = debtor_zone.map(|z| format!(" = {} {}", t.with_timezone(&z).format("%a %Y-%m-%d %H:%M"), z.name()));
        s.push_str(&format!(
            "  allowed from {} UTC{}; your time {}\n",
            t.format("%a %Y-%m-%d %H:%M"),
            local.unwrap_or_default(),
            t.with_timezone(&chrono::Local).format("%a %H:%M")
        ));
    }
    s.push_str(&format!("  debtor may be in: {} ({})\n", a.zones.join(", "), a.zone_source));
    s.push_str(&format!("  rules applied as: {}\n", a.profile));
    use crate::domain::compliance::statute::Statute;
    match &a.statute {
        Some(Statute::Running { expires_on, basis }) => {
            s.push_str(&format!("  statute of limitations: runs until {expires_on} ({basis})\n"))
        }
        Some(Statute::Expired { expired_on, basis }) => {
            s.push_str(&format!("  statute of limitations: EXPIRED {expired_on} ({basis})\n"))
        }
        Some(Statute::Unknown { why }) => s.push_str(&format!("  statute of limitations: unknown ({why})\n")),
        None => {}
    }
    if let Some(end) = a.validation_period_end {
        s.push_str(&format!("  validation period ends {end}\n"));
    }
    match a.credit_reporting_from {
        Some(d) => s.push_str(&format!("  credit reporting (F-CR): allowed from {d}\n")),
        None => s.push_str("  credit reporting (F-CR): not yet (no conversation, no letter or email sent)\n"),
    }
    s
}

fn date_arg(flag: &str, value: Option<&str>, desk: &Desk) -> Result<Option<chrono::NaiveDate>, Failure> {
    value.map(|v| parse_date(v, desk.today()).map_err(|e| Failure::usage(format!("{flag}: {e}")))).transpose()
}

fn print_saved(out: &mut dyn Write, saved: &Saved, json: bool) -> Result<(), Failure> {
    if json {
        writeln!(out, "{}", json!({ "debtor_id": saved.debtor_id, "id": saved.id, "message": saved.message }))?;
    } else {
        writeln!(out, "{}", saved.message)?;
    }
    Ok(())
}

/// The worklist row as scripts read it: money both exact (cents) and as a decimal string.
pub fn worklist_json(r: &WorklistRow, desk: &Desk) -> serde_json::Value {
    let next = desk.next_step_of_row(r).ok();
    json!({
        "id": r.id,
        "name": r.name,
        "external_ref": r.external_ref,
        "balance_cents": r.balance.cents(),
        "balance": r.balance.to_decimal(),
        "currency": r.currency,
        "days_past_due": r.days_past_due,
        "bucket": r.bucket,
        "last_contact": r.last_contact,
        "next_follow_up": r.next_follow_up,
        "tier": r.tier,
        "score": r.score,
        "reason": r.reason,
        "factors": desk.explain(r),
        "flags": r.flags,
        "next_step": next.as_ref().and_then(|n| n.step.map(|s| s.label())),
        "next_step_reason": next.map(|n| n.reason),
    })
}

fn worklist_table(rows: &[WorklistRow], desk: &Desk) -> Result<String, Failure> {
    let mut t = Table::new(&[
        ("#", true),
        ("ID", true),
        ("NAME", false),
        ("BALANCE", true),
        ("DPD", true),
        ("BUCKET", false),
        ("LAST CONTACT", false),
        ("FOLLOW-UP", false),
        ("NEXT STEP", false),
        ("WHY", false),
    ]);
    let date = |d: Option<chrono::NaiveDate>| d.map_or_else(|| "-".to_string(), |d| d.to_string());
    for (i, r) in rows.iter().enumerate() {
        t.row(vec![
            (i + 1).to_string(),
            r.id.to_string(),
            r.name.to_string(),
            r.balance.display(&r.currency),
            r.days_past_due.to_string(),
            r.bucket.label().to_string(),
            date(r.last_contact),
            date(r.next_follow_up),
            desk.next_step_of_row(r)?.step.map_or("-", |s| s.label()).to_string(),
            r.reason.to_string(),
        ]);
    }
    Ok(t.render())
}
