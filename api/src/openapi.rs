//! The OpenAPI 3.1 document served at `/api/v1/openapi.json`: what each
//! route's `#[utoipa::path]` says, completed with what the routes share —
//! our `info`, `servers` and tags, each operation's name and summary, how a
//! caller presents a session, the shared headers, the RFC 9457 problem every
//! error answers with — and made precise where the generator cannot be:
//! typed upload and download bodies, enums, constraints, one integer width
//! and one convention for absent values (left out, never `null`).
//!
//! `api/tests/http/infrastructure.rs` validates the result with
//! `openapi-spec-validator` and checks each of these properties.

use crate::http::consistency::MIN_POSITION;
use crate::http::cookies;
use crate::http::idempotency::{IDEMPOTENCY_KEY, MAX_KEY_LEN};
use crate::http::problem::{Problem, RATE_LIMIT_RETRY_AFTER_SECS, RETRY_AFTER_SECS};
use crate::http::problem_types;
use cma_domain::quote::rules;
use cma_domain::{diary, invoice};
use cma_domain::{money, schedule, team, text};
use serde_json::{Map, Value, json};
use std::sync::LazyLock;
use utoipa::PartialSchema;

const PROBLEM_JSON: &str = "application/problem+json";

/// The document of every route, built once.
pub fn document() -> &'static Value {
    static DOCUMENT: LazyLock<Value> = LazyLock::new(|| {
        let generated =
            serde_json::to_value(crate::routes::api().into_openapi()).expect("OpenAPI as JSON");
        complete(generated)
    });
    &DOCUMENT
}

const DESCRIPTION: &str = "\
The API of the CMA Client Portal: a business (a *team*) keeps its clients, \
quotes, invoices, files, messages and diary here, and its clients use the \
portal to read and accept quotes, pay attention to invoices, exchange files \
and messages and book meetings.\n\n\
Staff and clients log in (`/api/v1/auth/...`) and present the session as \
`Authorization: Bearer <token>` or as the `cma_session` cookie (then unsafe \
requests also send `X-CSRF-Token`). Commands answer the event-log `position` \
they reached; send it back as `X-Min-Position` on the reads that follow to \
read your own writes (503 with `Retry-After` when the read models have not \
caught up in time). Every error is an RFC 9457 problem \
(`application/problem+json`). Optional fields that have no value are left \
out of answers, never `null`, except the few the HTTP contract names as \
always present (a client's `portal.invite_email` and `portal.invited_at`, an \
audit event's `data`), which are `null` when empty; money, quantities and rates are decimal \
strings such as `\"120.50\"`.";

/// Tags, in the order a reader meets them, with what they group.
const TAGS: &[(&str, &str)] = &[
    (
        "team",
        "Signing up a business, and its settings, branding and logo",
    ),
    (
        "auth",
        "Logging in and out (staff and clients) and setting a portal password from a link",
    ),
    (
        "clients",
        "Clients, their email addresses and their portal access",
    ),
    ("quotes", "Quotes staff draft, send and withdraw"),
    (
        "invoices",
        "Invoices and the payments recorded against them",
    ),
    ("files", "Files shared with a client"),
    ("messages", "Message threads with clients, and the inbox"),
    ("diary", "Appointments"),
    ("emails", "The emails the portal sends, and how they fared"),
    ("audit", "The tamper-evident record of a quote's acceptance"),
    ("portal", "What a logged-in client sees and does"),
    ("service", "Health, readiness, metrics and this document"),
];

