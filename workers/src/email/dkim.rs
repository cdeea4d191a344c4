//! DKIM signing (RFC 6376) of every message, when configured: an RSA key
//! (PKCS#1 or PKCS#8 PEM), the selector its public half is published under
//! and the signing domain (`{selector}._domainkey.{domain}` in DNS).

use lettre::Message;
use lettre::message::dkim::{
    DkimCanonicalization, DkimCanonicalizationType, DkimConfig, DkimSigningAlgorithm,
    DkimSigningKey,
};
use lettre::message::header::HeaderName;
use rsa::RsaPrivateKey;
use rsa::pkcs1::{DecodeRsaPrivateKey, EncodeRsaPrivateKey};
use rsa::pkcs8::DecodePrivateKey;
use std::sync::Arc;

/// The headers signed: what a reader relies on. Not `Content-Type`: lettre
/// writes the top-level one with the body, after signing, so it cannot sign it.
const SIGNED: &[&str] = &[
    "From",
    "Reply-To",
    "To",
    "Subject",
    "Date",
    "Message-ID",
    "MIME-Version",
];

/// A loaded signing key with its selector and domain.
#[derive(Clone)]
pub struct Dkim {
    config: Arc<DkimConfig>,
    pub selector: String,
    pub domain: String,
}

/// Never shows the key.
impl std::fmt::Debug for Dkim {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Dkim")
            .field("selector", &self.selector)
            .field("domain", &self.domain)
            .finish_non_exhaustive()
    }
}

impl Dkim {
    /// Reads an RSA private key in PEM (`BEGIN RSA PRIVATE KEY` or `BEGIN PRIVATE KEY`).
    pub fn from_pem(pem: &str, selector: &str, domain: &str) -> Result<Dkim, String> {
        let selector = selector.trim();
        let domain = domain.trim().trim_end_matches('.').to_ascii_lowercase();
        let label = |s: &str| {
            !s.is_empty()
                && s.split('.').all(|part| {
                    !part.is_empty()
                        && part
                            .chars()
                            .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_')
                })
        };
        if !label(selector) {
            return Err(format!("the DKIM selector {selector:?} is not a DNS name"));
        }
        if !label(&domain) || !domain.contains('.') {
            return Err(format!("the DKIM domain {domain:?} is not a domain name"));
        }
        let key = RsaPrivateKey::from_pkcs1_pem(pem)
            .or_else(|_| RsaPrivateKey::from_pkcs8_pem(pem))
            .map_err(|_| "the DKIM key is not an RSA private key in PEM".to_owned())?;
        let pkcs1 = key
            .to_pkcs1_pem(rsa::pkcs1::LineEnding::LF)
            .map_err(|e| format!("the DKIM key cannot be used: {e}"))?;
        let signing = DkimSigningKey::new(&pkcs1, DkimSigningAlgorithm::Rsa)
            .map_err(|e| format!("the DKIM key cannot be used: {e}"))?;
        let config = DkimConfig::new(
            selector.to_owned(),
            domain.clone(),
            signing,
            SIGNED
                .iter()
                .map(|h| HeaderName::new_from_ascii_str(h))
                .collect(),
            DkimCanonicalization {
                header: DkimCanonicalizationType::Relaxed,
                body: DkimCanonicalizationType::Relaxed,
            },
        );
        Ok(Dkim {
            config: Arc::new(config),
            selector: selector.to_owned(),
            domain,
        })
    }

    /// Adds the `DKIM-Signature` header.
    pub fn sign(&self, message: &mut Message) {
        message.sign(&self.config);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bad_names_and_keys_are_refused_plainly() {
        assert!(Dkim::from_pem("x", "mail 1", "pipe.test").is_err_and(|e| e.contains("selector")));
        assert!(Dkim::from_pem("x", "mail", "pipe").is_err_and(|e| e.contains("domain")));
        assert!(
            Dkim::from_pem("not a key", "mail", "pipe.test")
                .is_err_and(|e| e.contains("not an RSA private key"))
        );
    }
}
