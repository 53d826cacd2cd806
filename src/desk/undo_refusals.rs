//! What undo says of an action it does not turn back: the action in the collector's words,
//! and what to do instead. Kept apart from the undo machinery it serves (`undo`).

use serde_json::Value;

use crate::domain::parse_money;
use crate::store::LoggedEvent;

/// The action an event records, in the collector's words, for the refusals.
pub(super) fn describe_other(e: &LoggedEvent, currency: &str) -> (String, &'static str) {
    let after = e.after.clone().unwrap_or(Value::Null);
    let amount = |k: &str| {
        after[k]
            .as_str()
            .and_then(|m| parse_money(m).ok())
            .map(|m| format!(" of {}", m.display(currency)))
            .unwrap_or_default()
    };
    match e.kind.as_str() {
        "import-committed" => (
            format!("import of a {} file", after["format"].as_str().unwrap_or("ledger")),
            "an import is a batch of its own; import a corrected file instead",
        ),
        "demo-book-created" => ("demo book created".into(), "it is where this book began"),
        "settled" => (
            format!("settlement{}", amount("amount")),
            "a settlement takes money and writes off the rest; reverse its payment with `dun reverse` if need be",
        ),
        "written-off" => (
            format!("write-off{}", amount("amount")),
            "a write-off is a ledger entry; a later payment still posts as a recovery",
        ),
        "payment-reversed" => (
            format!("reversal of payment #{}", after["reverses"].as_i64().unwrap_or_default()),
            "a reversal is itself a correction; record the payment again if it was reversed by mistake",
        ),
        "dispute-resolved" => {
            let status = after["status"].as_str().unwrap_or("resolved");
            let why = if status == "upheld" {
                "an upheld dispute credited what it held back; open a new dispute if it was upheld by mistake"
            } else {
                "the money it held back is in collection again (and may have been paid); open a new dispute if it was rejected by mistake"
            };
            (format!("dispute resolved as {status}"), why)
        }
        "debtor-purged" => ("purge of a closed account".into(), "the personal data is gone for good"),
        other => (other.replace('-', " "), "dun does not know how to turn it back"),
    }
}
