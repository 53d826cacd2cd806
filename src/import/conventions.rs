//! The day/month order a file's rows are read in: the one its dates prove, else its
//! format's. Decided before the rows are read, by a first pass that votes on every date;
//! or, for a file whose format names its conventions, taken on the format's word and
//! checked by the same votes as the rows are read ([`RowSink::on_trust`]), which spares
//! the first pass.
//!
//! [`RowSink::on_trust`]: super::RowSink::on_trust

use super::super::date::{DateOrder, OrderEvidence, OrderVotes};
use super::super::profile::Profile;

/// The order decided, what the report says of it, and whether the dates contradict each
/// other (the file is then refused: an issue on its header line).
pub(super) struct OrderDecided {
    pub order: Option<DateOrder>,
    pub note: String,
    pub contradictory: bool,
}

/// What `votes` decide for a file of format `p` (`has_dates`: whether it has a date column).
pub(super) fn decide(votes: &OrderVotes, has_dates: bool, p: &Profile) -> OrderDecided {
    let decided = |order: Option<DateOrder>, note: String| OrderDecided { order, note, contradictory: false };
    match votes.verdict() {
        _ if !has_dates => decided(p.date_order, "none in this file".into()),
        OrderEvidence::Proven(o) => decided(Some(o), format!("{} (proven by the file's dates)", order_name(o))),
        OrderEvidence::Ambiguous => match p.date_order {
            Some(o) => {
                let whose = if p.source.is_empty() { format!("the {} profile", p.name) } else { p.source.clone() };
                decided(Some(o), format!("{} ({whose}'s order; no date in the file says otherwise)", order_name(o)))
            }
            None => decided(None, "not decided: every date reads both ways and the format has no known order".into()),
        },
        OrderEvidence::Contradictory => {
            OrderDecided { order: None, note: format!("contradictory: {MIXED}"), contradictory: true }
        }
    }
}

/// Whether a file of format `p` may be read on the format's word: it names its decimal
/// mark (nothing to vote on) and its day/month order, or the file has no date.
pub(super) fn named_by_format(p: &Profile, has_dates: bool) -> bool {
    p.decimal().is_some() && (p.date_order.is_some() || !has_dates)
}

/// Why a file whose dates contradict each other is refused.
pub(super) const MIXED: &str = "the file mixes day-first and month-first dates";

/// What a reader told to read on the format's word meets when the file's dates disprove
/// the format's order: the rows were read wrong and are to be read again.
pub const DISPROVED: &str = "the file's dates are not in its format's day/month order: it is to be read again";

pub(super) fn order_name(o: DateOrder) -> &'static str {
    match o {
        DateOrder::Mdy => "month/day/year",
        DateOrder::Dmy => "day/month/year",
        DateOrder::Ymd => "year-month-day",
    }
}
