//! Every built-in format read from a fixture with its authentic shape (invented data).

use dun::domain::Money;
use dun::import::{ItemKind, Parsed, Pieces, RowClass, Severity, load_profiles, parse_file};

fn parse(name: &str) -> Parsed {
    let profiles = load_profiles(None).unwrap();
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures").join(name);
    parse_file(&path, &profiles, None).unwrap_or_else(|e| panic!("{name}: {e}")).0
}

fn dump(p: &Parsed) -> String {
    let mut s = format!("{} | {} | {} | {} | {}\n", p.format, p.encoding, p.delimiter, p.decimal, p.date_note);
    for r in &p.invoices {
        s.push_str(&format!(
            "  {:?} {} / {:?} #{} issued {:?} due {} orig {:?} bal {}\n",
            r.kind,
            r.customer,
            r.job,
            r.number,
            r.issued,
            r.due,
            r.original.map(|m| m.to_decimal()),
            r.balance.to_decimal()
        ));
    }
    for c in &p.contacts {
        s.push_str(&format!("  contact {:?}\n", c));
    }
    for i in &p.issues {
        s.push_str(&format!("  issue {:?}\n", i));
    }
    s
}

fn balances(p: &Parsed) -> Vec<(String, String, i64)> {
    p.invoices.iter().map(|r| (r.customer.to_string(), r.number.to_string(), r.balance.cents())).collect()
}

fn errors(p: &Parsed) -> usize {
    p.issues.iter().filter(|i| i.severity == Severity::Error).count()
}

#[test]
fn qbo_ar_aging_detail() {
    let p = parse("qbo_ar_aging_detail.csv");
    assert_eq!(p.format, "qbo-ar-aging-detail", "{}", dump(&p));
    assert_eq!((p.encoding.as_str(), p.delimiter), ("UTF-8", "comma"));
    assert_eq!(p.invoices.len(), 7);
    assert_eq!(errors(&p), 0, "{}", dump(&p));
    assert!(p.issues.is_empty(), "the printed totals match the rows: {}", dump(&p));
    // Classified: 3 preamble lines, header, 4 bucket groups, 4 subtotals, TOTAL, footer.
    assert_eq!(p.count(RowClass::Preamble), 3);
    assert_eq!(p.count(RowClass::Group), 4);
    assert_eq!(p.count(RowClass::Subtotal), 4);
    assert_eq!(p.count(RowClass::Total), 1);
    assert_eq!(p.count(RowClass::Footer), 1);
    let eastside = p.invoices.iter().find(|r| r.number == "1039").unwrap();
    assert_eq!(
        (eastside.customer.as_str(), eastside.job.as_deref()),
        ("Granite Peak Dental Group", Some("Eastside Clinic"))
    );
    assert_eq!(p.invoices.iter().find(|r| r.number == "1052").unwrap().issued, Some("2026-01-19".parse().unwrap()));
    let credit = p.invoices.iter().find(|r| r.number == "CM-1007").unwrap();
    assert_eq!((credit.kind, credit.balance), (ItemKind::CreditMemo, Money(-15_000)));
    let payment = p.invoices.iter().find(|r| r.kind == ItemKind::UnappliedPayment).unwrap();
    assert_eq!(payment.balance, Money(-30_000));
    assert!(
        balances(&p).contains(&("Totally Fresh Produce".into(), "1052".into(), 48_000)),
        "a customer named Total… is data"
    );
}

#[test]
fn a_wrong_printed_total_is_reported() {
    let profiles = load_profiles(None).unwrap();
    let text = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/qbo_ar_aging_detail.csv"))
        .unwrap()
        .replace("\"$11,720.00\"", "\"$11,721.00\"");
    let p = dun::import::parse_bytes("x.csv", text.as_bytes(), &profiles, None).unwrap();
    let warning = p.issues.iter().find(|i| i.severity == Severity::Warning).expect("a warning");
    assert!(warning.reason.contains("11721.00") && warning.reason.contains("11720.00"), "{warning:?}");
}

