//! The client portal API: every route a logged-in client calls, and the
//! portal's login and password links. A section's routes take the caller
//! as [`section::InSection`], so a section that is off is refused once, for
//! all of them.

mod auth;
mod files;
mod invoices;
mod me;
mod meetings;
mod messages;
mod quotes;
mod section;
mod slots;

use crate::app::AppState;
use utoipa_axum::router::OpenApiRouter;

/// Every portal route.
pub(super) fn routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .merge(auth::routes())
        .merge(me::routes())
        .merge(quotes::routes())
        .merge(invoices::routes())
        .merge(files::routes())
        .merge(messages::routes())
        .merge(meetings::routes())
}
