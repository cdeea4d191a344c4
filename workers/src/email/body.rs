//! An email's content as blocks, rendered once as plain text and once as
//! HTML in the business's branding, so both parts always say the same.

use cma_domain::team::Branding;
use html_escape::{encode_double_quoted_attribute as attr, encode_text as text};

/// One piece of an email's content.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Block {
    /// A paragraph; line breaks are kept, and a line that is a web address
    /// becomes a link in HTML.
    Para(String),
    /// A call to action: a button in HTML, the label and address in text.
    Link { label: String, url: String },
    /// Label–value pairs (a table in HTML).
    Facts(Vec<(String, String)>),
    /// Words quoted from someone (a message, a comment).
    Quote(String),
}

/// Who the email comes from, as the client knows them.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Brand {
    pub business_name: String,
    pub branding: Branding,
}

const DEFAULT_ACCENT: &str = "#1f6feb";

/// The plain-text part.
pub fn plain(blocks: &[Block], brand: &Brand) -> String {
    let mut out = String::new();
    for block in blocks {
        match block {
            Block::Para(p) => out.push_str(p.trim_end()),
            Block::Link { label, url } => out.push_str(&format!("{label}:\n{url}")),
            Block::Facts(rows) => {
                let lines: Vec<String> = rows.iter().map(|(k, v)| format!("{k}: {v}")).collect();
                out.push_str(&lines.join("\n"));
            }
            Block::Quote(q) => {
                let lines: Vec<String> = q.lines().map(|l| format!("> {l}")).collect();
                out.push_str(&lines.join("\n"));
            }
        }
        out.push_str("\n\n");
    }
    out.push_str(&format!("-- \n{}", brand.business_name));
    if let Some(tagline) = &brand.branding.tagline {
        out.push_str(&format!("\n{tagline}"));
    }
    out.push('\n');
    out
}

/// The HTML part: the blocks inside the business's header and accent colour.
pub fn html(title: &str, blocks: &[Block], brand: &Brand) -> String {
    let accent = brand
        .branding
        .accent_colour
        .as_deref()
        .unwrap_or(DEFAULT_ACCENT);
    let mut content = String::new();
    for block in blocks {
        content.push_str(&html_block(block, accent));
        content.push('\n');
    }
    let tagline = brand
        .branding
        .tagline
        .as_deref()
        .map(|t| {
            format!(
                "<div style=\"font-size:13px;opacity:.85\">{}</div>",
                text(t)
            )
        })
        .unwrap_or_default();
    format!(
        "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\
         <title>{title}</title></head>\n\
         <body style=\"margin:0;background:#f4f5f7;font-family:Helvetica,Arial,sans-serif;color:#1b1f24\">\n\
         <div style=\"max-width:600px;margin:0 auto;background:#ffffff\">\n\
         <div style=\"background:{accent};color:#ffffff;padding:20px 24px\">\
         <div style=\"font-size:20px;font-weight:bold\">{business}</div>{tagline}</div>\n\
         <div style=\"padding:24px;font-size:15px;line-height:1.5;overflow-wrap:anywhere;word-break:break-word\">\n{content}</div>\n\
         </div>\n</body></html>\n",
        title = text(title),
        accent = attr(accent),
        business = text(&brand.business_name),
    )
}

fn html_block(block: &Block, accent: &str) -> String {
    match block {
        Block::Para(p) => {
            let lines: Vec<String> = p.trim_end().lines().map(html_line).collect();
            format!("<p>{}</p>", lines.join("<br>\n"))
        }
        Block::Link { label, url } => button(label, url, accent),
        Block::Facts(rows) => {
            let rows: Vec<String> = rows
                .iter()
                .map(|(k, v)| {
                    format!(
                        "<tr><th style=\"text-align:left;padding:4px 12px 4px 0;vertical-align:top;overflow-wrap:normal;word-break:normal\">{}</th>\
                         <td style=\"padding:4px 0\">{}</td></tr>",
                        text(k),
                        text(v)
                    )
                })
                .collect();
            format!(
                "<table style=\"border-collapse:collapse\">{}</table>",
                rows.join("")
            )
        }
        Block::Quote(q) => {
            let lines: Vec<String> = q.lines().map(|l| text(l).into_owned()).collect();
            format!(
                "<blockquote style=\"margin:0;padding:8px 16px;border-left:4px solid {};background:#f6f8fa\">{}</blockquote>",
                attr(accent),
                lines.join("<br>\n")
            )
        }
    }
}

