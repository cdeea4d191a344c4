//! The projections' integration tests, one binary: real SQLite files and a
//! real PostgreSQL server.

mod support;

mod lease;
mod queries;
mod rebuild;
mod runner;
