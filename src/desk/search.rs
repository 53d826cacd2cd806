//! The desk's search: one keystroke must answer within 10 ms on a 100k-debtor book, so it
//! runs over an in-memory index (built on the store thread, rebuilt after writes), not SQL:
//! a substring scan of one buffer holding every name, customer reference, invoice number,
//! email and phone (digits alone, so "5550144" finds "(773) 555-0144"), plus fuzzy matching
//! of names (letters in order, as fzf does, so "olvia" finds Olivia), plus one typo in a
//! word of a name (a letter wrong, added, missing or two swapped: "granote" and "graniet"
//! find Granite), which fzf-style matching cannot forgive.

use memchr::memmem;
use nucleo_matcher::pattern::{CaseMatching, Normalization, Pattern};
use nucleo_matcher::{Config, Matcher, Utf32String};

use crate::store::SearchRecord;

pub struct SearchIndex {
    ids: Vec<i64>,
    /// Lower-cased records, one per debtor, each ending in '\n'; `starts[i]` is where record i begins.
    text: Vec<u8>,
    starts: Vec<usize>,
    /// Each debtor's invoice numbers, same layout: most of the text on a large book, and
    /// passed over whole when the query has a byte no invoice number holds.
    numbers: Vec<u8>,
    number_starts: Vec<usize>,
    number_bytes: [bool; 256],
    /// The digits of each debtor's phones, same layout.
    digits: Vec<u8>,
    digit_starts: Vec<usize>,
    names: Vec<Utf32String>,
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

impl SearchIndex {
    pub fn build(records: Vec<SearchRecord>) -> SearchIndex {
        let mut index = SearchIndex {
            ids: Vec::with_capacity(records.len()),
            text: Vec::new(),
            starts: Vec::with_capacity(records.len()),
            numbers: Vec::new(),
            number_starts: Vec::with_capacity(records.len()),
            number_bytes: [false; 256],
            digits: Vec::new(),
            digit_starts: Vec::with_capacity(records.len()),
            names: Vec::with_capacity(records.len()),
            letters: Vec::with_capacity(records.len()),
            initials: Vec::with_capacity(records.len()),
            matcher: Matcher::new(Config::DEFAULT),
            last: None,
        };
        for r in records {
            index.ids.push(r.debtor_id);
            index.starts.push(index.text.len());
            // A separator no query contains keeps matches inside one field.
            let put = |buf: &mut Vec<u8>, field: &str| {
                buf.extend(field.to_lowercase().replace('\n', " ").bytes());
                buf.push(0x1f);
            };
            for field in [&r.name, &r.external_ref].into_iter().chain(&r.emails).chain(&r.phones) {
                put(&mut index.text, field);
            }
            index.text.push(b'\n');
            index.number_starts.push(index.numbers.len());
            for number in &r.invoice_numbers {
                put(&mut index.numbers, number);
            }
            index.numbers.push(b'\n');
            index.digit_starts.push(index.digits.len());
            for phone in &r.phones {
                index.digits.extend(phone.bytes().filter(u8::is_ascii_digit));
                index.digits.push(b' ');
            }
            index.digits.push(b'\n');
            // A name with accents may match its plain spelling: never pass it over.
            index.letters.push(if r.name.is_ascii() { letter_mask(&r.name) } else { u32::MAX });
            let initials = r.name.split(|c: char| !c.is_ascii_alphanumeric()).filter_map(|w| w.chars().next());
            index.initials.push(initials.fold(0, |m, c| m | letter_mask(c.encode_utf8(&mut [0; 4]))));
            index.names.push(Utf32String::from(r.name.as_str()));
        }
        for &b in &index.numbers {
            index.number_bytes[b as usize] = true;
        }
        index
    }

    /// The debtors the query finds, in no particular order.
    pub fn search(&mut self, query: &str) -> Vec<i64> {
        let q = query.trim().to_lowercase();
        if q.is_empty() {
            self.last = None;
            return Vec::new();
        }
        let digits: String = q.chars().filter(char::is_ascii_digit).collect();
        let phone_like = q.chars().all(|c| c.is_ascii_digit() || " ()-+.".contains(c)) && digits.len() >= 3;
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
        let in_numbers = q.bytes().all(|b| self.number_bytes[b as usize]);
        let digit_finder = memmem::Finder::new(digits.as_bytes());
        let pattern = (q.chars().filter(|c| c.is_alphabetic()).count() >= 2)
            .then(|| Pattern::parse(&q, CaseMatching::Ignore, Normalization::Smart));
        let record = |buf: &[u8], starts: &[usize], i: usize| {
            let end = starts.get(i + 1).copied().unwrap_or(buf.len());
            (starts[i], end)
        };
        match &candidates {
            Some(list) => {
                for &i in list {
                    let (a, b) = record(&self.text, &self.starts, i);
                    let (na, nb) = record(&self.numbers, &self.number_starts, i);
                    let (da, db) = record(&self.digits, &self.digit_starts, i);
                    hit[i] = finder.find(&self.text[a..b]).is_some()
                        || (in_numbers && finder.find(&self.numbers[na..nb]).is_some())
                        || (phone_like && digit_finder.find(&self.digits[da..db]).is_some());
                }
            }
            None => {
                // One hit per record is enough: after a match, go on from the next record.
                scan(&finder, &self.text, &self.starts, &mut hit);
                if in_numbers {
                    scan(&finder, &self.numbers, &self.number_starts, &mut hit);
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
                hit[i] = if plain && self.names[i].slice(..).is_ascii() {
                    let (a, _) = record(&self.text, &self.starts, i);
                    let name = &self.text[a..memchr::memchr(0x1f, &self.text[a..]).map_or(a, |e| a + e)];
                    in_order(q.as_bytes(), name)
                } else {
                    pattern.score(self.names[i].slice(..), &mut self.matcher).is_some()
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
                let (a, _) = record(&self.text, &self.starts, i);
                let name = &self.text[a..memchr::memchr(0x1f, &self.text[a..]).map_or(a, |e| a + e)];
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
fn scan(finder: &memmem::Finder<'_>, buf: &[u8], starts: &[usize], hit: &mut [bool]) {
    let (mut from, mut i) = (0, 0);
    while let Some(at) = finder.find(&buf[from..]) {
        // Matches come in order, so the record index only moves forward.
        while starts.get(i + 1).is_some_and(|next| *next <= from + at) {
            i += 1;
        }
        hit[i] = true;
        match starts.get(i + 1) {
            Some(next) => from = *next,
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
