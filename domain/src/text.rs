//! Text people type that becomes evidence or reaches a screen: the
//! characters refused in it, so that no name, comment or message can forge
//! a line, reorder what a reader sees, or hide text.
//!
//! Refused everywhere: control characters (C0, DEL and C1, but line breaks
//! and tabs where a text may have several lines), the bidirectional
//! embeddings, overrides, isolates and marks (U+061C, U+200E, U+200F,
//! U+202A..U+202E, U+2066..U+2069), the invisible zero-width space, word
//! joiner and byte-order mark (U+200B, U+2060, U+FEFF, U+180E) and the
//! Unicode line and paragraph separators (U+2028, U+2029). The zero-width
//! joiner and non-joiner (U+200C, U+200D) stay: scripts and emoji need them.

/// Whether the text may span lines (a comment, a message) or not (a name).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Lines {
    One,
    Many,
}

/// The first character `text` may not hold, if any.
pub fn refused_char(text: &str, lines: Lines) -> Option<char> {
    text.chars().find(|c| is_refused(*c, lines))
}

/// Why [`checked`] refuses a text.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Fault {
    /// Nothing but white space.
    Blank,
    /// More characters than the field takes.
    TooLong,
    /// A character [`refused_char`] names.
    HiddenCharacters,
}

impl Fault {
    /// The error a field answers this fault with, of its three.
    pub fn into_error<E>(self, blank: E, too_long: E, hidden_characters: E) -> E {
        match self {
            Fault::Blank => blank,
            Fault::TooLong => too_long,
            Fault::HiddenCharacters => hidden_characters,
        }
    }
}

/// A text a person typed into a field of at most `max` characters, trimmed,
/// if it is not blank, not longer, and holds no refused character (checked
/// in that order).
pub fn checked(raw: &str, max: usize, lines: Lines) -> Result<String, Fault> {
    let text = raw.trim();
    if text.is_empty() {
        Err(Fault::Blank)
    } else if text.chars().count() > max {
        Err(Fault::TooLong)
    } else if refused_char(text, lines).is_some() {
        Err(Fault::HiddenCharacters)
    } else {
        Ok(text.to_owned())
    }
}

/// Every character refused in a text of one line, in order: the control
/// characters (C0, DEL, C1), then the bidirectional, invisible and
/// separator characters. A text of many lines keeps `\t` and `\n`.
const REFUSED: &[(char, char)] = &[
    ('\u{0}', '\u{1f}'),
    ('\u{7f}', '\u{9f}'),
    ('\u{061C}', '\u{061C}'),
    ('\u{180E}', '\u{180E}'),
    ('\u{200B}', '\u{200B}'),
    ('\u{200E}', '\u{200F}'),
    ('\u{2028}', '\u{202E}'),
    ('\u{2060}', '\u{2060}'),
    ('\u{2066}', '\u{2069}'),
    ('\u{FEFF}', '\u{FEFF}'),
];

/// Whether `c` is refused in a text of `lines`.
pub fn is_refused(c: char, lines: Lines) -> bool {
    let kept = lines == Lines::Many && matches!(c, '\n' | '\t');
    !kept
        && REFUSED
            .iter()
            .any(|&(first, last)| (first..=last).contains(&c))
}

/// A regular expression (JSON Schema `pattern`, ECMA-262 and Python
/// alike) for a text of `lines` that holds no refused character and at
/// least one that is not white space, as the rules here and a trim have it.
pub fn pattern(lines: Lines) -> String {
    let refused = refused_ranges(lines);
    format!("^[^{refused}\\S]*[^{refused}\\s][^{refused}]*$")
}

