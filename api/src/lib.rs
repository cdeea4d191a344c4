//! The HTTP API of the CMA client portal and the `cma` command line.

pub mod app;
pub mod audit;
pub(crate) mod backup;
pub mod cli;
pub mod config;
pub(crate) mod email;
pub(crate) mod event_store;
pub(crate) mod file_storage;
pub(crate) mod http;
pub(crate) mod identity;
pub mod logs;
pub(crate) mod metrics;
pub mod openapi;
pub(crate) mod owner;
pub(crate) mod read_db;
pub mod roles;
pub(crate) mod routes;
pub(crate) mod secrets;
pub mod serve;
pub(crate) mod store_args;
pub(crate) mod web;
