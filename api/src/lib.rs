//! The HTTP API of the CMA client portal and the `cma` command line.

pub mod app;
pub mod audit;
pub mod backup;
pub mod cli;
pub mod config;
pub mod email;
pub mod event_store;
pub mod file_storage;
pub mod http;
pub mod identity;
pub mod logs;
pub mod metrics;
pub mod openapi;
pub mod read_db;
pub mod roles;
pub mod routes;
pub mod secrets;
pub mod serve;
pub mod store_args;
pub mod web;