/// Each operation's `operationId` and summary, by method and path.
const OPERATIONS: &[(&str, &str, &str, &str)] = &[
    (
        "post",
        "/api/v1/teams",
        "sign_up",
        "Sign up a business: its team and its owner's staff login",
    ),
    (
        "get",
        "/api/v1/team/settings",
        "get_team_settings",
        "Read the team's settings",
    ),
    (
        "put",
        "/api/v1/team/settings",
        "change_team_settings",
        "Change some of the team's settings",
    ),
    (
        "get",
        "/api/v1/team/logo",
        "get_team_logo",
        "Download the team's logo (staff)",
    ),
    (
        "put",
        "/api/v1/team/logo",
        "change_team_logo",
        "Upload the portal's logo, replacing any previous one",
    ),
    (
        "delete",
        "/api/v1/team/logo",
        "remove_team_logo",
        "Remove the portal's logo",
    ),
    (
        "post",
        "/api/v1/auth/staff/login",
        "staff_login",
        "Log in as staff",
    ),
    (
        "post",
        "/api/v1/auth/portal/login",
        "portal_login",
        "Log in to the portal as a client",
    ),
    (
        "post",
        "/api/v1/auth/logout",
        "logout",
        "Log out: end the session the request presents",
    ),
    (
        "get",
        "/api/v1/auth/me",
        "get_staff_me",
        "Who is logged in: the staff member and their business",
    ),
    (
        "post",
        "/api/v1/auth/portal/set-password",
        "set_portal_password",
        "Set the first portal password from an invite link, and log in",
    ),
    (
        "post",
        "/api/v1/auth/portal/reset-request",
        "request_portal_password_reset",
        "Ask for a portal password reset link by email",
    ),
    (
        "post",
        "/api/v1/auth/portal/reset",
        "reset_portal_password",
        "Set a new portal password from a reset link",
    ),
    (
        "get",
        "/api/v1/clients",
        "list_clients",
        "List the team's clients",
    ),
    ("post", "/api/v1/clients", "create_client", "Add a client"),
    (
        "get",
        "/api/v1/clients/{id}",
        "get_client",
        "Read a client and their portal access",
    ),
    (
        "post",
        "/api/v1/clients/{id}/emails",
        "add_client_email",
        "Save another email address for a client",
    ),
    (
        "put",
        "/api/v1/clients/{id}/portal/access",
        "change_portal_access",
        "Turn a client's portal and its sections on or off",
    ),
    (
        "post",
        "/api/v1/clients/{id}/portal/invite",
        "invite_client",
        "Invite (or re-invite) a client to the portal",
    ),
    (
        "get",
        "/api/v1/clients/{id}/quotes",
        "list_client_quotes",
        "List a client's quotes",
    ),
    (
        "post",
        "/api/v1/clients/{id}/quotes",
        "create_quote",
        "Draft a quote for a client",
    ),
    ("get", "/api/v1/quotes/{id}", "get_quote", "Read a quote"),
    (
        "put",
        "/api/v1/quotes/{id}",
        "edit_quote",
        "Edit a quote's title, expiry or lines",
    ),
    (
        "post",
        "/api/v1/quotes/{id}/send",
        "send_quote",
        "Send a quote to the client",
    ),
    (
        "post",
        "/api/v1/quotes/{id}/withdraw",
        "withdraw_quote",
        "Withdraw a sent quote",
    ),
    (
        "post",
        "/api/v1/quotes/{id}/lines/{line_id}/comments",
        "comment_on_quote_line",
        "Comment on a quote line (staff)",
    ),
    (
        "get",
        "/api/v1/clients/{id}/invoices",
        "list_client_invoices",
        "List a client's invoices",
    ),
    (
        "post",
        "/api/v1/clients/{id}/invoices",
        "issue_invoice",
        "Issue an invoice to a client",
    ),
    (
        "get",
        "/api/v1/invoices/{id}",
        "get_invoice",
        "Read an invoice",
    ),
    (
        "post",
        "/api/v1/invoices/{id}/payments",
        "record_payment",
        "Record a payment against an invoice",
    ),
    (
        "get",
        "/api/v1/clients/{id}/files",
        "list_client_files",
        "List a client's files",
    ),
    (
        "post",
        "/api/v1/clients/{id}/files",
        "upload_client_file",
        "Upload a file for a client",
    ),
    (
        "get",
        "/api/v1/files/{file_id}/content",
        "download_file",
        "Download a file's content (staff)",
    ),
    (
        "get",
        "/api/v1/clients/{id}/messages",
        "get_client_thread",
        "Read the message thread with a client",
    ),
    (
        "post",
        "/api/v1/clients/{id}/messages",
        "post_client_message",
        "Send a message to a client",
    ),
    (
        "post",
        "/api/v1/clients/{id}/messages/read",
        "mark_client_thread_read",
        "Mark a client's thread read (staff)",
    ),
    (
        "get",
        "/api/v1/inbox",
        "get_inbox",
        "List the threads, with their unread counts",
    ),
    (
        "get",
        "/api/v1/diary",
        "get_diary",
        "List the appointments in a period",
    ),
    (
        "post",
        "/api/v1/diary/appointments",
        "add_appointment",
        "Add an appointment to the diary",
    ),
    (
        "post",
        "/api/v1/diary/appointments/{id}/cancel",
        "cancel_appointment",
        "Cancel an appointment",
    ),
    (
        "get",
        "/api/v1/emails",
        "list_emails",
        "List the emails sent, waiting or failed",
    ),
    (
        "get",
        "/api/v1/audit/quotes/{id}",
        "get_quote_audit",
        "Audit a quote: its events, hash chain and acceptance checks",
    ),
    (
        "get",
        "/api/v1/audit/quotes/{id}/certificate",
        "get_acceptance_certificate",
        "Print a quote's acceptance certificate",
    ),
    (
        "get",
        "/api/v1/portal/me",
        "get_portal_me",
        "Who is logged in: the client, their sections and the business's branding",
    ),
    (
        "get",
        "/api/v1/portal/logo",
        "get_portal_logo",
        "Download the business's logo (client)",
    ),
    (
        "put",
        "/api/v1/portal/notifications",
        "change_portal_notifications",
        "Turn my emails about new things in the portal on or off (client)",
    ),
    (
        "get",
        "/api/v1/portal/quotes",
        "list_portal_quotes",
        "List my quotes (client)",
    ),
    (
        "get",
        "/api/v1/portal/quotes/{id}",
        "get_portal_quote",
        "Read one of my quotes (client)",
    ),
    (
        "put",
        "/api/v1/portal/quotes/{id}/lines/{line_id}",
        "toggle_quote_line",
        "Choose or leave out an optional quote line (client)",
    ),
    (
        "post",
        "/api/v1/portal/quotes/{id}/lines/{line_id}/comments",
        "comment_on_my_quote_line",
        "Comment on a quote line (client)",
    ),
    (
        "post",
        "/api/v1/portal/quotes/{id}/accept",
        "accept_quote",
        "Accept a quote with a name and a signature (client)",
    ),
    (
        "get",
        "/api/v1/portal/invoices",
        "list_portal_invoices",
        "List my invoices (client)",
    ),
    (
        "get",
        "/api/v1/portal/invoices/{id}",
        "get_portal_invoice",
        "Read one of my invoices (client)",
    ),
    (
        "get",
        "/api/v1/portal/files",
        "list_portal_files",
        "List my files (client)",
    ),
    (
        "post",
        "/api/v1/portal/files",
        "upload_portal_file",
        "Upload a file to the business (client)",
    ),
    (
        "get",
        "/api/v1/portal/files/{file_id}/content",
        "download_portal_file",
        "Download one of my files' content (client)",
    ),
    (
        "get",
        "/api/v1/portal/messages",
        "get_portal_thread",
        "Read my thread with the business (client)",
    ),
    (
        "post",
        "/api/v1/portal/messages",
        "post_portal_message",
        "Send a message to the business (client)",
    ),
    (
        "post",
        "/api/v1/portal/messages/read",
        "mark_portal_thread_read",
        "Mark my thread read (client)",
    ),
    (
        "get",
        "/api/v1/portal/meetings",
        "list_portal_meetings",
        "List my meetings (client)",
    ),
    (
        "get",
        "/api/v1/portal/meetings/slots",
        "list_free_slots",
        "List the free meeting slots (client)",
    ),
    (
        "post",
        "/api/v1/portal/meetings",
        "book_meeting",
        "Book a meeting in a free slot (client)",
    ),
    (
        "post",
        "/api/v1/portal/meetings/{id}/cancel",
        "cancel_meeting",
        "Cancel one of my meetings (client)",
    ),
    ("get", "/healthz", "get_health", "Whether the process is up"),
    (
        "get",
        "/readyz",
        "get_readiness",
        "Whether the process is ready, role by role",
    ),
    ("get", "/metrics", "get_metrics", "Prometheus metrics"),
    (
        "get",
        "/api/v1/openapi.json",
        "get_openapi_document",
        "This OpenAPI document",
    ),
];

