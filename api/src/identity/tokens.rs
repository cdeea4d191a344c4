//! Opaque secrets handed to browsers: session tokens, their CSRF tokens,
//! and known-device cookies.

use crate::identity::Kind;
use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use cma_domain::sha256::sha256_hex;
use hmac::{Hmac, KeyInit, Mac};
use sha2::{Digest, Sha256};

/// A fresh session token: 256 random bits, URL-safe base64.
pub fn new_session_token() -> String {
    let bytes: [u8; 32] = rand::random();
    URL_SAFE_NO_PAD.encode(bytes)
}

/// What the sessions table keeps of a token: its SHA-256, as for link tokens.
pub fn session_key(token: &str) -> String {
    cma_domain::credentials::token_sha256(token)
}

/// The CSRF token of a session (double-submit, bound to the session): it can
/// only be computed from the session token, which scripts never see (the
/// session cookie is HttpOnly), and it is not what the database stores.
pub fn csrf_token(session_token: &str) -> String {
    sha256_hex(format!("cma-csrf\0{session_token}").as_bytes())
}

/// The SHA-256 (hex) of an email address as the rate limits and device
/// cookies see it: trimmed and lower-cased.
pub fn email_digest(email: &str) -> String {
    hex::encode(Sha256::digest(email.trim().to_lowercase()))
}

fn device_mac(key: &[u8], kind: Kind, email: &str, device: &str) -> Hmac<Sha256> {
    let mut mac = <Hmac<Sha256> as KeyInit>::new_from_slice(key)
        .unwrap_or_else(|_| unreachable!("HMAC accepts keys of any length"));
    mac.update(b"cma-known-device\0");
    mac.update(match kind {
        Kind::Staff => b"staff\0",
        Kind::Client => b"client",
    });
    mac.update(email_digest(email).as_bytes());
    mac.update(device.as_bytes());
    mac
}

/// A fresh device id: 128 random bits, URL-safe base64 (22 characters).
pub fn new_device_id() -> String {
    let bytes: [u8; 16] = rand::random();
    URL_SAFE_NO_PAD.encode(bytes)
}

/// The known-device cookie value of `device` for the `kind` login `email`:
/// `{device}.{mac}`, the MAC an HMAC-SHA256 under the deployment's secret key
/// of the kind, the email's digest and the device id.
pub fn device_cookie(key: &[u8], kind: Kind, email: &str, device: &str) -> String {
    let tag = device_mac(key, kind, email, device).finalize().into_bytes();
    format!("{device}.{}", URL_SAFE_NO_PAD.encode(tag))
}

/// The device id of a known-device cookie `value`, when it was issued by
/// this deployment for the `kind` login `email`; `None` for anything else
/// (forged, tampered, or another account's).
pub fn known_device(key: &[u8], kind: Kind, email: &str, value: &str) -> Option<String> {
    let (device, tag) = value.split_once('.')?;
    if device.len() != 22 || tag.len() > 64 {
        return None;
    }
    let tag = URL_SAFE_NO_PAD.decode(tag).ok()?;
    device_mac(key, kind, email, device)
        .verify_slice(&tag)
        .ok()
        .map(|()| device.to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_device_cookie_is_bound_to_its_key_kind_and_account() {
        let device = new_device_id();
        let value = device_cookie(b"key", Kind::Staff, "Ann@ace.example ", &device);
        assert_eq!(
            known_device(b"key", Kind::Staff, "ann@ace.example", &value),
            Some(device.clone())
        );
        let other = new_device_id();
        let swapped = format!("{other}{}", &value[device.len()..]);
        // Another key, kind or account, a swapped device id or a bare one.
        for (key, kind, email, cookie) in [
            (&b"other"[..], Kind::Staff, "ann@ace.example", &value),
            (b"key", Kind::Client, "ann@ace.example", &value),
            (b"key", Kind::Staff, "bob@ace.example", &value),
            (b"key", Kind::Staff, "ann@ace.example", &swapped),
            (b"key", Kind::Staff, "ann@ace.example", &device),
        ] {
            assert_eq!(known_device(key, kind, email, cookie), None, "{cookie}");
        }
    }

    #[test]
    fn tokens_are_fresh_and_their_derivations_differ() {
        let a = new_session_token();
        assert_ne!(a, new_session_token());
        assert_eq!(a.len(), 43);
        assert_ne!(session_key(&a), csrf_token(&a));
        assert_eq!(csrf_token(&a), csrf_token(&a));
    }
}
