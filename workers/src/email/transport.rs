//! Where messages go: an SMTP server (`CMA_SMTP_URL`), or `.eml` files in
//! the outbox folder named by Message-ID, so the same message is written
//! at most once however often it is handed over.

use lettre::address::Envelope;
use lettre::transport::smtp::PoolConfig;
use lettre::transport::smtp::authentication::Credentials;
use lettre::transport::smtp::client::{Certificate, Tls, TlsParameters};
use lettre::{AsyncSmtpTransport, AsyncTransport, Tokio1Executor};
use std::path::{Path, PathBuf};
use std::time::Duration;

/// How long connecting to the SMTP server may take. lettre's async
/// transport bounds only the connect with it (lettre#1027): the sender
/// puts its own deadline around the whole conversation.
const SMTP_TIMEOUT: Duration = Duration::from_secs(60);

/// How long a connection may sit unused before it is closed (lettre looks
/// every this often, so up to twice this): a quiet outbox holds none of the
/// relay's connection slots for long.
const SMTP_IDLE: Duration = Duration::from_secs(10);

#[derive(Clone, PartialEq, Eq)]
pub enum TransportSettings {
    /// An SMTP server or relay.
    Smtp(SmtpSettings),
    /// A folder for `.eml` files.
    Folder(PathBuf),
}

impl TransportSettings {
    /// An SMTP server by URL alone.
    pub fn smtp(url: impl Into<String>) -> Self {
        Self::Smtp(SmtpSettings {
            url: url.into(),
            password: None,
            ca_pem: None,
        })
    }
}

/// Never shows a password.
impl std::fmt::Debug for TransportSettings {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Self::Smtp(smtp) => f.debug_tuple("Smtp").field(&redact(&smtp.url)).finish(),
            Self::Folder(dir) => f.debug_tuple("Folder").field(dir).finish(),
        }
    }
}

/// How to reach an SMTP server.
#[derive(Clone, PartialEq, Eq)]
pub struct SmtpSettings {
    /// `smtp://[user[:password]@]host[:port][?tls=opportunistic|required|none]`
    /// (STARTTLS when the server offers it unless `tls` says otherwise; port
    /// 25 by default) or `smtps://[user[:password]@]host[:port]` (TLS from the
    /// start; port 465 by default).
    pub url: String,
    /// The password, over any in the URL (`CMA_SMTP_PASSWORD_FILE`).
    pub password: Option<String>,
    /// A PEM certificate trusted beside the public roots (`CMA_SMTP_CA_FILE`),
    /// for a relay with a certificate of its own authority.
    pub ca_pem: Option<Vec<u8>>,
}

/// The URL with any password replaced by `***`, for logs and errors.
pub fn redact(url: &str) -> String {
    match url::Url::parse(url) {
        Ok(mut parsed) if parsed.password().is_some() => {
            let _ = parsed.set_password(Some("***"));
            parsed.to_string()
        }
        Ok(parsed) => parsed.to_string(),
        Err(_) => "(not a URL)".to_owned(),
    }
}

#[derive(Clone)]
pub enum Transport {
    Smtp(AsyncSmtpTransport<Tokio1Executor>),
    Folder(PathBuf),
}

#[derive(Debug, thiserror::Error)]
#[error("{0}")]
pub struct DeliveryError(pub String);

/// The SMTP transport of `settings`; errors never show the password.
fn smtp_transport(
    settings: &SmtpSettings,
) -> Result<AsyncSmtpTransport<Tokio1Executor>, DeliveryError> {
    let unusable = |why: String| {
        DeliveryError(format!(
            "CMA_SMTP_URL {} is not usable: {why}",
            redact(&settings.url)
        ))
    };
    let url = url::Url::parse(&settings.url).map_err(|e| unusable(e.to_string()))?;
    let host = url
        .host_str()
        .ok_or_else(|| unusable("it names no host".to_owned()))?
        .trim_matches(['[', ']'])
        .to_owned();
    let mode = url
        .query_pairs()
        .find(|(k, _)| k == "tls")
        .map(|(_, v)| v.into_owned());
    let tls_parameters = || {
        let mut builder = TlsParameters::builder(host.clone());
        if let Some(pem) = &settings.ca_pem {
            let certificate = Certificate::from_pem(pem)
                .map_err(|e| unusable(format!("the CA certificate is not usable: {e}")))?;
            builder = builder.add_root_certificate(certificate);
        }
        builder.build().map_err(|e| unusable(e.to_string()))
    };
    let (port, tls) = match (url.scheme(), mode.as_deref()) {
        ("smtp", None | Some("opportunistic")) => (25, Tls::Opportunistic(tls_parameters()?)),
        ("smtp", Some("required")) => (587, Tls::Required(tls_parameters()?)),
        ("smtp", Some("none")) => (25, Tls::None),
        ("smtps", None) => (465, Tls::Wrapper(tls_parameters()?)),
        (scheme, mode) => {
            return Err(unusable(format!(
                "expected smtp://...[?tls=opportunistic|required|none] or smtps://..., \
                 not scheme {scheme:?} with tls={mode:?}"
            )));
        }
    };
    let mut builder = AsyncSmtpTransport::<Tokio1Executor>::builder_dangerous(host)
        .port(url.port().unwrap_or(port))
        .tls(tls)
        .timeout(Some(SMTP_TIMEOUT))
        .pool_config(PoolConfig::new().idle_timeout(SMTP_IDLE));
    let decode = |s: &str| {
        percent_encoding::percent_decode_str(s)
            .decode_utf8()
            .map(|s| s.into_owned())
            .map_err(|_| unusable("its user or password is not UTF-8".to_owned()))
    };
    let password = match &settings.password {
        Some(password) => Some(password.clone()),
        None => url.password().map(decode).transpose()?,
    };
    if let Some(password) = password {
        builder = builder.credentials(Credentials::new(decode(url.username())?, password));
    }
    Ok(builder.build())
}

