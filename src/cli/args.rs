//! The command line, as clap reads it. Help text here is the CLI's documentation.

use std::path::PathBuf;

use clap::{Parser, Subcommand};

use crate::domain::Money;

#[derive(Debug, Parser)]
#[command(
    name = "dun",
    version,
    about = "A keyboard-first collections desk for the terminal",
    long_about = "dun keeps your debtors, A/R invoices, calls, promises and payments in one local SQLite file \
                  and tells you whom to contact next and why.\n\nWith no command, dun opens the desk.",
    after_help = "Start with `dun --demo` to try the desk on a realistic demo book."
)]
pub struct Cli {
    /// Database file [default: the platform's data dir, e.g. ~/.local/share/dun/dun.db]
    #[arg(long, global = true, env = "DUN_DB", value_name = "PATH")]
    pub db: Option<PathBuf>,

    /// Pin today's date (YYYY-MM-DD), for reproducible runs
    #[arg(long, global = true, env = "DUN_TODAY", value_name = "DATE")]
    pub today: Option<chrono::NaiveDate>,

    /// Pin the current instant (RFC 3339, e.g. 2026-11-22T15:04:05Z)
    #[arg(long, global = true, env = "DUN_NOW", value_name = "INSTANT")]
    pub now: Option<chrono::DateTime<chrono::FixedOffset>>,

    /// Open the desk on a fresh demo database in a temporary directory
    #[arg(long, conflicts_with = "db")]
    pub demo: bool,

    /// Privacy mode: mask phone numbers, emails, street addresses and account numbers on screen
    #[arg(long, global = true)]
    pub private: bool,

