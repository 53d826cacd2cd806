//! Letters: a template merged with one account's figures, passed through the compliance guard,
//! logged as a letter attempt and archived, so the file shows what was sent and when.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use chrono::{Days, NaiveDate};
use sha2::{Digest, Sha256};

use super::{Desk, DeskError, LogAttempt, Result, Saved};
use crate::domain::compliance::Level;
use crate::domain::compliance::validation;
use crate::domain::email::{Attachment, Email, to_eml};
use crate::domain::letter::{fields_used, merge};
use crate::domain::{Bucket, Channel, ContactKind, ContactStatus, Money};
use crate::print::{Laid, Paper, lay_out};
use crate::store;

/// The built-in templates: name, text, the outcome logged when it is sent.
pub const TEMPLATES: &[(&str, &str, &str)] = &[
    ("first-notice", include_str!("../../assets/letters/first-notice.txt"), "SENT"),
    ("second-notice", include_str!("../../assets/letters/second-notice.txt"), "SENT"),
    ("final-demand", include_str!("../../assets/letters/final-demand.txt"), "SENT"),
    ("pre-legal", include_str!("../../assets/letters/pre-legal.txt"), "SENT"),
    ("statement", include_str!("../../assets/letters/statement.txt"), "SENT"),
    ("promise-confirmation", include_str!("../../assets/letters/promise-confirmation.txt"), "SENT"),
    ("plan-confirmation", include_str!("../../assets/letters/plan-confirmation.txt"), "SENT"),
    ("settlement-offer", include_str!("../../assets/letters/settlement-offer.txt"), "SENT"),
    ("validation-notice", include_str!("../../assets/letters/validation-notice.txt"), "VN"),
];

/// Days a reader is given to reply or pay (final demands must give at least ten).
const REPLY_DAYS: u64 = 14;

/// A letter ready to go (or to show, for a dry run).
#[derive(Debug, Clone)]
pub struct Letter {
    pub debtor_id: i64,
    pub template: String,
    pub text: String,
    /// The recipient block as it appears in the text (name, address lines): placed in the
    /// envelope's window on paper. Empty when the account has no address.
    pub address: Vec<String>,
    outcome: &'static str,
}

impl Letter {
    pub fn laid_out(&self, paper: Paper) -> Laid {
        lay_out(&self.text, &self.address, paper)
    }
}

/// What a settlement offer offers.
#[derive(Debug, Clone, Copy)]
pub struct Offer {
    pub amount: Money,
    pub expires: NaiveDate,
}

/// Open invoices as the letters print them: number, dates, amount and balance in columns.
fn invoice_table(items: &[&&crate::domain::Invoice], currency: &str) -> String {
    owed_table(items, currency, |i| i.balance)
}

/// The invoices with what is owed on each, as `owed` reads it (a demand: the undisputed part).
fn owed_table(
    items: &[&&crate::domain::Invoice],
    currency: &str,
    owed: impl Fn(&crate::domain::Invoice) -> Money,
) -> String {
    let mut out = String::from("  Invoice          Date         Due          Amount        Balance\n");
    for i in items {
        let issued = i.issued_on.map_or_else(|| "-".into(), |d| d.to_string());
        // What a dispute holds back is said on its line, never silently asked for.
        let held = owed(i) - i.in_collection();
        let disputed =
            if held.is_positive() { format!("  ({} in dispute)", held.display(currency)) } else { String::new() };
        out.push_str(&format!(
            "  {:<16} {:<12} {:<12} {:>12}  {:>12}{disputed}\n",
            i.number,
            issued,
            i.due_on,
            i.original.display(currency),
            owed(i).display(currency)
        ));
    }
    out.trim_end().to_string()
}

