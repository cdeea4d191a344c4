//! HTTP plumbing shared by every route group.

pub mod cookies;
pub mod download;
pub mod json;
pub mod min_position;
pub mod problem;
pub mod requester;
pub mod session;
pub mod upload;

pub use json::Json;
pub use min_position::MinPosition;
pub use problem::ApiError;
pub use session::{ClientSession, Requester, StaffSession};
