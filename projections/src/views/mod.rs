//! One projector per read model.

mod audit;
pub(crate) mod clients;
pub(crate) mod diary;
mod files;
pub(crate) mod invoices;
mod messages;
mod quotes;
pub(crate) mod team;

pub use audit::AuditIndex;
pub use clients::ClientsView;
pub use diary::DiaryView;
pub use files::FilesView;
pub use invoices::InvoicesView;
pub use messages::MessagesView;
pub use quotes::QuotesView;
pub use team::TeamView;

use crate::projector::Projector;
use std::sync::Arc;

/// Every projector, in a fixed order.
pub fn all() -> Vec<Arc<dyn Projector>> {
    vec![
        Arc::new(TeamView),
        Arc::new(ClientsView),
        Arc::new(QuotesView),
        Arc::new(InvoicesView),
        Arc::new(FilesView),
        Arc::new(MessagesView),
        Arc::new(DiaryView),
        Arc::new(AuditIndex),
    ]
}

/// The names of every projector.
pub fn names() -> Vec<&'static str> {
    all().iter().map(|p| p.name()).collect()
}