/// The template's text: the user's copy in `overrides` wins over the built-in one.
fn template_text(name: &str, overrides: Option<&Path>) -> Result<(String, &'static str)> {
    let builtin = TEMPLATES.iter().find(|t| t.0 == name);
    let outcome = builtin.map_or("SENT", |t| t.2);
    if let Some(path) = overrides.map(|dir| dir.join(format!("{name}.txt"))).filter(|p| p.exists()) {
        let text = std::fs::read_to_string(&path)
            .map_err(|e| DeskError::invalid("template", format!("{}: {e}", path.display())))?;
        return Ok((text, outcome));
    }
    let names: Vec<&str> = TEMPLATES.iter().map(|t| t.0).collect();
    builtin
        .map(|t| (t.1.to_string(), outcome))
        .ok_or_else(|| DeskError::invalid("template", format!("no template '{name}' (built in: {})", names.join(", "))))
}

impl Desk {
    /// Merge `template` with the account's figures as of today; writes nothing.
    pub fn compose_letter(
        &self,
        debtor_id: i64,
        template: &str,
        overrides: Option<&Path>,
        offer: Option<Offer>,
    ) -> Result<Letter> {
        let (text, outcome) = template_text(template, overrides)?;
        let view = self.account(debtor_id)?;
        let today = self.today();
        let creditor = &self.config.creditor;
        if creditor.name.trim().is_empty() {
            return Err(DeskError::invalid(
                "creditor",
                "letters need the creditor's name and address: set [creditor] in config.toml (see the README)",
            ));
        }
        let cur = |m: Money| m.display(&view.debtor.currency);
        let open: Vec<_> = view.invoices.iter().filter(|i| i.status == "open").collect();
        let mut fields: BTreeMap<&str, String> = BTreeMap::new();
        let mut missing: BTreeMap<&str, &str> = BTreeMap::new();
        let mut address = Vec::new();
        fields.insert("today", today.format("%B %-d, %Y").to_string());
        fields.insert("creditor_name", creditor.name.trim().to_string());
        fields.insert("creditor_address", creditor.address.trim().to_string());
        fields.insert("creditor_phone", creditor.phone.trim().to_string());
        fields.insert("collector", self.config.collector.clone());
        fields.insert("debtor_name", view.debtor.name.clone());
        // An address marked bad or do-not-use is never printed in the window.
        let usable = |c: &&crate::domain::ContactPoint| {
            c.kind == ContactKind::Address && matches!(c.status, ContactStatus::Good | ContactStatus::Unverified)
        };
        match view.contact_points.iter().find(usable) {
            Some(a) => {
                // "street, city, ST zip" → street on its own line above the city line.
                let lines: Vec<String> = a.value.splitn(2, ", ").map(str::to_string).collect();
                address = std::iter::once(view.debtor.name.clone()).chain(lines.iter().cloned()).collect();
                fields.insert("debtor_address", lines.join("\n"));
            }
            None => {
                missing.insert("debtor_address", "the account has no usable postal address (good or unverified)");
            }
        }
        fields.insert("account_ref", view.debtor.external_ref.clone().unwrap_or_else(|| view.debtor.id.to_string()));
        fields.insert("balance", cur(view.open_balance));
        fields.insert("reply_by", (today + Days::new(REPLY_DAYS)).format("%B %-d, %Y").to_string());
        let table = |items: &[&&crate::domain::Invoice]| invoice_table(items, &view.debtor.currency);
        let all: Vec<&&crate::domain::Invoice> = open.iter().collect();
        let invoices = table(&all);
        fields.insert("invoices", invoices);
        // Demands ask for what is past due, never for invoices not due yet, nor for what is in
        // dispute (F-DISP: collection of the disputed part pauses until it is resolved).
        let late: Vec<_> = open.iter().filter(|i| i.due_on < today && i.in_collection().is_positive()).collect();
        let past_due: Money = late.iter().map(|i| i.in_collection()).sum();
        if past_due.is_positive() {
            fields.insert("past_due", cur(past_due));
            fields.insert("past_due_invoices", owed_table(&late, &view.debtor.currency, |i| i.in_collection()));
        } else {
            for f in ["past_due", "past_due_invoices"] {
                missing.insert(f, "nothing on the account is past due");
            }
        }
        let mut aging: Vec<String> =
            Bucket::ALL.iter().map(|b| format!("  {:<8} {:>12}", b.label(), cur(view.aging.get(*b)))).collect();
        let in_dispute: Money = open.iter().map(|i| i.balance - i.in_collection()).sum();
        if in_dispute.is_positive() {
            aging.push(format!("  of which in dispute, not asked for: {}", cur(in_dispute)));
        }
        fields.insert("aging", aging.join("\n"));
        // The oldest invoice the letter can speak of: one wholly in dispute is not demanded.
        let collected = open.iter().filter(|i| i.in_collection().is_positive()).map(|i| i.due_on).min();
        match collected.or_else(|| open.iter().map(|i| i.due_on).min()) {
            Some(oldest) => {
                fields.insert("oldest_due_on", oldest.to_string());
                fields.insert("days_past_due", (today - oldest).num_days().max(0).to_string());
            }
            None => {
                for f in ["oldest_due_on", "days_past_due"] {
                    missing.insert(f, "the account has no open invoice");
                }
            }
        }
        // Reg F itemization: the transaction date of the oldest open invoice.
        let itemization = open.iter().map(|i| i.issued_on.unwrap_or(i.due_on)).min().unwrap_or(today);
        let owed_then: Money = open.iter().map(|i| i.original).sum();
        fields.insert("itemization_date", itemization.format("%B %-d, %Y").to_string());
        fields.insert("itemization_amount", cur(owed_then));
        fields.insert("paid_since_itemization", cur((owed_then - view.open_balance).max(Money::ZERO)));
        fields.insert("validation_end", validation::period_end(today).format("%B %-d, %Y").to_string());
        match view.promises.iter().find(|p| p.status == crate::domain::PromiseStatus::Pending) {
            Some(p) => {
                fields.insert("promise_amount", cur(p.amount));
                fields.insert("promise_due_on", p.due_on.format("%B %-d, %Y").to_string());
            }
            None => {
                for f in ["promise_amount", "promise_due_on"] {
                    missing.insert(f, "the account has no pending promise");
                }
            }
        }
        match view.plans.iter().find(|p| p.status == "active") {
            Some(plan) => {
                fields.insert("plan_total", cur(plan.total));
                let rows: Vec<String> = plan
                    .installments
                    .iter()
                    .map(|i| format!("  {:>3}. {}  {:>12}", i.seq, i.due_on.format("%B %-d, %Y"), cur(i.amount)))
                    .collect();
                fields.insert("plan_schedule", rows.join("\n"));
            }
            None => {
                for f in ["plan_total", "plan_schedule"] {
                    missing.insert(f, "the account has no active payment plan");
                }
            }
        }
        match offer {
            Some(o) => {
                fields.insert("offer_amount", cur(o.amount));
                fields.insert("offer_expires", o.expires.format("%B %-d, %Y").to_string());
            }
            None => {
                for f in ["offer_amount", "offer_expires"] {
                    missing.insert(f, "give the offer: --offer AMOUNT [--expires DATE]");
                }
            }
        }
        if let Some((field, why)) = fields_used(&text).iter().find_map(|f| missing.get_key_value(f.as_str())) {
            return Err(DeskError::invalid("template", format!("{template} needs {field}, but {why}")));
        }
        let text = merge(template, &text, &fields).map_err(|e| DeskError::invalid("template", e.to_string()))?;
        Ok(Letter { debtor_id, template: template.to_string(), text, address, outcome })
    }

