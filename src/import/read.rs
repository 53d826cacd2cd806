//! Reading one export into ledger rows: every row classified, every value parsed
//! exactly, every problem reported with its line and column. Pure: no store access.

use std::collections::HashMap;

use chrono::NaiveDate;
use compact_str::CompactString;
use serde::Serialize;

use super::amount::{Decimal, parse_amount};
use super::cells::{Cells, Fields};
use super::date::{DateOrder, OrderEvidence, parse_date};
use super::detect::{ColumnMap, Detected};
use super::profile::{Profile, ProfileKind, norm, norm_is};
use super::source::Text;
use super::tally::{Pass, Tally};
use super::text::{CsvError, Encoding, Record, RecordReader, ResumePoint};
use super::totals::{Sums, check_total};
use crate::domain::Money;
use pieces::in_pieces;
pub use pieces::{Pieces, SPLIT_FROM};

#[path = "read_pieces.rs"]
mod pieces;
#[path = "row_counts.rs"]
mod row_counts;
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
    if !s.contains(", ") {
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
pub fn read_splitting_from(
    head: &[Record],
    text: &Text<'_>,
    detected: &Detected<'_>,
    encoding: Encoding,
    delimiter: u8,
    pieces: Pieces,
    mut sink: Option<&mut dyn RowSink>,
) -> Result<Parsed, CsvError> {
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
    let Tally { decimal: decimal_votes, order: order_votes, counted, starts } = pass.walk(text, delimiter)?;
    tracing::debug!(ms = started.elapsed().as_millis() as u64, "import: conventions read");
    if let Some(sink) = sink.as_deref_mut() {
        sink.expect(counted);
    }
    let decimal = p.decimal().or_else(|| decimal_votes.verdict()).unwrap_or(Decimal::Point);
    let has_dates = cols.contains_key("issued") || cols.contains_key("due");
    let (date_order, date_note) = match order_votes.verdict() {
        _ if !has_dates => (p.date_order, "none in this file".into()),
        OrderEvidence::Proven(o) => (Some(o), format!("{} (proven by the file's dates)", order_name(o))),
        OrderEvidence::Ambiguous => match p.date_order {
            Some(o) => {
                let whose = if p.source.is_empty() { format!("the {} profile", p.name) } else { p.source.clone() };
                (Some(o), format!("{} ({whose}'s order; no date in the file says otherwise)", order_name(o)))
            }
            None => (None, "not decided: every date reads both ways and the format has no known order".into()),
        },
        OrderEvidence::Contradictory => {
            issues.push(Issue {
                line: records[detected.header].line,
                column: None,
                severity: Severity::Error,
                reason: "the file mixes day-first and month-first dates".into(),
            });
            (None, "contradictory: the file mixes day-first and month-first dates".into())
        }
    };

    let fields = Fields::of(cols);
    let cx = RowContext { p, cols, fields: &fields, header_cells: &header_cells, decimal, date_order };
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
    Ok(Parsed {
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
    })
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
    let RowContext { p, cols, fields, header_cells, decimal, date_order } = *cx;
    while reader.advance()? {
        let r = reader.record();
        st.last_line = r.line;
        let c0 = r.cell(0).trim();
        let rest_blank = r.cells.iter().skip(1).all(|c| c.trim().is_empty());
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
            if !c0.is_empty() && rest_blank {
                st.classes.add(RowClass::Group);
                st.groups.push(c0.to_string());
                st.group_sums.push(Sums::default());
                continue;
            }
        }
        let cells = Cells { record: r, columns: cols, fields };
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

fn order_name(o: DateOrder) -> &'static str {
    match o {
        DateOrder::Mdy => "month/day/year",
        DateOrder::Dmy => "day/month/year",
        DateOrder::Ymd => "year-month-day",
    }
}

/// An ISO 4217 code as the book keeps it: three letters, upper case.
fn currency_code(cell: &str) -> Option<CompactString> {
    (cell.len() == 3 && cell.bytes().all(|b| b.is_ascii_alphabetic())).then(|| {
        let mut code = CompactString::from(cell);
        code.make_ascii_uppercase();
        code
    })
}

fn error(line: usize, column: Option<&str>, reason: impl Into<String>) -> Issue {
    Issue { line, column: column.map(str::to_string), severity: Severity::Error, reason: reason.into() }
}

fn split_customer(name: &str, subcustomers: bool) -> (CompactString, Option<CompactString>) {
    match name.split_once(':').filter(|_| subcustomers) {
        Some((parent, child)) if !parent.trim().is_empty() && !child.trim().is_empty() => {
            (parent.trim().into(), Some(child.trim().into()))
        }
        _ => (name.trim().into(), None),
    }
}

/// A, B, … Z, AA, AB, …
fn column_letter(mut i: usize) -> String {
    let mut out = Vec::new();
    loop {
        out.push(char::from(b'A' + (i % 26) as u8));
        if i < 26 {
            break;
        }
        i = i / 26 - 1;
    }
    out.iter().rev().collect()
}

fn column_name<'a>(p: &'a Profile, field: &'a str) -> &'a str {
    p.columns.get(field).and_then(|a| a.first()).map_or(field, |s| s.as_str())
}

#[allow(clippy::too_many_arguments)]
fn detail_line(
    c: &Cells<'_>,
    p: &Profile,
    line: usize,
    decimal: Decimal,
    order: Option<DateOrder>,
    customer_group: Option<String>,
    job_group: Option<String>,
) -> Result<Option<Line>, Issue> {
    let f = c.fields;
    let status = c.at(f.status).map(norm);
    if status.as_ref().is_some_and(|s| p.statuses.skip.contains(s)) {
        return Ok(None);
    }
    let kind = match c.at(f.kind).map(norm) {
        Some(t) if p.types.invoice.contains(&t) => Some(ItemKind::Invoice),
        Some(t) if p.types.credit.contains(&t) => Some(ItemKind::CreditMemo),
        Some(t) if p.types.payment.contains(&t) => Some(ItemKind::UnappliedPayment),
        Some(t) if p.types.skip.contains(&t) => return Ok(None),
        Some(t) if !p.types.invoice.is_empty() => {
            return Err(error(line, Some(column_name(p, "type")), format!("unknown transaction type '{t}'")));
        }
        _ => None,
    };
    let amount_of = |field: &str, column: Option<usize>| -> Result<Option<Money>, Issue> {
        match c.at(column) {
            None => Ok(None),
            Some(v) => parse_amount(v, decimal).map_err(|e| error(line, Some(column_name(p, field)), e.to_string())),
        }
    };
    let date_of = |field: &str, column: Option<usize>| -> Result<Option<NaiveDate>, Issue> {
        match (c.at(column), order) {
            (None, _) => Ok(None),
            (Some(v), Some(o)) => parse_date(v, o).map_err(|e| error(line, Some(column_name(p, field)), e.to_string())),
            (Some(v), None) => parse_date(v, DateOrder::Ymd)
                .ok()
                .flatten()
                .filter(|_| v.len() >= 10 && v.as_bytes()[4] == b'-')
                .map(Some)
                .ok_or_else(|| {
                    error(
                        line,
                        Some(column_name(p, field)),
                        format!("'{v}': day/month order unknown (set date_order in the {} profile)", p.name),
                    )
                }),
        }
    };
    let mut amount = amount_of("amount", f.amount)?;
    let mut balance = amount_of("balance", f.balance)?;
    let kind = kind.unwrap_or(if balance.or(amount).is_some_and(Money::is_negative) {
        ItemKind::CreditMemo
    } else {
        ItemKind::Invoice
    });
    if p.positive_credits && kind == ItemKind::CreditMemo {
        let negative = |m: Money| Money(-m.cents().abs());
        amount = amount.map(negative);
        balance = balance.map(negative);
    }
    let (customer, mut job) = match (c.at(f.customer), customer_group) {
        (Some(n), _) => split_customer(n, p.subcustomers),
        (None, Some(g)) => split_customer(&g, p.subcustomers),
        (None, None) => return Err(error(line, Some(column_name(p, "customer")), "no customer on this row")),
    };
    if job.is_none() {
        job = job_group.map(CompactString::from);
    }
    let issued = date_of("issued", f.issued)?;
    let due = date_of("due", f.due)?;
    let currency = match c.at(f.currency) {
        Some(code) => Some(currency_code(code).ok_or_else(|| {
            error(
                line,
                Some(column_name(p, "currency")),
                format!("'{code}' is not a currency code (three letters, as USD or EUR)"),
            )
        })?),
        None => p.currency.as_deref().map(CompactString::from),
    };
    Ok(Some(Line {
        line,
        customer,
        customer_ref: c.at(f.customer_ref).map(CompactString::from),
        job,
        kind,
        number: c.at(f.number).map(CompactString::from),
        issued,
        due,
        amount,
        balance,
        currency,
        status,
    }))
}

/// Gather lines into receivables: one per row, or one per invoice number for
/// exports that print a row per invoice line.
fn gather(lines: Vec<Line>, p: &Profile, issues: &mut Vec<Issue>) -> Vec<LedgerRow> {
    let mut order: Vec<CompactString> = Vec::new();
    let mut by_number: HashMap<CompactString, Vec<Line>> = HashMap::new();
    let mut out = Vec::new();
    for l in lines {
        if p.lines_per_invoice {
            let Some(number) = l.number.clone() else {
                issues.push(error(l.line, Some(column_name(p, "number")), "no invoice number"));
                continue;
            };
            if !by_number.contains_key(&number) {
                order.push(number.clone());
            }
            by_number.entry(number).or_default().push(l);
        } else if let Some(row) = finish(l, &[], p, issues) {
            out.push(row);
        }
    }
    for number in order {
        if let Some(mut group) = by_number.remove(&number)
            && !group.is_empty()
            && let Some(row) = finish(group.remove(0), &group, p, issues)
        {
            out.push(row);
        }
    }
    out
}

/// One receivable from its first line and the lines after it (moved, not copied: this
/// runs once per row of the file).
fn finish(first: Line, rest: &[Line], p: &Profile, issues: &mut Vec<Issue>) -> Option<LedgerRow> {
    let group = || std::iter::once(&first).chain(rest);
    let amount = if p.sum_lines {
        let positive: Money = group().filter_map(|l| l.amount).filter(|a| a.is_positive()).sum();
        Some(positive).filter(|a| !a.is_negative())
    } else {
        first.amount
    };
    let signed_sum: Money = group().filter_map(|l| l.amount).sum();
    let balance = match (first.balance, &first.status) {
        (Some(b), _) => b,
        (None, Some(s)) if p.statuses.paid.contains(s) => Money::ZERO,
        (None, Some(s)) if p.statuses.partial.contains(s) => {
            issues.push(Issue {
                line: first.line,
                column: Some(column_name(p, "status").to_string()),
                severity: Severity::Warning,
                reason: "partly paid: this export does not say how much, so the whole amount is taken as open".into(),
            });
            amount.unwrap_or(Money::ZERO)
        }
        (None, Some(_)) => amount.unwrap_or(Money::ZERO),
        (None, None) if p.sum_lines => signed_sum,
        (None, None) => match first.amount {
            Some(a) => a,
            None => {
                issues.push(error(first.line, Some(column_name(p, "balance")), "no open balance on this row"));
                return None;
            }
        },
    };
    let due = match first.due.or(first.issued) {
        Some(d) => d,
        None => {
            issues.push(error(first.line, Some(column_name(p, "due")), "no due date and no transaction date"));
            return None;
        }
    };
    let number = match (first.number, first.kind) {
        (Some(n), _) => n,
        (None, ItemKind::Invoice) => {
            issues.push(error(first.line, Some(column_name(p, "number")), "an invoice without a number"));
            return None;
        }
        // Unnumbered credits and payments get a stable key, so a re-import finds them again.
        (None, kind) => compact_str::format_compact!(
            "{}-{}-{}",
            if kind == ItemKind::UnappliedPayment { "PMT" } else { "CR" },
            first.issued.unwrap_or(due).format("%Y%m%d"),
            balance.cents().abs()
        ),
    };
    Some(LedgerRow {
        line: first.line,
        customer: first.customer,
        customer_ref: first.customer_ref,
        job: first.job,
        kind: first.kind,
        number,
        issued: first.issued,
        due,
        original: amount,
        balance,
        currency: first.currency,
    })
}

fn contact_row(c: &Cells<'_>, p: &Profile, line: usize) -> Result<ContactRow, Issue> {
    let name = c.get("customer").ok_or_else(|| error(line, Some(column_name(p, "customer")), "no customer name"))?;
    let customer = split_customer(name, p.subcustomers).0.into();
    let mut phones = Vec::new();
    if let Some(cell) = c.get("phone") {
        phones.extend(labelled_phones(cell, "phone"));
    }
    if let Some(m) = c.get("mobile") {
        phones.push(("mobile".into(), m.to_string()));
    }
    let address_parts: Vec<&str> =
        ["address", "address2", "city", "region", "postal_code", "country"].iter().filter_map(|f| c.get(f)).collect();
    let address = (!address_parts.is_empty()).then(|| address_parts.join(", ").replace(['\n', '\r'], ", "));
    Ok(ContactRow {
        line,
        customer,
        customer_ref: c.get("customer_ref").map(str::to_string),
        email: c.get("email").map(str::to_string),
        phones,
        address: address.map(|a| a.split(", ").filter(|s| !s.trim().is_empty()).collect::<Vec<_>>().join(", ")),
    })
}

/// `Phone:(410) 415-7406 Mobile:(410) 555-0100` → [("phone", …), ("mobile", …)].
fn labelled_phones(cell: &str, default: &str) -> Vec<(String, String)> {
    let mut out: Vec<(String, String)> = Vec::new();
    let mut label = default.to_string();
    let mut current = String::new();
    for word in cell.split_whitespace() {
        if let Some((l, rest)) =
            word.split_once(':').filter(|(l, _)| !l.is_empty() && l.chars().all(char::is_alphabetic))
        {
            if !current.trim().is_empty() {
                out.push((label.clone(), current.trim().to_string()));
            }
            label = l.to_lowercase();
            current = rest.to_string();
        } else {
            if !current.is_empty() {
                current.push(' ');
            }
            current.push_str(word);
        }
    }
    if !current.trim().is_empty() {
        out.push((label, current.trim().to_string()));
    }
    out
}

#[cfg(test)]
#[path = "read_tests.rs"]
mod tests;
