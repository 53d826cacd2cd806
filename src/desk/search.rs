//! The desk's search: one keystroke must answer within 10 ms on a 100k-debtor book, so it
//! runs over an in-memory index (built on the store thread, rebuilt after writes), not SQL:
//! a substring scan of one buffer holding every name, customer reference and email, of the
//! invoice numbers (compressed, `search_numbers`), and of the phones' digits (so "5550144"
//! and "(773) 555-01" find "(773) 555-0144"), plus fuzzy matching
//! of names (letters in order, as fzf does, so "olvia" finds Olivia), plus one typo in a
//! word of a name (a letter wrong, added, missing or two swapped: "granote" and "graniet"
//! find Granite), which fzf-style matching cannot forgive.

use memchr::memmem;
use nucleo_matcher::pattern::{CaseMatching, Normalization, Pattern};
use nucleo_matcher::{Config, Matcher, Utf32Str, Utf32String};

use super::search_numbers::NumberBlocks;
use crate::store::SearchSink;

/// About 28 bytes a debtor and 11 an invoice on the 100k-debtor demo book: the desk's
/// memory budget holds it (BENCHMARKS.md, "resident memory of the desk").
pub struct SearchIndex {
    ids: Vec<i64>,
    /// Lower-cased records, one per debtor, each ending in '\n'; `starts[i]` is where record i begins.
    text: Vec<u8>,
    starts: Vec<u32>,
    /// Each debtor's invoice numbers, same layout, compressed: most of the text on a large
    /// book, and passed over whole when the query has a byte no invoice number holds.
    numbers: NumberBlocks,
    /// The digits of each debtor's phones, same layout.
    digits: Vec<u8>,
    digit_starts: Vec<u32>,
    /// The names that are not ASCII, as the fuzzy matcher reads them, by record; an ASCII
    /// name is matched from its record in `text`.
    unicode_names: Vec<(u32, Utf32String)>,
    /// Which letters a–z each name holds: a fuzzy match needs all of the query's, so most
    /// names are passed over without running the matcher.
    letters: Vec<u32>,
    /// The first letters of each name's words, same encoding: a typo is forgiven only in a
    /// word whose first letter is right, so most names are passed over by one test.
    initials: Vec<u32>,
    matcher: Matcher,
    /// The last query and the records it found, to narrow the next keystroke.
    last: Option<(String, bool, Vec<usize>)>,
}

/// A [`SearchIndex`] being filled from the book ([`crate::store::read_search_text`]).
pub struct IndexBuilder {
    index: SearchIndex,
}

impl IndexBuilder {
    pub fn new() -> IndexBuilder {
        IndexBuilder {
            index: SearchIndex {
                ids: Vec::new(),
                text: Vec::new(),
                starts: Vec::new(),
                numbers: NumberBlocks::new(),
                digits: Vec::new(),
                digit_starts: Vec::new(),
                unicode_names: Vec::new(),
                letters: Vec::new(),
                initials: Vec::new(),
                matcher: Matcher::new(Config::DEFAULT),
                last: None,
            },
        }
    }

    pub fn finish(mut self) -> SearchIndex {
        let ix = &mut self.index;
        if !ix.ids.is_empty() {
            ix.text.push(b'\n');
            ix.digits.push(b'\n');
        }
        while ix.numbers.records() < ix.ids.len() {
            ix.numbers.end_record();
        }
        ix.numbers.finish();
        for buf in [&mut ix.text, &mut ix.digits] {
            buf.shrink_to_fit();
        }
        for starts in [&mut ix.starts, &mut ix.digit_starts] {
            starts.shrink_to_fit();
        }
        ix.ids.shrink_to_fit();
        ix.letters.shrink_to_fit();
        ix.initials.shrink_to_fit();
        self.index
    }
}

impl Default for IndexBuilder {
    fn default() -> Self {
        IndexBuilder::new()
    }
}

/// Where the next record of `buf` starts. A book's text stays far below 4 GiB.
fn offset(buf: &[u8]) -> u32 {
    u32::try_from(buf.len()).expect("the search text of a book is under 4 GiB")
}

/// A field, lower-cased, and the separator no query contains (matches stay inside one field).
pub(super) fn put(buf: &mut Vec<u8>, field: &str) {
    match field.is_ascii() {
        true => buf.extend(field.bytes().map(|b| if b == b'\n' { b' ' } else { b.to_ascii_lowercase() })),
        false => buf.extend(field.to_lowercase().replace('\n', " ").bytes()),
    }
    buf.push(0x1f);
}

