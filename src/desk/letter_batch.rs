//! The ladder's letters for the whole worklist: each account whose next step is a letter gets
//! it, through the same guard as a single letter; a dry run asks the guard and sends nothing.

use std::path::{Path, PathBuf};

use super::{Desk, DeskError, Result};
use crate::domain::Channel;
use crate::domain::compliance::Level;
use crate::domain::queue::Queue;

#[derive(Debug, Clone)]
pub enum BatchOutcome {
    WouldSend,
    /// The letter as sent (for printing) and its archived copy.
    Sent {
        letter: Box<super::Letter>,
        file: PathBuf,
    },
    /// Blocked by the guard or lacking what the template needs; the reason says which.
    Skipped(String),
}

/// One account of a batch: who, which letter, the ladder's reason, and what happened.
#[derive(Debug, Clone)]
pub struct BatchLine {
    pub debtor_id: i64,
    pub name: String,
    pub template: &'static str,
    pub why: String,
    pub outcome: BatchOutcome,
}

impl Desk {
    /// The accounts of `queue` whose next step is a letter. `only`: just this template.
    /// `overrides`: the user's templates; `archive`: where sent letters are kept.
    pub fn ladder_letters(
        &mut self,
        queue: Queue,
        only: Option<&str>,
        dry_run: bool,
        overrides: &Path,
        archive: &Path,
    ) -> Result<Vec<BatchLine>> {
        let mut lines = Vec::new();
        for row in self.queue(queue)? {
            let step = self.account(row.id)?.next_step;
            let Some(template) = step.step.and_then(|s| s.template()).filter(|t| only.is_none_or(|o| o == *t)) else {
                continue;
            };
            let outcome = match self.compose_letter(row.id, template, Some(overrides), None) {
                Err(e) => BatchOutcome::Skipped(e.to_string()),
                Ok(_) if dry_run => {
                    let answer = self.check_contact(row.id, Channel::Letter, None)?;
                    if answer.level == Level::Block {
                        BatchOutcome::Skipped(DeskError::Blocked(Box::new(answer)).to_string())
                    } else {
                        BatchOutcome::WouldSend
                    }
                }
                Ok(letter) => match self.send_letter(&letter, archive, None) {
                    Ok((_, file)) => BatchOutcome::Sent { letter: Box::new(letter), file },
                    Err(e) => BatchOutcome::Skipped(e.to_string()),
                },
            };
            lines.push(BatchLine { debtor_id: row.id, name: row.name.into(), template, why: step.reason, outcome });
        }
        Ok(lines)
    }
}
