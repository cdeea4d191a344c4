//! How the process logs: to standard output, filtered by `RUST_LOG`
//! (default `info`), as text or JSON (`CMA_LOG_FORMAT`), in colour only on
//! a terminal.

use std::io::IsTerminal;
use tracing_subscriber::EnvFilter;

/// The variable naming the log format.
pub const LOG_FORMAT: &str = "CMA_LOG_FORMAT";

/// How log lines are written.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum LogFormat {
    /// One readable line per event (the default).
    Text,
    /// One JSON object per line, for log collectors.
    Json,
}

impl LogFormat {
    /// The format `CMA_LOG_FORMAT` names (`text` when unset or empty).
    pub fn from_env(value: Option<&str>) -> anyhow::Result<Self> {
        match value.map(str::trim).map(str::to_ascii_lowercase).as_deref() {
            None | Some("" | "text") => Ok(Self::Text),
            Some("json") => Ok(Self::Json),
            Some(other) => {
                anyhow::bail!("{LOG_FORMAT}={other:?} is not a log format: use `text` or `json`")
            }
        }
    }
}

/// Installs the process's logger.
pub fn init() -> anyhow::Result<()> {
    let value = std::env::var(LOG_FORMAT).ok();
    let format = LogFormat::from_env(value.as_deref())?;
    let filter = EnvFilter::try_from_default_env().unwrap_or_else(|_| EnvFilter::new("info"));
    let builder = tracing_subscriber::fmt().with_env_filter(filter);
    match format {
        LogFormat::Text => builder
            .with_ansi(std::io::stdout().is_terminal() && std::env::var_os("NO_COLOR").is_none())
            .init(),
        LogFormat::Json => builder.json().with_ansi(false).init(),
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::LogFormat;

    #[test]
    fn the_log_format_is_text_or_json() {
        assert_eq!(LogFormat::from_env(None).ok(), Some(LogFormat::Text));
        assert_eq!(
            LogFormat::from_env(Some("JSON")).ok(),
            Some(LogFormat::Json)
        );
        assert_eq!(
            LogFormat::from_env(Some("text")).ok(),
            Some(LogFormat::Text)
        );
        let refused = LogFormat::from_env(Some("xml"))
            .expect_err("refused")
            .to_string();
        assert!(
            refused.contains("text") && refused.contains("json"),
            "{refused}"
        );
    }
}