#[test]
fn qbo_open_invoices_grouped_by_customer_with_sub_customers() {
    for file in ["qbo_open_invoices.csv", "utf16_open_invoices.txt"] {
        let p = parse(file);
        assert_eq!(p.format, "qbo-open-invoices");
        assert!(p.issues.is_empty(), "{}", dump(&p));
        assert_eq!(
            balances(&p),
            vec![
                ("Brightwater Plumbing, LLC".into(), "1041".into(), 245_000),
                ("Brightwater Plumbing, LLC".into(), "PMT-20260320-30000".into(), -30_000),
                ("Granite Peak Dental Group".into(), "1039".into(), 740_000),
                ("Granite Peak Dental Group".into(), "1040".into(), 215_000),
            ]
        );
    }
    assert_eq!(parse("utf16_open_invoices.txt").encoding, "UTF-16 LE");
}

#[test]
fn qbo_invoice_list_keeps_leading_zeros_and_paid_rows() {
    let p = parse("qbo_invoice_list.csv");
    assert_eq!(p.format, "qbo-invoice-list");
    assert_eq!(errors(&p), 0, "{}", dump(&p));
    assert_eq!(p.invoices[0].customer, "Müller & Søn Café");
    assert_eq!(p.invoices[0].balance, Money::ZERO);
    assert_eq!(p.invoices[1].customer, "Okafor \"Ace\" Hauling, Inc.");
    assert_eq!(p.invoices[2].number, "00085001");
}

#[test]
fn qbd_aging_with_spacer_columns_in_windows_1252() {
    let p = parse("qbd_ar_aging_detail.csv");
    assert_eq!((p.format.as_str(), p.encoding.as_str()), ("qbd-ar-aging-detail", "Windows-1252"));
    assert!(p.issues.is_empty(), "{}", dump(&p));
    assert_eq!(p.invoices[0].customer, "Ridgeline Café");
    assert_eq!(p.invoices.len(), 4);
    assert_eq!(p.invoices[2].kind, ItemKind::CreditMemo);
    assert_eq!(p.invoices[3].customer, "Total Quality Logistics");
}

#[test]
fn xero_invoice_export_grouped_by_number() {
    let p = parse("xero_invoices.csv");
    assert_eq!(p.format, "xero-invoices");
    assert!(p.date_note.starts_with("day/month/year"), "{}", p.date_note);
    assert_eq!(
        balances(&p),
        vec![
            ("Kauri Cafe Ltd".into(), "INV-0041".into(), 158_094),
            ("Pohutukawa Motors".into(), "INV-0042".into(), 26_000),
            ("Pohutukawa Motors".into(), "CN-0007".into(), -11_500),
            ("Tui Bakery".into(), "INV-0039".into(), 0),
        ],
        "two lines make one invoice, the credit note turns negative, the draft is not a receivable"
    );
    assert_eq!(p.count(RowClass::Skipped), 1);
}

#[test]
fn freshbooks_without_a_balance_column_says_what_it_cannot_know() {
    let p = parse("freshbooks_invoice_details.csv");
    assert_eq!((p.format.as_str(), p.encoding.as_str()), ("freshbooks-invoice-details", "UTF-8 with BOM"));
    assert_eq!(p.invoices[0].original, Some(Money(87_000)), "line totals are summed");
    assert_eq!(p.invoices[0].number, "0000041");
    assert!(p.issues.iter().any(|i| i.reason.contains("partly paid")));
    assert!(p.caveat.as_deref().unwrap_or("").contains("cannot be known"));
    assert_eq!(p.invoices.iter().find(|r| r.number == "0000038").unwrap().balance, Money::ZERO);
    assert!(p.invoices.iter().all(|r| r.number != "0000043"), "a draft is not a receivable");
}

