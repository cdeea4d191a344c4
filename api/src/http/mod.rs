//! HTTP plumbing shared by every route group.

pub mod cookies;
pub mod json;
pub mod problem;
pub mod requester;
pub mod session;

pub use json::Json;
pub use problem::ApiError;
pub use session::{ClientSession, Requester, StaffSession};
