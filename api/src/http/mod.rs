//! HTTP plumbing shared by every route group.

pub mod consistency;
pub mod download;
pub mod problem;
pub mod session;
pub mod upload;

pub use problem::ApiError;
pub use session::{ClientSession, Requester, StaffSession};