/// Values a string field takes, by schema and field.
const ENUMS: &[(&[&str], &str, &[&str])] = &[
    (
        &["QuoteSummary", "QuoteView"],
        "status",
        &["draft", "sent", "accepted", "expired", "withdrawn"],
    ),
    (
        &["InvoiceSummary", "InvoiceView"],
        "status",
        &["issued", "part_paid", "paid", "overdue"],
    ),
    (
        &["Portal", "PortalBadge"],
        "status",
        &["not_invited", "invited", "active", "suspended"],
    ),
    (
        &["DiaryEntry", "Meeting"],
        "status",
        &["scheduled", "cancelled", "completed"],
    ),
    (&["Comment", "Message"], "author", &["client", "staff"]),
    (&["FileEntry"], "uploaded_by", &["client", "staff"]),
    (&["DiaryEntry"], "booked_by", &["client", "staff"]),
    (&["EmailSummary"], "state", &["pending", "sent", "failed"]),
];

/// A decimal string as the server reads it: digits, optionally a sign and
/// a fraction.
pub const DECIMAL_PATTERN: &str = r"^-?[0-9]+(\.[0-9]+)?$";
/// `YYYY-MM-DD` (`format: date` alone lets an empty string through).
const DATE_PATTERN: &str = "^[0-9]{4}-[0-9]{2}-[0-9]{2}$";
/// `HH:MM` from `00:00` to `24:00`.
const CLOCK_PATTERN: &str = "^(([01][0-9]|2[0-3]):[0-5][0-9]|24:00)$";
/// `data:image/png;base64,` and the base64 of at most 512 KiB.
const SIGNATURE_MAX: u64 = (MAX_SIGNATURE_BASE64 + SIGNATURE_PREFIX.len()) as u64;
const SIGNATURE_PREFIX: &str = "data:image/png;base64,";
const MAX_SIGNATURE_BASE64: usize =
    cma_domain::quote::signature::MAX_SIGNATURE_BYTES.div_ceil(3) * 4;

