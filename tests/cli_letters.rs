//! Letters on paper and by email, through the real binary: PDFs are parsed back.

mod book;

use book::Book;
use predicates::prelude::*;

const CREDITOR: &str = "[creditor]\nname = \"Northwind Supply Co.\"\naddress = \"12 Harbor Road\\nPortland, ME 04101\"\nphone = \"(207) 555-0100\"\nemail = \"ar@northwind.example\"\n";

fn pdf_text(path: &std::path::Path) -> (usize, String, lopdf::Document) {
    let doc = lopdf::Document::load(path).unwrap();
    let pages: Vec<u32> = doc.get_pages().keys().copied().collect();
    let text = doc.extract_text(&pages).unwrap();
    (pages.len(), text, doc)
}

#[test]
fn a_letter_as_a_print_ready_pdf_on_the_configured_paper() {
    let book = Book::with_demo(40);
    book.config(&format!("{CREDITOR}[print]\npaper = \"a4\"\n"));
    let out = book.path("statement.pdf");
    book.dun(&["letter", "3", "statement", "--out", out.to_str().unwrap()])
        .assert()
        .success()
        .stdout(predicate::str::contains("Wrote statement to"));
    let (pages, text, doc) = pdf_text(&out);
    assert_eq!(pages, 1);
    assert!(text.contains("STATEMENT OF ACCOUNT as of November 22, 2026"), "{text}");
    assert!(text.contains("Northwind Supply Co.") && text.contains("Page 1 of 1"), "{text}");
    let page = doc.get_pages()[&1];
    let media = doc.get_object(doc.get_dictionary(page).unwrap().get(b"Parent").unwrap().as_reference().unwrap());
    let media = media.unwrap().as_dict().unwrap().get(b"MediaBox").unwrap().as_array().unwrap().clone();
    let height = media[3].as_float().unwrap();
    assert!((height - 841.89).abs() < 0.01, "A4 is 297 mm tall: {height}");
    use std::os::unix::fs::PermissionsExt;
    assert_eq!(std::fs::metadata(&out).unwrap().permissions().mode() & 0o777, 0o600);

    // Any other name is the plain text.
    let txt = book.path("statement.txt");
    book.dun(&["letter", "3", "statement", "--out", txt.to_str().unwrap()]).assert().success();
    assert!(std::fs::read_to_string(&txt).unwrap().starts_with("Northwind Supply Co.\n"));
}

#[test]
fn a_batch_prints_every_letter_sent_in_one_pdf() {
    let book = Book::with_demo(60);
    book.config(CREDITOR);
    let dry = book.dun(&["letters", "--dry-run"]).output().unwrap();
    let would = String::from_utf8_lossy(&dry.stdout).matches("would send").count();
    assert!(would > 5, "{}", String::from_utf8_lossy(&dry.stdout));
    let out = book.path("batch.pdf");
    book.dun(&["letters", "--out", out.to_str().unwrap()])
        .assert()
        .success()
        .stdout(predicate::str::contains(format!("{would} letter(s) sent and archived")))
        .stdout(predicate::str::contains("Print "));
    let (pages, text, _) = pdf_text(&out);
    assert!(pages >= would, "{pages} pages for {would} letters");
    assert_eq!(text.matches("Page 1 of").count(), would, "each letter numbers its own pages");
    // The archive keeps a PDF beside each text copy.
    let archive: Vec<String> = std::fs::read_dir(book.path("letters"))
        .unwrap()
        .map(|e| e.unwrap().file_name().into_string().unwrap())
        .collect();
    assert_eq!(archive.iter().filter(|n| n.ends_with(".pdf")).count(), would);
    assert_eq!(archive.iter().filter(|n| n.ends_with(".txt")).count(), would);
    book.dun(&["letters", "--dry-run", "--out", "x.pdf"]).assert().failure().code(2);
}

