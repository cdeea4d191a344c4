//! The server's settings (`cma serve`) and the worker's share of them
//! (`cma worker`): flags, each with its environment variable.

use crate::email;
use crate::file_storage::{BucketOption, BucketUrl};
use crate::store_args::StoreArgs;
use clap::Args;
use ipnet::IpNet;
use std::net::{IpAddr, SocketAddr};

#[derive(Args, Clone, Debug)]
pub struct Config {
    /// Address of the HTTP server: `host:port`, the host an IP address or
    /// a name (e.g. `localhost:8080`).
    #[arg(long, env = "CMA_LISTEN", default_value = DEFAULT_LISTEN, value_parser = parse_listen)]
    pub listen: SocketAddr,

    #[command(flatten)]
    pub stores: StoreArgs,

    #[command(flatten)]
    pub email: EmailArgs,

    /// Base of links in emails (default `http://{listen}`).
    #[arg(long, env = "CMA_PUBLIC_URL")]
    pub public_url: Option<String>,

    /// Start the clock at this RFC 3339 instant (it then runs forward).
    #[arg(long, env = "CMA_NOW")]
    pub now: Option<String>,

    /// Largest accepted upload, in bytes (default 25 MiB).
    #[arg(long, env = "CMA_MAX_UPLOAD_BYTES", default_value_t = DEFAULT_MAX_UPLOAD_BYTES)]
    pub max_upload_bytes: u64,

    /// `s3://bucket/prefix` keeps uploaded content in an S3-compatible bucket
    /// instead of `{data_dir}/files`; the client reads the usual `AWS_*`
    /// variables (`AWS_ENDPOINT_URL`, `AWS_REGION`, `AWS_ACCESS_KEY_ID`, ...).
    #[arg(long, env = "CMA_FILES_URL")]
    pub files_url: Option<BucketUrl>,

    /// A setting of the bucket's client as `key=value`, over the `AWS_*`
    /// variables (e.g. `endpoint=http://127.0.0.1:9000`, `allow_http=true`);
    /// repeat the flag, or separate them by commas in the variable.
    #[arg(
        long = "files-option",
        env = "CMA_FILES_OPTIONS",
        value_delimiter = ',',
        hide_env_values = true,
        requires = "files_url"
    )]
    pub files_options: Vec<BucketOption>,

    /// Key for link tokens and other secrets (hex or any string); by default a
    /// random key generated once into `{data_dir}/secret.key`.
    #[arg(long, env = "CMA_SECRET_KEY", hide_env_values = true)]
    pub secret_key: Option<String>,

    /// Proxies whose `X-Forwarded-For` is believed: comma-separated IPs or
    /// CIDRs. By default none: the client IP is the socket's peer.
    #[arg(long, env = "CMA_TRUSTED_PROXIES", value_delimiter = ',', value_parser = parse_proxy)]
    pub trusted_proxies: Vec<IpNet>,

    /// How long an invite link works, in hours.
    #[arg(long, env = "CMA_INVITE_LINK_HOURS", default_value_t = DEFAULT_INVITE_LINK_HOURS,
          value_parser = clap::value_parser!(u32).range(1..))]
    pub invite_link_hours: u32,

    /// Seconds a client has to send a request's headers, and that an idle
    /// HTTP/1.1 connection stays open between requests (decimals allowed).
    #[arg(long, env = "CMA_HEADER_TIMEOUT_SECS", default_value_t = 20.0, value_parser = parse_seconds)]
    pub header_timeout_secs: f64,

    /// Seconds a request body may take to arrive in full.
    #[arg(long, env = "CMA_BODY_TIMEOUT_SECS", default_value_t = 300.0, value_parser = parse_seconds)]
    pub body_timeout_secs: f64,

    /// Seconds a request body may go without sending anything.
    #[arg(long, env = "CMA_BODY_IDLE_TIMEOUT_SECS", default_value_t = 20.0, value_parser = parse_seconds)]
    pub body_idle_timeout_secs: f64,

    /// Connections served at once; further ones wait to be accepted.
    #[arg(long, env = "CMA_MAX_CONNECTIONS", default_value_t = 1024,
          value_parser = clap::value_parser!(u32).range(1..))]
    pub max_connections: u32,

    /// How long a password reset link works, in minutes.
    #[arg(long, env = "CMA_RESET_LINK_MINUTES", default_value_t = DEFAULT_RESET_LINK_MINUTES,
          value_parser = clap::value_parser!(u32).range(1..))]
    pub reset_link_minutes: u32,
}

/// A positive number of seconds, decimals allowed (e.g. `0.5`).
fn parse_seconds(text: &str) -> Result<f64, String> {
    match text.trim().parse::<f64>() {
        Ok(n) if n.is_finite() && n > 0.0 && n <= 86_400.0 => Ok(n),
        _ => Err(format!(
            "{text:?} is not a number of seconds from 0 to 86400"
        )),
    }
}