    #[command(subcommand)]
    pub command: Option<Command>,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Write a deterministic, realistic demo book into an empty database
    Demo {
        /// Number of debtors
        #[arg(long, default_value_t = 250, value_parser = clap::value_parser!(u32).range(1..=1_000_000))]
        debtors: u32,
        /// Seed: the same seed and today give the same book
        #[arg(long, default_value_t = 1)]
        seed: u64,
        /// One JSON document instead of text
        #[arg(long)]
        json: bool,
    },
    /// The ranked worklist: whom to contact next and why
    Worklist {
        /// Show at most N rows
        #[arg(long, value_name = "N")]
        limit: Option<usize>,
        /// Only the accounts of one queue (`dun queues` lists them)
        #[arg(long, value_name = "NAME", default_value = "all")]
        queue: String,
        /// One JSON document instead of a table
        #[arg(long)]
        json: bool,
    },
    /// The worklist's queues: what each holds, how many accounts and how much money
    Queues {
        #[arg(long)]
        json: bool,
    },
    /// Everything about one account
    Show {
        /// Debtor number or the ledger's customer reference
        account: String,
        #[arg(long)]
        json: bool,
    },
    /// Log a contact attempt
    Log {
        account: String,
        /// call-out, call-in, email, letter, sms, visit
        #[arg(long, value_name = "CH")]
        channel: String,
        /// Outcome code: NA VM LM BZ DC WN TP RPC RPC-NC PTP PLAN RTP DISP CB INC ATTY BK DEC CND IN-RPC SENT VN
        #[arg(long, value_name = "CODE")]
        outcome: String,
        #[arg(long, value_name = "TEXT", default_value = "")]
        note: String,
        /// Next follow-up: YYYY-MM-DD, t, +7
        #[arg(long, value_name = "DATE")]
        follow_up: Option<String>,
        /// The time of day to call back (14:30, 2:30pm), with --follow-up
        #[arg(long, value_name = "TIME", requires = "follow_up", value_parser = crate::domain::dates::parse_time_of_day)]
        call_at: Option<chrono::NaiveTime>,
        /// When the attempt happened (RFC 3339) [default: now]
        #[arg(long, value_name = "INSTANT")]
        at: Option<chrono::DateTime<chrono::FixedOffset>>,
        /// Log it although the compliance guard blocks it; the reason is recorded
        #[arg(long = "override", value_name = "REASON")]
        override_reason: Option<String>,
        /// With --outcome PTP: the amount promised
        #[arg(long, value_name = "AMOUNT", value_parser = parse_amount, requires = "by")]
        promise: Option<Money>,
        /// With --promise: the date it is due (YYYY-MM-DD, +7, …)
        #[arg(long, value_name = "DATE", requires = "promise")]
        by: Option<String>,
        #[arg(long)]
        json: bool,
    },
    /// What the compliance rules say about contacting an account now (logs nothing)
    CheckContact {
        account: String,
        /// call-out, email, letter, sms, visit
        #[arg(long, value_name = "CH", default_value = "call-out")]
        channel: String,
        /// The moment to check (RFC 3339) [default: now]
        #[arg(long, value_name = "INSTANT")]
        at: Option<chrono::DateTime<chrono::FixedOffset>>,
        #[arg(long)]
        json: bool,
    },
    /// Record a payment, allocated to the oldest open invoices first
    Pay {
        account: String,
        /// Amount, e.g. 250 or 1,250.00
        #[arg(value_parser = parse_amount, allow_hyphen_values = true)]
        amount: Money,
        /// Date received: YYYY-MM-DD, t, +N [default: today]
        #[arg(long, value_name = "DATE")]
        on: Option<String>,
        /// check, ach, card, wire, cash…
        #[arg(long, value_name = "M", default_value = "")]
        method: String,
        /// Check number or transaction reference
        #[arg(long = "ref", value_name = "R", default_value = "")]
        reference: String,
        /// Accept this amount in full settlement: the rest of the balance is written off
        #[arg(long)]
        settle: bool,
        /// The invoice the remittance names: the debtor's direction controls, so the payment goes
        /// to that invoice only and what is left stays unapplied credit until directed
        #[arg(long, value_name = "NUMBER", conflicts_with = "settle")]
        invoice: Option<String>,
        #[arg(long)]
        json: bool,
    },
    /// Write off an invoice's open balance (or the whole account's) for a reason; a part in
    /// dispute is left to the dispute's resolution
    WriteOff {
        account: String,
        #[arg(long, value_name = "NUMBER")]
        invoice: Option<String>,
        /// uncollectible, bankruptcy, deceased, small-balance, settlement-remainder, sol-expired, dispute-credit
        #[arg(long)]
        reason: String,
        #[arg(long)]
        json: bool,
    },
    /// A payment bounced: reverse it (its invoices reopen, what it kept is judged again)
    Reverse {
        /// The payment's number (see `dun show ACCOUNT --json`)
        payment: i64,
        #[arg(long)]
        reason: String,
        #[arg(long)]
        json: bool,
    },
    /// Add a note to an account
    Note {
        account: String,
        text: String,
        #[arg(long)]
        json: bool,
    },
    /// Import A/R exports (QuickBooks, Xero, Sage, FreshBooks, Wave, Zoho, any CSV with a profile)
    Import {
        /// Export files, as the accounting system wrote them
        #[arg(required = true, value_name = "FILE")]
        files: Vec<PathBuf>,
        /// The format, when detection should not decide (see `dun formats`)
        #[arg(long, value_name = "NAME")]
        format: Option<String>,
        /// Show what would change and write nothing
        #[arg(long)]
        dry_run: bool,
        /// Import the valid rows of a file that has rejected rows (the rejects are kept with the batch)
        #[arg(long)]
        skip_invalid: bool,
        /// Import an export older than the last one of its format (it would undo newer changes)
        #[arg(long)]
        force: bool,
        #[arg(long)]
        json: bool,
    },
    /// The import formats dun knows and what identifies each
    Formats {
        #[arg(long)]
        json: bool,
    },
    /// Record a promise to pay (outside a call)
    Promise {
        account: String,
        #[arg(value_parser = parse_amount)]
        amount: Money,
        /// Date it is due: YYYY-MM-DD, +7, …
        #[arg(long, visible_alias = "on", value_name = "DATE")]
        by: String,
        #[arg(long)]
        json: bool,
    },
    /// Agree a payment plan; --dry-run shows the schedule without saving it
    Plan {
        account: String,
        /// The amount the plan pays off [default: the open balance]
        #[arg(long, value_parser = parse_amount)]
        total: Option<Money>,
        /// Paid on the day the plan starts
        #[arg(long, value_parser = parse_amount)]
        down: Option<Money>,
        /// Number of installments
        #[arg(long, visible_alias = "installments", conflicts_with = "installment")]
        count: Option<u32>,
        /// Amount of each installment (the last one smaller)
        #[arg(long, visible_alias = "amount", value_parser = parse_amount)]
        installment: Option<Money>,
        /// week, 2weeks, semimonth or month (or weekly, biweekly, semimonthly, monthly)
        #[arg(long, default_value = "month")]
        every: String,
        /// First installment's date (YYYY-MM-DD, +30, …)
        #[arg(long, value_name = "DATE")]
        first: String,
        /// Days after each date before an unpaid installment counts as missed [default: plan_grace_days in config.toml, 5]
        #[arg(long, value_name = "DAYS", value_parser = clap::value_parser!(u32).range(0..=60))]
        grace: Option<u32>,
        /// Show the schedule; save nothing
        #[arg(long, visible_alias = "preview")]
        dry_run: bool,
        #[arg(long)]
        json: bool,
    },
    /// Schedule the next follow-up on an account
    FollowUp {
        account: String,
        /// YYYY-MM-DD, t, tomorrow, +7
        date: String,
        #[arg(long, value_name = "TEXT", default_value = "")]
        what: String,
        #[arg(long)]
        json: bool,
    },
    /// Open a dispute on an invoice, part of one, or the whole account: collection of what is
    /// disputed pauses
    Dispute {
        account: String,
        /// The invoice number; the whole account when not given
        #[arg(long, value_name = "NUMBER")]
        invoice: Option<String>,
        /// Only this much of the invoice is disputed; the rest stays in collection. Without
        /// --invoice: on the account's only open invoice (with several, name one)
        #[arg(long, value_name = "AMOUNT", value_parser = parse_amount, conflicts_with = "resolve")]
        amount: Option<Money>,
        /// Why it is disputed (or, with --resolve, how it was settled)
        #[arg(long, value_name = "TEXT", default_value = "")]
        reason: String,
        /// Resolve the open dispute instead: upheld (what was disputed is credited) or rejected
        #[arg(long, value_name = "upheld|rejected")]
        resolve: Option<String>,
        #[arg(long)]
        json: bool,
    },
    /// Resolve a dispute by its number: upheld (what was disputed is credited: the invoice, or
    /// only the amount disputed) or rejected (back in collection)
    Resolve {
        dispute: i64,
        #[arg(value_parser = ["upheld", "rejected"])]
        outcome: String,
        #[arg(long, value_name = "TEXT", default_value = "")]
        note: String,
        #[arg(long)]
        json: bool,
    },
    /// Today's and overdue follow-ups, promises and installments due, holds ending, and what
    /// comes in the next days
    Agenda {
        /// How many days ahead to look
        #[arg(long, value_name = "N", default_value_t = 7)]
        days: u64,
        #[arg(long)]
        json: bool,
    },
    /// Put an account on hold: it leaves the worklist for its own queue
    Hold {
        account: String,
        /// Set aside one invoice only (it stays owed but leaves collection until the hold ends)
        #[arg(long, value_name = "NUMBER", conflicts_with = "release")]
        invoice: Option<String>,
        #[arg(long, value_name = "TEXT", default_value = "", required_unless_present = "release")]
        reason: String,
        /// End the account's holds now
        #[arg(long, conflicts_with = "until")]
        release: bool,
        /// When the hold ends by itself
        #[arg(long, value_name = "DATE")]
        until: Option<String>,
        #[arg(long)]
        json: bool,
    },
    /// The account's legal case: refer it (the first call opens the case), then record the
    /// attorney, court, case number, status, costs, judgment and next court date (which becomes
    /// the account's follow-up). With no option, shows the cases.
    Legal {
        account: String,
        /// The day it was referred [default: today]
        #[arg(long, value_name = "DATE")]
        referred: Option<String>,
        #[arg(long, value_name = "TEXT")]
        attorney: Option<String>,
        #[arg(long, value_name = "TEXT")]
        court: Option<String>,
        #[arg(long, value_name = "TEXT")]
        case_number: Option<String>,
        /// referred, filed, judgment, closed
        #[arg(long, value_name = "STATUS")]
        status: Option<String>,
        /// Add a cost paid (a filing fee, a process server)
        #[arg(long, value_name = "AMOUNT", value_parser = parse_amount)]
        add_cost: Option<Money>,
        /// The amount of the judgment (sets the status to judgment)
        #[arg(long, value_name = "AMOUNT", value_parser = parse_amount)]
        judgment: Option<Money>,
        #[arg(long, value_name = "DATE")]
        next_court: Option<String>,
        #[arg(long)]
        json: bool,
    },
    /// An account's phones, emails and addresses with the history of their marks; `add` one,
    /// or `mark` one good, bad, unverified or do-not-use (never deleted)
    Contact {
        account: String,
        #[command(subcommand)]
        action: Option<ContactAction>,
        #[arg(long, global = true)]
        json: bool,
    },
    /// Move an open invoice's due date later, with the reason (undo puts it back)
    Extend {
        account: String,
        invoice: String,
        /// The new due date
        #[arg(long, value_name = "DATE")]
        to: String,
        #[arg(long, value_name = "TEXT")]
        reason: String,
        #[arg(long)]
        json: bool,
    },
    /// Why an account ranks where it does: every factor with its weight
    Why {
        account: String,
        #[arg(long)]
        json: bool,
    },
    /// Record a time, weekday or place the debtor said is inconvenient (the guard then blocks it)
    Restrict {
        account: String,
        /// A local-time window, e.g. 12:00-13:30
        #[arg(long, value_name = "HH:MM-HH:MM", conflicts_with_all = ["weekday", "no_work_contact"])]
        inconvenient: Option<String>,
        /// A day of the week, e.g. sun
        #[arg(long, value_name = "DAY", conflicts_with = "no_work_contact")]
        weekday: Option<String>,
        /// No calls to work numbers (the employer forbids it, or the debtor asked)
        #[arg(long)]
        no_work_contact: bool,
        /// Revoke every restriction on the account instead
        #[arg(long, conflicts_with_all = ["inconvenient", "weekday", "no_work_contact"])]
        revoke: bool,
        /// consumer-oral, consumer-written or creditor-file
        #[arg(long, default_value = "consumer-oral")]
        source: String,
        /// One JSON document instead of text
        #[arg(long)]
        json: bool,
    },
    /// Set or clear a standing flag (cease-contact, attorney, bankruptcy, deceased, do-not-call,
    /// email-opt-out); the reason is recorded
    Flag {
        account: String,
        flag: String,
        /// Clear it (e.g. a dismissed bankruptcy) instead of setting it
        #[arg(long)]
        clear: bool,
        #[arg(long, value_name = "TEXT")]
        reason: String,
        /// One JSON document instead of text
        #[arg(long)]
        json: bool,
    },
    /// Copy the book, consistently, while it stays in use (file readable by you only)
    Backup {
        /// Where [default: backups/ beside the database, named by date and time]
        path: Option<PathBuf>,
        /// One JSON document instead of text
        #[arg(long)]
        json: bool,
    },
    /// Replace the book with a backup (the current book is backed up first; a damaged one is moved aside whole)
    Restore {
        path: PathBuf,
        /// One JSON document instead of text
        #[arg(long)]
        json: bool,
    },
    /// Verify the book: SQLite's integrity check and the event log's hash chain
    Check {
        /// One JSON document instead of text
        #[arg(long)]
        json: bool,
    },
    /// Undo the last action on the book (anyone's): turned back in one write, and kept in the
    /// event log as undone. Exits 2, saying why, when there is nothing it can undo
    Undo {
        #[arg(long)]
        json: bool,
    },
    /// Redo what the last undo turned back; refused once something new was done since
    Redo {
        #[arg(long)]
        json: bool,
    },
    /// Anonymise closed accounts whose last activity is older than DATE (kept at least 3 years)
    Purge {
        #[arg(long, value_name = "DATE")]
        closed_before: chrono::NaiveDate,
        /// List what would be purged; change nothing
        #[arg(long)]
        dry_run: bool,
        #[arg(long)]
        json: bool,
    },
    /// Write everything held about one person to a file (an access request)
    Export {
        #[command(subcommand)]
        what: ExportWhat,
    },
    /// Set an account's rule profile (which debt-collection rules bind it); the reason is recorded
    Profile {
        account: String,
        /// consumer, commercial or unknown
        #[arg(long, value_name = "PURPOSE")]
        purpose: Option<String>,
        /// third-party, first-party or unknown
        #[arg(long, value_name = "ROLE")]
        role: Option<String>,
        /// Whether a natural person owes or guarantees the debt (yes or no)
        #[arg(long, value_name = "YES|NO", value_parser = parse_yes_no)]
        natural_person: Option<bool>,
        #[arg(long, value_name = "TEXT")]
        reason: String,
        /// One JSON document instead of text
        #[arg(long)]
        json: bool,
    },
    /// Write a letter from a template, log it as a letter attempt and archive a copy beside the book.
    /// Templates: first-notice, second-notice, final-demand, pre-legal, statement,
    /// promise-confirmation, plan-confirmation, settlement-offer, validation-notice
    /// (your own copy in the config dir's letters/NAME.txt wins)
    Letter {
        account: String,
        template: String,
        /// Also write the letter to FILE (readable by you only): FILE.pdf is print-ready on the
        /// paper of config.toml [print], any other name plain text [default: print the text]
        #[arg(long, value_name = "FILE")]
        out: Option<PathBuf>,
        /// settlement-offer: the amount accepted in full settlement
        #[arg(long, value_name = "AMOUNT", value_parser = parse_amount)]
        offer: Option<Money>,
        /// settlement-offer: the last day the offer stands [default: 30 days from today]
        #[arg(long, value_name = "DATE", requires = "offer")]
        expires: Option<String>,
        /// Open the letter in $EDITOR before it is logged and archived
        #[arg(long)]
        edit: bool,
        /// Email it instead, the PDF attached, to the account's address: sent through the
        /// [smtp] server of config.toml, else written as an .eml draft for your mail client
        #[arg(long)]
        email: bool,
        /// Print the letter; log and archive nothing
        #[arg(long)]
        dry_run: bool,
        /// Send it although the compliance guard blocks it; the reason is recorded
        #[arg(long = "override", value_name = "REASON")]
        override_reason: Option<String>,
    },
    /// Letters for every account whose next escalation step is a letter (or only TEMPLATE):
    /// the dry run lists who gets what and why; a blocked account is skipped and named
    Letters {
        template: Option<String>,
        /// Only the accounts of one queue (`dun queues` lists them); accounts the guard blocks
        /// are listed as skipped with the rule
        #[arg(long, value_name = "NAME", default_value = "all")]
        queue: String,
        #[arg(long)]
        dry_run: bool,
        /// Also write every letter sent into one print-ready PDF (readable by you only)
        #[arg(long, value_name = "FILE.pdf", conflicts_with = "dry_run")]
        out: Option<PathBuf>,
    },
    /// Reports: aging as of a date, KPIs, activity, roll rates, plan performance, disputes
    Report {
        /// The report, with the options only it takes (--by, --months)
        #[command(flatten)]
        name: ReportSpec,
        /// aging, aging-detail, roll-rates: the date the balances stood at [default: today]
        #[arg(long, value_name = "DATE")]
        as_of: Option<String>,
        /// kpi, activity, disputes: first day of the period [default: the first of the --to month]
        #[arg(long, value_name = "DATE")]
        from: Option<String>,
        /// kpi, activity, disputes: last day of the period [default: today]
        #[arg(long, value_name = "DATE")]
        to: Option<String>,
        #[arg(long, value_enum, default_value = "table")]
        format: ReportFormat,
        /// The same as --format json
        #[arg(long, conflicts_with = "format")]
        json: bool,
    },
    /// Print shell completions
    Completions {
        #[arg(value_enum)]
        shell: clap_complete::Shell,
    },
}

