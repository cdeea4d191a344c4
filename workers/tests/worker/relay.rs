//! Email as real mail servers want it: DKIM-signed messages checked by an
//! independent verifier (dkimpy, from PyPI, installed once into a virtual
//! environment under the target directory), and a relay that requires
//! STARTTLS and a login, with the right and a wrong password.
//!
//! These tests never skip: when openssl or dkimpy cannot be had they fail,
//! saying why.

use crate::fixtures::{Running, config, invited, parse};
use cma_store::Clock;
use cma_testkit::smtp::{Secured, Smtp};
use cma_workers::email::{Dkim, SmtpSettings, TransportSettings, list_emails};
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Duration;

const DKIMPY: &str = "dkimpy==1.1.8";

/// Checks a message's DKIM signature against the public key given in
/// place of DNS; prints `pass` or `fail`.
const VERIFY: &str = r#"
import sys, dkim
message = open(sys.argv[1], "rb").read()
record = open(sys.argv[2], "rb").read()
def dns(name, timeout=5):
    assert name == b"mail2026._domainkey.pipe.test.", name
    return record
print("pass" if dkim.verify(message, dnsfunc=dns) else "fail")
"#;

#[tokio::test]
async fn signed_emails_pass_an_independent_dkim_verifier() {
    let dir = tempfile::tempdir().expect("temp dir");
    let key = dir.path().join("dkim.pem");
    // PKCS#8, as `openssl genpkey` writes it.
    openssl(&[
        "genpkey",
        "-algorithm",
        "RSA",
        "-pkeyopt",
        "rsa_keygen_bits:2048",
        "-out",
        path(&key),
    ]);
    let public = dir.path().join("dkim.pub.der");
    openssl(&[
        "pkey",
        "-in",
        path(&key),
        "-pubout",
        "-outform",
        "DER",
        "-out",
        path(&public),
    ]);
    let record = format!(
        "v=DKIM1; k=rsa; p={}",
        base64(&std::fs::read(&public).expect("public key"))
    );
    std::fs::write(dir.path().join("record.txt"), &record).expect("record");

    let (env, _) = invited("2026-12-04T12:00:00Z", 0).await;
    let smtp = Smtp::start();
    let mut settings = config(TransportSettings::smtp(smtp.url()));
    let pem = std::fs::read_to_string(&key).expect("key");
    settings.email.dkim = Some(Dkim::from_pem(&pem, "mail2026", "pipe.test").expect("key"));
    let worker = Running::start(&env, settings, Clock::starting_at(env.now));
    let got = smtp.wait_for(1).await;
    worker.stop().await;
    assert_eq!(got.len(), 1);
    let mail = parse(&got[0].data);
    let signature = mail.header("DKIM-Signature");
    assert!(
        signature.contains("d=pipe.test") && signature.contains("s=mail2026"),
        "{signature}"
    );
    assert!(
        signature.contains("reply-to") && signature.contains("from"),
        "{signature}"
    );

    let python = tokio::task::spawn_blocking(|| {
        cma_testkit::pypi::python_with(env!("CARGO_TARGET_TMPDIR"), "dkimpy", DKIMPY)
    })
    .await
    .expect("installing dkimpy");
    let received = dir.path().join("received.eml");
    std::fs::write(&received, &got[0].data).expect("message");
    assert_eq!(verify(&python, dir.path(), &received), "pass");

    // The verifier is not a rubber stamp: a changed subject fails.
    let text = String::from_utf8_lossy(&got[0].data)
        .replace("Subject: Your client portal", "Subject: Your client portaI");
    let tampered = dir.path().join("tampered.eml");
    std::fs::write(&tampered, text).expect("message");
    assert_eq!(verify(&python, dir.path(), &tampered), "fail");
}

