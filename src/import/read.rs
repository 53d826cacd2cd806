//! Reading one export into ledger rows: every row classified, every value parsed
//! exactly, every problem reported with its line and column. Pure: no store access.

use chrono::NaiveDate;
use compact_str::CompactString;
use serde::Serialize;

use super::amount::Decimal;
use super::cells::{Cells, Fields};
use super::date::{DateOrder, OrderVotes};
use super::detect::{ColumnMap, Detected};
use super::profile::{Profile, ProfileKind, norm, norm_is};
use super::source::Text;
use super::tally::{Pass, Tally};
use super::text::{CsvError, Encoding, Record, RecordReader, ResumePoint};
use super::totals::{Sums, check_total};
use crate::domain::Money;
use pieces::in_pieces;
pub use pieces::{Pieces, SPLIT_FROM};

#[path = "conventions.rs"]
mod conventions;
#[path = "read_pieces.rs"]
mod pieces;
#[path = "read_row.rs"]
mod row;
#[path = "row_counts.rs"]
mod row_counts;
pub use conventions::DISPROVED;
use row::{column_letter, contact_row, detail_line, finish, gather};
pub use row_counts::RowCounts;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum RowClass {
    Preamble,
    Header,
    Group,
    Detail,
    Subtotal,
    Total,
    Footer,
    Blank,
    /// A detail row that is not a receivable (a draft, a journal entry): passed over.
    Skipped,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Severity {
    /// The row cannot be imported.
    Error,
    /// Imported, but worth a look (a total that does not add up).
    Warning,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Issue {
    pub line: usize,
    pub column: Option<String>,
    pub severity: Severity,
    pub reason: String,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum ItemKind {
    Invoice,
    CreditMemo,
    /// A payment the ledger has not applied to an invoice (a negative line).
    UnappliedPayment,
}

/// Where the receivables of a large file go as they are read, so that no list of them all
/// is ever held: the import reconciles and writes each batch while the next is read.
pub trait RowSink {
    /// About how many records follow the header (before any row is handed over).
    fn expect(&mut self, records: usize);
    /// The next receivables, in file order.
    fn rows(&mut self, rows: Vec<LedgerRow>);
    /// Whether rows may come before the file's day/month order is proven: read on the word
    /// of a format that names its conventions, with no first pass over the file. Should the
    /// file's dates then disprove the format's order, [`RowSink::disproved`] is called and
    /// the read fails with [`DISPROVED`]: what was handed over is to be thrown away, and the
    /// file read again by a sink that answers no.
    fn on_trust(&self) -> bool {
        false
    }
    /// The rows handed over were read on the format's word, and its dates disproved it.
    fn disproved(&mut self) {}
}

/// How many receivables a [`RowSink`] gets at a time.
pub const ROWS_PER_BATCH: usize = 16_000;

/// One receivable as the ledger states it.
/// Its texts are held in place up to 24 bytes (most names, references and numbers): a
/// million-row export is read into a million of these, and an allocation for each text
/// was a fifth of the reading.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct LedgerRow {
    pub line: usize,
    pub customer: CompactString,
    pub customer_ref: Option<CompactString>,
    /// The sub-customer or job of `Parent:Child` names.
    pub job: Option<CompactString>,
    pub kind: ItemKind,
    pub number: CompactString,
    pub issued: Option<NaiveDate>,
    pub due: NaiveDate,
    pub original: Option<Money>,
    pub balance: Money,
    pub currency: Option<CompactString>,
}

/// One customer's contact details as the ledger states them.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ContactRow {
    pub line: usize,
    pub customer: String,
    pub customer_ref: Option<String>,
    pub email: Option<String>,
    /// (label, number)
    pub phones: Vec<(String, String)>,
    pub address: Option<String>,
}

#[derive(Debug, Clone, Serialize)]
pub struct Parsed {
    pub format: String,
    pub format_title: String,
    pub encoding: String,
    pub delimiter: &'static str,
    pub date_order: Option<DateOrder>,
    pub date_note: String,
    pub decimal: &'static str,
    pub classes: RowCounts,
    /// The receivables read, unless they were handed to a [`RowSink`] as they were read.
    pub invoices: Vec<LedgerRow>,
    pub contacts: Vec<ContactRow>,
    pub issues: Vec<Issue>,
    pub caveat: Option<String>,
}

impl Parsed {
    pub fn errors(&self) -> impl Iterator<Item = &Issue> {
        self.issues.iter().filter(|i| i.severity == Severity::Error)
    }
    pub fn count(&self, class: RowClass) -> usize {
        self.classes.get(class)
    }
}

fn is_footer(first: &str) -> bool {
    let s = first.trim();
    let starts = |prefix: &str| s.get(..prefix.len()).is_some_and(|p| p.eq_ignore_ascii_case(prefix));
    if starts("accrual basis") || starts("cash basis") {
        return true;
    }
    // The print stamp: "Monday, March 2, 2026 09:41 AM GMT-05:00". Every row is asked, so
    // the common case (no comma) allocates nothing.
    if !s.as_bytes().windows(2).any(|w| w == b", ") {
        return false;
    }
    let lower = s.to_lowercase();
    let weekday = ["monday, ", "tuesday, ", "wednesday, ", "thursday, ", "friday, ", "saturday, ", "sunday, "]
        .iter()
        .any(|d| lower.contains(d));
    weekday && (lower.contains(" am") || lower.contains(" pm"))
}

fn is_grand_total(r: &Record) -> bool {
    let c0 = r.cell(0).trim();
    let c1 = r.cell(1).trim();
    ["total", "grand total", "grand totals:", "totals:", "summe", "gesamt"].iter().any(|t| c0.eq_ignore_ascii_case(t))
        || (c0.is_empty() && c1.eq_ignore_ascii_case("total"))
}

/// `Total for X`, `Total - X`, or `Total X` where X is the open group (exact, so a
/// customer called "Totally Fresh Produce" is never a total).
fn subtotal_label<'a>(c0: &'a str, open_groups: &[String]) -> Option<&'a str> {
    let c0 = c0.trim();
    let rest =
        c0.strip_prefix("Total for ").or_else(|| c0.strip_prefix("Total - ")).or_else(|| c0.strip_prefix("Total "))?;
    let base = rest.trim_end_matches(" with sub-customers").trim_end_matches(" with sub-items");
    open_groups.iter().any(|g| g == base).then_some(rest)
}