#[test]
fn zoho_lines_and_statuses() {
    let p = parse("zoho_invoices.csv");
    assert_eq!(p.format, "zoho-invoices");
    assert_eq!(
        balances(&p),
        vec![
            ("Sunrise Yoga".into(), "INV-000101".into(), 45_000),
            ("Coastline Dental".into(), "INV-000102".into(), 15_000),
            ("Sunrise Yoga".into(), "INV-000099".into(), 0),
        ]
    );
}

#[test]
fn wave_receivable_lines_sum_to_the_open_balance() {
    let p = parse("wave_accounting.csv");
    assert_eq!(p.format, "wave-accounting");
    assert_eq!(
        balances(&p),
        vec![("Fernhill Farm".into(), "2".into(), 30_000), ("Oak Hollow Inn".into(), "3".into(), 7_550)]
    );
    assert_eq!(p.invoices[0].original, Some(Money(50_000)));
}

#[test]
fn european_open_items_semicolons_comma_decimals_trailing_minus() {
    let p = parse("eu_open_items.csv");
    assert_eq!(
        (p.format.as_str(), p.delimiter, p.decimal, p.encoding.as_str()),
        ("eu-open-items", "semicolon", "comma", "Windows-1252")
    );
    assert!(p.issues.is_empty(), "the Summe row matches: {}", dump(&p));
    assert_eq!(p.invoices[0].balance, Money(123_456));
    assert_eq!(p.invoices[1].customer, "Bäckerei \"Zum Brot\", Inh. Ø. Larsen");
    assert_eq!(p.invoices[2].customer, "Totalbau Nord GmbH");
    assert_eq!(p.invoices[2].balance, Money(-15_000));
    assert_eq!(p.invoices[0].due, "2026-02-14".parse().unwrap());
}

#[test]
fn sage_and_xero_aged_reports() {
    let p = parse("sage50_aged_debtors.csv");
    assert_eq!(p.format, "sage50-aged-debtors");
    assert!(p.issues.is_empty(), "{}", dump(&p));
    assert_eq!(p.invoices[1].balance, Money(-15_000));
    assert_eq!(p.invoices[1].customer_ref.as_deref(), Some("HAL001"));
    let p = parse("xero_aged_receivables_detail.csv");
    assert_eq!(p.format, "xero-aged-receivables-detail");
    assert!(p.issues.is_empty(), "{}", dump(&p));
    assert_eq!(
        balances(&p),
        vec![
            ("Kauri Cafe Ltd".into(), "INV-0041".into(), 158_094),
            ("Pohutukawa Motors".into(), "INV-0042".into(), 26_000)
        ]
    );
}

#[test]
fn contact_exports() {
    let p = parse("qbo_contact_list.csv");
    assert_eq!(p.format, "qbo-contact-list");
    assert_eq!(p.contacts[0].phones.len(), 2);
    assert_eq!(p.contacts[0].address.as_deref(), Some("1 Main St, Springfield, MD 21201"));
    let p = parse("xero_contacts.csv");
    assert_eq!(
        (p.contacts[0].customer_ref.as_deref(), p.contacts[0].email.as_deref()),
        (Some("KAU01"), Some("accounts@kauri.example.co.nz"))
    );
    let p = parse("wave_customers.csv");
    assert_eq!(p.contacts.len(), 2);
    assert_eq!(p.contacts[1].address.as_deref(), Some("Estes Park, CO, Colorado, 80517, United States"));
}

#[test]
fn an_unknown_file_is_refused_and_a_format_can_be_named() {
    let profiles = load_profiles(None).unwrap();
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures");
    let err = parse_file(&dir.join("unknown.csv"), &profiles, None).unwrap_err().to_string();
    assert!(err.contains("not a format dun knows"), "{err}");
    let err = parse_file(&dir.join("unknown.csv"), &profiles, Some("nope")).unwrap_err().to_string();
    assert!(err.contains("no format is called 'nope'"), "{err}");
    let forced = parse_file(&dir.join("qbo_open_invoices.csv"), &profiles, Some("qbo-open-invoices")).unwrap().0;
    assert_eq!(forced.invoices.len(), 4);
}