/// Constraints the server enforces, by schema and field (merged in).
fn constraints() -> Vec<(&'static [&'static str], &'static str, Value)> {
    let password = json!({
        "minLength": crate::identity::passwords::MIN_LENGTH,
        "maxLength": crate::identity::passwords::MAX_LENGTH,
    });
    let email = json!({"format": "email", "maxLength": cma_domain::client::email::MAX_EMAIL});
    let decimal = json!({"pattern": DECIMAL_PATTERN});
    let one_line = text::pattern(text::Lines::One);
    let many_lines = text::pattern(text::Lines::Many);
    let message = json!({"minLength": 1, "maxLength": cma_domain::conversation::MAX_MESSAGE_CHARS, "pattern": many_lines});
    let comment = json!({"minLength": 1, "maxLength": rules::MAX_COMMENT, "pattern": many_lines});
    let title = typed(rules::MAX_TITLE, text::Lines::One);
    let description = typed(rules::MAX_DESCRIPTION, text::Lines::Many);
    let date = json!({"format": "date", "pattern": DATE_PATTERN});
    vec![
        (&["SignupRequest"], "owner_password", password.clone()),
        (&["LinkPasswordRequest"], "password", password),
        (
            &["LoginRequest"],
            "password",
            json!({"maxLength": crate::identity::passwords::MAX_LENGTH}),
        ),
        (&["SignupRequest"], "owner_email", email.clone()),
        (
            &["NewEmail", "InviteRequest", "StaffIdentity"],
            "email",
            email.clone(),
        ),
        (&["Portal"], "invite_email", email.clone()),
        (
            &["NewClient"],
            "emails",
            json!({
                "items": {"type": "string", "format": "email", "maxLength": cma_domain::client::email::MAX_EMAIL},
                "maxItems": cma_domain::client::email::MAX_EMAILS,
            }),
        ),
        (
            &["SignupRequest", "SettingsChange"],
            "business_name",
            typed(team::settings::MAX_NAME, text::Lines::One),
        ),
        (
            &["SignupRequest"],
            "owner_name",
            typed(team::settings::MAX_NAME, text::Lines::One),
        ),
        (
            &["NewClient"],
            "name",
            json!({"minLength": 1, "maxLength": cma_domain::client::email::MAX_NAME, "pattern": one_line}),
        ),
        (&["SettingsChange"], "contact_email", email.clone()),
        (
            &["SignupRequest", "SettingsChange"],
            "time_zone",
            time_zones(),
        ),
        (&["SettingsChange"], "working_hours", working_hours()),
        (
            &["SettingsChange"],
            "slot_minutes",
            json!({"minimum": schedule::MIN_SLOT_MINUTES, "maximum": schedule::MAX_SLOT_MINUTES}),
        ),
        (
            &["BrandingBody"],
            "tagline",
            json!({"maxLength": team::settings::MAX_TAGLINE, "pattern": or_empty(&one_line)}),
        ),
        (
            &["InviteEmailBody"],
            "subject",
            json!({"pattern": one_line}),
        ),
        (&["InviteEmailBody"], "body", json!({"pattern": many_lines})),
        (
            &["NewAppointment"],
            "title",
            json!({"maxLength": diary::MAX_TITLE_CHARS, "pattern": or_empty(&one_line)}),
        ),
        (
            &["NewInvoice"],
            "number",
            typed(invoice::MAX_NUMBER_CHARS, text::Lines::One),
        ),
        (
            &["NewInvoice"],
            "lines",
            json!({"minItems": 1, "maxItems": invoice::MAX_LINES}),
        ),
        (&["NewQuote", "QuoteChanges"], "expires_on", date.clone()),
        (&["NewInvoice"], "due_on", date.clone()),
        (&["Payment"], "paid_on", date),
        (
            &["AcceptBody"],
            "revision",
            json!({"minimum": 0, "maximum": u32::MAX}),
        ),
        (&["NewQuote", "QuoteChanges"], "title", title),
        (
            &["AcceptBody"],
            "name",
            json!({"minLength": 1, "maxLength": rules::MAX_NAME, "pattern": one_line}),
        ),
        (
            &["NewQuote", "QuoteChanges"],
            "lines",
            json!({"minItems": 1, "maxItems": rules::MAX_LINES}),
        ),
        (&["LineBody", "InvoiceLineBody"], "description", description),
        (
            &["NewQuote", "NewInvoice"],
            "currency",
            json!({"enum": money::Currency::codes()}),
        ),
        (
            &[
                "QuoteSummary",
                "QuoteView",
                "InvoiceSummary",
                "InvoiceView",
                "AcceptanceAudit",
            ],
            "currency",
            json!({"pattern": "^[A-Z]{3}$"}),
        ),
        (
            &["LineBody", "InvoiceLineBody"],
            "quantity",
            json!({"pattern": money::figure_pattern(money::MAX_QUANTITY)}),
        ),
        (&["QuoteLine", "InvoiceLine"], "quantity", decimal.clone()),
        (
            &["LineBody", "InvoiceLineBody"],
            "unit_price",
            json!({"pattern": money::figure_pattern(money::MAX_UNIT_PRICE)}),
        ),
        (&["QuoteLine", "InvoiceLine"], "unit_price", decimal.clone()),
        (
            &["LineBody", "InvoiceLineBody"],
            "tax_rate",
            json!({"pattern": money::figure_pattern(money::MAX_TAX_RATE)}),
        ),
        (&["QuoteLine", "InvoiceLine"], "tax_rate", decimal.clone()),
        (&["QuoteLine", "InvoiceLine"], "net", decimal.clone()),
        (&["QuoteLine", "InvoiceLine"], "tax", decimal.clone()),
        (&["QuoteLine", "InvoiceLine"], "total", decimal.clone()),
        (&["Totals"], "subtotal", decimal.clone()),
        (&["Totals"], "tax", decimal.clone()),
        (&["Totals"], "total", decimal.clone()),
        (&["InvoicePayment"], "amount", decimal.clone()),
        (
            &["Payment"],
            "amount",
            json!({"pattern": money::amount_pattern()}),
        ),
        (
            &["InvoiceSummary", "InvoiceView"],
            "amount_due",
            decimal.clone(),
        ),
        (&["InvoiceView"], "amount_paid", decimal),
        (&["MessageBody"], "text", message),
        (&["CommentBody"], "text", comment),
        (
            &["AcceptBody"],
            "signature",
            json!({"pattern": format!("^{SIGNATURE_PREFIX}"), "maxLength": SIGNATURE_MAX}),
        ),
        (
            &["BrandingBody", "Branding"],
            "accent_colour",
            json!({"pattern": "^#[0-9a-fA-F]{6}$"}),
        ),
        (&["Problem"], "type", json!({"format": "uri"})),
    ]
}