/// A detail row before lines are gathered into invoices.
struct Line {
    line: usize,
    customer: CompactString,
    customer_ref: Option<CompactString>,
    job: Option<CompactString>,
    kind: ItemKind,
    number: Option<CompactString>,
    issued: Option<NaiveDate>,
    due: Option<NaiveDate>,
    amount: Option<Money>,
    balance: Option<Money>,
    currency: Option<CompactString>,
    status: Option<String>,
}

/// Read the rows after the header. `head` holds the records up to and including the
/// header (what detection looked at); the body is read from `text` twice, one record at a
/// time: once for the file's conventions (decimal mark, date order), a window at a time,
/// once for the rows, a span of whole records at a time (of `pieces` records, or
/// [`ROWS_PER_BATCH`]), which a flat file read in `pieces` reads on two threads at once.
/// A file without quotes whose format names its conventions is read once, on the format's
/// word, when there is no `sink` or it agrees ([`RowSink::on_trust`]); its newlines alone
/// are looked for first, to count and place its records.
pub fn read_splitting_from(
    head: &[Record],
    text: &Text<'_>,
    detected: &Detected<'_>,
    encoding: Encoding,
    delimiter: u8,
    pieces: Pieces,
    mut sink: Option<&mut dyn RowSink>,
) -> Result<Parsed, CsvError> {
    let file = File { head, text, detected, encoding, delimiter, pieces };
    let on_trust = sink.as_deref().is_none_or(|s| s.on_trust());
    if let Some(parsed) = read_on(&file, sink.as_deref_mut(), on_trust)? {
        return Ok(parsed);
    }
    let disproved = || CsvError { line: 0, reason: DISPROVED.into() };
    match sink {
        Some(sink) => {
            sink.disproved();
            Err(disproved())
        }
        // Nothing was handed over: read again, the votes first.
        None => read_on(&file, None, false)?.ok_or_else(disproved),
    }
}

/// What [`read_splitting_from`] reads, as it was given.
struct File<'a, 't> {
    head: &'a [Record],
    text: &'a Text<'t>,
    detected: &'a Detected<'a>,
    encoding: Encoding,
    delimiter: u8,
    pieces: Pieces,
}

