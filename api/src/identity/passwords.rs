//! Passwords: argon2id PHC strings, computed off the async runtime, at
//! most [`hashing_slots`] at a time (each holds about 19 MiB), so a burst of
//! logins waits its turn instead of taking memory.

use crate::http::ApiError;
use argon2::Argon2;
use argon2::password_hash::phc::PasswordHash;
use argon2::password_hash::{PasswordHasher, PasswordVerifier};
use std::sync::OnceLock;
use std::sync::atomic::{AtomicUsize, Ordering};
use tokio::sync::Semaphore;

/// Shortest password accepted.
pub const MIN_LENGTH: usize = 8;
/// Longest password accepted (bounds the hashing work per request).
pub const MAX_LENGTH: usize = 1024;

/// Refuses (422) a password outside [`MIN_LENGTH`]..=[`MAX_LENGTH`] characters.
pub fn check_policy(password: &str) -> Result<(), ApiError> {
    let length = password.chars().count();
    if length < MIN_LENGTH {
        return Err(ApiError::new(
            crate::http::problem_types::PASSWORD_TOO_SHORT,
            format!("a password needs at least {MIN_LENGTH} characters"),
        ));
    }
    if length > MAX_LENGTH {
        return Err(ApiError::new(
            crate::http::problem_types::PASSWORD_TOO_LONG,
            format!("a password has at most {MAX_LENGTH} characters"),
        ));
    }
    Ok(())
}

/// Most argon2 computations at once: the machine's parallelism, at most 8.
pub fn hashing_slots() -> usize {
    std::thread::available_parallelism().map_or(2, |n| n.get().clamp(1, 8))
}

static HASHING: OnceLock<Semaphore> = OnceLock::new();
static IN_FLIGHT: AtomicUsize = AtomicUsize::new(0);
static PEAK: AtomicUsize = AtomicUsize::new(0);

/// Runs `work` on the blocking pool once a hashing slot is free.
async fn hashing<T: Send + 'static>(
    work: impl FnOnce() -> T + Send + 'static,
) -> Result<T, ApiError> {
    let slots = HASHING.get_or_init(|| Semaphore::new(hashing_slots()));
    let _slot = slots.acquire().await.map_err(ApiError::internal)?;
    tokio::task::spawn_blocking(move || {
        let now = IN_FLIGHT.fetch_add(1, Ordering::SeqCst) + 1;
        PEAK.fetch_max(now, Ordering::SeqCst);
        let done = work();
        IN_FLIGHT.fetch_sub(1, Ordering::SeqCst);
        done
    })
    .await
    .map_err(ApiError::internal)
}

/// The most argon2 computations this process has run at once.
#[cfg(test)]
fn peak_hashing() -> usize {
    PEAK.load(Ordering::SeqCst)
}

/// The argon2id PHC string of `password`, with a fresh salt.
pub async fn hash(password: String) -> Result<String, ApiError> {
    hashing(move || hash_now(&password)).await?
}

fn hash_now(password: &str) -> Result<String, ApiError> {
    Argon2::default()
        .hash_password(password.as_bytes())
        .map(|h| h.to_string())
        .map_err(ApiError::internal)
}

/// Whether `password` matches the PHC string `stored`. Without a stored hash
/// the same work is done against a dummy one, so the answer takes as long
/// for an unknown account as for a wrong password.
pub async fn verify(password: String, stored: Option<String>) -> Result<bool, ApiError> {
    // No hash, or none that parses (an invited login without a password
    // yet): argon2 runs all the same against a hash no password matches,
    // so the answer takes as long as for any other login.
    hashing(
        move || match stored.filter(|s| PasswordHash::new(s).is_ok()) {
            Some(stored) => Ok(verify_now(&password, &stored)),
            None => {
                verify_now(&password, dummy_hash()?);
                Ok(false)
            }
        },
    )
    .await?
}

fn verify_now(password: &str, stored: &str) -> bool {
    PasswordHash::new(stored).is_ok_and(|parsed| {
        Argon2::default()
            .verify_password(password.as_bytes(), &parsed)
            .is_ok()
    })
}

fn dummy_hash() -> Result<&'static str, ApiError> {
    static DUMMY: OnceLock<String> = OnceLock::new();
    if let Some(hash) = DUMMY.get() {
        return Ok(hash);
    }
    let hash = hash_now("no account has this password")?;
    Ok(DUMMY.get_or_init(|| hash))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn a_hash_verifies_its_password_only() {
        let stored = hash("correct horse".to_owned()).await.expect("hashed");
        assert!(stored.starts_with("$argon2id$"));
        assert!(
            verify("correct horse".to_owned(), Some(stored.clone()))
                .await
                .expect("verified")
        );
        assert!(
            !verify("wrong horse".to_owned(), Some(stored))
                .await
                .expect("verified")
        );
        assert!(!verify("anything".to_owned(), None).await.expect("verified"));
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 4)]
    async fn a_burst_of_verifications_runs_a_few_at_a_time() {
        let stored = hash("correct horse".to_owned()).await.expect("hashed");
        let burst: Vec<_> = (0..24)
            .map(|_| tokio::spawn(verify("wrong horse".to_owned(), Some(stored.clone()))))
            .collect();
        for verification in burst {
            assert!(!verification.await.expect("joined").expect("verified"));
        }
        assert!(
            peak_hashing() <= hashing_slots(),
            "{} at once, {} slots",
            peak_hashing(),
            hashing_slots()
        );
    }

    #[test]
    fn short_and_huge_passwords_are_refused() {
        assert!(check_policy("1234567").is_err());
        assert!(check_policy("12345678").is_ok());
        assert!(check_policy(&"x".repeat(MAX_LENGTH + 1)).is_err());
    }
}
