//! The legal file of one account: everything an agency or attorney needs, in one folder only
//! the collector can read.

use std::path::{Path, PathBuf};

use super::{Desk, DeskError, Result, csv_text};

/// What went into a case folder.
pub struct CaseFile {
    pub dir: PathBuf,
    pub files: Vec<String>,
}

impl Desk {
    /// Write the statement (text and PDF), the invoices, the whole timeline, the promises and plans and copies
    /// of the letters sent (from `letters`) into `dir`.
    pub fn export_case(&self, debtor_id: i64, dir: &Path, letters: &Path) -> Result<CaseFile> {
        let view = self.account(debtor_id)?;
        let statement = self.compose_letter(debtor_id, "statement", None, None)?;
        let io = |e: std::io::Error| DeskError::invalid("out", format!("{}: {e}", dir.display()));
        crate::paths::create_private_dir(dir).map_err(io)?;
        let mut files = Vec::new();
        let mut write = |name: &str, bytes: &[u8]| -> Result<()> {
            crate::paths::write_private(&dir.join(name), bytes).map_err(io)?;
            files.push(name.to_string());
            Ok(())
        };
        write("statement.txt", statement.text.as_bytes())?;
        write("statement.pdf", &self.letters_pdf(&[&statement]))?;

        let invoices: Vec<Vec<String>> = view
            .invoices
            .iter()
            .map(|i| {
                vec![
                    i.number.clone(),
                    i.kind.clone(),
                    i.issued_on.map(|d| d.to_string()).unwrap_or_default(),
                    i.due_on.to_string(),
                    i.original.to_decimal(),
                    i.balance.to_decimal(),
                    i.currency.clone(),
                    i.status.clone(),
                    if i.disputed { "disputed".into() } else { String::new() },
                    // What the dispute holds back: the balance, or the part of it disputed.
                    if i.disputed { i.disputed_amount.to_decimal() } else { String::new() },
                ]
            })
            .collect();
        let header = [
            "invoice",
            "kind",
            "issued",
            "due",
            "original",
            "balance",
            "currency",
            "status",
            "dispute",
            "disputed_amount",
        ];
        write("invoices.csv", csv_text(&header, invoices).as_bytes())?;

        // One dated line per thing that happened, oldest first.
        let mut timeline: Vec<Vec<String>> = Vec::new();
        for a in &view.attempts {
            let mut detail = a.note.clone();
            if let Some(r) = &a.override_reason {
                detail.push_str(&format!(" [guard overridden: {r}]"));
            }
            timeline.push(vec![a.at.to_rfc3339(), a.channel.code().into(), a.outcome.clone(), String::new(), detail]);
        }
        for n in &view.notes {
            timeline.push(vec![n.at.to_rfc3339(), "note".into(), String::new(), String::new(), n.body.clone()]);
        }
        for p in &view.payments {
            let number =
                |id: i64| view.invoices.iter().find(|i| i.id == id).map_or(String::new(), |i| i.number.clone());
            let applied: Vec<String> = p.allocations.iter().map(|a| number(a.invoice_id)).collect();
            timeline.push(vec![
                p.received_on.to_string(),
                p.kind.clone(),
                p.method.clone(),
                p.amount.to_decimal(),
                [
                    (!p.reference.is_empty()).then(|| format!("ref {}", p.reference)),
                    (!applied.is_empty()).then(|| format!("invoices {}", applied.join(" "))),
                ]
                .into_iter()
                .flatten()
                .collect::<Vec<_>>()
                .join("; "),
            ]);
        }
        for p in &view.promises {
            let status = p.status.code();
            timeline.push(vec![
                p.promised_on.to_string(),
                "promise".into(),
                status.into(),
                p.amount.to_decimal(),
                format!("due {}, paid {}", p.due_on, p.paid.to_decimal()),
            ]);
        }
        for plan in &view.plans {
            let schedule: Vec<String> = plan
                .installments
                .iter()
                .map(|i| format!("{} {} {}", i.due_on, i.amount.to_decimal(), i.status))
                .collect();
            timeline.push(vec![
                plan.first_due_on.to_string(),
                "plan".into(),
                plan.status.clone(),
                plan.total.to_decimal(),
                format!("{}: {}", plan.frequency, schedule.join("; ")),
            ]);
        }
        for d in &view.disputes {
            let amount = d.amount.map(|m| m.to_decimal()).unwrap_or_default();
            timeline.push(vec![d.opened_on.to_string(), "dispute".into(), d.status.clone(), amount, d.reason.clone()]);
        }
        for c in &view.legal_cases {
            let detail = [
                (!c.attorney.is_empty()).then(|| format!("attorney {}", c.attorney)),
                (!c.court.is_empty()).then(|| format!("court {}", c.court)),
                (!c.case_number.is_empty()).then(|| format!("case {}", c.case_number)),
                Some(format!("costs {}", c.costs.to_decimal())),
                c.next_court_on.map(|d| format!("next court date {d}")),
            ];
            timeline.push(vec![
                c.referred_on.to_string(),
                "legal".into(),
                c.status.clone(),
                c.judgment.map(|j| j.to_decimal()).unwrap_or_default(),
                detail.into_iter().flatten().collect::<Vec<_>>().join("; "),
            ]);
        }
        timeline.sort_by(|a, b| a[0].cmp(&b[0]));
        write("timeline.csv", csv_text(&["when", "what", "outcome", "amount", "detail"], timeline).as_bytes())?;
        let account = serde_json::to_string_pretty(&view).map_err(|e| DeskError::invalid("out", e.to_string()))?;
        write("account.json", account.as_bytes())?;

        // Copies of the letters and email drafts archived for this account.
        let prefix = format!("{debtor_id}-");
        if let Ok(entries) = std::fs::read_dir(letters) {
            let mut names: Vec<String> = entries
                .filter_map(|e| e.ok()?.file_name().into_string().ok())
                .filter(|n| n.starts_with(&prefix) && [".txt", ".pdf", ".eml"].iter().any(|e| n.ends_with(e)))
                .collect();
            names.sort();
            for name in names {
                let bytes = std::fs::read(letters.join(&name)).map_err(io)?;
                write(&format!("letter-{name}"), &bytes)?;
            }
        }
        Ok(CaseFile { dir: dir.to_path_buf(), files })
    }
}