/// [`read_splitting_from`], on the format's word if `on_trust`: None if the file's dates
/// then disprove it.
fn read_on<'s>(
    file: &File<'_, '_>,
    mut sink: Option<&mut (dyn RowSink + 's)>,
    on_trust: bool,
) -> Result<Option<Parsed>, CsvError> {
    let File { head, text, detected, encoding, delimiter, pieces } = *file;
    let records = head;
    let p = detected.profile;
    let cols = &detected.columns;
    let mut issues = Vec::new();
    let mut classes = RowCounts::default();
    (0..detected.header).for_each(|_| classes.add(RowClass::Preamble));
    classes.add(RowClass::Header);
    let header_cells: Vec<String> = records[detected.header].cells.iter().map(norm).collect();
    // Problems name a column as the file spells it, with its spreadsheet letter.
    let mut named = p.clone();
    for (field, idx) in cols {
        let text = records[detected.header].cell(*idx).trim().trim_start_matches('*');
        named.columns.insert(field.clone(), vec![format!("{text} ({})", column_letter(*idx))]);
    }
    let p = &named;
    // Decide the file's number and date conventions from all its cells first.
    let columns_of = |fields: [&str; 2]| fields.into_iter().filter_map(|f| cols.get(f).copied()).collect::<Vec<_>>();
    // A profile that names its decimal mark needs no votes for it (two cells a row fewer).
    let amount_columns = match p.decimal() {
        Some(_) => Vec::new(),
        None => columns_of(["amount", "balance"]),
    };
    let date_columns = columns_of(["issued", "due"]);
    let started = std::time::Instant::now();
    // A flat export (a row per receivable, no groups) can be read in pieces: each row stands
    // alone. This pass also finds where each span of records starts.
    let flat = p.kind == ProfileKind::Invoices && !p.grouped && !p.lines_per_invoice;
    let span = pieces.0.unwrap_or(ROWS_PER_BATCH).max(1);
    let pass = Pass {
        skip: detected.header + 1,
        amount_columns: &amount_columns,
        date_columns: &date_columns,
        span,
        two_threads: pieces.0.is_none(),
    };
    let has_dates = !date_columns.is_empty();
    let lined = match on_trust && conventions::named_by_format(p, has_dates) {
        true => pass.lines(text, delimiter)?,
        false => None,
    };
    // Read on the format's word: the dates vote as the rows are read, to be checked after.
    let checking = lined.is_some();
    let Tally { decimal: decimal_votes, order: order_votes, counted, starts } = match lined {
        Some(tally) => tally,
        None => pass.walk(text, delimiter)?,
    };
    tracing::debug!(ms = started.elapsed().as_millis() as u64, "import: conventions read");
    if let Some(sink) = sink.as_deref_mut() {
        sink.expect(counted);
    }
    let decimal = p.decimal().or_else(|| decimal_votes.verdict()).unwrap_or(Decimal::Point);
    // Checking, no vote is in yet: this is the format's order, its note written once read.
    let decided = conventions::decide(&order_votes, has_dates, p);
    let (date_order, mut date_note) = (decided.order, decided.note);
    if decided.contradictory {
        issues.push(Issue {
            line: records[detected.header].line,
            column: None,
            severity: Severity::Error,
            reason: conventions::MIXED.into(),
        });
    }

    let fields = Fields::of(cols);
    let votes_on: &[usize] = if checking { &date_columns } else { &[] };
    let cx = RowContext { p, cols, fields: &fields, header_cells: &header_cells, decimal, date_order, votes_on };
    let so_far = Rows { classes, issues, last_line: records[detected.header].line, ..Rows::default() };
    // Span k: its text and where it starts.
    let span_of = |k: usize| -> Result<Span<'_>, CsvError> {
        let end = starts.get(k + 1).map_or(text.len(), |s| s.0);
        Ok(Span { text: text.span(starts[k].0, end)?, from: starts[k], delimiter })
    };
    let rows = if flat && pieces.0.is_some() && starts.len() > 1 {
        in_pieces(starts.len(), &span_of, &cx, so_far, sink.as_deref_mut())?
    } else {
        let mut rows = so_far;
        for k in 0..starts.len() {
            read_rows(&mut span_of(k)?.reader(), &cx, &mut rows, sink.as_deref_mut())?;
        }
        rows
    };
    if checking {
        let read = conventions::decide(&rows.order, has_dates, p);
        if read.contradictory || read.order != date_order {
            return Ok(None);
        }
        date_note = read.note;
    }
    let Rows { classes, mut issues, lines, mut invoices, contacts, groups, last_line, .. } = rows;
    if !groups.is_empty() && p.grouped && classes.get(RowClass::Subtotal) > 0 {
        issues.push(Issue {
            line: last_line,
            column: None,
            severity: Severity::Warning,
            reason: format!("group '{}' has no closing total row", groups.join(" / ")),
        });
    }
    invoices.extend(gather(lines, p, &mut issues));
    if let Some(sink) = sink {
        sink.rows(std::mem::take(&mut invoices));
    }
    Ok(Some(Parsed {
        format: p.name.clone(),
        format_title: p.title.clone(),
        encoding: encoding.to_string(),
        delimiter: super::text::delimiter_name(delimiter),
        date_order,
        date_note,
        decimal: match decimal {
            Decimal::Point => "point",
            Decimal::Comma => "comma",
        },
        classes,
        invoices,
        contacts,
        issues,
        caveat: p.caveat.clone(),
    }))
}

