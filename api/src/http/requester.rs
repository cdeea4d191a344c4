//! Where a request comes from (docs/product.md §4.4): the socket's peer, or — only
//! when that peer is a configured trusted proxy — the right-most address in
//! `X-Forwarded-For` that is not itself a trusted proxy.

use crate::app::AppState;
use crate::config::Config;
use crate::http::ApiError;
use crate::http::session::Requester;
use axum::extract::{ConnectInfo, FromRequestParts};
use axum::http::request::Parts;
use axum::http::{HeaderMap, header};
use cma_store::DerivedIds;
use std::net::{IpAddr, SocketAddr};

/// Longest user agent kept.
const MAX_USER_AGENT: usize = 512;

impl FromRequestParts<AppState> for Requester {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, ApiError> {
        Ok(requester(parts, &state.config))
    }
}

/// The requester of a request, as [`Requester`]'s extractor reads it.
pub fn requester(parts: &Parts, config: &Config) -> Requester {
    let peer = parts
        .extensions
        .get::<ConnectInfo<SocketAddr>>()
        .map(|ConnectInfo(addr)| addr.ip().to_canonical());
    Requester {
        ip: peer.map(|peer| client_ip(peer, &parts.headers, config).to_string()),
        user_agent: parts
            .headers
            .get(header::USER_AGENT)
            .and_then(|v| v.to_str().ok())
            .map(|ua| ua.chars().take(MAX_USER_AGENT).collect()),
        event_ids: parts.extensions.get::<DerivedIds>().cloned(),
    }
}

/// The client's address given the socket's peer and the forwarding headers.
pub fn client_ip(peer: IpAddr, headers: &HeaderMap, config: &Config) -> IpAddr {
    if !config.is_trusted_proxy(peer) {
        return peer;
    }
    let mut hops = headers
        .get_all("x-forwarded-for")
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(','))
        .map(str::trim)
        .collect::<Vec<_>>();
    let mut client = peer;
    while let Some(hop) = hops.pop() {
        match hop.parse::<IpAddr>() {
            Ok(ip) => {
                let ip = ip.to_canonical();
                client = ip;
                if !config.is_trusted_proxy(ip) {
                    break;
                }
            }
            // An entry that is not an address ends what can be believed.
            Err(_) => break,
        }
    }
    client
}

#[cfg(test)]
mod tests {
    use super::*;
    use clap::Parser;

    #[derive(Parser)]
    struct Args {
        #[command(flatten)]
        config: Config,
    }

    fn config(proxies: &str) -> Config {
        let mut args = vec!["cma"];
        if !proxies.is_empty() {
            args.extend(["--trusted-proxies", proxies]);
        }
        Args::parse_from(args).config
    }

    fn forwarded(value: &str) -> HeaderMap {
        let mut headers = HeaderMap::new();
        if let Ok(v) = value.parse() {
            headers.insert("x-forwarded-for", v);
        }
        headers
    }

    fn ip(text: &str) -> IpAddr {
        text.parse().unwrap_or(IpAddr::from([0, 0, 0, 0]))
    }

    #[test]
    fn forwarded_for_is_ignored_without_trusted_proxies() {
        let c = config("");
        assert_eq!(
            client_ip(ip("192.0.2.7"), &forwarded("203.0.113.9"), &c),
            ip("192.0.2.7")
        );
    }

    #[test]
    fn a_trusted_proxy_forwards_the_right_most_untrusted_address() {
        let c = config("10.0.0.0/8,192.0.2.1");
        let headers = forwarded("198.51.100.1, 203.0.113.9, 10.1.2.3");
        assert_eq!(client_ip(ip("192.0.2.1"), &headers, &c), ip("203.0.113.9"));
    }

    #[test]
    fn an_untrusted_peer_cannot_forward() {
        let c = config("10.0.0.0/8");
        assert_eq!(
            client_ip(ip("192.0.2.50"), &forwarded("203.0.113.9"), &c),
            ip("192.0.2.50")
        );
    }

    #[test]
    fn a_trusted_proxy_without_forwarding_is_the_client() {
        let c = config("10.0.0.1");
        assert_eq!(
            client_ip(ip("10.0.0.1"), &HeaderMap::new(), &c),
            ip("10.0.0.1")
        );
        assert_eq!(
            client_ip(ip("10.0.0.1"), &forwarded("garbage"), &c),
            ip("10.0.0.1")
        );
    }
}
