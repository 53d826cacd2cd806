//! Keys on the import preview: what an import would change is shown before anything is
//! written; `y` commits it, `s` commits keeping the rejected rows aside, Esc leaves it.

use crossterm::event::KeyEvent;

use super::app::{App, Overlay, info};
use super::worker::{Request, Ticket};
use crate::desk::ImportReport;

impl App {
    /// Keys on the import preview: scroll it, commit it, or leave it.
    pub(super) fn on_review_key(
        &mut self,
        key: &KeyEvent,
        report: Box<ImportReport>,
        format: Option<String>,
        scroll: usize,
        out: &mut Vec<(Ticket, Request)>,
    ) {
        use crossterm::event::KeyCode;
        let commit = |skip_invalid: bool| Request::ImportCommit {
            path: report.file.clone(),
            format: format.clone(),
            sha256: report.sha256.clone(),
            skip_invalid,
        };
        let can_commit = report.plan.changes() > 0;
        match key.code {
            KeyCode::Esc | KeyCode::Char('n') | KeyCode::Char('q') => {
                self.status = Some(info("Import cancelled: nothing was written"));
            }
            KeyCode::Enter | KeyCode::Char('y') if can_commit && report.rejected.is_empty() => {
                let request = commit(false);
                self.write(request, out);
                self.overlay = Some(Overlay::ImportReview { report, format, scroll });
            }
            KeyCode::Char('s') if can_commit && !report.rejected.is_empty() => {
                let request = commit(true);
                self.write(request, out);
                self.overlay = Some(Overlay::ImportReview { report, format, scroll });
            }
            KeyCode::Down | KeyCode::Char('j') => {
                self.overlay = Some(Overlay::ImportReview { report, format, scroll: scroll + 1 })
            }
            KeyCode::Up | KeyCode::Char('k') => {
                self.overlay = Some(Overlay::ImportReview { report, format, scroll: scroll.saturating_sub(1) })
            }
            KeyCode::PageDown => {
                self.overlay = Some(Overlay::ImportReview { report, format, scroll: scroll + self.page })
            }
            KeyCode::PageUp => {
                self.overlay = Some(Overlay::ImportReview { report, format, scroll: scroll.saturating_sub(self.page) })
            }
            _ => self.overlay = Some(Overlay::ImportReview { report, format, scroll }),
        }
    }
}