    /// Letters as one printable PDF on the configured paper; a batch prints in one go, each
    /// letter numbering its own pages.
    pub fn letters_pdf(&self, letters: &[&Letter]) -> Vec<u8> {
        let paper = self.config.print.paper;
        let title = match letters {
            [one] => format!("{} {}", one.template, one.debtor_id),
            _ => format!("{} letters {}", letters.len(), self.today()),
        };
        let laid = letters.iter().map(|l| l.laid_out(paper)).collect();
        crate::print::pdf::write(&crate::print::document(laid, paper, &title, self.clock.now().naive_utc()))
    }

    /// Log the letter as an attempt (the compliance guard decides first) and archive a copy
    /// beside the book, as text and as the printable PDF; the attempt's note names the copy
    /// and its SHA-256.
    pub fn send_letter(
        &mut self,
        letter: &Letter,
        archive: &Path,
        override_reason: Option<String>,
    ) -> Result<(Saved, PathBuf)> {
        let pdf = self.letters_pdf(&[letter]);
        let copy = Copy { text: letter.text.clone(), extension: "txt", pdf: Some(pdf) };
        self.deliver(letter, Channel::Letter, copy, "letter", archive, override_reason)
    }

    /// The letter by email to the account's email address, the PDF attached: sent through the
    /// collector's SMTP server when config.toml has `[smtp]`, else written as a draft (.eml)
    /// for their mail client. Guarded (F-EOPT, state email rules…) before anything leaves,
    /// logged and archived like a letter.
    pub fn email_letter(
        &mut self,
        letter: &Letter,
        archive: &Path,
        override_reason: Option<String>,
    ) -> Result<(Saved, PathBuf)> {
        let from = self.config.creditor.email.trim().to_string();
        if from.is_empty() {
            return Err(DeskError::invalid(
                "creditor",
                "emails need a From address: set email in [creditor] in config.toml",
            ));
        }
        let to = store::contact_points(&self.conn, letter.debtor_id)?
            .into_iter()
            .find(|c| {
                c.kind == ContactKind::Email && matches!(c.status, ContactStatus::Good | ContactStatus::Unverified)
            })
            .ok_or_else(|| DeskError::invalid("email", "the account has no usable email address"))?;
        let digest: String = Sha256::digest(letter.text.as_bytes()).iter().map(|b| format!("{b:02x}")).collect();
        let title = letter.template.replace('-', " ");
        let subject = format!("{}{}: {}", title[..1].to_uppercase(), &title[1..], self.config.creditor.name.trim());
        let message_id = format!("<{}.{}@dun>", &digest[..24], letter.debtor_id);
        let pdf = self.letters_pdf(&[letter]);
        let file_name = format!("{}.pdf", letter.template);
        let smtp = self.config.smtp.clone();
        let eml = to_eml(&Email {
            from: &from,
            to: &to.value,
            subject: &subject,
            body: &letter.text,
            date: self.clock.now(),
            message_id: &message_id,
            attachment: Some(Attachment { file_name: &file_name, pdf: &pdf }),
            draft: smtp.is_none(),
        });
        let how = match &smtp {
            None => "email draft".to_string(),
            Some(settings) => {
                // The guard decides before the message leaves; logging asks it again.
                let answer = self.check_contact(letter.debtor_id, Channel::Email, None)?;
                let overridden = override_reason.as_deref().is_some_and(|r| !r.trim().is_empty());
                if answer.level == Level::Block && !overridden {
                    return Err(DeskError::Blocked(Box::new(answer)));
                }
                let reply = crate::mailer::send(settings, &from, &to.value, eml.as_bytes())
                    .map_err(|e| DeskError::invalid("email", e.to_string()))?;
                format!("email sent via {} ({reply})", settings.host)
            }
        };
        let copy = Copy { text: eml, extension: "eml", pdf: None };
        self.deliver(letter, Channel::Email, copy, &how, archive, override_reason)
    }