#[test]
fn a_bad_cell_is_reported_with_line_and_column() {
    let profiles = load_profiles(None).unwrap();
    let text = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/qbo_open_invoices.csv"))
        .unwrap()
        .replace("10/15/2025", "10/45/2025")
        .replace("\"7,400.00\"", "7.400.00x");
    let p = dun::import::parse_bytes("x.csv", text.as_bytes(), &profiles, None).unwrap();
    let errs: Vec<_> = p.issues.iter().filter(|i| i.severity == Severity::Error).collect();
    assert_eq!(errs.len(), 2, "{:?}", p.issues);
    assert_eq!((errs[0].line, errs[0].column.as_deref()), (12, Some("Open balance (G)")));
    assert_eq!((errs[1].line, errs[1].column.as_deref()), (14, Some("Date (B)")));
}

#[test]
fn a_currency_that_is_not_a_code_is_reported_with_line_and_column() {
    // The book keeps three-letter codes; before, such a row failed the whole import with
    // a database error that named no line.
    let profiles = load_profiles(None).unwrap();
    let text = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/zoho_invoices.csv"))
        .unwrap()
        .replacen(",USD,", ",Euro,", 1);
    let p = dun::import::parse_bytes("x.csv", text.as_bytes(), &profiles, None).unwrap();
    let errs: Vec<_> = p.issues.iter().filter(|i| i.severity == Severity::Error).collect();
    assert_eq!(errs.len(), 1, "{:?}", p.issues);
    assert_eq!((errs[0].line, errs[0].column.as_deref()), (2, Some("Currency Code (O)")));
    assert!(errs[0].reason.contains("'Euro' is not a currency code"), "{}", errs[0].reason);
    let fine =
        dun::import::parse_bytes("x.csv", text.replacen(",Euro,", ",eur,", 1).as_bytes(), &profiles, None).unwrap();
    assert!(fine.issues.iter().all(|i| i.severity != Severity::Error), "{:?}", fine.issues);
    assert!(fine.invoices.iter().any(|i| i.currency.as_deref() == Some("EUR")));
}

#[test]
fn qbo_uk_ageing_reads_day_first() {
    let p = parse("qbo_uk_ageing_detail.csv");
    assert_eq!(p.format, "qbo-ar-ageing-detail-uk", "{}", dump(&p));
    assert!(p.issues.is_empty(), "£ totals match: {}", dump(&p));
    // 03/02/2026 is the 3rd of February here: every date reads both ways, the UK order decides.
    assert_eq!(p.invoices[0].issued, Some("2026-02-03".parse().unwrap()));
    assert_eq!(p.invoices[0].number, "2041");
    assert!(p.date_note.starts_with("day/month/year"), "{}", p.date_note);
}

#[test]
fn qbo_customer_balance_detail_reads_the_open_balance_not_the_running_one() {
    let p = parse("qbo_customer_balance_detail.csv");
    assert_eq!(p.format, "qbo-customer-balance-detail");
    assert!(p.issues.is_empty(), "{}", dump(&p));
    assert_eq!(
        balances(&p),
        vec![
            ("Amy's Bird Sanctuary".into(), "1021".into(), 23_900),
            ("Amy's Bird Sanctuary".into(), "1035".into(), 40_000),
            ("Bill's Windsurf Shop".into(), "1027".into(), 8_500),
        ]
    );
}