/// A text of at most `max` characters that holds more than white space and
/// no character refused in `lines` (`cma_domain::text`).
fn typed(max: usize, lines: text::Lines) -> Value {
    json!({"minLength": 1, "maxLength": max, "pattern": text::pattern(lines)})
}

/// `pattern`, or the empty text (a field where blank means none).
fn or_empty(pattern: &str) -> String {
    format!("^$|{pattern}")
}

/// The IANA names, with a name in code for each (`x-enum-varnames`, which
/// generators read) that keeps `Etc/GMT+1` apart from `Etc/GMT-1`.
fn time_zones() -> Value {
    let names = cma_domain::schedule::time_zone_names();
    let in_code: Vec<String> = names
        .iter()
        .map(|name| {
            name.replace('+', "_plus_")
                .replace('-', "_minus_")
                .replace(|c: char| !c.is_ascii_alphanumeric(), "_")
        })
        .collect();
    json!({"enum": names, "x-enum-varnames": in_code})
}

/// `{"mon": [["09:00", "17:00"]], ...}`: weekdays, each with its intervals.
fn working_hours() -> Value {
    let days: Vec<&str> = schedule::Weekday::ALL.iter().map(|d| d.key()).collect();
    json!({
        "type": "object",
        "propertyNames": {"enum": days},
        "additionalProperties": {
            "type": "array",
            "maxItems": schedule::MAX_INTERVALS_PER_DAY,
            "items": {
                "type": "array",
                "minItems": 2,
                "maxItems": 2,
                "items": {"type": "string", "pattern": CLOCK_PATTERN},
            },
        },
    })
}

/// Fields where `null` means something: `expires_on: null` clears a quote's
/// expiry; the contract names the others as always present, `null` when empty.
const MEANINGFUL_NULLS: &[(&str, &str)] = &[
    ("QuoteChanges", "expires_on"),
    ("Portal", "invite_email"),
    ("Portal", "invited_at"),
    ("AuditEvent", "data"),
];

/// `openapi` completed and made precise (see the module's documentation).
fn complete(mut doc: Value) -> Value {
    doc["info"] = json!({
        "title": "CMA Client Portal API",
        "version": env!("CARGO_PKG_VERSION"),
        "description": DESCRIPTION,
    });
    doc["servers"] = json!([{"url": "/", "description": "the server this document was read from"}]);
    doc["tags"] = TAGS
        .iter()
        .map(|(name, description)| json!({"name": name, "description": description}))
        .collect();
    // Routes need a session unless they say otherwise; each operation also
    // says which it is (see `complete_operation`).
    doc["security"] = session();
    let components = doc["components"].as_object_mut().expect("components");
    components.insert("securitySchemes".to_owned(), security_schemes());
    components.insert("parameters".to_owned(), parameters());
    components.insert("headers".to_owned(), headers());
    let schemas = components
        .entry("schemas")
        .or_insert_with(|| json!({}))
        .as_object_mut()
        .expect("schemas");
    schemas.insert(
        "Problem".to_owned(),
        serde_json::to_value(Problem::schema()).expect("Problem schema"),
    );
    precise_schemas(schemas);
    schemas.insert("OpenApiDocument".to_owned(), openapi_document_schema());
    let paths = doc["paths"].as_object_mut().expect("paths");
    for (path, item) in paths.iter_mut() {
        for (method, operation) in item.as_object_mut().expect("path item") {
            complete_operation(path, method, operation);
        }
    }
    one_integer_width(&mut doc);
    doc
}