    fn deliver(
        &mut self,
        letter: &Letter,
        channel: Channel,
        copy: Copy,
        how: &str,
        archive: &Path,
        override_reason: Option<String>,
    ) -> Result<(Saved, PathBuf)> {
        let Copy { text, extension, pdf } = copy;
        let digest: String = Sha256::digest(text.as_bytes()).iter().map(|b| format!("{b:02x}")).collect();
        let file = archive.join(format!(
            "{}-{}-{}-{}.{extension}",
            letter.debtor_id,
            self.today(),
            letter.template,
            &digest[..12]
        ));
        let saved = self.log_attempt(LogAttempt {
            debtor_id: letter.debtor_id,
            channel,
            outcome: letter.outcome.to_string(),
            note: format!(
                "{} {how}, archived as {}{} (sha256 {})",
                letter.template,
                file.display(),
                if pdf.is_some() { " and .pdf" } else { "" },
                &digest[..16]
            ),
            follow_up_on: None,
            call_at: None,
            at: None,
            override_reason,
            promise: None,
        })?;
        crate::paths::create_private_dir(archive)
            .and_then(|()| crate::paths::write_private(&file, text.as_bytes()))
            .and_then(|()| match &pdf {
                Some(bytes) => crate::paths::write_private(&file.with_extension("pdf"), bytes),
                None => Ok(()),
            })
            .map_err(|e| DeskError::invalid("archive", format!("{}: {e}", file.display())))?;
        Ok((saved, file))
    }
}