#[test]
fn qbd_open_invoices_with_excel_serial_dates() {
    let p = parse("qbd_open_invoices.csv");
    assert_eq!((p.format.as_str(), p.encoding.as_str()), ("qbd-open-invoices", "UTF-8"));
    assert!(p.issues.is_empty(), "{}", dump(&p));
    let c = p.invoices.iter().find(|r| r.number == "INV-C").unwrap();
    assert_eq!((c.issued, c.due), (Some("2024-04-05".parse().unwrap()), "2024-05-05".parse().unwrap()));
    assert_eq!(p.invoices.iter().filter(|r| r.customer == "3000").count(), 3);
    assert_eq!(p.invoices.iter().find(|r| r.kind == ItemKind::UnappliedPayment).unwrap().balance, Money(-5_000));
}

/// A large flat file is read in pieces on two threads; the pieces must give exactly what one
/// reader gives: the same rows, classes, issues (lines and columns) and totals checks, and
/// so must the pieces read from the file on disk a span at a time and handed to a sink as
/// they are read (as an import reads), whether the sink takes rows on the word of a format
/// that names its conventions or only after the first pass.
fn read_both_ways(file: &str, bytes: &[u8]) -> (serde_json::Value, serde_json::Value) {
    let profiles = load_profiles(None).unwrap();
    let one = dun::import::parse_bytes_in(file, bytes, &profiles, None, Pieces(None));
    let two = dun::import::parse_bytes_in(file, bytes, &profiles, None, Pieces(Some(2)));
    let json = |p: Result<Parsed, dun::import::ImportError>| match p {
        Ok(p) => serde_json::to_value(&p).unwrap(),
        Err(e) => serde_json::Value::String(e.to_string()),
    };
    let sunk = |on_trust: bool| {
        let mut sink = Collect { rows: Vec::new(), on_trust, disproved: false };
        let parsed = {
            let dir = tempfile::tempdir().unwrap();
            let path = dir.path().join("export.csv");
            std::fs::write(&path, bytes).unwrap();
            let source = dun::import::Source::open(&path).unwrap();
            let survey = source.survey().unwrap();
            dun::import::parse_source(file, &source, &survey, &profiles, None, Pieces(Some(3)), Some(&mut sink))
        };
        assert!(!sink.disproved || parsed.is_err());
        parsed.map(|mut p| {
            p.invoices = sink.rows;
            p
        })
    };
    let (one, two) = (json(one), json(two));
    let (sunk, trusting) = (json(sunk(false)), sunk(true));
    assert_eq!(one, sunk, "{file}: the pieces handed to a sink are not what one reader reads");
    // On the format's word, the read stands, or fails as disproved (the caller reads again).
    match trusting {
        Err(e) if e.to_string().contains(dun::import::read::DISPROVED) => {}
        trusting => assert_eq!(one, json(trusting), "{file}: read on its format's word"),
    }
    (one, two)
}

/// Keeps what it is handed.
struct Collect {
    rows: Vec<dun::import::LedgerRow>,
    on_trust: bool,
    disproved: bool,
}

impl dun::import::RowSink for Collect {
    fn expect(&mut self, _records: usize) {}
    fn rows(&mut self, rows: Vec<dun::import::LedgerRow>) {
        self.rows.extend(rows);
    }
    fn on_trust(&self) -> bool {
        self.on_trust
    }
    fn disproved(&mut self) {
        self.disproved = true;
    }
}

#[test]
fn every_fixture_reads_the_same_in_pieces() {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures");
    let mut read = 0;
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.extension().is_some_and(|e| e == "db") {
            continue;
        }
        let bytes = std::fs::read(&path).unwrap();
        let (one, two) = read_both_ways(&path.display().to_string(), &bytes);
        assert_eq!(one, two, "{}", path.display());
        read += 1;
    }
    assert!(read >= 15);
}

