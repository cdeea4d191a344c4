//! HTTP plumbing shared by every route group.

pub mod consistency;
pub mod cookies;
pub mod download;
pub mod json;
pub mod problem;
pub mod requester;
pub mod session;
pub mod upload;

pub use json::Json;
pub use problem::ApiError;
pub use session::{ClientSession, Requester, StaffSession};