impl SearchSink for IndexBuilder {
    fn debtor(&mut self, id: i64, name: &str, external_ref: &str) {
        let ix = &mut self.index;
        if !ix.ids.is_empty() {
            ix.text.push(b'\n');
            ix.digits.push(b'\n');
        }
        let record = ix.ids.len();
        ix.ids.push(id);
        ix.starts.push(offset(&ix.text));
        ix.digit_starts.push(offset(&ix.digits));
        put(&mut ix.text, name);
        put(&mut ix.text, external_ref);
        // A name with accents may match its plain spelling: never pass it over.
        ix.letters.push(if name.is_ascii() { letter_mask(name) } else { u32::MAX });
        let initials = name.split(|c: char| !c.is_ascii_alphanumeric()).filter_map(|w| w.chars().next());
        ix.initials.push(initials.fold(0, |m, c| m | letter_mask(c.encode_utf8(&mut [0; 4]))));
        if !name.is_ascii() {
            ix.unicode_names.push((record as u32, Utf32String::from(name)));
        }
    }

    fn phone(&mut self, value: &str) {
        // A phone is found by its digits (a query of three digits or more, and the marks
        // phones are written with); one with letters ("ext 12", "1-800-FLOWERS") by its text too.
        let ix = &mut self.index;
        if value.bytes().any(|b| b.is_ascii_alphabetic()) {
            put(&mut ix.text, value);
        }
        ix.digits.extend(value.bytes().filter(u8::is_ascii_digit));
        ix.digits.push(b' ');
    }

    fn email(&mut self, value: &str) {
        put(&mut self.index.text, value);
    }

    fn invoice_number(&mut self, debtor_id: i64, number: &str) {
        let ix = &mut self.index;
        // Records are in id order, and so are the numbers: end every record before this
        // number's debtor. The record being filled is the next to end.
        while ix.numbers.records() < ix.ids.len() && ix.ids[ix.numbers.records()] < debtor_id {
            ix.numbers.end_record();
        }
        if ix.ids.get(ix.numbers.records()) == Some(&debtor_id) {
            ix.numbers.put(number);
        }
    }
}

impl SearchIndex {
    /// An index of `records`, in their order (tests; the desk streams the book through an
    /// [`IndexBuilder`]).
    #[cfg(test)]
    pub fn build(records: Vec<SearchRecord>) -> SearchIndex {
        let mut builder = IndexBuilder::new();
        for r in &records {
            builder.debtor(r.debtor_id, &r.name, &r.external_ref);
            r.emails.iter().for_each(|e| builder.email(e));
            r.phones.iter().for_each(|p| builder.phone(p));
        }
        for r in &records {
            r.invoice_numbers.iter().for_each(|n| builder.invoice_number(r.debtor_id, n));
        }
        builder.finish()
    }

