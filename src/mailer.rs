//! Sending a finished message through the collector's own SMTP server (config.toml
//! `[smtp]`). Nothing is sent anywhere unless that section exists; the password never sits in
//! config.toml but in an environment variable or a file only its owner can read.

use std::path::{Path, PathBuf};
use std::time::Duration;

use lettre::Transport;
use lettre::address::{Address, Envelope};
use lettre::transport::smtp::SmtpTransport;
use lettre::transport::smtp::authentication::Credentials;
use lettre::transport::smtp::client::{Certificate, Tls, TlsParameters};
use serde::Deserialize;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Security {
    /// TLS from the first byte (SMTPS, port 465).
    Tls,
    /// Plain connection upgraded with STARTTLS, refused if the server cannot (port 587).
    #[default]
    Starttls,
    /// No encryption: only to a server on this machine (a local relay, a test server).
    None,
}

#[derive(Debug, Clone, PartialEq, Default, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct SmtpSettings {
    pub host: String,
    /// [default: 465 for tls, 587 for starttls, 25 for none]
    pub port: Option<u16>,
    pub security: Security,
    /// Leave empty for a server that takes mail without logging in.
    pub username: String,
    /// The name of the environment variable holding the password.
    pub password_env: String,
    /// A file holding the password (its first line), readable by its owner only.
    pub password_file: Option<PathBuf>,
    /// A PEM certificate to trust besides the public ones (a company's own mail server).
    pub ca_file: Option<PathBuf>,
}

#[derive(Debug, thiserror::Error)]
pub enum MailError {
    #[error("[smtp] in config.toml: {0}")]
    Settings(String),
    #[error("the mail server {host} refused or failed: {reason}")]
    Server { host: String, reason: String },
}

impl SmtpSettings {
    pub fn port(&self) -> u16 {
        self.port.unwrap_or(match self.security {
            Security::Tls => 465,
            Security::Starttls => 587,
            Security::None => 25,
        })
    }

    fn is_local(&self) -> bool {
        matches!(self.host.as_str(), "localhost" | "127.0.0.1" | "::1")
    }

    fn password(&self) -> Result<String, MailError> {
        let bad = |m: String| MailError::Settings(m);
        if let Some(path) = &self.password_file {
            check_private(path).map_err(bad)?;
            let text = std::fs::read_to_string(path).map_err(|e| bad(format!("{}: {e}", path.display())))?;
            return Ok(text.lines().next().unwrap_or_default().to_string());
        }
        if self.password_env.is_empty() {
            return Err(bad(
                "username is set but neither password_env nor password_file says where the password is".into()
            ));
        }
        std::env::var(&self.password_env)
            .map_err(|_| bad(format!("the environment variable {} (password_env) is not set", self.password_env)))
    }

    fn transport(&self) -> Result<SmtpTransport, MailError> {
        let bad = |m: String| MailError::Settings(m);
        if self.host.trim().is_empty() {
            return Err(bad("host is empty".into()));
        }
        let tls = |host: &str| {
            let mut params = TlsParameters::builder(host.into());
            if let Some(path) = &self.ca_file {
                let pem = std::fs::read(path).map_err(|e| bad(format!("ca_file {}: {e}", path.display())))?;
                let cert = Certificate::from_pem(&pem)
                    .map_err(|e| bad(format!("ca_file {}: not a PEM certificate: {e}", path.display())))?;
                params = params.add_root_certificate(cert);
            }
            params.build_rustls().map_err(|e| bad(format!("TLS for {host}: {e}")))
        };
        let mut builder = SmtpTransport::builder_dangerous(self.host.as_str()).port(self.port());
        builder = match self.security {
            Security::Tls => builder.tls(Tls::Wrapper(tls(&self.host)?)),
            Security::Starttls => builder.tls(Tls::Required(tls(&self.host)?)),
            Security::None if self.is_local() => builder.tls(Tls::None),
            Security::None => {
                return Err(bad(format!(
                    "security = \"none\" is only allowed to a server on this machine, not {}: use \"starttls\" or \"tls\"",
                    self.host
                )));
            }
        };
        if !self.username.is_empty() {
            builder = builder.credentials(Credentials::new(self.username.clone(), self.password()?));
        }
        Ok(builder.timeout(Some(Duration::from_secs(30))).build())
    }
}

/// A password file others can read is refused, as ssh refuses a readable key.
fn check_private(path: &Path) -> Result<(), String> {
    use std::os::unix::fs::PermissionsExt;
    let meta = std::fs::metadata(path).map_err(|e| format!("password_file {}: {e}", path.display()))?;
    let mode = meta.permissions().mode() & 0o777;
    if mode & 0o077 != 0 {
        return Err(format!(
            "password_file {} can be read by others (mode {mode:o}): run chmod 600 on it",
            path.display()
        ));
    }
    Ok(())
}

/// Send `message` (a complete RFC 5322 message) from `from` to `to`; returns the server's
/// answer to the message, e.g. "250 2.0.0 Ok: queued as 4Xk…".
pub fn send(settings: &SmtpSettings, from: &str, to: &str, message: &[u8]) -> Result<String, MailError> {
    let address =
        |a: &str| a.parse::<Address>().map_err(|e| MailError::Settings(format!("'{a}' is not an email address: {e}")));
    let envelope =
        Envelope::new(Some(address(from)?), vec![address(to)?]).map_err(|e| MailError::Settings(e.to_string()))?;
    let server = |e: lettre::transport::smtp::Error| MailError::Server {
        host: format!("{}:{}", settings.host, settings.port()),
        reason: e.to_string(),
    };
    let response = settings.transport()?.send_raw(&envelope, message).map_err(server)?;
    Ok(format!("{} {}", response.code(), response.message().collect::<Vec<_>>().join(" ")))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn settings(security: Security, host: &str) -> SmtpSettings {
        SmtpSettings { host: host.into(), security, ..Default::default() }
    }

    #[test]
    fn no_cleartext_to_another_machine_and_ports_follow_security() {
        let err = settings(Security::None, "smtp.example.com").transport().unwrap_err().to_string();
        assert!(err.contains("only allowed to a server on this machine"), "{err}");
        assert!(settings(Security::None, "127.0.0.1").transport().is_ok());
        assert_eq!(settings(Security::Tls, "h").port(), 465);
        assert_eq!(settings(Security::Starttls, "h").port(), 587);
    }

    #[test]
    fn the_password_comes_from_a_private_file_or_the_environment() {
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("pw");
        std::fs::write(&file, "s3cret\n").unwrap();
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(&file, std::fs::Permissions::from_mode(0o644)).unwrap();
        let mut s = settings(Security::None, "localhost");
        s.username = "ar".into();
        s.password_file = Some(file.clone());
        assert!(s.password().unwrap_err().to_string().contains("chmod 600"));
        std::fs::set_permissions(&file, std::fs::Permissions::from_mode(0o600)).unwrap();
        assert_eq!(s.password().unwrap(), "s3cret");
        s.password_file = None;
        assert!(s.password().unwrap_err().to_string().contains("neither password_env nor password_file"));
        s.password_env = "DUN_TEST_SMTP_PASSWORD_THAT_IS_NOT_SET".into();
        assert!(s.password().unwrap_err().to_string().contains("is not set"));
    }
}
