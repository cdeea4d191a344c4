//! HTTP plumbing shared by every route group.

pub mod consistency;
pub mod cookies;
pub mod download;
pub mod idempotency;
pub mod json;
pub mod path;
pub mod problem;
pub mod problem_types;
pub mod query;
pub mod requester;
pub mod session;
pub mod timeouts;
pub mod upload;

pub use json::Json;
pub use path::Path;
pub use problem::ApiError;
pub use query::Query;
pub use session::{ClientSession, Requester, StaffSession};