/// A real SMTP conversation on localhost: greets, takes EHLO, AUTH PLAIN, MAIL, RCPT and
/// DATA, and hands back everything it was told.
fn smtp_server() -> (u16, std::thread::JoinHandle<(Vec<String>, String)>) {
    use std::io::{BufRead, BufReader, Write};
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    let handle = std::thread::spawn(move || {
        let (stream, _) = listener.accept().unwrap();
        stream.set_read_timeout(Some(std::time::Duration::from_secs(20))).unwrap();
        let mut reader = BufReader::new(stream.try_clone().unwrap());
        let mut w = stream;
        let mut commands = Vec::new();
        let mut message = String::new();
        w.write_all(b"220 localhost ESMTP test\r\n").unwrap();
        loop {
            let mut line = String::new();
            if reader.read_line(&mut line).unwrap() == 0 {
                break;
            }
            let command = line.trim_end().to_string();
            commands.push(command.clone());
            let verb = command.split(' ').next().unwrap_or("").to_ascii_uppercase();
            let reply: &[u8] = match verb.as_str() {
                "EHLO" => b"250-localhost\r\n250-AUTH PLAIN LOGIN\r\n250 8BITMIME\r\n",
                "AUTH" => b"235 2.7.0 Authentication successful\r\n",
                "MAIL" | "RCPT" => b"250 2.1.0 Ok\r\n",
                "DATA" => {
                    w.write_all(b"354 End data with <CR><LF>.<CR><LF>\r\n").unwrap();
                    loop {
                        let mut l = String::new();
                        reader.read_line(&mut l).unwrap();
                        if l == ".\r\n" {
                            break;
                        }
                        message.push_str(&l);
                    }
                    b"250 2.0.0 Ok: queued as TEST42\r\n"
                }
                "QUIT" => {
                    w.write_all(b"221 2.0.0 Bye\r\n").unwrap();
                    break;
                }
                _ => b"250 Ok\r\n",
            };
            w.write_all(reply).unwrap();
        }
        (commands, message)
    });
    (port, handle)
}

/// A demo account the email guard lets through, with a good email address.
fn emailable(book: &Book) -> String {
    let list = book.json(&["worklist", "--json", "--limit", "60"]);
    for row in list.as_array().unwrap() {
        let id = row["id"].to_string();
        let shown = book.json(&["show", &id, "--json"]);
        let has_email =
            shown["contact_points"].as_array().unwrap().iter().any(|c| c["kind"] == "email" && c["status"] == "good");
        let answer = book.json(&["check-contact", &id, "--channel", "email", "--json"]);
        if has_email && answer["level"] != "block" {
            return id;
        }
    }
    panic!("no demo account may be emailed");
}

#[test]
fn email_goes_through_the_users_smtp_server_with_the_pdf_attached() {
    let book = Book::with_demo(40);
    let (port, server) = smtp_server();
    let pw = book.path("smtp-password");
    std::fs::write(&pw, "s3cret\n").unwrap();
    use std::os::unix::fs::PermissionsExt;
    std::fs::set_permissions(&pw, std::fs::Permissions::from_mode(0o600)).unwrap();
    book.config(&format!(
        "{CREDITOR}[smtp]\nhost = \"127.0.0.1\"\nport = {port}\nsecurity = \"none\"\nusername = \"ar@northwind.example\"\npassword_file = \"{}\"\n",
        pw.display()
    ));
    let id = emailable(&book);
    book.dun(&["letter", &id, "statement", "--email"]).assert().success().stderr(predicate::str::contains("Email"));
    let (commands, message) = server.join().unwrap();
    use base64::Engine;
    let auth = base64::engine::general_purpose::STANDARD.encode("\0ar@northwind.example\0s3cret");
    assert!(commands.iter().any(|c| c == &format!("AUTH PLAIN {auth}")), "{commands:?}");
    assert!(commands.iter().any(|c| c.starts_with("MAIL FROM:<ar@northwind.example>")), "{commands:?}");
    assert!(message.contains("Subject: Statement: Northwind Supply Co.\r\n"), "{message}");
    assert!(message.contains("Content-Type: application/pdf; name=\"statement.pdf\""), "{message}");
    assert!(!message.contains("X-Unsent"), "a sent message is not a draft");
    // The attachment is the letter, readable as a PDF.
    let b64: String = message
        .split("Content-Transfer-Encoding: base64\r\n\r\n")
        .nth(1)
        .unwrap()
        .split("\r\n--")
        .next()
        .unwrap()
        .split("\r\n")
        .collect();
    let pdf = base64::engine::general_purpose::STANDARD.decode(b64).unwrap();
    let doc = lopdf::Document::load_mem(&pdf).unwrap();
    assert!(doc.extract_text(&[1]).unwrap().contains("STATEMENT OF ACCOUNT"));
    // Logged as an email attempt that names the server and its answer.
    let shown = book.json(&["show", &id, "--json"]);
    let attempt = shown["attempts"]
        .as_array()
        .unwrap()
        .iter()
        .find(|a| a["note"].as_str().unwrap().contains("statement email sent via 127.0.0.1"))
        .unwrap_or_else(|| panic!("{shown}"));
    assert!(attempt["note"].as_str().unwrap().contains("queued as TEST42"), "{attempt}");
}

