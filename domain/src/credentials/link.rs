//! Link tokens for invite and reset emails.
//!
//! A token is `{login}.{mac}`: the login's id (so the link finds its
//! credentials stream) and an HMAC-SHA256, under the deployment's secret key,
//! of the purpose, the login and the link's expiry instant. Events keep only
//! the token's SHA-256; whoever holds the key (the API that issues the link,
//! the worker that emails it) can derive the same token from the event.

use super::events::TokenPurpose;
use crate::time::Timestamp;
use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use hmac::{Hmac, KeyInit, Mac};
use sha2::Sha256;
use uuid::Uuid;

/// The link token for one issued link.
pub fn link_token(key: &[u8], purpose: TokenPurpose, login: Uuid, expires_at: Timestamp) -> String {
    let mut mac = <Hmac<Sha256> as KeyInit>::new_from_slice(key)
        .unwrap_or_else(|_| unreachable!("HMAC accepts keys of any length"));
    mac.update(match purpose {
        TokenPurpose::Invite => b"invite",
        TokenPurpose::Reset => b"reset\0",
    });
    mac.update(login.as_bytes());
    mac.update(&expires_at.as_micros().to_be_bytes());
    let tag = mac.finalize().into_bytes();
    format!("{}.{}", login.simple(), URL_SAFE_NO_PAD.encode(tag))
}

/// The login a token claims to belong to, if it has the token's shape.
pub fn login_of(token: &str) -> Option<Uuid> {
    let (login, mac) = token.split_once('.')?;
    if mac.is_empty() || mac.len() > 64 {
        return None;
    }
    Uuid::try_parse(login).ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(micros: i64) -> Timestamp {
        Timestamp::from_micros(micros).expect("a test instant within range")
    }

    #[test]
    fn a_token_names_its_login_and_is_reproducible_from_the_key() {
        let login = Uuid::new_v4();
        let t = link_token(b"key", TokenPurpose::Invite, login, at(1_000));
        assert_eq!(login_of(&t), Some(login));
        assert_eq!(
            t,
            link_token(b"key", TokenPurpose::Invite, login, at(1_000))
        );
    }

    #[test]
    fn another_key_purpose_or_expiry_gives_another_token() {
        let login = Uuid::new_v4();
        let t = link_token(b"key", TokenPurpose::Invite, login, at(1_000));
        assert_ne!(
            t,
            link_token(b"other", TokenPurpose::Invite, login, at(1_000))
        );
        assert_ne!(t, link_token(b"key", TokenPurpose::Reset, login, at(1_000)));
        assert_ne!(
            t,
            link_token(b"key", TokenPurpose::Invite, login, at(1_001))
        );
    }

    #[test]
    fn malformed_tokens_name_no_login() {
        for bad in [
            "",
            "abc",
            "not-a-uuid.mac",
            "6f1c2b9e0c8d4c1e9a3b5d7f1e2c4a6b.",
            "x.y.z",
        ] {
            assert_eq!(login_of(bad), None, "{bad}");
        }
    }
}