#[derive(Debug, Subcommand)]
pub enum ContactAction {
    /// Add a phone, email or address
    Add {
        /// phone, email or address
        kind: String,
        value: String,
        /// e.g. mobile, work, home, billing
        #[arg(long, default_value = "")]
        label: String,
        /// good, bad, unverified, do-not-use
        #[arg(long, default_value = "unverified")]
        status: String,
        /// Where it came from, e.g. debtor, skip-trace, directory
        #[arg(long, default_value = "manual")]
        source: String,
    },
    /// Mark a contact point (its number from `dun contact ACCOUNT`)
    Mark {
        id: i64,
        /// good, bad, unverified, do-not-use
        status: String,
        #[arg(long, value_name = "TEXT")]
        reason: String,
    },
}

#[derive(Debug, Subcommand)]
pub enum ExportWhat {
    /// Everything held about one debtor, as JSON (created readable by you only)
    Debtor {
        account: String,
        /// Output file [default: debtor-<id>.json in the current directory]
        #[arg(long, value_name = "FILE")]
        out: Option<PathBuf>,
    },
    /// Payments, settlements, write-offs and reversals recorded in dun, for your accounting system
    Payments {
        /// The first day to include
        #[arg(long, value_name = "DATE")]
        since: String,
        /// csv (a row per invoice), ledger (hledger journal), qbo or xero (bank statement upload)
        #[arg(long, value_enum, default_value = "csv")]
        format: PaymentFormat,
        /// Output file (created readable by you only) [default: standard output]
        #[arg(long, value_name = "FILE")]
        out: Option<PathBuf>,
    },
    /// The legal file of one account: statement, invoices, timeline, promises and plans, letters sent
    Case {
        account: String,
        /// The folder to write (created readable by you only) [default: case-<id>]
        #[arg(long, value_name = "DIR")]
        out: Option<PathBuf>,
    },
    /// Follow-ups, promises and installments due, as an iCalendar file your calendar subscribes to
    Ics {
        /// Leave out what falls due before this day [default: today]
        #[arg(long, value_name = "DATE")]
        from: Option<String>,
        /// Output file [default: dun.ics in the current directory]
        #[arg(long, value_name = "FILE")]
        out: Option<PathBuf>,
    },
}

