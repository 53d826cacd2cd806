//! RFC 4180 CSV text for the files dun writes (exports, case files, reports).

/// A header row and the rows, quoted where needed.
pub fn csv_text(header: &[&str], rows: impl IntoIterator<Item = Vec<String>>) -> String {
    let mut w = csv::Writer::from_writer(Vec::new());
    // Writing to memory cannot fail.
    w.write_record(header).expect("csv to memory");
    for row in rows {
        w.write_record(&row).expect("csv to memory");
    }
    String::from_utf8(w.into_inner().expect("csv to memory")).expect("UTF-8 cells")
}
