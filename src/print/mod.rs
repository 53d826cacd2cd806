//! Documents on paper: a small PDF writer and the letter layout. Pure: bytes in memory,
//! written to disk by the desk.

pub mod letter;
pub mod pdf;

pub use letter::{Laid, Paper, document, lay_out};