/// `host:port`, the host an IP address or a name resolved now (its first
/// address, IPv4 preferred).
fn parse_listen(text: &str) -> Result<SocketAddr, String> {
    let text = text.trim();
    if let Ok(address) = text.parse::<SocketAddr>() {
        return Ok(address);
    }
    let Some((host, port)) = text.rsplit_once(':') else {
        return Err(format!(
            "{text:?} is not host:port (e.g. 127.0.0.1:8080 or localhost:8080)"
        ));
    };
    let port: u16 = port
        .parse()
        .map_err(|_| format!("{text:?}: the port {port:?} is not a number from 0 to 65535"))?;
    let addresses: Vec<SocketAddr> = std::net::ToSocketAddrs::to_socket_addrs(&(host, port))
        .map_err(|e| format!("{text:?}: cannot resolve {host:?}: {e}"))?
        .collect();
    addresses
        .iter()
        .find(|a| a.is_ipv4())
        .or_else(|| addresses.first())
        .copied()
        .ok_or_else(|| format!("{text:?}: {host:?} has no address"))
}

/// An IP address (a network of one) or a CIDR network.
fn parse_proxy(text: &str) -> Result<IpNet, String> {
    let text = text.trim();
    text.parse::<IpNet>()
        .or_else(|_| text.parse::<IpAddr>().map(IpNet::from))
        .map_err(|_| format!("{text:?} is neither an IP address nor a CIDR network"))
}

const DEFAULT_INVITE_LINK_HOURS: u32 =
    (cma_domain::credentials::INVITE_LIFETIME_SECONDS / 3600) as u32;
const DEFAULT_RESET_LINK_MINUTES: u32 =
    (cma_domain::credentials::RESET_LIFETIME_SECONDS / 60) as u32;

const DEFAULT_EMAIL_HORIZON_HOURS: u64 = cma_workers::email::DEFAULT_HORIZON.as_secs() / 3600;

/// 25 MiB (docs/product.md §6.3).
pub const DEFAULT_MAX_UPLOAD_BYTES: u64 = 25 * 1024 * 1024;

impl Config {
    pub fn public_url(&self) -> String {
        self.public_url
            .clone()
            .unwrap_or_else(|| format!("http://{}", self.listen))
            .trim_end_matches('/')
            .to_owned()
    }

    /// Whether the portal is served over https (cookies then get `Secure`).
    pub fn is_https(&self) -> bool {
        self.public_url().starts_with("https://")
    }

    /// How long an invite link works.
    pub fn invite_link_seconds(&self) -> i64 {
        i64::from(self.invite_link_hours) * 3600
    }

    /// How long a password reset link works.
    pub fn reset_link_seconds(&self) -> i64 {
        i64::from(self.reset_link_minutes) * 60
    }

    /// Whether `ip` is one of the configured trusted proxies.
    pub fn is_trusted_proxy(&self, ip: IpAddr) -> bool {
        self.trusted_proxies.iter().any(|net| net.contains(&ip))
    }
}

/// The default address of `cma serve`, on which a worker's default links
/// point.
const DEFAULT_LISTEN: &str = "127.0.0.1:8080";

/// What `cma worker` takes: where the stores are, the key and the clock it
/// shares with the API, and how email goes out. Each flag is the `serve`
/// flag of the same name (a test keeps their help, variable and default
/// alike); every other setting stays at its default.
#[derive(Args, Clone, Debug)]
pub struct WorkerArgs {
    #[command(flatten)]
    pub stores: StoreArgs,

    /// Base of links in emails: where clients reach the API (default
    /// `http://127.0.0.1:8080`, `cma serve`'s default address).
    #[arg(long, env = "CMA_PUBLIC_URL")]
    pub public_url: Option<String>,

    /// Key for link tokens and other secrets (hex or any string); by default a
    /// random key generated once into `{data_dir}/secret.key`.
    #[arg(long, env = "CMA_SECRET_KEY", hide_env_values = true)]
    pub secret_key: Option<String>,

    /// Start the clock at this RFC 3339 instant (it then runs forward).
    #[arg(long, env = "CMA_NOW")]
    pub now: Option<String>,

    #[command(flatten)]
    pub email: EmailArgs,
}

/// How email goes out: by SMTP or into the outbox folder, from which
/// address, DKIM-signed or not, and how often (`cma serve` and `cma worker`
/// alike).
#[derive(Args, Clone, Debug)]
pub struct EmailArgs {
    /// `smtp://host:port` or `smtps://...` sends email by SMTP instead of the outbox folder.
    #[arg(long, env = "CMA_SMTP_URL")]
    pub smtp_url: Option<String>,