/// This document's own shape, in outline (the full schema is
/// `https://spec.openapis.org/oas/3.1/schema/2022-10-07`).
fn openapi_document_schema() -> Value {
    json!({
        "type": "object",
        "description": "an OpenAPI 3.1 document; its full schema is \
            https://spec.openapis.org/oas/3.1/schema/2022-10-07",
        "required": ["openapi", "info", "paths"],
        "properties": {
            "openapi": {"type": "string", "pattern": "^3\\.1\\.[0-9]+$"},
            "info": {"type": "object"},
            "servers": {"type": "array", "items": {"type": "object"}},
            "paths": {"type": "object"},
            "components": {"type": "object"},
            "security": {"type": "array", "items": {"type": "object"}},
            "tags": {"type": "array", "items": {"type": "object"}},
        },
    })
}

/// Either session scheme.
fn session() -> Value {
    json!([{"bearer": []}, {"session_cookie": []}])
}

fn security_schemes() -> Value {
    json!({
        "bearer": {
            "type": "http",
            "scheme": "bearer",
            "description": "the `token` every login answers with",
        },
        "session_cookie": {
            "type": "apiKey",
            "in": "cookie",
            "name": cookies::SESSION,
            "description": "the cookie every login sets; a request other than GET, HEAD, OPTIONS \
                or TRACE must also send the `cma_csrf` cookie's value in the `X-CSRF-Token` header",
        },
    })
}

fn parameters() -> Value {
    json!({
        "MinPosition": {
            "name": MIN_POSITION,
            "in": "header",
            "required": false,
            "description": "Read your writes: wait (at most 5 s) until the read models have \
                processed this event-log position, e.g. the `position` a command answered with. \
                When they have not reached it in time the answer is 503 \
                (`.../not-caught-up`) with `Retry-After`, never stale data; a position beyond \
                the event log's last one is 409 at once (`.../position-beyond-head`). Only a \
                logged-in caller waits: without a session the header is ignored.",
            "schema": {"type": "integer", "format": "int64", "minimum": 0},
        },
        "IdempotencyKey": {
            "name": IDEMPOTENCY_KEY,
            "in": "header",
            "required": false,
            "description": "Makes a retried command safe: a fresh value (e.g. a UUID) per \
                command, the same one when retrying it. The same key with the same method, path \
                and body from the same login within 24 hours is answered with the first answer \
                (status and body, with `Idempotent-Replayed: true`) and not run again; with \
                another request it is 422 (`.../idempotency-key-reused`), and while the first \
                is still running 409 (`.../idempotency-key-in-use`). A 5xx answer is not kept.",
            "schema": {"type": "string", "minLength": 1, "maxLength": MAX_KEY_LEN},
        },
        "CsrfToken": {
            "name": "X-CSRF-Token",
            "in": "header",
            "required": false,
            "description": "With a cookie session (not a bearer token), the value of the \
                `cma_csrf` cookie (also the login's `csrf_token`); without it such a request is 403.",
            "schema": {"type": "string"},
        },
    })
}

fn headers() -> Value {
    json!({
        "RetryAfter": {
            "description": "Seconds to wait before trying again",
            "schema": {"type": "integer", "format": "int64", "minimum": 0},
        },
        "WwwAuthenticate": {
            "description": "How to authenticate: `Bearer realm=\"cma\"` (or the session cookie)",
            "schema": {"type": "string"},
        },
        "SetCookie": {
            "description": "The `cma_session` (HttpOnly) and `cma_csrf` cookies, and on the staff \
                and portal logins the `cma_device` known-device cookie (HttpOnly, 90 days); logging \
                out clears the session and CSRF cookies (`Max-Age=0`)",
            "schema": {"type": "string"},
        },
    })
}

/// Enums, constraints, typed binaries, no `null` where absence is meant.
fn precise_schemas(schemas: &mut Map<String, Value>) {
    for (names, field, values) in ENUMS {
        for name in *names {
            if let Some(property) = property(schemas, name, field) {
                property["enum"] = json!(values);
            }
        }
    }
    let kinds: Vec<&str> = cma_workers::email::kind::EmailKind::ALL
        .iter()
        .map(|k| k.as_str())
        .collect();
    if let Some(property) = property(schemas, "EmailSummary", "kind") {
        property["enum"] = json!(kinds);
    }
    if let Some(property) = property(schemas, "Problem", "type") {
        let types: Vec<String> = problem_types::all()
            .into_keys()
            .map(|slug| format!("{}{slug}", problem_types::BASE))
            .collect();
        property["enum"] = json!(types);
    }
    for (names, field, constraint) in constraints() {
        for name in names {
            if let Some(property) = property(schemas, name, field) {
                merge(property, &constraint);
            }
        }
    }
    for (name, schema) in schemas.iter_mut() {
        let Some(properties) = schema.get_mut("properties").and_then(Value::as_object_mut) else {
            continue;
        };
        for (field, property) in properties.iter_mut() {
            if !MEANINGFUL_NULLS.contains(&(name.as_str(), field.as_str())) {
                strip_null(property);
            }
        }
    }
}

fn property<'a>(
    schemas: &'a mut Map<String, Value>,
    name: &str,
    field: &str,
) -> Option<&'a mut Value> {
    schemas.get_mut(name)?.get_mut("properties")?.get_mut(field)
}

