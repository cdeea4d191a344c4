//! Opaque secrets handed to browsers: session tokens and their CSRF tokens.

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use cma_domain::sha256::sha256_hex;

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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tokens_are_fresh_and_their_derivations_differ() {
        let a = new_session_token();
        assert_ne!(a, new_session_token());
        assert_eq!(a.len(), 43);
        assert_ne!(session_key(&a), csrf_token(&a));
        assert_eq!(csrf_token(&a), csrf_token(&a));
    }
}
