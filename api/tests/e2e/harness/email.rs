//! An email the worker wrote to the outbox folder (`{data_dir}/outbox/`,
//! one `.eml` file per message, named by Message-ID).

use std::path::{Path, PathBuf};

#[derive(Clone, Debug)]
pub struct Email {
    pub path: PathBuf,
    /// The addresses of the To header.
    pub to: Vec<String>,
    pub subject: String,
    /// The decoded plain-text part.
    pub text: String,
    /// The decoded HTML part, if there is one.
    pub html: Option<String>,
}

impl Email {
    pub fn read(path: &Path) -> Email {
        let bytes =
            std::fs::read(path).unwrap_or_else(|e| panic!("cannot read {}: {e}", path.display()));
        let mail = mailparse::parse_mail(&bytes)
            .unwrap_or_else(|e| panic!("{} is not a parsable message: {e}", path.display()));
        let header = |name: &str| {
            use mailparse::MailHeaderMap;
            mail.headers.get_first_value(name).unwrap_or_default()
        };
        let to = match mailparse::addrparse(&header("To")) {
            Ok(list) => list
                .iter()
                .flat_map(|addr| match addr {
                    mailparse::MailAddr::Single(one) => vec![one.addr.clone()],
                    mailparse::MailAddr::Group(group) => {
                        group.addrs.iter().map(|a| a.addr.clone()).collect()
                    }
                })
                .collect(),
            Err(_) => vec![header("To")],
        };
        let (mut text, mut html) = (None, None);
        let mut parts = vec![&mail];
        while let Some(part) = parts.pop() {
            match part.ctype.mimetype.as_str() {
                "text/plain" if text.is_none() => text = part.get_body().ok(),
                "text/html" if html.is_none() => html = part.get_body().ok(),
                _ => {}
            }
            parts.extend(&part.subparts);
        }
        Email {
            path: path.to_owned(),
            to,
            subject: header("Subject"),
            text: text.unwrap_or_else(|| panic!("{} has no plain-text part", path.display())),
            html,
        }
    }

    /// Whether `address` is among the recipients (ignoring case).
    pub fn is_to(&self, address: &str) -> bool {
        self.to.iter().any(|a| a.eq_ignore_ascii_case(address))
    }

    /// The first link in the plain text whose path starts with `path` (e.g.
    /// `/portal/set-password`), as written: an absolute URL.
    pub fn link(&self, path: &str) -> String {
        self.text
            .split(|c: char| c.is_whitespace() || matches!(c, '<' | '>' | '"' | '(' | ')'))
            .filter(|word| word.starts_with("http://") || word.starts_with("https://"))
            .map(|word| word.trim_end_matches(['.', ',', ';']))
            .find(|url| {
                let after_scheme = url.split_once("://").map_or("", |(_, rest)| rest);
                let start = after_scheme.find('/').unwrap_or(after_scheme.len());
                after_scheme[start..].starts_with(path)
            })
            .unwrap_or_else(|| {
                panic!(
                    "no link to {path} in the email {:?} ({}):\n{}",
                    self.subject,
                    self.path.display(),
                    self.text
                )
            })
            .to_owned()
    }
}
