//! Route groups, named as API.md groups them.

pub mod diary;
pub mod files;
pub mod invoices;
pub mod messages;
pub mod portal;
pub mod portal_files;
pub mod portal_invoices;
pub mod portal_meetings;
pub mod portal_messages;
pub mod portal_quotes;
pub mod quotes;
mod scope;
mod slots;
mod wire;