/// The refused characters as the inside of a character class: `\uXXXX`
/// escapes and ranges (every one is in the Basic Multilingual Plane).
fn refused_ranges(lines: Lines) -> String {
    let mut runs: Vec<(u32, u32)> = Vec::new();
    let refused = REFUSED
        .iter()
        .flat_map(|&(first, last)| first..=last)
        .filter(|c| is_refused(*c, lines))
        .map(u32::from);
    for c in refused {
        match runs.last_mut() {
            Some((_, last)) if *last + 1 == c => *last = c,
            _ => runs.push((c, c)),
        }
    }
    runs.iter()
        .map(|&(first, last)| match first == last {
            true => format!("\\u{first:04X}"),
            false => format!("\\u{first:04X}-\\u{last:04X}"),
        })
        .collect()
}

/// `text` with every refused character written as a `\u{..}` escape, for
/// printing what was stored before these rules to a terminal.
pub fn escaped(text: &str, lines: Lines) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match is_refused(c, lines) {
            true => out.push_str(&format!("\\u{{{:x}}}", u32::from(c))),
            false => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn forged_lines_escapes_and_overrides_are_refused() {
        for bad in [
            "Pat\nIP address 198.51.100.7",
            "Pat\r",
            "Pat\u{1b}[2J",
            "Pat\u{202E}gnp.exe",
            "Pat\u{2066}x\u{2069}",
            "Pat\u{200B}",
            "Pat\u{feff}",
            "Pat\u{85}",
            "Pat\u{2028}",
        ] {
            assert!(refused_char(bad, Lines::One).is_some(), "{bad:?}");
        }
        assert_eq!(refused_char("Pat\tSmith", Lines::One), Some('\t'));
        assert_eq!(refused_char("Zoë O'Brien-Ngũgĩ 👩‍👩‍👧 فارسی", Lines::One), None);
        assert_eq!(refused_char("line one\nline two\tend", Lines::Many), None);
        assert_eq!(refused_char("a\u{1b}b", Lines::Many), Some('\u{1b}'));
    }

    #[test]
    fn the_refused_controls_are_exactly_the_control_characters() {
        for c in (0..=0x10FFFF).filter_map(char::from_u32) {
            let listed = REFUSED[..2].iter().any(|&(a, b)| (a..=b).contains(&c));
            assert_eq!(listed, c.is_control(), "{c:?}");
        }
    }

    #[test]
    fn the_pattern_lists_the_refused_characters_as_ranges() {
        assert_eq!(
            refused_ranges(Lines::Many),
            "\\u0000-\\u0008\\u000B-\\u001F\\u007F-\\u009F\\u061C\\u180E\\u200B\\u200E-\\u200F\\u2028-\\u202E\\u2060\\u2066-\\u2069\\uFEFF"
        );
        assert!(refused_ranges(Lines::One).starts_with("\\u0000-\\u001F\\u007F"));
    }

    #[test]
    fn a_typed_text_is_trimmed_then_checked_for_blank_length_and_characters() {
        assert_eq!(checked("  Ada \t", 3, Lines::One), Ok("Ada".to_owned()));
        assert_eq!(checked(" \n ", 3, Lines::Many), Err(Fault::Blank));
        assert_eq!(checked("Adam", 3, Lines::One), Err(Fault::TooLong));
        assert_eq!(
            checked("Ad\u{202E}", 3, Lines::One),
            Err(Fault::HiddenCharacters)
        );
        assert_eq!(checked("A\nB", 3, Lines::One), Err(Fault::HiddenCharacters));
        assert_eq!(checked("A\nB", 3, Lines::Many), Ok("A\nB".to_owned()));
        assert_eq!(
            checked("Ádá", 3, Lines::One),
            Ok("Ádá".to_owned()),
            "characters, not bytes"
        );
    }

    #[test]
    fn escaping_shows_what_was_hidden() {
        assert_eq!(
            escaped("Pat\n\u{1b}[1m\u{202e}", Lines::One),
            "Pat\\u{a}\\u{1b}[1m\\u{202e}"
        );
        assert_eq!(escaped("a\nb", Lines::Many), "a\nb");
    }
}