fn parse_yes_no(s: &str) -> Result<bool, String> {
    match s.to_ascii_lowercase().as_str() {
        "yes" | "y" | "true" => Ok(true),
        "no" | "n" | "false" => Ok(false),
        _ => Err(format!("'{s}': say yes or no")),
    }
}

fn parse_amount(s: &str) -> Result<Money, String> {
    crate::domain::parse_money(s).map_err(|e| e.to_string())
}

/// Which report, and the options that belong to one report only.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::Args)]
pub struct ReportSpec {
    #[arg(value_enum)]
    pub name: ReportName,
    /// activity: a row per day, week (ISO, from Monday) or month [default: days for a month or
    /// less, weeks up to 183 days, else months]
    #[arg(long, value_enum)]
    pub by: Option<ReportBy>,
    /// roll-rates: how many month ends, back from --as-of [default: 6]
    #[arg(long, value_name = "N", value_parser = clap::value_parser!(u32).range(1..=120))]
    pub months: Option<u32>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum ReportName {
    /// Receivables by aging bucket
    Aging,
    /// One row per debtor with a column per bucket
    AgingDetail,
    /// DSO, CEI, promise-kept and contact rates…, each with its formula and inputs
    Kpi,
    /// Per day, week or month: attempts, right-party contacts, promises made and kept, money in
    Activity,
    /// Month by month, the share of each bucket that rolled into the next one, and cured (K-ROLL)
    RollRates,
    /// Payment plans by status; installments due so far paid on time, late or missed
    Plans,
    /// Disputes opened in the period by reason: amounts, outcomes, days to resolve
    Disputes,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum ReportBy {
    Day,
    Week,
    Month,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum ReportFormat {
    Table,
    Csv,
    Json,
    Md,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum PaymentFormat {
    Csv,
    Ledger,
    Qbo,
    Xero,
}
