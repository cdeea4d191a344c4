//! File name sanitising: a name that is safe to show, store and offer for download.

/// Longest sanitised name, in characters, extension included.
pub const MAX_NAME_CHARS: usize = 200;
/// Longest text after the last dot that is kept as an extension.
pub const MAX_EXTENSION_CHARS: usize = 16;

/// Characters Windows forbids in names (path separators among them).
const RESERVED: &[char] = &['<', '>', ':', '"', '/', '\\', '|', '?', '*'];

/// Device names Windows reserves whatever the extension.
const DEVICES: &[&str] = &[
    "CON", "PRN", "AUX", "NUL", "COM1", "COM2", "COM3", "COM4", "COM5", "COM6", "COM7", "COM8",
    "COM9", "LPT1", "LPT2", "LPT3", "LPT4", "LPT5", "LPT6", "LPT7", "LPT8", "LPT9",
];

/// A safe display and download name for an uploaded file:
/// - only the last path component is kept (`../../etc/passwd` → `passwd`);
/// - white space becomes single spaces; control, bidirectional-override and
///   zero-width characters and the Windows-reserved `<>:"/\|?*` are dropped;
/// - leading and trailing dots and spaces are dropped (no hidden files);
/// - a Windows device name (`CON`, `nul.txt`, `LPT1`) gets a `_` prefix;
/// - at most [`MAX_NAME_CHARS`] characters, shortening the stem so that the
///   extension (up to [`MAX_EXTENSION_CHARS`] letters or digits) is kept;
/// - never empty: nothing left gives `file` (keeping an extension if any).
///
/// Other Unicode (accents, scripts, emoji) is kept as sent.
pub fn sanitize_file_name(name: &str) -> String {
    let last = name.rsplit(['/', '\\']).next().unwrap_or_default();
    let kept: String = last
        .chars()
        .map(|c| if c.is_whitespace() { ' ' } else { c })
        .filter(|c| !c.is_control() && !RESERVED.contains(c) && !invisible(*c))
        .collect();
    let spaced = kept
        .split(' ')
        .filter(|w| !w.is_empty())
        .collect::<Vec<_>>()
        .join(" ");
    let trimmed = spaced.trim_matches(|c| c == '.' || c == ' ');
    let (stem, extension) = split_extension(trimmed);
    let stem = stem.trim_end_matches(['.', ' ']);
    let stem = if stem.is_empty() {
        "file".to_owned()
    } else {
        stem.to_owned()
    };
    let stem = if is_device(&stem) {
        format!("_{stem}")
    } else {
        stem
    };
    let room = MAX_NAME_CHARS - extension.map_or(0, |e| e.chars().count() + 1);
    let stem: String = stem.chars().take(room).collect();
    let stem = stem.trim_end_matches(['.', ' ']);
    match extension {
        Some(ext) => format!("{stem}.{ext}"),
        None => stem.to_owned(),
    }
}

/// Splits `name.ext` when `ext` is 1..=16 letters or digits.
fn split_extension(name: &str) -> (&str, Option<&str>) {
    match name.rsplit_once('.') {
        Some((stem, ext))
            if !ext.is_empty()
                && ext.chars().count() <= MAX_EXTENSION_CHARS
                && ext.chars().all(char::is_alphanumeric) =>
        {
            (stem, Some(ext))
        }
        _ => (name, None),
    }
}

fn is_device(stem: &str) -> bool {
    let first = stem.split('.').next().unwrap_or_default().trim_end();
    DEVICES.iter().any(|d| d.eq_ignore_ascii_case(first))
}

/// Characters that change how surrounding text displays without showing.
fn invisible(c: char) -> bool {
    matches!(c, '\u{200B}'..='\u{200F}' | '\u{202A}'..='\u{202E}' | '\u{2060}'..='\u{2069}' | '\u{FEFF}')
}