    /// The debtors the query finds, in no particular order.
    pub fn search(&mut self, query: &str) -> Vec<i64> {
        let q = query.trim().to_lowercase();
        if q.is_empty() {
            self.last = None;
            return Vec::new();
        }
        let digits: String = q.chars().filter(char::is_ascii_digit).collect();
        let phone_like = q.chars().all(|c| c.is_ascii_digit() || " ()-+./".contains(c)) && digits.len() >= 3;
        // Typing one more letter can only narrow: look again only where the last query
        // matched (unless this one starts matching phone digits the last did not).
        // (Also not when this query is the first long enough to forgive a typo.)
        let candidates: Option<Vec<usize>> = match self.last.take() {
            Some((previous, was_phone, hits))
                if q.starts_with(&previous)
                    && (was_phone || !phone_like)
                    && typo_words(&previous) == typo_words(&q) =>
            {
                Some(hits)
            }
            _ => None,
        };
        // Looking record by record costs more than one scan of the whole text once most
        // records are candidates (a first letter finds most of the book).
        let candidates = candidates.filter(|list| list.len() <= self.ids.len() / 8);
        let n = self.ids.len();
        let mut hit = vec![false; n];
        let finder = memmem::Finder::new(q.as_bytes());
        let in_numbers = self.numbers.may_hold(q.as_bytes());
        let digit_finder = memmem::Finder::new(digits.as_bytes());
        let pattern = (q.chars().filter(|c| c.is_alphabetic()).count() >= 2)
            .then(|| Pattern::parse(&q, CaseMatching::Ignore, Normalization::Smart));
        let record = |buf: &[u8], starts: &[u32], i: usize| {
            let end = starts.get(i + 1).map_or(buf.len(), |&e| e as usize);
            (starts[i] as usize, end)
        };
        match &candidates {
            Some(list) => {
                for &i in list {
                    let (a, b) = record(&self.text, &self.starts, i);
                    let (da, db) = record(&self.digits, &self.digit_starts, i);
                    hit[i] = finder.find(&self.text[a..b]).is_some()
                        || (phone_like && digit_finder.find(&self.digits[da..db]).is_some());
                }
                if in_numbers {
                    let rest: Vec<usize> = list.iter().copied().filter(|&i| !hit[i]).collect();
                    self.numbers.scan_records(&finder, &rest, &mut hit);
                }
            }
            None => {
                // One hit per record is enough: after a match, go on from the next record.
                scan(&finder, &self.text, &self.starts, &mut hit);
                if in_numbers {
                    self.numbers.scan(&finder, &mut hit);
                }
                if phone_like {
                    scan(&digit_finder, &self.digits, &self.digit_starts, &mut hit);
                }
            }
        }
        // Fuzzy names, for two letters or more; numbers are matched exactly above.
        if let Some(pattern) = pattern {
            let need = letter_mask(&q);
            // Plain letters against a plain name: the matcher's answer is whether they come
            // in order, which a byte walk tells at a fraction of its cost (a two-letter query
            // asks it of most names in the book). Anything else goes to the matcher.
            let plain = q.bytes().all(|b| b.is_ascii_lowercase());
            let mut fuzzy = |i: usize, hit: &mut Vec<bool>| {
                if hit[i] || self.letters[i] & need != need {
                    return;
                }
                let name = name_of(&self.text, &self.starts, &self.unicode_names, i);
                hit[i] = match name {
                    Utf32Str::Ascii(name) if plain => in_order(q.as_bytes(), name),
                    _ => pattern.score(name, &mut self.matcher).is_some(),
                };
            };
            match &candidates {
                Some(list) => list.iter().for_each(|&i| fuzzy(i, &mut hit)),
                None => (0..n).for_each(|i| fuzzy(i, &mut hit)),
            }
        }
        if typo_words(&q) > 0 {
            // Each word of the query is in the name, or (four letters or more) one typo
            // away from the start of one of its words: "priya kowalsky" finds Priya Kowalski.
            let words: Vec<&[u8]> = q.split_whitespace().map(str::as_bytes).collect();
            let long = |w: &[u8]| w.len() >= 4;
            let need = letter_mask(&q);
            let initials = words.iter().filter(|w| long(w)).fold(0, |m, w| m | 1u32 << (w[0] - b'a'));
            let typos = typo_words(&q) as u32;
            let typo = |i: usize, hit: &mut Vec<bool>| {
                // One typo per word brings at most one letter the name lacks.
                if hit[i] || self.initials[i] & initials != initials || (need & !self.letters[i]).count_ones() > typos {
                    return;
                }
                let name = name_text(&self.text, &self.starts, i);
                hit[i] = words.iter().all(|w| {
                    memmem::find(name, w).is_some()
                        || (long(w)
                            && name.split(|b| !b.is_ascii_alphanumeric()).any(|word| one_typo_from_a_prefix(w, word)))
                });
            };
            match &candidates {
                Some(list) => list.iter().for_each(|&i| typo(i, &mut hit)),
                None => (0..n).for_each(|i| typo(i, &mut hit)),
            }
        }
        let hits: Vec<usize> = (0..n).filter(|&i| hit[i]).collect();
        let ids = hits.iter().map(|&i| self.ids[i]).collect();
        self.last = Some((q, phone_like, hits));
        ids
    }
}

/// The name of record `i` as the fuzzy matcher reads it.
fn name_of<'a>(text: &'a [u8], starts: &[u32], unicode: &'a [(u32, Utf32String)], i: usize) -> Utf32Str<'a> {
    match unicode.binary_search_by_key(&(i as u32), |(at, _)| *at) {
        Ok(k) => unicode[k].1.slice(..),
        Err(_) => Utf32Str::Ascii(name_text(text, starts, i)),
    }
}

