//! `/metrics` labels stay few whatever requests arrive.

use crate::support::*;
use reqwest::Method;

#[tokio::test]
async fn unknown_methods_and_paths_share_one_label() {
    let server = Server::start().await;
    for method in ["FOOBARX", "FOOBARY", "PROPFIND"] {
        let method = Method::from_bytes(method.as_bytes()).expect("method");
        for path in ["/healthz", "/api/v1/no-such-route-qq1", "/no-such-page-qq2"] {
            let response = server
                .http
                .request(method.clone(), server.url(path))
                .send()
                .await
                .expect("response");
            assert!(!response.status().is_server_error());
        }
    }
    let text = server.page_text("/metrics").await;
    for invented in ["FOOBARX", "FOOBARY", "PROPFIND", "qq1", "qq2"] {
        assert!(
            !text.contains(invented),
            "{invented} became a label:\n{text}"
        );
    }
    assert!(
        text.contains(r#"method="other",route="/healthz""#),
        "{text}"
    );
}