#[test]
fn without_a_mail_server_the_email_is_a_draft_and_a_dead_server_logs_nothing() {
    let book = Book::with_demo(40);
    book.config(CREDITOR);
    let id = emailable(&book);
    book.dun(&["letter", &id, "statement", "--email"]).assert().success();
    let drafts: Vec<_> = std::fs::read_dir(book.path("letters"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "eml"))
        .collect();
    assert_eq!(drafts.len(), 1);
    let eml = std::fs::read_to_string(&drafts[0]).unwrap();
    assert!(eml.contains("X-Unsent: 1\r\n") && eml.contains("application/pdf"), "{eml}");

    // A server that is not there: a clear error, nothing logged.
    let port = std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port();
    book.config(&format!("{CREDITOR}[smtp]\nhost = \"127.0.0.1\"\nport = {port}\nsecurity = \"none\"\n"));
    let before = book.json(&["show", &id, "--json"])["attempts"].as_array().unwrap().len();
    book.dun(&["letter", &id, "statement", "--email"])
        .assert()
        .failure()
        .stderr(predicate::str::contains(format!("the mail server 127.0.0.1:{port} refused or failed")));
    assert_eq!(book.json(&["show", &id, "--json"])["attempts"].as_array().unwrap().len(), before);
}

#[test]
fn a_legal_case_from_referral_to_judgment_on_the_command_line() {
    let book = Book::with_demo(30);
    book.dun(&["legal", "2"]).assert().success().stdout(predicate::str::contains("has no legal case"));
    book.dun(&["legal", "2", "--attorney", "Lee & Park LLP", "--add-cost", "150"])
        .assert()
        .success()
        .stdout(predicate::str::contains("Legal case opened (referred): attorney Lee & Park LLP"));
    book.dun(&[
        "legal",
        "2",
        "--court",
        "Cook County Circuit Court",
        "--case-number",
        "2026-M1-0042",
        "--status",
        "filed",
        "--next-court",
        "2026-12-14",
    ])
    .assert()
    .success()
    .stdout(predicate::str::contains("next court date 2026-12-14 is the account's follow-up"));
    book.dun(&["legal", "2", "--status", "won"])
        .assert()
        .failure()
        .stderr(predicate::str::contains("not a case status (one of: referred, filed, judgment, closed)"));
    let cases = book.json(&["legal", "2", "--json"]);
    assert_eq!(cases[0]["status"], "filed");
    assert_eq!(cases[0]["costs"], "150.00");
    assert_eq!(cases[0]["next_court_on"], "2026-12-14");
    book.dun(&["show", "2"])
        .assert()
        .success()
        .stdout(predicate::str::contains("Legal case"))
        .stdout(predicate::str::contains("2026-M1-0042"))
        .stdout(predicate::str::contains(
            "Next follow-up: 2026-12-14 court date Cook County Circuit Court 2026-M1-0042",
        ));
    // The case file carries it.
    book.config(CREDITOR);
    let dir = book.path("case-2");
    book.dun(&["export", "case", "2", "--out", dir.to_str().unwrap()]).assert().success();
    let timeline = std::fs::read_to_string(dir.join("timeline.csv")).unwrap();
    assert!(timeline.contains("legal"), "{timeline}");
}