impl Transport {
    pub fn open(settings: &TransportSettings) -> Result<Self, DeliveryError> {
        match settings {
            TransportSettings::Smtp(smtp) => Ok(Self::Smtp(smtp_transport(smtp)?)),
            TransportSettings::Folder(dir) => {
                std::fs::create_dir_all(dir).map_err(|e| {
                    DeliveryError(format!(
                        "cannot create the outbox folder {}: {e}",
                        dir.display()
                    ))
                })?;
                Ok(Self::Folder(dir.clone()))
            }
        }
    }

    /// Hands one message over.
    pub async fn deliver(
        &self,
        sender: &str,
        recipient: &str,
        message_id: &str,
        bytes: &[u8],
    ) -> Result<(), DeliveryError> {
        match self {
            Self::Smtp(smtp) => {
                let envelope = envelope(sender, recipient)?;
                smtp.send_raw(&envelope, bytes)
                    .await
                    .map(drop)
                    .map_err(|e| DeliveryError(e.to_string()))
            }
            Self::Folder(dir) => write_once(dir, message_id, bytes).await,
        }
    }
}

fn envelope(sender: &str, recipient: &str) -> Result<Envelope, DeliveryError> {
    let address = |a: &str| {
        a.parse()
            .map_err(|e| DeliveryError(format!("{a:?} is not an email address: {e}")))
    };
    Envelope::new(Some(address(sender)?), vec![address(recipient)?])
        .map_err(|e| DeliveryError(e.to_string()))
}

/// The `.eml` file a Message-ID is written to.
pub fn eml_name(message_id: &str) -> String {
    let safe: String = message_id
        .trim_matches(['<', '>'])
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | '@') {
                c
            } else {
                '_'
            }
        })
        .collect();
    format!("{safe}.eml")
}

/// Writes the file unless it exists, through a temporary file renamed into
/// place, so a reader never sees half a message.
async fn write_once(dir: &Path, message_id: &str, bytes: &[u8]) -> Result<(), DeliveryError> {
    let name = eml_name(message_id);
    let target = dir.join(&name);
    let io = |e: std::io::Error| DeliveryError(format!("cannot write {}: {e}", target.display()));
    if tokio::fs::try_exists(&target).await.map_err(io)? {
        return Ok(());
    }
    let partial = dir.join(format!(".{name}.partial"));
    tokio::fs::write(&partial, bytes).await.map_err(io)?;
    tokio::fs::rename(&partial, &target).await.map_err(io)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn passwords_never_show() {
        assert_eq!(
            redact("smtp://mailer:s3cret@relay.test:587?tls=required"),
            "smtp://mailer:***@relay.test:587?tls=required"
        );
        assert_eq!(redact("smtps://relay.test"), "smtps://relay.test");
        let settings = TransportSettings::smtp("smtps://u:s3cret@relay.test");
        assert!(!format!("{settings:?}").contains("s3cret"));
        let Err(e) = Transport::open(&TransportSettings::smtp("smtpx://u:s3cret@relay.test"))
        else {
            panic!("an unknown scheme is refused");
        };
        assert!(e.0.contains("***") && !e.0.contains("s3cret"), "{e}");
    }

    #[test]
    fn file_names_come_from_the_message_id_alone() {
        assert_eq!(eml_name("<6f1c.ab12@cma>"), "6f1c.ab12@cma.eml");
        assert_eq!(eml_name("<../x/y@cma>"), ".._x_y@cma.eml");
    }

    #[tokio::test]
    async fn the_folder_gets_each_message_once() {
        let dir = tempfile::tempdir().expect("temp dir");
        let transport =
            Transport::open(&TransportSettings::Folder(dir.path().join("outbox"))).expect("folder");
        for _ in 0..2 {
            transport
                .deliver(
                    "a@x.test",
                    "b@x.test",
                    "<1.2@cma>",
                    b"Subject: hi\r\n\r\nbody",
                )
                .await
                .expect("written");
        }
        let names: Vec<_> = std::fs::read_dir(dir.path().join("outbox"))
            .expect("listed")
            .filter_map(|e| e.ok().map(|e| e.file_name()))
            .collect();
        assert_eq!(names, ["1.2@cma.eml"]);
    }
}
