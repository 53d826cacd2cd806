//! Import profiles: what identifies an export and where its fields are. The
//! built-in formats are such profiles (assets/profiles/*.toml), so a new format is a
//! file, not code; a user's own profiles live in the config dir's `profiles/`.

use std::collections::BTreeMap;
use std::path::Path;

use serde::Deserialize;

use super::amount::Decimal;
use super::date::DateOrder;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum ProfileKind {
    /// Receivables: invoices, credit notes, unapplied payments.
    Invoices,
    /// Customers and their contact points.
    Contacts,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Detect {
    /// Header cells that must all be present (case-insensitive, a leading `*` ignored).
    pub all: Vec<String>,
    /// At least one of these must be present, when given.
    #[serde(default)]
    pub any: Vec<String>,
    /// None of these may be present.
    #[serde(default)]
    pub none: Vec<String>,
    /// When given, a line above the header (the report's title) must contain one of these.
    #[serde(default)]
    pub title: Vec<String>,
}

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Types {
    #[serde(default)]
    pub invoice: Vec<String>,
    #[serde(default)]
    pub credit: Vec<String>,
    #[serde(default)]
    pub payment: Vec<String>,
    /// Rows of these types are not receivables and are passed over (counted).
    #[serde(default)]
    pub skip: Vec<String>,
}

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Statuses {
    /// Not a receivable (drafts, voids): passed over, counted.
    #[serde(default)]
    pub skip: Vec<String>,
    /// Paid in the ledger: balance zero.
    #[serde(default)]
    pub paid: Vec<String>,
    /// Partly paid: the paid part is unknown when the file has no balance column.
    #[serde(default)]
    pub partial: Vec<String>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RowFilter {
    /// A field name from `columns`.
    pub field: String,
    /// Keep only rows whose value is one of these (case-insensitive).
    pub keep: Vec<String>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Profile {
    pub name: String,
    pub title: String,
    pub kind: ProfileKind,
    /// The accounting product, for `dun formats`.
    #[serde(default)]
    pub source: String,
    pub detect: Detect,
    /// Day/month order when the file's own dates cannot prove it.
    #[serde(default)]
    pub date_order: Option<DateOrder>,
    /// "point" or "comma"; detected from the file's amounts when absent.
    #[serde(default)]
    pub decimal: Option<String>,
    /// Column A carries group rows and `Total …` rows (QuickBooks, Xero reports).
    #[serde(default)]
    pub grouped: bool,
    /// Group rows name the customer (a report grouped by customer).
    #[serde(default)]
    pub customer_from_group: bool,
    /// One row per invoice line: rows are gathered by invoice number.
    #[serde(default)]
    pub lines_per_invoice: bool,
    /// With `lines_per_invoice`: the invoice amount is the sum of the lines' `amount`
    /// (else it is repeated on every line and read from the first).
    #[serde(default)]
    pub sum_lines: bool,
    /// The file lists every open item of the ledger (an aging or open-items report), so
    /// an open invoice missing from it has been paid or closed there.
    #[serde(default)]
    pub lists_all_open: bool,
    /// Credit notes are printed positive; the type makes them negative.
    #[serde(default)]
    pub positive_credits: bool,
    /// `Parent:Child` names: the parent is the debtor.
    #[serde(default)]
    pub subcustomers: bool,
    #[serde(default)]
    pub row_filter: Option<RowFilter>,
    /// Field name → the header spellings that carry it.
    pub columns: BTreeMap<String, Vec<String>>,
    #[serde(default)]
    pub types: Types,
    #[serde(default)]
    pub statuses: Statuses,
    /// What this export cannot tell, shown on every import of it.
    #[serde(default)]
    pub caveat: Option<String>,
    /// The currency of amounts the file does not label (else the book's).
    #[serde(default)]
    pub currency: Option<String>,
}

/// The fields a profile may map.
pub const FIELDS: &[&str] = &[
    "customer",
    "customer_ref",
    "number",
    "type",
    "issued",
    "due",
    "amount",
    "balance",
    "status",
    "currency",
    "email",
    "phone",
    "mobile",
    "address",
    "address2",
    "city",
    "region",
    "postal_code",
    "country",
    "account",
];

const BUILT_IN: &[(&str, &str)] = &[
    ("qbo-ar-aging-detail.toml", include_str!("../../assets/profiles/qbo-ar-aging-detail.toml")),
    ("qbo-ar-ageing-detail-uk.toml", include_str!("../../assets/profiles/qbo-ar-ageing-detail-uk.toml")),
    ("qbo-open-invoices.toml", include_str!("../../assets/profiles/qbo-open-invoices.toml")),
    ("qbo-invoice-list.toml", include_str!("../../assets/profiles/qbo-invoice-list.toml")),
    ("qbo-customer-balance-detail.toml", include_str!("../../assets/profiles/qbo-customer-balance-detail.toml")),
    ("qbo-contact-list.toml", include_str!("../../assets/profiles/qbo-contact-list.toml")),
    ("qbd-ar-aging-detail.toml", include_str!("../../assets/profiles/qbd-ar-aging-detail.toml")),
    ("qbd-open-invoices.toml", include_str!("../../assets/profiles/qbd-open-invoices.toml")),
    ("xero-invoices.toml", include_str!("../../assets/profiles/xero-invoices.toml")),
    ("xero-aged-receivables-detail.toml", include_str!("../../assets/profiles/xero-aged-receivables-detail.toml")),
    ("xero-contacts.toml", include_str!("../../assets/profiles/xero-contacts.toml")),
    ("sage50-aged-debtors.toml", include_str!("../../assets/profiles/sage50-aged-debtors.toml")),
    ("freshbooks-invoice-details.toml", include_str!("../../assets/profiles/freshbooks-invoice-details.toml")),
    ("wave-accounting.toml", include_str!("../../assets/profiles/wave-accounting.toml")),
    ("wave-customers.toml", include_str!("../../assets/profiles/wave-customers.toml")),
    ("zoho-invoices.toml", include_str!("../../assets/profiles/zoho-invoices.toml")),
    ("eu-open-items.toml", include_str!("../../assets/profiles/eu-open-items.toml")),
];

#[derive(Debug, thiserror::Error)]
pub enum ProfileError {
    #[error("{file}: {message}")]
    Invalid { file: String, message: String },
    #[error("cannot read {file}: {source}")]
    Read { file: String, source: std::io::Error },
}

impl Profile {
    pub fn parse(text: &str, file: &str) -> Result<Profile, ProfileError> {
        let invalid = |message: String| ProfileError::Invalid { file: file.to_string(), message };
        let p: Profile = toml::from_str(text).map_err(|e| {
            let line = e.span().map(|s| text[..s.start.min(text.len())].matches('\n').count() + 1);
            invalid(match line {
                Some(l) => format!("line {l}: {}", e.message()),
                None => e.message().to_string(),
            })
        })?;
        if let Some(unknown) = p.columns.keys().find(|k| !FIELDS.contains(&k.as_str())) {
            return Err(invalid(format!("unknown field '{unknown}' in [columns] (known: {})", FIELDS.join(", "))));
        }
        if let Some(d) = p.decimal.as_deref().filter(|d| !matches!(*d, "point" | "comma")) {
            return Err(invalid(format!("decimal = '{d}': use \"point\" or \"comma\"")));
        }
        if let Some(c) = p.currency.as_deref().filter(|c| c.len() != 3 || !c.bytes().all(|b| b.is_ascii_uppercase())) {
            return Err(invalid(format!("currency = '{c}': use an ISO code like USD")));
        }
        let needed: &[&str] = match p.kind {
            ProfileKind::Invoices => &["customer", "number"],
            ProfileKind::Contacts => &["customer"],
        };
        for field in needed {
            let from_group = *field == "customer" && p.customer_from_group;
            if !from_group && !p.columns.contains_key(*field) {
                return Err(invalid(format!("[columns] needs '{field}'")));
            }
        }
        Ok(p)
    }

    pub fn decimal(&self) -> Option<Decimal> {
        match self.decimal.as_deref() {
            Some("comma") => Some(Decimal::Comma),
            Some("point") => Some(Decimal::Point),
            _ => None,
        }
    }
}

/// The built-in profiles, then the user's (a user profile with a built-in's name replaces it).
pub fn load_profiles(user_dir: Option<&Path>) -> Result<Vec<Profile>, ProfileError> {
    let mut out = Vec::new();
    for (file, text) in BUILT_IN {
        out.push(Profile::parse(text, file)?);
    }
    if let Some(dir) = user_dir.filter(|d| d.is_dir()) {
        let read = |source| ProfileError::Read { file: dir.display().to_string(), source };
        let mut paths: Vec<_> = std::fs::read_dir(dir)
            .map_err(read)?
            .filter_map(|e| e.ok().map(|e| e.path()))
            .filter(|p| p.extension().is_some_and(|x| x == "toml"))
            .collect();
        paths.sort();
        for path in paths {
            let file = path.display().to_string();
            let text =
                std::fs::read_to_string(&path).map_err(|source| ProfileError::Read { file: file.clone(), source })?;
            let profile = Profile::parse(&text, &file)?;
            out.retain(|p: &Profile| p.name != profile.name);
            out.push(profile);
        }
    }
    Ok(out)
}

/// Header normalisation for matching: trimmed, lower-case, no leading `*`, one space.
pub fn norm(cell: &str) -> String {
    // Built in one buffer: asked of every row's type and status. Word by word is the same as
    // lowercasing the joined text (the one context rule, Greek final sigma, stops at spaces).
    let mut out = String::with_capacity(cell.len());
    for (i, word) in cell.trim().trim_start_matches('*').split_whitespace().enumerate() {
        if i > 0 {
            out.push(' ');
        }
        match word.is_ascii() {
            true => out.extend(word.bytes().map(|b| b.to_ascii_lowercase() as char)),
            false => out.push_str(&word.to_lowercase()),
        }
    }
    out
}

/// `norm(cell) == normed`, without building `norm(cell)`: asked of every row (is it a
/// repeated header?), and almost always false at the first letter.
pub fn norm_is(cell: &str, normed: &str) -> bool {
    // The usual answer, at the first byte: a cell that starts with a visible ASCII character
    // other than `*` starts its first word with it, lowered, as `normed` must.
    if let (Some(&c), Some(&n)) = (cell.as_bytes().first(), normed.as_bytes().first())
        && c.is_ascii_graphic()
        && c != b'*'
        && n.is_ascii()
        && c.to_ascii_lowercase() != n
    {
        return false;
    }
    let words = cell.trim().trim_start_matches('*').split_whitespace();
    let mut chars = normed.chars();
    for (i, word) in words.enumerate() {
        if i > 0 && chars.next() != Some(' ') {
            return false;
        }
        for c in word.chars().flat_map(char::to_lowercase) {
            if chars.next() != Some(c) {
                return false;
            }
        }
    }
    chars.next().is_none()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn norm_is_agrees_with_norm() {
        let h = norm(" *Due  Date ");
        for cell in ["Due Date", "*due date", "  DUE   DATE ", "Due", "Due Dates", "Düe Date", "", "Due\tDate"] {
            assert_eq!(norm_is(cell, &h), norm(cell) == h, "{cell:?}");
        }
        assert!(norm_is("", ""));
        assert!(norm_is("ÄRGER", &norm("ärger")));
    }

    proptest::proptest! {
        /// The answer at the first byte is the answer of the whole comparison.
        #[test]
        fn norm_is_agrees_with_norm_on_any_ascii(cell in "[ *a-cA-C0-9.]{0,6}", header in "[ *a-cA-C0-9.]{0,6}") {
            let h = norm(&header);
            proptest::prop_assert_eq!(norm_is(&cell, &h), norm(&cell) == h);
            proptest::prop_assert!(norm_is(&header, &h));
        }
    }

    #[test]
    fn norm_lowercases_the_joined_words() {
        let joined = |cell: &str| {
            cell.trim().trim_start_matches('*').split_whitespace().collect::<Vec<_>>().join(" ").to_lowercase()
        };
        for cell in [" *Due  Date ", "INVOICE", "Crédit  MEMO", "ΟΔΟΣ ΣΊΣΥΦΟΣ", "ΣΑ Σ", "\tİstanbul\n", "", "*"]
        {
            assert_eq!(norm(cell), joined(cell), "{cell:?}");
        }
    }

    #[test]
    fn built_in_profiles_load() {
        let all = load_profiles(None).unwrap();
        assert_eq!(all.len(), BUILT_IN.len());
        let mut names: Vec<_> = all.iter().map(|p| p.name.as_str()).collect();
        names.sort();
        names.dedup();
        assert_eq!(names.len(), all.len(), "profile names are unique");
    }

    #[test]
    fn a_bad_profile_names_its_line() {
        let text = "name = \"x\"\ntitle = \"X\"\nkind = \"invoices\"\nbogus = 1\n";
        let err = Profile::parse(text, "x.toml").unwrap_err().to_string();
        assert!(err.contains("line 4"), "{err}");
        let text = "name = \"x\"\ntitle = \"X\"\nkind = \"invoices\"\n[detect]\nall = [\"a\"]\n[columns]\ncustomer = [\"a\"]\nnumber = [\"b\"]\nfoo = [\"c\"]\n";
        let err = Profile::parse(text, "x.toml").unwrap_err().to_string();
        assert!(err.contains("unknown field 'foo'"), "{err}");
        let text = "name = \"x\"\ntitle = \"X\"\nkind = \"invoices\"\ncurrency = \"Euro\"\n[detect]\nall = [\"a\"]\n[columns]\ncustomer = [\"a\"]\nnumber = [\"b\"]\n";
        let err = Profile::parse(text, "x.toml").unwrap_err().to_string();
        assert!(err.contains("currency = 'Euro': use an ISO code like USD"), "{err}");
    }
}