/// An SMTP server on localhost that insists on STARTTLS with a self-signed certificate,
/// then takes AUTH, MAIL, RCPT and DATA over TLS. Hands back (commands before TLS, commands
/// after TLS, message).
#[allow(clippy::type_complexity)]
fn starttls_server(
    cert_pem_out: &std::path::Path,
) -> (u16, std::thread::JoinHandle<(Vec<String>, Vec<String>, String)>) {
    use std::io::{BufRead, BufReader, Write};
    let key = rcgen::generate_simple_self_signed(vec!["localhost".to_string()]).unwrap();
    std::fs::write(cert_pem_out, key.cert.pem()).unwrap();
    let cert_der = key.cert.der().clone();
    let key_der = rustls::pki_types::PrivateKeyDer::Pkcs8(key.signing_key.serialize_der().into());
    let provider = std::sync::Arc::new(rustls::crypto::ring::default_provider());
    let config = rustls::ServerConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .unwrap()
        .with_no_client_auth()
        .with_single_cert(vec![cert_der], key_der)
        .unwrap();
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    let handle = std::thread::spawn(move || {
        let (tcp, _) = listener.accept().unwrap();
        tcp.set_read_timeout(Some(std::time::Duration::from_secs(20))).unwrap();
        let mut plain = Vec::new();
        let mut reader = BufReader::new(tcp.try_clone().unwrap());
        let mut w = tcp.try_clone().unwrap();
        w.write_all(b"220 localhost ESMTP test\r\n").unwrap();
        loop {
            let mut line = String::new();
            reader.read_line(&mut line).unwrap();
            let command = line.trim_end().to_string();
            plain.push(command.clone());
            match command.split(' ').next().unwrap_or("").to_ascii_uppercase().as_str() {
                "EHLO" => w.write_all(b"250-localhost\r\n250-STARTTLS\r\n250 8BITMIME\r\n").unwrap(),
                "STARTTLS" => {
                    w.write_all(b"220 2.0.0 Ready to start TLS\r\n").unwrap();
                    break;
                }
                // Nothing but STARTTLS is accepted in the clear.
                _ => w.write_all(b"530 5.7.0 Must issue a STARTTLS command first\r\n").unwrap(),
            }
        }
        let conn = rustls::ServerConnection::new(std::sync::Arc::new(config)).unwrap();
        let mut tls = BufReader::new(rustls::StreamOwned::new(conn, tcp));
        let (mut secure, mut message) = (Vec::new(), String::new());
        let reply = |tls: &mut BufReader<rustls::StreamOwned<rustls::ServerConnection, std::net::TcpStream>>,
                     r: &[u8]| {
            tls.get_mut().write_all(r).unwrap();
            tls.get_mut().flush().unwrap();
        };
        loop {
            let mut line = String::new();
            if tls.read_line(&mut line).unwrap_or(0) == 0 {
                break;
            }
            let command = line.trim_end().to_string();
            secure.push(command.clone());
            match command.split(' ').next().unwrap_or("").to_ascii_uppercase().as_str() {
                "EHLO" => reply(&mut tls, b"250-localhost\r\n250-AUTH PLAIN LOGIN\r\n250 8BITMIME\r\n"),
                "AUTH" => reply(&mut tls, b"235 2.7.0 Authentication successful\r\n"),
                "DATA" => {
                    reply(&mut tls, b"354 End data with <CR><LF>.<CR><LF>\r\n");
                    loop {
                        let mut l = String::new();
                        tls.read_line(&mut l).unwrap();
                        if l == ".\r\n" {
                            break;
                        }
                        message.push_str(&l);
                    }
                    reply(&mut tls, b"250 2.0.0 Ok: queued as TLS42\r\n");
                }
                "QUIT" => {
                    reply(&mut tls, b"221 2.0.0 Bye\r\n");
                    break;
                }
                _ => reply(&mut tls, b"250 Ok\r\n"),
            }
        }
        (plain, secure, message)
    });
    (port, handle)
}

#[test]
fn email_through_starttls_logs_in_only_after_the_channel_is_encrypted() {
    let book = Book::with_demo(40);
    let ca = book.path("mail-ca.pem");
    let (port, server) = starttls_server(&ca);
    book.config(&format!(
        "{CREDITOR}[smtp]\nhost = \"localhost\"\nport = {port}\nsecurity = \"starttls\"\nusername = \"ar@northwind.example\"\npassword_env = \"DUN_TEST_SMTP_PW\"\nca_file = \"{}\"\n",
        ca.display()
    ));
    let id = emailable(&book);
    book.dun(&["letter", &id, "statement", "--email"]).env("DUN_TEST_SMTP_PW", "s3cret").assert().success();
    let (plain, secure, message) = server.join().unwrap();
    assert!(
        plain.iter().all(|c| !c.starts_with("AUTH") && !c.starts_with("MAIL")),
        "nothing sent in the clear: {plain:?}"
    );
    assert!(plain.last().unwrap().eq_ignore_ascii_case("STARTTLS"), "{plain:?}");
    assert!(secure.iter().any(|c| c.starts_with("AUTH PLAIN")), "{secure:?}");
    assert!(message.contains("Subject: Statement: Northwind Supply Co."), "{message}");
    let shown = book.json(&["show", &id, "--json"]);
    assert!(
        shown["attempts"].as_array().unwrap().iter().any(|a| a["note"].as_str().unwrap().contains("queued as TLS42"))
    );
}

#[test]
fn a_server_whose_certificate_is_not_trusted_gets_nothing() {
    let book = Book::with_demo(40);
    let (port, server) = starttls_server(&book.path("unused.pem"));
    book.config(&format!(
        "{CREDITOR}[smtp]\nhost = \"localhost\"\nport = {port}\nsecurity = \"starttls\"\nusername = \"ar\"\npassword_env = \"DUN_TEST_SMTP_PW\"\n"
    ));
    let id = emailable(&book);
    let before = book.json(&["show", &id, "--json"])["attempts"].as_array().unwrap().len();
    book.dun(&["letter", &id, "statement", "--email"])
        .env("DUN_TEST_SMTP_PW", "s3cret")
        .assert()
        .failure()
        .stderr(predicate::str::contains("refused or failed"));
    let (_, secure, message) = server.join().unwrap();
    assert!(secure.is_empty() && message.is_empty(), "the password and the letter never left: {secure:?}");
    assert_eq!(book.json(&["show", &id, "--json"])["attempts"].as_array().unwrap().len(), before);
}
