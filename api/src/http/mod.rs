//! HTTP plumbing shared by every route group.

pub(crate) mod consistency;
pub(crate) mod cookies;
pub(crate) mod download;
pub(crate) mod idempotency;
pub(crate) mod json;
pub(crate) mod path;
pub(crate) mod problem;
pub(crate) mod problem_types;
pub(crate) mod query;
pub(crate) mod requester;
pub(crate) mod session;
pub(crate) mod timeouts;
pub(crate) mod upload;

pub(crate) use json::{Json, found};
pub(crate) use path::Path;
pub(crate) use problem::ApiError;
pub(crate) use query::Query;
pub(crate) use session::{ClientSession, Requester, SendsCommands, StaffSession};