/// The lower-cased name that opens record `i` of `text`.
fn name_text<'a>(text: &'a [u8], starts: &[u32], i: usize) -> &'a [u8] {
    let a = starts[i] as usize;
    &text[a..memchr::memchr(0x1f, &text[a..]).map_or(a, |e| a + e)]
}

/// Whether the letters of `query` come in `text` in its order (not necessarily together).
fn in_order(query: &[u8], text: &[u8]) -> bool {
    let mut rest = text;
    query.iter().all(|&b| match memchr::memchr(b, rest) {
        Some(at) => {
            rest = &rest[at + 1..];
            true
        }
        None => false,
    })
}

/// Mark every record of `buf` that contains the finder's needle, one search per record hit.
fn scan(finder: &memmem::Finder<'_>, buf: &[u8], starts: &[u32], hit: &mut [bool]) {
    let (mut from, mut i) = (0, 0);
    while let Some(at) = finder.find(&buf[from..]) {
        // Matches come in order, so the record index only moves forward.
        while starts.get(i + 1).is_some_and(|&next| next as usize <= from + at) {
            i += 1;
        }
        hit[i] = true;
        match starts.get(i + 1) {
            Some(&next) => from = next as usize,
            None => break,
        }
    }
}

/// How many words of a query (letters and spaces only) may carry a typo: those of four
/// letters or more, long enough that one typo still says which name.
fn typo_words(q: &str) -> usize {
    if !q.bytes().all(|b| b.is_ascii_lowercase() || b == b' ') {
        return 0;
    }
    q.split_whitespace().filter(|w| w.len() >= 4).count()
}

/// Whether `query` is one typo (a letter replaced, added, left out, or two swapped) away
/// from the start of `word`, with the first letter right (people rarely miss it, and
/// requiring it keeps the answers few). A query that is a plain prefix is found elsewhere.
fn one_typo_from_a_prefix(query: &[u8], word: &[u8]) -> bool {
    let prefix = |q: &[u8], w: &[u8]| w.starts_with(q);
    let Some(i) = query.iter().zip(word).position(|(a, b)| a != b).or_else(|| {
        // All of the shorter one agrees: one letter past the word's end is one added.
        (query.len() > word.len()).then_some(word.len())
    }) else {
        return false;
    };
    if i == 0 {
        return false;
    }
    let (q, w) = (&query[i..], &word[i..]);
    (!w.is_empty() && prefix(&q[1..], &w[1..]))
        || prefix(&q[1..], w)
        || (!w.is_empty() && prefix(q, &w[1..]))
        || (q.len() > 1 && w.len() > 1 && q[0] == w[1] && q[1] == w[0] && prefix(&q[2..], &w[2..]))
}

/// The letters a–z in `text`, one bit each (case ignored; other characters left out).
fn letter_mask(text: &str) -> u32 {
    text.bytes().filter(u8::is_ascii_alphabetic).fold(0, |m, b| m | 1 << (b.to_ascii_lowercase() - b'a'))
}