/// What is archived of one delivery: the text (or the message), and the printable PDF.
struct Copy {
    text: String,
    extension: &'static str,
    pdf: Option<Vec<u8>>,
}

#[cfg(test)]
mod tests {
    use super::super::testing::*;
    use super::*;
    use crate::config::Creditor;

    fn desk_with_creditor() -> Desk {
        let mut desk = demo_desk(40);
        desk.config.creditor = Creditor {
            name: "Northwind Supply Co.".into(),
            address: "12 Harbor Road".into(),
            phone: "555".into(),
            email: String::new(),
        };
        desk
    }

    #[test]
    fn a_letter_needs_a_creditor_to_sign_it() {
        let desk = demo_desk(10);
        let err = desk.compose_letter(1, "first-notice", None, None).unwrap_err();
        assert!(err.to_string().contains("[creditor]"), "{err}");
    }

    #[test]
    fn every_built_in_template_merges_or_says_what_it_lacks() {
        let desk = desk_with_creditor();
        for (name, _, _) in TEMPLATES {
            let offer = Offer { amount: Money(5_000), expires: today() + Days::new(30) };
            match desk.compose_letter(3, name, None, Some(offer)) {
                Ok(letter) => {
                    assert!(!letter.text.contains("{{"), "{name}: {}", letter.text);
                    assert!(letter.text.contains("Northwind Supply Co."), "{name}");
                }
                // The demo account may have no promise or plan: the error says so.
                Err(e) => assert!(e.to_string().contains("the account has no"), "{name}: {e}"),
            }
        }
        let err = desk.compose_letter(3, "settlement-offer", None, None).unwrap_err();
        assert!(err.to_string().contains("--offer"), "{err}");
        let err = desk.compose_letter(3, "thank-you", None, None).unwrap_err();
        assert!(err.to_string().contains("first-notice"), "{err}");
    }

    #[test]
    fn demands_ask_for_what_is_past_due_not_for_invoices_not_yet_due() {
        let desk = desk_with_creditor();
        let (id, not_due) = (1..=40)
            .find_map(|id| {
                let v = desk.account(id).ok()?;
                let late = v.invoices.iter().any(|i| i.status == "open" && i.due_on < today());
                let ahead = v.invoices.iter().find(|i| i.status == "open" && i.due_on > today())?;
                late.then(|| (id, ahead.number.clone()))
            })
            .expect("a demo account with invoices both past due and not yet due");
        for template in ["first-notice", "second-notice", "final-demand", "pre-legal"] {
            let letter = desk.compose_letter(id, template, None, None).unwrap();
            let text = letter.text.to_lowercase();
            assert!(text.contains("past due") || text.contains("past-due"), "{template}");
            if template != "second-notice" {
                assert!(!letter.text.contains(&not_due), "{template} demands {not_due}, not yet due:\n{}", letter.text);
            }
        }
    }

