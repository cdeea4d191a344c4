//! The emails of docs/product.md §9.1.

/// What an email is about (the `kind` staff see in `GET /api/v1/emails`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum EmailKind {
    PortalInvite,
    PasswordReset,
    /// A link re-pointed a portal login to another address: the previous
    /// address is told.
    SignInEmailChanged,
    ClientUpload,
    BookingConfirmed,
    BookingCancelled,
    QuoteAccepted,
    NewMessage,
    /// Quotes, invoices and files waiting for the client, grouped.
    PortalUpdate,
}

impl EmailKind {
    /// Every kind (the values of `kind` in the OpenAPI document).
    pub const ALL: [Self; 9] = [
        Self::PortalInvite,
        Self::PasswordReset,
        Self::SignInEmailChanged,
        Self::ClientUpload,
        Self::BookingConfirmed,
        Self::BookingCancelled,
        Self::QuoteAccepted,
        Self::NewMessage,
        Self::PortalUpdate,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Self::PortalInvite => "portal_invite",
            Self::PasswordReset => "password_reset",
            Self::SignInEmailChanged => "sign_in_email_changed",
            Self::ClientUpload => "client_upload",
            Self::BookingConfirmed => "booking_confirmed",
            Self::BookingCancelled => "booking_cancelled",
            Self::QuoteAccepted => "quote_accepted",
            Self::NewMessage => "new_message",
            Self::PortalUpdate => "portal_update",
        }
    }
}
