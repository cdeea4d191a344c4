//! The email settings of the configuration: the From address, SMTP
//! credentials and trust, DKIM, the message quiet period and link
//! lifetimes. Files are read and values checked when the flags are parsed,
//! so a bad setting stops `cma` at start with a clear message.

use crate::config::Config;
use cma_workers::WorkerConfig;
use cma_workers::email::{DEFAULT_FROM, Dkim, SmtpSettings, TransportSettings, check_address};
use std::path::Path;
use std::time::Duration;

/// A secret read from a file; never printed.
#[derive(Clone, PartialEq, Eq)]
pub struct Secret(pub String);

impl std::fmt::Debug for Secret {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Secret(***)")
    }
}

/// The contents of a file named by a flag.
fn read(path: &str, what: &str) -> Result<String, String> {
    std::fs::read_to_string(Path::new(path))
        .map_err(|e| format!("cannot read the {what} {path}: {e}"))
}

/// `CMA_EMAIL_FROM`: an address without a display name (the business's name is used).
pub fn parse_from(text: &str) -> Result<String, String> {
    check_address(text)
}

/// `CMA_SMTP_PASSWORD_FILE`: the file's text without its final line break.
pub fn parse_password_file(path: &str) -> Result<Secret, String> {
    let text = read(path, "SMTP password file")?;
    let password = text.trim_end_matches(['\r', '\n']);
    if password.is_empty() {
        return Err(format!("the SMTP password file {path} is empty"));
    }
    Ok(Secret(password.to_owned()))
}

/// `CMA_SMTP_CA_FILE`: a PEM certificate.
pub fn parse_ca_file(path: &str) -> Result<PemFile, String> {
    let text = read(path, "SMTP CA certificate")?;
    if !text.contains("-----BEGIN CERTIFICATE-----") {
        return Err(format!("{path} holds no PEM certificate"));
    }
    Ok(PemFile(text))
}

/// `CMA_DKIM_KEY`: an RSA private key in PEM, checked as it is read.
pub fn parse_dkim_key(path: &str) -> Result<DkimKey, String> {
    let pem = read(path, "DKIM key")?;
    Dkim::from_pem(&pem, "check", "check.invalid").map_err(|e| format!("{path}: {e}"))?;
    Ok(DkimKey(Secret(pem)))
}

/// `CMA_DKIM_SELECTOR`.
pub fn parse_dkim_selector(text: &str) -> Result<String, String> {
    dns_name(text, "DKIM selector")
}

/// `CMA_DKIM_DOMAIN`.
pub fn parse_dkim_domain(text: &str) -> Result<String, String> {
    let name = dns_name(text.trim_end_matches('.'), "DKIM domain")?;
    match name.contains('.') {
        true => Ok(name.to_ascii_lowercase()),
        false => Err(format!("the DKIM domain {name:?} is not a domain name")),
    }
}

fn dns_name(text: &str, what: &str) -> Result<String, String> {
    let text = text.trim();
    let ok = !text.is_empty()
        && text.split('.').all(|label| {
            !label.is_empty()
                && label
                    .chars()
                    .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_')
        });
    match ok {
        true => Ok(text.to_owned()),
        false => Err(format!("the {what} {text:?} is not a DNS name")),
    }
}

/// A PEM file's text.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PemFile(pub String);

/// A DKIM private key's PEM text; never printed.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DkimKey(pub Secret);

/// The worker's email settings from `config`. Logs a warning when email
/// goes out by SMTP from the default address, which real servers refuse.
pub fn apply(config: &Config, worker: &mut WorkerConfig) {
    let email = &config.email;
    worker.transport = match &email.smtp_url {
        Some(url) => TransportSettings::Smtp(SmtpSettings {
            url: url.clone(),
            password: email.smtp_password_file.as_ref().map(|s| s.0.clone()),
            ca_pem: email
                .smtp_ca_file
                .as_ref()
                .map(|p| p.0.clone().into_bytes()),
        }),
        None => TransportSettings::Folder(config.stores.data_dir.join("outbox")),
    };
    worker.email.from_address = email.email_from.clone();
    if email.smtp_url.is_some() && email.email_from == DEFAULT_FROM {
        tracing::warn!(
            from = DEFAULT_FROM,
            "email goes out by SMTP from the default address, which real mail servers \
             refuse or junk; set CMA_EMAIL_FROM (--email-from) to an address of your domain"
        );
    }
    worker.email.dkim = match (&email.dkim_key, &email.dkim_selector, &email.dkim_domain) {
        (Some(key), Some(selector), Some(domain)) => {
            match Dkim::from_pem(&key.0.0, selector, domain) {
                Ok(dkim) => Some(dkim),
                Err(e) => {
                    tracing::error!(error = %e, "emails are not DKIM-signed");
                    None
                }
            }
        }
        _ => None,
    };
    worker.email.quiet_period = Duration::from_secs(email.message_quiet_minutes.saturating_mul(60));
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn addresses_and_names_are_checked() {
        assert_eq!(
            parse_from(" portal@pipe.test "),
            Ok("portal@pipe.test".to_owned())
        );
        assert!(parse_from("Pipe <portal@pipe.test>").is_err());
        assert!(parse_from("portal").is_err());
        assert!(parse_dkim_domain("pipe").is_err());
        assert_eq!(parse_dkim_domain("Pipe.Test."), Ok("pipe.test".to_owned()));
        assert!(parse_dkim_selector("mail 2026").is_err());
        assert!(format!("{:?}", Secret("s3cret".to_owned())).contains("***"));
    }
}