/// What the rows of a file say, as far as they have been read.
#[derive(Default)]
struct Rows {
    classes: RowCounts,
    issues: Vec<Issue>,
    lines: Vec<Line>,
    invoices: Vec<LedgerRow>,
    contacts: Vec<ContactRow>,
    groups: Vec<String>,
    group_sums: Vec<Sums>,
    grand: Sums,
    ended: bool,
    last_line: usize,
    /// Read ahead of the rows before it (a later piece of a file read in pieces): a grand
    /// total is checked once the rows before are summed, with what this piece had by then.
    ahead: bool,
    totals_ahead: Vec<(Record, Sums)>,
    /// The dates' votes for their day/month order, when they vote as the rows are read.
    order: OrderVotes,
}

/// A run of whole records of a file.
struct Span<'t> {
    text: std::borrow::Cow<'t, str>,
    from: ResumePoint,
    delimiter: u8,
}

impl Span<'_> {
    fn reader(&self) -> RecordReader<'_> {
        RecordReader::resume_in(&self.text, self.delimiter, self.from)
    }
}

/// What reading a row needs to know of its file.
struct RowContext<'a> {
    p: &'a Profile,
    cols: &'a ColumnMap,
    fields: &'a Fields,
    header_cells: &'a [String],
    decimal: Decimal,
    date_order: Option<DateOrder>,
    /// The date columns, when the dates vote as the rows are read.
    votes_on: &'a [usize],
}

impl Rows {
    fn total(&mut self, r: &Record, cx: &RowContext<'_>, what: &str) {
        if self.ahead {
            self.totals_ahead.push((r.clone(), self.grand));
        } else {
            check_total(r, cx.cols, cx.decimal, self.grand, what, &mut self.issues);
        }
    }

    /// These rows followed by `later`, the rows after them read ahead.
    fn then(mut self, mut later: Rows, cx: &RowContext<'_>) -> Rows {
        for (r, partial) in std::mem::take(&mut later.totals_ahead) {
            check_total(&r, cx.cols, cx.decimal, self.grand + partial, "the grand total", &mut later.issues);
        }
        later.issues.sort_by_key(|i| i.line);
        self.classes.merge(&later.classes);
        self.issues.append(&mut later.issues);
        self.lines.append(&mut later.lines);
        self.invoices.append(&mut later.invoices);
        self.contacts.append(&mut later.contacts);
        self.grand += later.grand;
        self.order.add(&later.order);
        self.ended = later.ended;
        if later.last_line > 0 {
            self.last_line = later.last_line;
        }
        self
    }
}