#[cfg(test)]
mod tests {
    use super::super::testing::*;

    #[test]
    fn the_case_folder_holds_statement_invoices_timeline_and_letters() {
        let mut desk = demo_desk(40);
        desk.config.creditor.name = "Northwind Supply Co.".into();
        let tmp = tempfile::tempdir().unwrap();
        let letters = tmp.path().join("letters");
        let letter = desk.compose_letter(3, "final-demand", None, None).unwrap();
        desk.send_letter(&letter, &letters, None).unwrap();
        let case = desk.export_case(3, &tmp.path().join("case-3"), &letters).unwrap();
        assert_eq!(case.files[..5], ["statement.txt", "statement.pdf", "invoices.csv", "timeline.csv", "account.json"]);
        let copies = &case.files[5..];
        assert_eq!(copies.len(), 2, "{copies:?}");
        assert!(copies.iter().all(|f| f.starts_with("letter-3-") && f.contains("final-demand")));
        assert!(copies[0].ends_with(".pdf") && copies[1].ends_with(".txt"));
        let statement = lopdf::Document::load(case.dir.join("statement.pdf")).unwrap();
        assert!(statement.extract_text(&[1]).unwrap().contains("STATEMENT OF ACCOUNT"));
        let timeline = std::fs::read_to_string(case.dir.join("timeline.csv")).unwrap();
        assert!(timeline.contains("final-demand letter"), "{timeline}");
        let when: Vec<String> = timeline.lines().skip(1).map(|l| l[..10].to_string()).collect();
        assert!(when.windows(2).all(|w| w[0] <= w[1]), "oldest first");
        use std::os::unix::fs::PermissionsExt;
        assert_eq!(std::fs::metadata(&case.dir).unwrap().permissions().mode() & 0o777, 0o700);
    }
}
