//! HTTP plumbing shared by every route group.

pub mod problem;
pub mod session;

pub use problem::ApiError;
pub use session::{ClientSession, Requester, StaffSession};