    #[test]
    fn the_users_copy_of_a_template_wins_and_a_bad_field_names_its_line() {
        let desk = desk_with_creditor();
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("first-notice.txt"), "Hi {{debtor_name}}, {{balance}} please.\n").unwrap();
        let letter = desk.compose_letter(3, "first-notice", Some(dir.path()), None).unwrap();
        assert!(letter.text.starts_with("Hi ") && letter.text.ends_with(" please.\n"), "{}", letter.text);
        std::fs::write(dir.path().join("first-notice.txt"), "Hi\n  {{debtor_nmae}}\n").unwrap();
        let err = desk.compose_letter(3, "first-notice", Some(dir.path()), None).unwrap_err();
        assert!(err.to_string().contains("line 2, column 3: unknown field 'debtor_nmae'"), "{err}");
    }

    #[test]
    fn sending_logs_a_letter_attempt_and_archives_a_private_copy() {
        let mut desk = desk_with_creditor();
        let dir = tempfile::tempdir().unwrap();
        let letter = desk.compose_letter(3, "statement", None, None).unwrap();
        let before = desk.account(3).unwrap().attempts.len();
        let (_, file) = desk.send_letter(&letter, &dir.path().join("letters"), None).unwrap();
        let view = desk.account(3).unwrap();
        assert_eq!(view.attempts.len(), before + 1);
        let logged = view.attempts.iter().find(|a| a.note.contains("statement letter")).unwrap();
        assert_eq!(logged.channel, Channel::Letter);
        assert!(logged.note.contains(&file.display().to_string()));
        assert_eq!(std::fs::read_to_string(&file).unwrap(), letter.text);
        use std::os::unix::fs::PermissionsExt;
        assert_eq!(std::fs::metadata(&file).unwrap().permissions().mode() & 0o777, 0o600);
        assert_eq!(std::fs::metadata(file.parent().unwrap()).unwrap().permissions().mode() & 0o777, 0o700);

        // The printable copy reads back: one page, the address, the page number.
        let pdf = lopdf::Document::load_mem(&std::fs::read(file.with_extension("pdf")).unwrap()).unwrap();
        assert_eq!(pdf.get_pages().len(), 1);
        let text = pdf.extract_text(&[1]).unwrap();
        assert!(text.contains("STATEMENT OF ACCOUNT") && text.contains("Page 1 of 1"), "{text}");
        assert!(text.contains(&letter.address[1]), "{text}");
        assert!(letter.laid_out(Paper::Letter).address_in_window && letter.laid_out(Paper::A4).address_in_window);
        assert!(logged.note.contains(".txt and .pdf"), "{}", logged.note);
    }
}

#[cfg(test)]
mod email_tests {
    use super::super::testing::*;
    use super::*;

    #[test]
    fn an_email_draft_goes_to_the_accounts_address_and_is_logged_as_email() {
        let mut desk = demo_desk(40);
        desk.config.creditor.name = "Northwind Supply Co.".into();
        let id = (1..=40)
            .find(|id| {
                let v = desk.account(*id).unwrap();
                v.contact_points.iter().any(|c| c.kind == ContactKind::Email && c.status == ContactStatus::Good)
                    && desk.check_contact(*id, Channel::Email, None).unwrap().level
                        != crate::domain::compliance::Level::Block
            })
            .expect("a demo account that may be emailed");
        let letter = desk.compose_letter(id, "statement", None, None).unwrap();
        let dir = tempfile::tempdir().unwrap();
        let err = desk.email_letter(&letter, dir.path(), None).unwrap_err();
        assert!(err.to_string().contains("From address"), "{err}");
        desk.config.creditor.email = "ar@northwind.example".into();
        let (_, file) = desk.email_letter(&letter, dir.path(), None).unwrap();
        let eml = std::fs::read_to_string(&file).unwrap();
        assert!(file.extension().unwrap() == "eml");
        assert!(eml.contains("Subject: Statement: Northwind Supply Co.\r\n"), "{eml}");
        let attempt =
            desk.account(id).unwrap().attempts.into_iter().find(|a| a.note.contains("statement email")).unwrap();
        assert_eq!(attempt.channel, Channel::Email);
    }
}