fn merge(target: &mut Value, extra: &Value) {
    if let (Some(target), Some(extra)) = (target.as_object_mut(), extra.as_object()) {
        for (key, value) in extra {
            target.insert(key.clone(), value.clone());
        }
    }
}

/// `type: [T, "null"]` becomes `type: T`, `oneOf: [null, X]` becomes `X`.
fn strip_null(schema: &mut Value) {
    let Some(object) = schema.as_object_mut() else {
        return;
    };
    if let Some(Value::Array(kinds)) = object.get_mut("type") {
        kinds.retain(|k| k != "null");
        if kinds.len() == 1 {
            let only = kinds[0].clone();
            object.insert("type".to_owned(), only);
        }
    }
    if object.get("default").is_some_and(Value::is_null) {
        object.remove("default");
    }
    if let Some(Value::Array(variants)) = object.get_mut("oneOf") {
        variants.retain(|v| v["type"] != "null");
        if variants.len() == 1 {
            let only = variants.pop().expect("one variant");
            object.remove("oneOf");
            if let Value::Object(only) = only {
                for (key, value) in only {
                    object.entry(key).or_insert(value);
                }
            }
        }
    }
}

/// Every integer `int64`: the wire has one width.
fn one_integer_width(value: &mut Value) {
    match value {
        Value::Object(object) => {
            if object.get("format").is_some_and(|f| f == "int32") {
                object.insert("format".to_owned(), json!("int64"));
            }
            object.values_mut().for_each(one_integer_width);
        }
        Value::Array(items) => items.iter_mut().for_each(one_integer_width),
        _ => {}
    }
}

fn complete_operation(path: &str, method: &str, operation: &mut Value) {
    // A public route (`security(())` on its annotation) says `security: []`,
    // every other one names the session schemes itself: generators that
    // read only an operation's own `security` (openapi-python-client) then
    // ask for a token exactly where one is needed.
    let needs_session = operation.get("security").is_none();
    operation["security"] = if needs_session { session() } else { json!([]) };
    if let Some((_, _, id, summary)) = OPERATIONS
        .iter()
        .find(|(m, p, _, _)| *m == method && *p == path)
    {
        operation["operationId"] = json!(id);
        // A generated summary that says more than ours becomes the description.
        if let Some(generated) = operation["summary"].as_str().map(str::to_owned)
            && generated != *summary
        {
            let description = match operation["description"].as_str() {
                Some(more) if !more.is_empty() => format!("{generated}\n\n{more}"),
                _ => generated,
            };
            operation["description"] = json!(description);
        }
        operation["summary"] = json!(summary);
    } else {
        // A route not yet in the table still gets a unique name.
        let name: String = format!("{method}{path}")
            .chars()
            .map(|c| if c.is_ascii_alphanumeric() { c } else { '_' })
            .collect();
        operation["operationId"] = json!(name);
    }
    operation["tags"] = json!([tag(path)]);
    let parameters = operation
        .as_object_mut()
        .expect("operation")
        .entry("parameters")
        .or_insert_with(|| json!([]))
        .as_array_mut()
        .expect("parameters");
    let has_path_ids = parameters.iter().any(|p| p["in"] == "path");
    parameters.push(json!({"$ref": "#/components/parameters/MinPosition"}));
    if needs_session && method != "get" {
        parameters.push(json!({"$ref": "#/components/parameters/CsrfToken"}));
    }
    typed_bodies(path, operation);
    let takes_json = operation
        .pointer("/requestBody/content/application~1json")
        .is_some();
    let upload = operation
        .pointer("/requestBody/content/multipart~1form-data")
        .is_some();
    let idempotent = needs_session && method == "post" && !upload;
    if idempotent {
        operation["parameters"]
            .as_array_mut()
            .expect("parameters")
            .push(json!({"$ref": "#/components/parameters/IdempotencyKey"}));
    }
    let mut shared = vec!["400", "503"];
    if needs_session {
        shared.extend(["401", "403", "409"]);
    }
    if has_path_ids {
        shared.push("404");
    }
    if takes_json {
        shared.extend(["413", "415"]);
    }
    if idempotent {
        shared.extend(["409", "422"]);
    }
    let responses = operation["responses"].as_object_mut().expect("responses");
    for status in shared {
        responses
            .entry(status.to_owned())
            .or_insert_with(|| json!({"description": ""}));
    }
    let sets_cookies = matches!(
        path,
        "/api/v1/auth/staff/login"
            | "/api/v1/auth/portal/login"
            | "/api/v1/auth/portal/set-password"
            | "/api/v1/auth/logout"
    );
    for (status, response) in responses.iter_mut() {
        if response["description"].as_str().is_none_or(str::is_empty) {
            response["description"] = json!(meaning(status));
        }
        if status.starts_with(['4', '5']) {
            let content = response
                .as_object_mut()
                .expect("response")
                .entry("content")
                .or_insert_with(|| json!({}));
            if content.as_object().is_some_and(Map::is_empty) {
                content[PROBLEM_JSON] = json!({"schema": {"$ref": "#/components/schemas/Problem"}});
            }
        }
        let header = match status.as_str() {
            "401" => Some(("WWW-Authenticate", "WwwAuthenticate")),
            "429" | "503" => Some(("Retry-After", "RetryAfter")),
            s if s.starts_with('2') && sets_cookies => Some(("Set-Cookie", "SetCookie")),
            _ => None,
        };
        if let Some((name, component)) = header {
            response["headers"] =
                json!({name: {"$ref": format!("#/components/headers/{component}")}});
        }
    }
}