#[test]
fn a_flat_file_with_quirks_at_its_piece_edges_reads_the_same_in_pieces() {
    let header = "Kundennummer;Kunde;Rechnungsnummer;Rechnungsdatum;Fällig am;Betrag;Offen\n";
    let row = |i: usize| format!("C{i:04};Kunde {i};RE-{i:05};15.01.2026;14.02.2026;100,00;{},00\n", i % 7);
    let mut body = String::new();
    for i in 0..400 {
        body.push_str(&row(i));
        match i {
            50 => body.push_str("C9999;Kunde X;RE-BAD;15.13.2026;14.02.2026;1,00;1,00\n"),
            120 => body.push_str("\n\n"),
            199 => {
                body.push_str("C0199;\"Kunde \"\"199\"\"\nzweite Zeile\";RE-00199B;15.01.2026;14.02.2026;1,00;1,00\n")
            }
            260 => body.push_str(header),
            300 => body.push_str("C0300;Kunde 300;RE-00300;15.01.2026;14.02.2026;abc;1,00\n"),
            _ => {}
        }
    }
    // A total that does not add up (checked against every row above it, both halves).
    let text = format!("{header}{body}Summe;;;;;1,00;2,00\n");
    let (one, two) = read_both_ways("flat.csv", text.as_bytes());
    assert_eq!(one, two);
    let issues = one["issues"].as_array().unwrap();
    assert!(issues.iter().any(|i| i["reason"].as_str().unwrap().contains("the grand total says")), "{issues:?}");
    assert!(issues.len() >= 3, "{issues:?}");

    // A footer in the first half: everything after it is footer, as one reader sees it.
    let footer_early = format!("{header}{}Cash Basis Monday, March 2, 2026\n{}", row(1).repeat(3), body);
    let (one, two) = read_both_ways("flat.csv", footer_early.as_bytes());
    assert_eq!(one, two);

    // Without its quoted row the file is read on its format's word (its newlines placing
    // the pieces): the same again.
    let quoteless: String =
        text.lines().filter(|l| !l.contains('"') && !l.starts_with("zweite")).map(|l| format!("{l}\n")).collect();
    assert!(!quoteless.contains('"'));
    let (one, two) = read_both_ways("flat.csv", quoteless.as_bytes());
    assert_eq!(one, two);
    assert_eq!(one["date_note"], "day/month/year (proven by the file's dates)");
}

/// A file whose dates are month first, in a format that writes them day first: read on the
/// format's word, its dates disprove it, and it is read again with its votes first.
#[test]
fn dates_that_disprove_their_formats_order_are_read_in_theirs() {
    let profiles = load_profiles(None).unwrap();
    let text = "Kundennummer;Kunde;Rechnungsnummer;Rechnungsdatum;Fällig am;Betrag;Offen\n\
                10001;Acme GmbH;RE-1;01.15.2026;02.14.2026;100,00;100,00\n\
                10002;Beta AG;RE-2;02.03.2026;03.05.2026;50,00;50,00\n";
    let p = dun::import::parse_bytes("mdy.csv", text.as_bytes(), &profiles, None).unwrap();
    assert_eq!(p.format, "eu-open-items");
    assert_eq!(p.date_note, "month/day/year (proven by the file's dates)");
    assert!(p.issues.is_empty(), "{:?}", p.issues);
    let beta = p.invoices.iter().find(|r| r.number == "RE-2").unwrap();
    assert_eq!((beta.issued, beta.due), (Some("2026-02-03".parse().unwrap()), "2026-03-05".parse().unwrap()));

    // A sink that took rows on the format's word is told, and the read fails.
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("mdy.csv");
    std::fs::write(&path, text).unwrap();
    let source = dun::import::Source::open(&path).unwrap();
    let survey = source.survey().unwrap();
    let mut sink = Collect { rows: Vec::new(), on_trust: true, disproved: false };
    let read = dun::import::parse_source("mdy.csv", &source, &survey, &profiles, None, Pieces(None), Some(&mut sink));
    assert!(read.unwrap_err().to_string().contains(dun::import::read::DISPROVED));
    assert!(sink.disproved);

    // Dates that contradict each other: refused as before, whichever way it is read.
    let mixed = text.replace("02.03.2026;03.05.2026", "13.03.2026;03.05.2026");
    let p = dun::import::parse_bytes("mixed.csv", mixed.as_bytes(), &profiles, None).unwrap();
    assert!(p.date_note.starts_with("contradictory"), "{}", p.date_note);
    assert!(p.issues.iter().any(|i| i.reason == "the file mixes day-first and month-first dates"), "{:?}", p.issues);
}

