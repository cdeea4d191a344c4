//! The projections' integration tests, one binary: real SQLite files and a
//! real PostgreSQL server.

#[path = "projections/support/mod.rs"]
mod support;

#[path = "projections/durability.rs"]
mod durability;
#[path = "projections/lease.rs"]
mod lease;
#[path = "projections/queries.rs"]
mod queries;
#[path = "projections/rebuild.rs"]
mod rebuild;
#[path = "projections/records.rs"]
mod records;
#[path = "projections/runner.rs"]
mod runner;
#[path = "projections/tail.rs"]
mod tail;