/// A call to action: a button (a styled link, which every email client
/// shows), and below it the full address written out for copying, broken
/// anywhere so a long one never widens the email on a phone.
fn button(label: &str, url: &str, accent: &str) -> String {
    format!(
        "<table role=\"presentation\" cellspacing=\"0\" cellpadding=\"0\" style=\"margin:20px 0 8px\">\
         <tr><td style=\"border-radius:6px;background:{accent}\">\
         <a href=\"{url}\" style=\"display:inline-block;background:{accent};color:#ffffff;\
         padding:12px 22px;border-radius:6px;font-weight:bold;text-decoration:none\">{label}</a>\
         </td></tr></table>\n\
         <p style=\"font-size:13px;color:#57606a;margin:0 0 16px\">If the button does not work, \
         copy this address into your browser:<br>\n\
         <a href=\"{url}\" style=\"color:#57606a;word-break:break-all\">{shown}</a></p>",
        url = attr(url),
        accent = attr(accent),
        label = text(label),
        shown = text(url),
    )
}

/// One line of a paragraph: a bare web address becomes a link.
fn html_line(line: &str) -> String {
    let trimmed = line.trim();
    let is_address = (trimmed.starts_with("https://") || trimmed.starts_with("http://"))
        && !trimmed.contains(char::is_whitespace);
    if is_address {
        format!(
            "<a href=\"{}\" style=\"word-break:break-all\">{}</a>",
            attr(trimmed),
            text(trimmed)
        )
    } else {
        text(line).into_owned()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn brand() -> Brand {
        Brand {
            business_name: "Pipe & Co".to_owned(),
            branding: Branding {
                accent_colour: Some("#aa3300".to_owned()),
                logo: None,
                tagline: Some("Plumbing <since 1990>".to_owned()),
            },
        }
    }

    #[test]
    fn both_parts_carry_every_block() {
        let blocks = vec![
            Block::Para("Hello <Ann>,\nsee below".to_owned()),
            Block::Link {
                label: "Open".to_owned(),
                url: "https://x.test/a?b=1&c=2".to_owned(),
            },
            Block::Facts(vec![("Total".to_owned(), "£1.00".to_owned())]),
            Block::Quote("hi\nthere".to_owned()),
        ];
        let t = plain(&blocks, &brand());
        assert!(t.contains("Hello <Ann>,\nsee below"));
        assert!(t.contains("Open:\nhttps://x.test/a?b=1&c=2"));
        assert!(t.contains("Total: £1.00"));
        assert!(t.contains("> hi\n> there"));
        assert!(t.ends_with("-- \nPipe & Co\nPlumbing <since 1990>\n"));
        let h = html("Subject", &blocks, &brand());
        assert!(h.contains("Hello &lt;Ann&gt;,<br>"));
        assert!(h.contains("href=\"https://x.test/a?b=1&amp;c=2\""));
        assert!(h.contains("background:#aa3300"));
        assert!(h.contains("Pipe &amp; Co"));
        assert!(h.contains("Plumbing &lt;since 1990&gt;"));
        assert!(h.contains("<td style=\"padding:4px 0\">£1.00</td>"));
    }

    #[test]
    fn a_bare_address_in_a_paragraph_becomes_a_link() {
        let h = html(
            "s",
            &[Block::Para(
                "Sign in:\nhttps://p.test/x?token=a.b".to_owned(),
            )],
            &brand(),
        );
        assert!(
            h.contains("<a href=\"https://p.test/x?token=a.b\" style=\"word-break:break-all\">https://p.test/x?token=a.b</a>"),
            "{h}"
        );
    }

    #[test]
    fn a_call_to_action_is_a_button_with_the_full_address_written_below() {
        let h = html(
            "s",
            &[Block::Link {
                label: "Open".to_owned(),
                url: "https://p.test/portal/quotes/1".to_owned(),
            }],
            &brand(),
        );
        assert_eq!(
            h.matches("href=\"https://p.test/portal/quotes/1\"").count(),
            2,
            "{h}"
        );
        assert!(h.contains(">Open</a>"), "{h}");
        assert!(h.contains(">https://p.test/portal/quotes/1</a></p>"), "{h}");
        assert!(h.contains("name=\"viewport\""), "{h}");
    }
}
