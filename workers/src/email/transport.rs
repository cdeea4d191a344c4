//! Where messages go: an SMTP server (`CMA_SMTP_URL`), or `.eml` files in
//! the outbox folder named by Message-ID, so the same message is written
//! at most once however often it is handed over.

use lettre::address::Envelope;
use lettre::{AsyncSmtpTransport, AsyncTransport, Tokio1Executor};
use std::path::{Path, PathBuf};
use std::time::Duration;

/// How long one SMTP conversation may take.
const SMTP_TIMEOUT: Duration = Duration::from_secs(60);

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum TransportSettings {
    /// `smtp://host:port` (plain), `smtp://...?tls=required` (STARTTLS),
    /// `smtps://host:port` (TLS); user and password may be in the URL.
    Smtp(String),
    /// A folder for `.eml` files.
    Folder(PathBuf),
}

#[derive(Clone)]
pub enum Transport {
    Smtp(AsyncSmtpTransport<Tokio1Executor>),
    Folder(PathBuf),
}

#[derive(Debug, thiserror::Error)]
#[error("{0}")]
pub struct DeliveryError(pub String);

impl Transport {
    pub fn open(settings: &TransportSettings) -> Result<Self, DeliveryError> {
        match settings {
            TransportSettings::Smtp(url) => {
                let transport = AsyncSmtpTransport::<Tokio1Executor>::from_url(url)
                    .map_err(|e| DeliveryError(format!("CMA_SMTP_URL is not usable: {e}")))?
                    .timeout(Some(SMTP_TIMEOUT))
                    .build();
                Ok(Self::Smtp(transport))
            }
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
