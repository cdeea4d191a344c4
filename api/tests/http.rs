//! Black-box tests: the real server on a random port with real SQLite files,
//! driven over HTTP.

#[path = "http/support.rs"]
#[allow(dead_code)]
mod support;

#[path = "http/identity.rs"]
mod identity;

#[path = "http/invite_email.rs"]
mod invite_email;

#[path = "http/story.rs"]
mod story;

#[path = "http/uploads.rs"]
mod uploads;

#[path = "http/pages.rs"]
mod pages;

#[path = "http/contact_email.rs"]
mod contact_email;

#[path = "http/moto.rs"]
mod moto;

#[path = "http/object_storage.rs"]
mod object_storage;

#[path = "http/quotes.rs"]
mod quotes;

#[path = "http/invoices.rs"]
mod invoices;

#[path = "http/meetings.rs"]
mod meetings;

#[path = "http/fixture.rs"]
mod fixture;

#[path = "http/infrastructure.rs"]
mod infrastructure;

#[path = "http/audit.rs"]
mod audit;
#[path = "http/matrix.rs"]
mod matrix;

#[path = "http/malformed.rs"]
mod malformed;

#[path = "http/contract.rs"]
mod contract;

#[path = "http/messages.rs"]
mod messages;

#[path = "http/schema.rs"]
mod schema;

#[path = "http/openapi.rs"]
mod openapi;

#[path = "http/schemathesis.rs"]
mod schemathesis;

#[path = "http/generated_client.rs"]
mod generated_client;

#[path = "http/request_bodies.rs"]
mod request_bodies;

#[path = "http/web.rs"]
mod web;
