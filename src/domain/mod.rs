//! Pure types and rules: no I/O, no SQL, no terminal, no clock. "Today" is a parameter.

pub mod aging;
pub mod allocation;
pub mod calendar;
pub mod compliance;
pub mod contact;
pub mod dates;
pub mod dispute;
pub mod email;
pub mod kpi;
pub mod ladder;
pub mod letter;
pub mod money;
pub mod plan;
pub mod priority;
pub mod promise;
pub mod queue;

pub use aging::{AgingSplit, Bucket, days_past_due};
pub use contact::{Channel, ContactKind, ContactStatus, Outcome, outcome};
pub use money::{Money, parse_money};
pub use promise::PromiseStatus;
pub mod records;
pub use records::*;
