//! The session cookie (HttpOnly) and its CSRF companion (readable by scripts).

use crate::identity::sessions::IDLE_LIFETIME_SECONDS;
use crate::identity::tokens::csrf_token;
use axum::http::{HeaderMap, HeaderValue, header};
use cookie::{Cookie, SameSite};

pub const SESSION: &str = "cma_session";
pub const CSRF: &str = "cma_csrf";
/// Their names when the portal is served over https: a `__Host-` cookie is
/// only kept by a browser when it is `Secure`, has `Path=/` and no
/// `Domain`, so neither a sibling subdomain nor a plain-http page can set
/// or overwrite it.
pub const HOST_SESSION: &str = "__Host-cma_session";
pub const HOST_CSRF: &str = "__Host-cma_csrf";
/// The known-device cookie (HttpOnly): set at each successful login, it lets
/// later logins to the same account from this browser be rate-limited per
/// device rather than per account.
pub const DEVICE: &str = "cma_device";
pub const HOST_DEVICE: &str = "__Host-cma_device";
/// How long a browser keeps the known-device cookie: 90 days.
pub const DEVICE_LIFETIME_SECONDS: i64 = 90 * 24 * 60 * 60;

/// The known-device cookie's name: prefixed over https.
pub fn device_name(secure: bool) -> &'static str {
    match secure {
        true => HOST_DEVICE,
        false => DEVICE,
    }
}

/// The `Set-Cookie` header remembering this browser as a known device.
pub fn known_device(headers: &mut HeaderMap, value: String, secure: bool) {
    let age = cookie::time::Duration::seconds(DEVICE_LIFETIME_SECONDS);
    set(headers, device_name(secure), value, true, secure, age);
}

/// The session cookie's name: prefixed over https.
pub fn session_name(secure: bool) -> &'static str {
    match secure {
        true => HOST_SESSION,
        false => SESSION,
    }
}

/// The CSRF cookie's name: prefixed over https.
pub fn csrf_name(secure: bool) -> &'static str {
    match secure {
        true => HOST_CSRF,
        false => CSRF,
    }
}
/// The header a cookie-authenticated unsafe request must repeat the CSRF cookie in.
pub const CSRF_HEADER: &str = "x-csrf-token";

/// The value of cookie `name` in the request, if sent.
pub fn get(headers: &HeaderMap, name: &str) -> Option<String> {
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(Cookie::split_parse)
        .filter_map(Result::ok)
        .find(|c| c.name() == name)
        .map(|c| c.value().to_owned())
}

/// `Set-Cookie` headers opening a session in a browser.
pub fn login(headers: &mut HeaderMap, token: &str, secure: bool) {
    let age = cookie::time::Duration::seconds(IDLE_LIFETIME_SECONDS);
    set(
        headers,
        session_name(secure),
        token.to_owned(),
        true,
        secure,
        age,
    );
    set(
        headers,
        csrf_name(secure),
        csrf_token(token),
        false,
        secure,
        age,
    );
}

/// `Set-Cookie` headers ending the browser's session.
pub fn logout(headers: &mut HeaderMap, secure: bool) {
    let names = [(session_name(secure), true), (csrf_name(secure), false)];
    for (name, http_only) in names {
        set(
            headers,
            name,
            String::new(),
            http_only,
            secure,
            cookie::time::Duration::ZERO,
        );
    }
}

fn set(
    headers: &mut HeaderMap,
    name: &'static str,
    value: String,
    http_only: bool,
    secure: bool,
    max_age: cookie::time::Duration,
) {
    let cookie = Cookie::build((name, value))
        .path("/")
        .http_only(http_only)
        .secure(secure)
        .same_site(SameSite::Lax)
        .max_age(max_age)
        .build();
    if let Ok(value) = HeaderValue::from_str(&cookie.to_string()) {
        headers.append(header::SET_COOKIE, value);
    }
}