/// Binary upload and download bodies as such; the certificate's two forms.
fn typed_bodies(path: &str, operation: &mut Value) {
    if let Some(multipart) = operation.pointer_mut("/requestBody/content/multipart~1form-data") {
        let accepted = match path {
            "/api/v1/team/logo" => team::LOGO_CONTENT_TYPES,
            _ => cma_domain::file::ALLOWED_CONTENT_TYPES,
        };
        *multipart = json!({
            "schema": {
                "type": "object",
                "required": ["file"],
                // Other parts are skipped, but one whose name is not ASCII
                // cannot be read (400): none is described.
                "additionalProperties": false,
                "properties": {
                    "file": {
                        "type": "string",
                        "format": "binary",
                        "contentMediaType": "application/octet-stream",
                        "description": format!("the file, with its name in the part's `filename` \
                            and its type in the part's `Content-Type`. The type is read from \
                            the bytes; accepted: {} (415 otherwise)", accepted.join(", ")),
                    },
                },
            },
        });
    }
    let binary = json!({"schema": {"type": "string", "format": "binary"}});
    if let Some(content) = operation
        .pointer_mut("/responses/200/content")
        .and_then(Value::as_object_mut)
    {
        for (media, body) in content.iter_mut() {
            if media == "application/octet-stream" || media.starts_with("image/") {
                *body = binary.clone();
            }
        }
    }
    if path == "/api/v1/openapi.json" {
        operation["responses"]["200"]["content"] = json!({"application/json": {
            "schema": {"$ref": "#/components/schemas/OpenApiDocument"}
        }});
    }
    if path == "/api/v1/audit/quotes/{id}/certificate" {
        operation["responses"]["200"]["content"]["text/plain"] =
            json!({"schema": {"type": "string"}});
        for parameter in operation["parameters"].as_array_mut().into_iter().flatten() {
            if parameter["name"] == "format" {
                parameter["schema"] =
                    json!({"type": "string", "enum": ["html", "text"], "default": "html"});
            }
        }
    }
}

/// The tag of a path: its group.
fn tag(path: &str) -> &'static str {
    let rest = path.strip_prefix("/api/v1/").unwrap_or("");
    let first = rest.split('/').next().unwrap_or("");
    match first {
        "" | "openapi.json" => "service",
        "teams" | "team" => "team",
        "auth" => "auth",
        "clients" => match rest.split('/').nth(2) {
            Some("quotes") => "quotes",
            Some("invoices") => "invoices",
            Some("files") => "files",
            Some("messages") => "messages",
            _ => "clients",
        },
        "quotes" => "quotes",
        "invoices" => "invoices",
        "files" => "files",
        "inbox" => "messages",
        "diary" => "diary",
        "emails" => "emails",
        "audit" => "audit",
        "portal" => "portal",
        _ => "service",
    }
}

/// What a status means in this API (docs/api.md's conventions).
fn meaning(status: &str) -> String {
    match status {
        "200" => "success".to_owned(),
        "201" => "created".to_owned(),
        "202" => "accepted; the work is done in the background".to_owned(),
        "204" => "done; no body".to_owned(),
        "400" => "malformed request: bad JSON, a wrong type or a missing field, a path id that is \
             not a UUID, an unparsable query, or an `X-Min-Position` that is not an integer"
            .to_owned(),
        "401" => "not logged in, or the session was revoked or has expired".to_owned(),
        "403" => "logged in but not allowed: the wrong role, a section that is off, or a cookie \
             session without the `X-CSRF-Token` header"
            .to_owned(),
        "404" => {
            "not found, or outside the caller's scope (existence is never revealed)".to_owned()
        }
        "409" => "conflict with the current state, the first request with this \
             `Idempotency-Key` still running, or an `X-Min-Position` beyond the event log"
            .to_owned(),
        "413" => "the body is too large".to_owned(),
        "415" => "the body is not of a type this route takes".to_owned(),
        "422" => "well-formed, but breaks a business rule, or the `Idempotency-Key` was \
             already used for another request"
            .to_owned(),
        "429" => format!(
            "too many attempts; wait (`Retry-After`, {RATE_LIMIT_RETRY_AFTER_SECS} s) and try again"
        ),
        "503" => format!(
            "not now: the read models have not reached `X-Min-Position` in time \
             (`.../not-caught-up`), or the event store cannot take changes \
             (`.../store-unavailable`); nothing was done, try again after `Retry-After` \
             ({RETRY_AFTER_SECS} s)"
        ),
        _ => "an error".to_owned(),
    }
}