/// A total row is checked on each column it prints: the open balance, and the amount beside it.
#[test]
fn a_printed_total_is_checked_on_its_amount_column_too() {
    let profiles = load_profiles(None).unwrap();
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/eu_open_items.csv");
    let bytes = std::fs::read(path).unwrap();
    let clean = dun::import::parse_bytes("eu.csv", &bytes, &profiles, None).unwrap();
    assert!(!clean.issues.iter().any(|i| i.reason.contains("total says")), "{:?}", clean.issues);

    let text = encoding_rs::WINDOWS_1252.decode(&bytes).0.replace("Summe;;;;;2.364,56;", "Summe;;;;;9.999,99;");
    let (wrong, _, _) = encoding_rs::WINDOWS_1252.encode(&text);
    let p = dun::import::parse_bytes("eu.csv", &wrong, &profiles, None).unwrap();
    let said: Vec<&str> = p.issues.iter().map(|i| i.reason.as_str()).collect();
    assert_eq!(said, ["the grand total says 9999.99 in the amount column, the rows above add up to 2364.56"]);
    assert_eq!(p.issues[0].line, 5);
}

/// Found by a review: a UTF-8 export with one character saved as Latin-1 was read whole as
/// Windows-1252, every other accented name garbled (`Müller` as `MÃ¼ller`) and, its header
/// garbled too, every due date silently the invoice date. It is refused, saying where.
#[test]
fn a_utf8_file_with_one_latin1_byte_is_refused_naming_where() {
    let profiles = load_profiles(None).unwrap();
    let mut text = String::from("Kundennummer;Kunde;Rechnungsnummer;Rechnungsdatum;Fällig am;Betrag;Offen\n");
    for i in 0..5 {
        text.push_str(&format!("{};Müller {i};RE-{i};15.01.2026;14.02.2026;100,00;100,00\n", 20001 + i));
    }
    let bytes = text.replace("Müller 3", "M\u{1}ller 3").into_bytes();
    let bytes: Vec<u8> = bytes.into_iter().map(|b| if b == 1 { 0xFC } else { b }).collect();
    for pieces in [Pieces(None), Pieces(Some(1))] {
        let err = dun::import::parse_bytes_in("mixed.csv", &bytes, &profiles, None, pieces).unwrap_err().to_string();
        assert!(err.starts_with("mixed.csv: line 5, character 8: byte 0xFC is not UTF-8"), "{err}");
    }
    // A file that is Windows-1252 throughout reads as it did, even where two of its bytes
    // happen to spell a UTF-8 character (`É®` is C9 AE; found by a review).
    let text = text.replace("Müller 4", "NESTLÉ® Waters");
    let latin1: Vec<u8> = text.chars().map(|c| u8::try_from(u32::from(c)).unwrap()).collect();
    let parsed = dun::import::parse_bytes("latin1.csv", &latin1, &profiles, None).unwrap();
    assert_eq!(parsed.invoices[0].customer, "Müller 0");
    assert_eq!(parsed.invoices[4].customer, "NESTLÉ® Waters");
    assert_eq!(parsed.invoices[0].due.to_string(), "2026-02-14");
    // A file whose byte-order mark says UTF-8, with one byte that is not (also a review's).
    let mut bom = vec![0xEF, 0xBB, 0xBF];
    bom.extend_from_slice(&bytes);
    let err = dun::import::parse_bytes("bom.csv", &bom, &profiles, None).unwrap_err().to_string();
    assert!(err.starts_with("bom.csv: line 5, character 8: byte 0xFC is not UTF-8"), "{err}");
}