#[tokio::test]
async fn a_relay_requiring_starttls_and_a_login_takes_the_right_password_only() {
    let dir = tempfile::tempdir().expect("temp dir");
    let (ca, cert, key) = certificates(dir.path());
    // mailin's TLS needs a process-wide provider; lettre picks its own.
    let _ = rustls::crypto::ring::default_provider().install_default();
    let smtp = Smtp::start_secured(&Secured {
        cert_path: path(&cert),
        key_path: path(&key),
        user: "mailer",
        password: "right horse battery",
    });
    let ca_pem = std::fs::read(&ca).expect("CA certificate");
    // The user in the URL, the password as from CMA_SMTP_PASSWORD_FILE;
    // no `tls=`: STARTTLS because the server offers it.
    let transport = |password: &str| {
        TransportSettings::Smtp(SmtpSettings {
            url: format!("smtp://mailer@127.0.0.1:{}", smtp.port),
            password: Some(password.to_owned()),
            ca_pem: Some(ca_pem.clone()),
        })
    };

    // A wrong password: nothing sent, the email pending with the server's
    // answer, retried with backoff; the worker keeps running.
    let (env, seed) = invited("2026-12-04T12:00:00Z", 0).await;
    let worker = Running::start(
        &env,
        config(transport("wrong horse")),
        Clock::starting_at(env.now),
    );
    let deadline = tokio::time::Instant::now() + Duration::from_secs(20);
    let listed = loop {
        let listed = list_emails(&env.db, seed.team, 10).await.expect("listed");
        if listed.first().is_some_and(|e| e.attempts >= 2) || tokio::time::Instant::now() > deadline
        {
            break listed;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    };
    worker.stop().await;
    assert_eq!(listed.len(), 1);
    assert_eq!(listed[0].state, "pending", "{listed:?}");
    assert!(listed[0].attempts >= 2, "{listed:?}");
    let error = listed[0].last_error.clone().unwrap_or_default();
    assert!(error.contains("535"), "{error}");
    assert!(!error.contains("wrong horse"), "{error}");
    assert!(smtp.refused_logins() >= 2);
    assert!(smtp.received().is_empty());

    // The right password: the same email goes out.
    let worker = Running::start(
        &env,
        config(transport("right horse battery")),
        Clock::starting_at(env.now.plus_seconds(60)),
    );
    let got = smtp.wait_for(1).await;
    worker.stop().await;
    assert_eq!(got.len(), 1);
    assert_eq!(got[0].to, ["ann@client.test"]);
    let listed = list_emails(&env.db, seed.team, 10).await.expect("listed");
    assert_eq!(listed[0].state, "sent");
}

fn path(p: &Path) -> &str {
    p.to_str().expect("a UTF-8 path")
}

fn openssl(args: &[&str]) {
    let output = Command::new("openssl")
        .args(args)
        .output()
        .unwrap_or_else(|e| panic!("cannot run openssl {args:?}: {e}"));
    assert!(
        output.status.success(),
        "openssl {args:?} failed:\n{}",
        String::from_utf8_lossy(&output.stderr)
    );
}

/// A test CA and a certificate it issued for 127.0.0.1: (CA, certificate, key).
fn certificates(dir: &Path) -> (PathBuf, PathBuf, PathBuf) {
    let ca_key = dir.join("ca.key");
    let ca = dir.join("ca.pem");
    let key = dir.join("server.key");
    let csr = dir.join("server.csr");
    let cert = dir.join("server.pem");
    let ext = dir.join("server.ext");
    openssl(&[
        "req",
        "-x509",
        "-newkey",
        "rsa:2048",
        "-nodes",
        "-keyout",
        path(&ca_key),
        "-out",
        path(&ca),
        "-days",
        "2",
        "-subj",
        "/CN=CMA test CA",
    ]);
    openssl(&[
        "req",
        "-newkey",
        "rsa:2048",
        "-nodes",
        "-keyout",
        path(&key),
        "-out",
        path(&csr),
        "-subj",
        "/CN=127.0.0.1",
    ]);
    std::fs::write(
        &ext,
        "subjectAltName=IP:127.0.0.1\nbasicConstraints=CA:FALSE\nextendedKeyUsage=serverAuth\n",
    )
    .expect("extensions");
    openssl(&[
        "x509",
        "-req",
        "-in",
        path(&csr),
        "-CA",
        path(&ca),
        "-CAkey",
        path(&ca_key),
        "-CAcreateserial",
        "-out",
        path(&cert),
        "-days",
        "2",
        "-extfile",
        path(&ext),
    ]);
    (ca, cert, key)
}

fn base64(bytes: &[u8]) -> String {
    const ALPHABET: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut out = String::new();
    for chunk in bytes.chunks(3) {
        let n = chunk
            .iter()
            .enumerate()
            .fold(0u32, |n, (i, b)| n | u32::from(*b) << (16 - 8 * i));
        for i in 0..4 {
            if i <= chunk.len() {
                out.push(char::from(ALPHABET[(n >> (18 - 6 * i) & 63) as usize]));
            } else {
                out.push('=');
            }
        }
    }
    out
}

/// dkimpy's verdict on `message`, the public key in `dir/record.txt`.
fn verify(python: &Path, dir: &Path, message: &Path) -> String {
    let script = dir.join("verify.py");
    std::fs::write(&script, VERIFY).expect("script");
    let output = Command::new(python)
        .arg(&script)
        .arg(message)
        .arg(dir.join("record.txt"))
        .output()
        .expect("running the verifier");
    assert!(
        output.status.success(),
        "the verifier failed:\n{}",
        String::from_utf8_lossy(&output.stderr)
    );
    String::from_utf8_lossy(&output.stdout).trim().to_owned()
}