    /// A file holding the SMTP password (over any in `CMA_SMTP_URL`).
    #[arg(long, env = "CMA_SMTP_PASSWORD_FILE", value_parser = email::parse_password_file,
          requires = "smtp_url")]
    pub smtp_password_file: Option<email::Secret>,

    /// A PEM certificate trusted for the SMTP server beside the public roots.
    #[arg(long, env = "CMA_SMTP_CA_FILE", value_parser = email::parse_ca_file,
          requires = "smtp_url")]
    pub smtp_ca_file: Option<email::PemFile>,

    /// The address emails come from, in the business's name.
    #[arg(long, env = "CMA_EMAIL_FROM", default_value = cma_workers::email::DEFAULT_FROM,
          value_parser = email::parse_from)]
    pub email_from: String,

    /// A PEM RSA private key: emails are DKIM-signed with it.
    #[arg(long, env = "CMA_DKIM_KEY", value_parser = email::parse_dkim_key,
          requires_all = ["dkim_selector", "dkim_domain"])]
    pub dkim_key: Option<email::DkimKey>,

    /// The DKIM selector the public key is published under.
    #[arg(long, env = "CMA_DKIM_SELECTOR", value_parser = email::parse_dkim_selector,
          requires_all = ["dkim_key", "dkim_domain"])]
    pub dkim_selector: Option<String>,

    /// The DKIM signing domain (`d=`), normally the From address's domain.
    #[arg(long, env = "CMA_DKIM_DOMAIN", value_parser = email::parse_dkim_domain,
          requires_all = ["dkim_key", "dkim_selector"])]
    pub dkim_domain: Option<String>,

    /// An email whose event is older than this many hours when the worker
    /// first sees it is listed as not sent and never sent, so a worker
    /// started on an existing log does not email its history.
    #[arg(long, env = "CMA_EMAIL_HORIZON_HOURS", default_value_t = DEFAULT_EMAIL_HORIZON_HOURS,
          value_parser = clap::value_parser!(u64).range(1..))]
    pub email_horizon_hours: u64,

    /// At most one new-message email per thread and side in this many minutes.
    #[arg(long, env = "CMA_MESSAGE_QUIET_MINUTES", default_value_t = 15)]
    pub message_quiet_minutes: u64,
}

impl Config {
    /// Every setting at its default, whatever the environment says: what a
    /// command that takes only some settings starts from.
    pub fn defaults() -> Config {
        use clap::FromArgMatches;
        let command = Config::augment_args(clap::Command::new("defaults"))
            .mut_args(|arg| arg.env(None::<&str>));
        let matches = command
            .try_get_matches_from(["defaults"])
            .expect("every setting has a default or is optional");
        Config::from_arg_matches(&matches).expect("the defaults are settings")
    }
}

impl WorkerArgs {
    /// The worker's settings over the defaults of every other one.
    pub fn config(self) -> Config {
        let mut config = Config::defaults();
        config.listen = DEFAULT_LISTEN.parse().expect("the default address");
        config.stores = self.stores;
        config.email = self.email;
        config.public_url = self.public_url;
        config.secret_key = self.secret_key;
        config.now = self.now;
        config
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use clap::Command;
    use std::path::PathBuf;

    fn flags(command: Command) -> Vec<clap::Arg> {
        command.get_arguments().cloned().collect()
    }

    /// The worker's flags are the server's flags of the same name: same
    /// variable, default and help (the public URL's default is said its own way).
    #[test]
    fn worker_flags_are_the_serve_flags_of_the_same_name() {
        let serve = flags(Config::augment_args(Command::new("serve")));
        let worker = flags(WorkerArgs::augment_args(Command::new("worker")));
        assert!(worker.len() >= 10);
        for flag in &worker {
            let id = flag.get_id();
            let same = serve
                .iter()
                .find(|s| s.get_id() == id)
                .unwrap_or_else(|| panic!("--{id} is not a serve flag"));
            assert_eq!(flag.get_long(), same.get_long(), "{id}");
            assert_eq!(flag.get_env(), same.get_env(), "{id}");
            assert_eq!(flag.get_default_values(), same.get_default_values(), "{id}");
            if id != "public_url" {
                assert_eq!(
                    flag.get_help().map(ToString::to_string),
                    same.get_help().map(ToString::to_string),
                    "{id}"
                );
            }
        }
        let listen = serve
            .iter()
            .find(|s| s.get_id() == "listen")
            .expect("listen");
        assert_eq!(
            listen.get_default_values(),
            [std::ffi::OsStr::new(DEFAULT_LISTEN)]
        );
    }

    #[test]
    fn a_worker_takes_its_settings_over_the_defaults() {
        let defaults = Config::defaults();
        assert_eq!(defaults.max_upload_bytes, DEFAULT_MAX_UPLOAD_BYTES);
        assert_eq!(defaults.stores.data_dir, PathBuf::from("./data"));
        #[derive(clap::Parser)]
        struct Cli {
            #[command(flatten)]
            worker: WorkerArgs,
        }
        let worker = <Cli as clap::Parser>::try_parse_from([
            "worker",
            "--data-dir",
            "/srv/cma",
            "--public-url",
            "https://portal.example",
            "--email-horizon-hours",
            "2",
        ])
        .expect("worker flags")
        .worker
        .config();
        assert_eq!(worker.stores.data_dir, PathBuf::from("/srv/cma"));
        assert_eq!(worker.public_url(), "https://portal.example");
        assert_eq!(worker.email.email_horizon_hours, 2);
        assert_eq!(worker.listen.to_string(), DEFAULT_LISTEN);
        assert_eq!(worker.max_upload_bytes, DEFAULT_MAX_UPLOAD_BYTES);
    }
}
