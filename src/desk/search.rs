//! The desk's search: one keystroke must answer within 10 ms on a 100k-debtor book, so it
//! runs over an in-memory index (built on the store thread, rebuilt after writes), not SQL:
//! a substring scan of one buffer holding every name, customer reference, invoice number,
//! email and phone (digits alone, so "5550144" finds "(773) 555-0144"), plus fuzzy matching
//! of names (letters in order, as fzf does, so "olvia" finds Olivia).

use memchr::memmem;
use nucleo_matcher::pattern::{CaseMatching, Normalization, Pattern};
use nucleo_matcher::{Config, Matcher, Utf32String};

use crate::store::SearchRecord;

pub struct SearchIndex {
    ids: Vec<i64>,
    /// Lower-cased records, one per debtor, each ending in '\n'; `starts[i]` is where record i begins.
    text: Vec<u8>,
    starts: Vec<usize>,
    /// The digits of each debtor's phones, same layout.
    digits: Vec<u8>,
    digit_starts: Vec<usize>,
    names: Vec<Utf32String>,
    matcher: Matcher,
}

impl SearchIndex {
    pub fn build(records: Vec<SearchRecord>) -> SearchIndex {
        let mut index = SearchIndex {
            ids: Vec::with_capacity(records.len()),
            text: Vec::new(),
            starts: Vec::with_capacity(records.len()),
            digits: Vec::new(),
            digit_starts: Vec::with_capacity(records.len()),
            names: Vec::with_capacity(records.len()),
            matcher: Matcher::new(Config::DEFAULT),
        };
        for r in records {
            index.ids.push(r.debtor_id);
            index.starts.push(index.text.len());
            let fields = [&r.name, &r.external_ref].into_iter().chain(&r.invoice_numbers).chain(&r.emails);
            for field in fields.chain(&r.phones) {
                // A separator no query contains keeps matches inside one field.
                index.text.extend(field.to_lowercase().replace('\n', " ").bytes());
                index.text.push(0x1f);
            }
            index.text.push(b'\n');
            index.digit_starts.push(index.digits.len());
            for phone in &r.phones {
                index.digits.extend(phone.bytes().filter(u8::is_ascii_digit));
                index.digits.push(b' ');
            }
            index.digits.push(b'\n');
            index.names.push(Utf32String::from(r.name.as_str()));
        }
        index
    }

    /// The debtors the query finds, in no particular order.
    pub fn search(&mut self, query: &str) -> Vec<i64> {
        let q = query.trim().to_lowercase();
        if q.is_empty() {
            return Vec::new();
        }
        let mut hit = vec![false; self.ids.len()];
        for at in memmem::find_iter(&self.text, q.as_bytes()) {
            hit[self.starts.partition_point(|s| *s <= at) - 1] = true;
        }
        let digits: String = q.chars().filter(char::is_ascii_digit).collect();
        let phone_like = q.chars().all(|c| c.is_ascii_digit() || " ()-+.".contains(c));
        if phone_like && digits.len() >= 3 {
            for at in memmem::find_iter(&self.digits, digits.as_bytes()) {
                hit[self.digit_starts.partition_point(|s| *s <= at) - 1] = true;
            }
        }
        // Fuzzy names, for two letters or more; numbers are matched exactly above.
        if q.chars().filter(|c| c.is_alphabetic()).count() >= 2 {
            let pattern = Pattern::parse(&q, CaseMatching::Ignore, Normalization::Smart);
            for (i, name) in self.names.iter().enumerate() {
                if !hit[i] && pattern.score(name.slice(..), &mut self.matcher).is_some() {
                    hit[i] = true;
                }
            }
        }
        hit.iter().zip(&self.ids).filter(|(h, _)| **h).map(|(_, id)| *id).collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn record(id: i64, name: &str, invoices: &[&str], phones: &[&str], emails: &[&str]) -> SearchRecord {
        SearchRecord {
            debtor_id: id,
            name: name.into(),
            external_ref: format!("C{id:06}"),
            invoice_numbers: invoices.iter().map(|s| s.to_string()).collect(),
            phones: phones.iter().map(|s| s.to_string()).collect(),
            emails: emails.iter().map(|s| s.to_string()).collect(),
        }
    }

    fn index() -> SearchIndex {
        SearchIndex::build(vec![
            record(1, "Olivia Martinez", &["INV-1001", "INV-1002"], &["(773) 555-0144"], &["olivia@example.com"]),
            record(2, "Acme Roofing LLC", &["INV-2001"], &["312-555-0199"], &["ap@acme.example"]),
            record(3, "Northwind Traders", &["NW-77"], &[], &[]),
        ])
    }

    fn found(index: &mut SearchIndex, q: &str) -> Vec<i64> {
        let mut ids = index.search(q);
        ids.sort();
        ids
    }

    #[test]
    fn names_numbers_phones_and_emails_are_found() {
        let mut ix = index();
        assert_eq!(found(&mut ix, "OLIVIA"), [1]);
        assert_eq!(found(&mut ix, "inv-2001"), [2]);
        assert_eq!(found(&mut ix, "c000003"), [3]);
        assert_eq!(found(&mut ix, "5550199"), [2], "a phone by its digits");
        assert_eq!(found(&mut ix, "555-0144"), [1]);
        assert_eq!(found(&mut ix, "@acme"), [2]);
        assert_eq!(found(&mut ix, "olvia"), [1], "a letter left out still finds the name");
        assert_eq!(found(&mut ix, "nwtrd"), [3]);
        assert!(found(&mut ix, "zebra").is_empty());
        assert!(found(&mut ix, "  ").is_empty());
    }

    #[test]
    fn a_match_never_spans_two_debtors() {
        let mut ix = index();
        // "ple.com" ends record 1; "acme" starts nothing after it: no cross-record hit.
        assert!(found(&mut ix, ".com\nacme").is_empty());
        assert_eq!(found(&mut ix, "1002"), [1]);
    }
}