/// Read the rows of `reader` into `st`.
fn read_rows<'s>(
    reader: &mut RecordReader<'_>,
    cx: &RowContext<'_>,
    st: &mut Rows,
    mut sink: Option<&mut (dyn RowSink + 's)>,
) -> Result<(), CsvError> {
    let RowContext { p, cols, fields, header_cells, decimal, date_order, votes_on } = *cx;
    // The date cells of the record, split as they voted: a detail row's dates are read from them.
    let mut split = Vec::with_capacity(votes_on.len());
    while reader.advance()? {
        let r = reader.record();
        st.last_line = r.line;
        // Every record votes, as in the first pass.
        split.clear();
        for &i in votes_on {
            if let Some(parts) = st.order.see(r.cell(i)) {
                split.push((i, parts));
            }
        }
        let c0 = r.cell(0).trim();
        if r.is_blank() {
            st.classes.add(RowClass::Blank);
            continue;
        }
        if st.ended || is_footer(c0) {
            st.classes.add(RowClass::Footer);
            st.ended = true;
            continue;
        }
        if r.cells.len() == header_cells.len() && r.cells.iter().zip(header_cells).all(|(c, h)| norm_is(c, h)) {
            st.classes.add(RowClass::Header); // a repeated page header
            continue;
        }
        if is_grand_total(r) {
            st.classes.add(RowClass::Total);
            st.total(r, cx, "the grand total");
            st.ended = p.grouped;
            continue;
        }
        if p.grouped {
            if let Some(label) = subtotal_label(c0, &st.groups) {
                st.classes.add(RowClass::Subtotal);
                let base = label.trim_end_matches(" with sub-customers").trim_end_matches(" with sub-items");
                if let Some(pos) = st.groups.iter().rposition(|g| g == base) {
                    let sum = st.group_sums[pos..].iter().fold(Sums::default(), |a, b| a + *b);
                    st.groups.truncate(pos);
                    st.group_sums.truncate(pos);
                    check_total(r, cols, decimal, sum, &format!("'{label}'"), &mut st.issues);
                    if let Some(parent) = st.group_sums.last_mut() {
                        *parent += sum;
                    }
                }
                continue;
            }
            if !c0.is_empty() && r.cells.iter().skip(1).all(|c| c.trim().is_empty()) {
                st.classes.add(RowClass::Group);
                st.groups.push(c0.to_string());
                st.group_sums.push(Sums::default());
                continue;
            }
        }
        let cells = Cells { record: r, columns: cols, fields, split: &split };
        if let Some(filter) = &p.row_filter {
            let value = cells.get(&filter.field).map(norm).unwrap_or_default();
            if !filter.keep.contains(&value) {
                st.classes.add(RowClass::Skipped);
                continue;
            }
        }
        match p.kind {
            ProfileKind::Contacts => match contact_row(&cells, p, r.line) {
                Ok(c) => {
                    st.classes.add(RowClass::Detail);
                    st.contacts.push(c);
                }
                Err(issue) => {
                    st.classes.add(RowClass::Detail);
                    st.issues.push(issue);
                }
            },
            ProfileKind::Invoices => {
                let customer_group = if p.customer_from_group { st.groups.first().cloned() } else { None };
                let job_group =
                    if p.customer_from_group && st.groups.len() > 1 { st.groups.last().cloned() } else { None };
                match detail_line(&cells, p, r.line, decimal, date_order, customer_group, job_group) {
                    Ok(Some(line)) => {
                        st.classes.add(RowClass::Detail);
                        let counted = Sums {
                            counted: line.balance.or(line.amount).unwrap_or(Money::ZERO),
                            amounts: line.amount.unwrap_or(Money::ZERO),
                        };
                        st.grand += counted;
                        if let Some(sum) = st.group_sums.last_mut() {
                            *sum += counted;
                        }
                        // A row is a receivable unless lines gather by invoice number:
                        // finished here, so a large file never holds its lines and its
                        // receivables at once.
                        if p.lines_per_invoice {
                            st.lines.push(line);
                        } else if let Some(row) = finish(line, &[], p, &mut st.issues) {
                            st.invoices.push(row);
                            if let Some(sink) = sink.as_deref_mut().filter(|_| st.invoices.len() >= ROWS_PER_BATCH) {
                                sink.rows(std::mem::replace(&mut st.invoices, Vec::with_capacity(ROWS_PER_BATCH)));
                            }
                        }
                    }
                    Ok(None) => st.classes.add(RowClass::Skipped),
                    Err(issue) => {
                        st.classes.add(RowClass::Detail);
                        st.issues.push(issue);
                    }
                }
            }
        }
    }
    Ok(())
}

#[cfg(test)]
#[path = "read_tests.rs"]
mod tests;
