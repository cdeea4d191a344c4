//! Speaking HTTP/1.1 by hand over TCP, for framings and timings a client
//! library would not produce.

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;
use tokio::io::{AsyncRead, AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

/// Connects to the server at `base` (`http://host:port`).
pub async fn connect(base: &str) -> TcpStream {
    let address = base.trim_start_matches("http://");
    TcpStream::connect(address).await.expect("connect")
}

/// The status code at the start of `answer`, if one has arrived.
pub fn status(answer: &[u8]) -> Option<u16> {
    let text = String::from_utf8_lossy(answer);
    let line = text.lines().next()?;
    line.split_whitespace().nth(1)?.parse().ok()
}

/// Asserts that `answer` starts with this status.
pub fn assert_status(answer: &[u8], expected: u16) {
    let text = String::from_utf8_lossy(answer);
    assert_eq!(status(answer), Some(expected), "{text}");
}

/// Reads from `reader` until the server closes, `done` says the answer has
/// come, or `deadline` passes: what the server sent, and whether it ended
/// before the deadline.
pub async fn read_until(
    reader: &mut (impl AsyncRead + Unpin),
    deadline: Duration,
    done: impl Fn(&[u8]) -> bool,
) -> (Vec<u8>, bool) {
    let mut answer = Vec::new();
    let ended = tokio::time::timeout(deadline, async {
        let mut buf = [0u8; 4096];
        loop {
            match reader.read(&mut buf).await {
                Ok(0) | Err(_) => return,
                Ok(n) => answer.extend_from_slice(&buf[..n]),
            }
            if done(&answer) {
                return;
            }
        }
    })
    .await
    .is_ok();
    (answer, ended)
}

/// Sends `head` and then chunks of `chunk` (chunked transfer encoding) until
/// the server answers or closes, or `deadline` passes; returns what the
/// server answered and how many body bytes were sent.
pub async fn stream_chunks(
    base: &str,
    head: &str,
    first: &[u8],
    chunk: &[u8],
    deadline: Duration,
) -> (Vec<u8>, u64) {
    let stream = connect(base).await;
    let (mut reader, mut writer) = stream.into_split();
    let head = head.to_owned();
    let first = first.to_vec();
    let chunk = chunk.to_vec();
    let (sent_tx, sent_rx) = tokio::sync::watch::channel(0u64);
    // Set when the answer begins: the writer stops there, so `sent` counts
    // what was sent before the server answered, not what a busy machine
    // let the writer push before the reader ran.
    let answered = Arc::new(AtomicBool::new(false));
    let seen = answered.clone();
    let writing = tokio::spawn(async move {
        writer.write_all(head.as_bytes()).await?;
        let mut sent = 0u64;
        for piece in std::iter::once(&first).chain(std::iter::repeat(&chunk)) {
            if seen.load(Ordering::Relaxed) {
                break;
            }
            writer
                .write_all(format!("{:x}\r\n", piece.len()).as_bytes())
                .await?;
            writer.write_all(piece).await?;
            writer.write_all(b"\r\n").await?;
            sent += piece.len() as u64;
            let _ = sent_tx.send(sent);
        }
        Ok::<_, std::io::Error>(())
    });
    let head_ended = |answer: &[u8]| {
        answered.store(true, Ordering::Relaxed);
        answer.windows(4).any(|w| w == b"\r\n\r\n")
    };
    let (answer, ended) = read_until(&mut reader, deadline, head_ended).await;
    writing.abort();
    let sent = *sent_rx.borrow();
    assert!(ended, "no answer within {deadline:?} after {sent} bytes");
    (answer, sent)
}