/// One debtor's searchable text, whole (tests build indexes from these).
#[cfg(test)]
#[derive(Debug, Clone, Default)]
pub struct SearchRecord {
    pub debtor_id: i64,
    pub name: String,
    pub external_ref: String,
    pub invoice_numbers: Vec<String>,
    pub phones: Vec<String>,
    pub emails: Vec<String>,
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
        // Found by a review: phones written the German way, or with letters.
        let mut phones = SearchIndex::build(vec![
            record(7, "Bäckerei Larsen", &[], &["030/1234567"], &[]),
            record(8, "Blumen AG", &[], &["1-800-FLOWERS ext 12"], &[]),
        ]);
        assert_eq!(found(&mut phones, "030/1234"), [7]);
        assert_eq!(found(&mut phones, "flowers"), [8]);
        assert_eq!(found(&mut phones, "ext 12"), [8]);
        assert_eq!(found(&mut ix, "@acme"), [2]);
        assert_eq!(found(&mut ix, "olvia"), [1], "a letter left out still finds the name");
        assert_eq!(found(&mut ix, "nwtrd"), [3]);
        let mut accents = SearchIndex::build(vec![record(9, "Zoë Müller", &[], &[], &[])]);
        assert_eq!(found(&mut accents, "zoe muller"), [9], "accents are matched by their plain letters");
        assert!(found(&mut ix, "zebra").is_empty());
        assert!(found(&mut ix, "  ").is_empty());
    }

    #[test]
    fn narrowing_as_you_type_finds_the_same_as_searching_afresh() {
        let mut typed = index();
        for q in [
            "o",
            "ol",
            "oli",
            "olivia",
            "5",
            "55",
            "555",
            "555-01",
            "5550144",
            "i",
            "inv",
            "inv-2",
            "7",
            "77",
            "773",
            "(773) 5",
            "m",
            "ma",
            "mar",
            "mart",
            "martu",
            "martun",
            "n",
            "no",
            "nor",
            "nort",
            "nortw",
            "nortwi",
            "nortwind t",
            "nortwind tr",
            "nortwind trda",
            "nortwind trdaers",
        ] {
            let mut fresh = index();
            assert_eq!(found(&mut typed, q), found(&mut fresh, q), "{q}");
        }
    }

    #[test]
    fn one_typo_in_a_name_is_forgiven() {
        let mut ix = SearchIndex::build(vec![
            record(1, "Granite Supply Co", &[], &[], &[]),
            record(2, "Northwind Traders", &[], &[], &[]),
            record(3, "Grant & Sons", &[], &[], &[]),
        ]);
        assert_eq!(found(&mut ix, "granote"), [1], "a letter replaced");
        assert_eq!(found(&mut ix, "graniet"), [1], "two letters swapped");
        assert_eq!(found(&mut ix, "grannite"), [1], "a letter added");
        assert_eq!(found(&mut ix, "supplly"), [1]);
        assert_eq!(found(&mut ix, "nortwind"), [2], "a letter left out (also a fuzzy match)");
        assert_eq!(found(&mut ix, "tradrs"), [2]);
        assert!(found(&mut ix, "hranite").is_empty(), "the first letter must be right");
        assert!(found(&mut ix, "grnoite").is_empty(), "two typos are too many");
        assert!(found(&mut ix, "gra").iter().all(|id| [1, 3].contains(id)));
        assert_eq!(found(&mut ix, "granote supplly"), [1], "a typo in each of two words");
        assert_eq!(found(&mut ix, "granote sup"), [1]);
        assert!(found(&mut ix, "granote trad").is_empty(), "every word must be in the same name");
    }

    #[test]
    fn typo_rule_cases() {
        let t = |q: &str, w: &str| one_typo_from_a_prefix(q.as_bytes(), w.as_bytes());
        assert!(t("granote", "granite"));
        assert!(t("granitex", "granite"));
        assert!(t("grante", "granite"));
        assert!(t("gar", "granite"));
        assert!(!t("granite", "granite"), "no typo: found as a substring instead");
        assert!(!t("xranite", "granite"));
        assert!(!t("gxxnite", "granite"));
    }

    /// The byte walk gives the matcher's answer for plain letters against plain names.
    #[test]
    fn letters_in_order_agree_with_the_fuzzy_matcher() {
        let firsts = ["Olivia", "Emily", "Victor", "David", "Priya", "Hernandez", "Zoe", "Quinn", "Aaron", "Lee"];
        let lasts = ["Martinez", "Kowalski", "Granite Works Inc.", "O'Neil", "Wright", "Yu", "Bakery & Co", "Levy"];
        let names: Vec<String> = firsts.iter().flat_map(|f| lasts.iter().map(move |l| format!("{f} {l}"))).collect();
        let queries = ["ol", "olv", "olvia", "hz", "mrtn", "ab", "zz", "ee", "grnt", "kow", "aaa", "yx", "qu", "inc"];
        let mut matcher = Matcher::new(Config::DEFAULT);
        let mut agreed = (0, 0);
        for name in &names {
            for q in queries {
                let pattern = Pattern::parse(q, CaseMatching::Ignore, Normalization::Smart);
                let theirs = pattern.score(Utf32String::from(name.as_str()).slice(..), &mut matcher).is_some();
                assert_eq!(in_order(q.as_bytes(), name.to_lowercase().as_bytes()), theirs, "{q} in {name}");
                if theirs { agreed.0 += 1 } else { agreed.1 += 1 }
            }
        }
        assert!(agreed.0 > 20 && agreed.1 > 20, "{agreed:?}");
    }

    #[test]
    fn a_match_never_spans_two_debtors() {
        let mut ix = index();
        // "ple.com" ends record 1; "acme" starts nothing after it: no cross-record hit.
        assert!(found(&mut ix, ".com\nacme").is_empty());
        assert_eq!(found(&mut ix, "1002"), [1]);
    }
}
