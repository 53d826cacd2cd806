//! Which export is this? A profile matches when a row near the top holds its
//! headers (and, if it names one, the report title stands above). Unknown and
//! ambiguous files are refused with the candidates named: nothing is guessed.

use std::collections::BTreeMap;

use super::profile::{Profile, norm};
use super::text::Record;

/// How far down a header row may be (QBO: line 5; NetSuite: line 7).
pub const HEADER_SEARCH: usize = 25;

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum DetectError {
    #[error("not a format dun knows{}", closest(.0))]
    Unknown(Vec<String>),
    #[error("this file fits more than one format: {}. Name one with --format", .0.join(", "))]
    Ambiguous(Vec<String>),
    #[error("no format is called '{0}' (see `dun formats`)")]
    NoSuchFormat(String),
    #[error("the header of {0} was not found in the first {HEADER_SEARCH} rows")]
    HeaderNotFound(String),
}

fn closest(names: &[String]) -> String {
    if names.is_empty() {
        ". Describe it with a profile (see `dun formats`), or name one with --format".into()
    } else {
        format!("; closest: {}. Name one with --format, or describe it with a profile", names.join(", "))
    }
}

/// Field → column index of a header row.
pub type ColumnMap = BTreeMap<String, usize>;

#[derive(Debug, Clone)]
pub struct Detected<'p> {
    pub profile: &'p Profile,
    /// Index into the records of the header row.
    pub header: usize,
    pub columns: ColumnMap,
}

fn header_cells(r: &Record) -> Vec<String> {
    r.cells.iter().map(norm).collect()
}

/// How many of the profile's required headers a row holds, and whether it passes.
fn fit(p: &Profile, cells: &[String]) -> (usize, bool) {
    let has = |h: &String| cells.iter().any(|c| c == h);
    let found = p.detect.all.iter().filter(|h| has(h)).count();
    let ok = found == p.detect.all.len()
        && (p.detect.any.is_empty() || p.detect.any.iter().any(has))
        && !p.detect.none.iter().any(has);
    (found, ok)
}

fn titled(p: &Profile, above: &[Record]) -> bool {
    p.detect.title.is_empty()
        || above.iter().any(|r| {
            let line = r.cells.iter().map(|c| c.to_lowercase()).collect::<Vec<_>>().join(" ");
            p.detect.title.iter().any(|t| line.contains(t.as_str()))
        })
}

pub fn column_map(p: &Profile, header: &Record) -> ColumnMap {
    let cells = header_cells(header);
    let mut map = ColumnMap::new();
    for (field, aliases) in &p.columns {
        if let Some(i) = aliases.iter().find_map(|a| cells.iter().position(|c| c == a)) {
            map.insert(field.clone(), i);
        }
    }
    map
}

pub fn detect<'p>(
    records: &[Record],
    profiles: &'p [Profile],
    forced: Option<&str>,
) -> Result<Detected<'p>, DetectError> {
    let top = &records[..records.len().min(HEADER_SEARCH)];
    if let Some(name) = forced {
        let p = profiles.iter().find(|p| p.name == name).ok_or_else(|| DetectError::NoSuchFormat(name.into()))?;
        let header = top
            .iter()
            .position(|r| fit(p, &header_cells(r)).1)
            .ok_or_else(|| DetectError::HeaderNotFound(name.into()))?;
        return Ok(Detected { profile: p, header, columns: column_map(p, &records[header]) });
    }
    let mut hits: Vec<(usize, &Profile)> = Vec::new();
    let mut near: Vec<(usize, &Profile)> = Vec::new();
    for p in profiles {
        let mut best = 0;
        for (i, r) in top.iter().enumerate() {
            let (found, ok) = fit(p, &header_cells(r));
            best = best.max(found);
            if ok && titled(p, &top[..i]) {
                hits.push((i, p));
                break;
            }
        }
        if best * 2 >= p.detect.all.len() && best > 0 {
            near.push((best, p));
        }
    }
    match hits.len() {
        1 => {
            let (header, profile) = hits[0];
            Ok(Detected { profile, header, columns: column_map(profile, &records[header]) })
        }
        0 => {
            near.sort_by_key(|n| std::cmp::Reverse(n.0));
            Err(DetectError::Unknown(near.iter().take(3).map(|(_, p)| p.name.clone()).collect()))
        }
        _ => Err(DetectError::Ambiguous(hits.iter().map(|(_, p)| p.name.clone()).collect())),
    }
}
