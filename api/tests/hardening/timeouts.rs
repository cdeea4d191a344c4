//! Slow clients: headers and bodies trickled, idle connections, and more
//! connections than the server serves at once.

use crate::raw::{assert_status, connect, read_until, status};
use crate::support::*;
use std::time::{Duration, Instant};
use tokio::io::{AsyncRead, AsyncWriteExt};

fn with(flags: &[&str]) -> Options {
    Options::default().args(flags)
}

/// Reads until the server closes the connection or `deadline` passes;
/// what it sent and whether it closed.
async fn read_until_closed(
    reader: &mut (impl AsyncRead + Unpin),
    deadline: Duration,
) -> (Vec<u8>, bool) {
    read_until(reader, deadline, |_| false).await
}

#[tokio::test]
async fn headers_trickled_are_cut_off_at_the_header_timeout() {
    let server = Server::start_with(with(&["--header-timeout-secs", "1"])).await;
    let mut stream = connect(&server.base).await;
    let started = Instant::now();
    let head = "GET /healthz HTTP/1.1\r\nHost: x\r\nX-Slow: ".to_owned() + &"a".repeat(200);
    let (mut reader, mut writer) = stream.split();
    let (_, (answer, closed)) = tokio::join!(
        trickle_half(&mut writer, head.as_bytes(), Duration::from_millis(100)),
        read_until_closed(&mut reader, Duration::from_secs(10)),
    );
    assert!(closed, "the connection stayed open");
    let took = started.elapsed();
    assert!(took < Duration::from_secs(4), "closed after {took:?}");
    // Either closed silently or with a 408: never a request served.
    assert!(matches!(status(&answer), None | Some(408)), "{answer:?}");
    drop(stream);
}

async fn trickle_half(writer: &mut tokio::net::tcp::WriteHalf<'_>, bytes: &[u8], gap: Duration) {
    for byte in bytes {
        if writer.write_all(&[*byte]).await.is_err() {
            return;
        }
        tokio::time::sleep(gap).await;
    }
}

#[tokio::test]
async fn an_idle_keep_alive_connection_is_closed() {
    let server = Server::start_with(with(&["--header-timeout-secs", "1"])).await;
    let mut stream = connect(&server.base).await;
    stream
        .write_all(b"GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n")
        .await
        .expect("write");
    let started = Instant::now();
    let (answer, closed) = read_until_closed(&mut stream, Duration::from_secs(10)).await;
    assert_eq!(status(&answer), Some(200), "{answer:?}");
    assert!(closed, "the idle connection stayed open");
    let took = started.elapsed();
    assert!(took < Duration::from_secs(4), "closed after {took:?}");
}

fn login_head(length: usize) -> String {
    format!(
        "POST /api/v1/auth/staff/login HTTP/1.1\r\nHost: x\r\n\
         Content-Type: application/json\r\nContent-Length: {length}\r\n\r\n"
    )
}

#[tokio::test]
async fn a_body_trickled_past_the_body_timeout_is_408() {
    let server = Server::start_with(with(&[
        "--body-timeout-secs",
        "1.5",
        "--body-idle-timeout-secs",
        "1",
    ]))
    .await;
    let body = format!(
        r#"{{"email":"slow@ace.example","password":"{}"}}"#,
        "x".repeat(100)
    );
    let mut stream = connect(&server.base).await;
    stream
        .write_all(login_head(body.len()).as_bytes())
        .await
        .expect("head");
    let started = Instant::now();
    // A byte every 100 ms: never idle for a second, but 14 s in all.
    let (reader, mut writer) = stream.split();
    let mut reader = reader;
    let (_, (answer, _)) = tokio::join!(
        trickle_half(&mut writer, body.as_bytes(), Duration::from_millis(100)),
        read_until_closed(&mut reader, Duration::from_secs(10)),
    );
    assert_status(&answer, 408);
    let took = started.elapsed();
    assert!(took < Duration::from_secs(5), "answered after {took:?}");
    drop(stream);
}

#[tokio::test]
async fn a_body_that_stops_is_408_after_the_idle_timeout() {
    let server = Server::start_with(with(&["--body-idle-timeout-secs", "1"])).await;
    let mut stream = connect(&server.base).await;
    stream
        .write_all(login_head(100).as_bytes())
        .await
        .expect("head");
    stream.write_all(br#"{"email":"#).await.expect("start");
    let started = Instant::now();
    let (answer, _) = read_until_closed(&mut stream, Duration::from_secs(10)).await;
    assert_status(&answer, 408);
    let took = started.elapsed();
    assert!(took < Duration::from_secs(4), "answered after {took:?}");
}

#[tokio::test]
async fn connections_over_the_limit_wait_their_turn() {
    let server = Server::start_with(with(&[
        "--max-connections",
        "2",
        "--header-timeout-secs",
        "30",
    ]))
    .await;
    // reqwest's pooled connection to /healthz from the start-up check holds
    // one of the two; another idle one takes the other.
    let held = connect(&server.base).await;
    tokio::time::sleep(Duration::from_millis(200)).await;
    let mut waiting = connect(&server.base).await;
    waiting
        .write_all(b"GET /healthz HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
        .await
        .expect("write");
    let (answer, _) = read_until_closed(&mut waiting, Duration::from_millis(1500)).await;
    assert_eq!(status(&answer), None, "served over the limit: {answer:?}");
    drop(held);
    let (answer, closed) = read_until_closed(&mut waiting, Duration::from_secs(5)).await;
    assert!(closed);
    assert_eq!(status(&answer), Some(200), "{answer:?}");
}
