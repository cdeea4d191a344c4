//! The event-store contract: every property is one generic function over a
//! [`Backend`](backend::Backend), run against each adapter — SQLite always,
//! PostgreSQL always (the test server must be up), KurrentDB when
//! `CMA_TEST_KURRENTDB_URL` names a server (and the crate is built with
//! `--features kurrentdb`); and a few properties of PostgreSQL alone, whose
//! log is shared by the writers of several processes and judged by the
//! server.

#[path = "contract/append.rs"]
mod append;
#[path = "contract/backend.rs"]
mod backend;
#[path = "contract/batch.rs"]
mod batch;
#[path = "contract/chain.rs"]
mod chain;
#[path = "contract/concurrency.rs"]
mod concurrency;
#[path = "contract/fixtures.rs"]
mod fixtures;
#[path = "contract/known.rs"]
mod known;
#[path = "contract/lifecycle.rs"]
mod lifecycle;
#[path = "contract/lookup.rs"]
mod lookup;
#[path = "contract/order.rs"]
mod order;
#[path = "contract/queued.rs"]
mod queued;
#[allow(dead_code)]
mod support;
#[path = "contract/writers.rs"]
mod writers;

use append::{duplicate_event_ids_fail_only_their_append, empty_append, expectations, round_trip};
use batch::conflicts_fail_only_their_append;
use chain::chain_links;
use concurrency::concurrent_appenders;
use known::known_versions_are_the_logs;
use lifecycle::{reopen, subscribe_advances};
use lookup::events_are_found_by_id;
use order::{contiguous_positions, ordering, paging, several_streams};
use queued::queued_appends_keep_their_series;
use writers::{
    one_statement_judges_series, several_writers_share_one_log,
    the_database_hashes_events_as_the_chain_does,
};

/// One test per property on SQLite (as read by any handle, and as owned
/// by the one handle every append goes through) and on PostgreSQL.
macro_rules! relational {
    ($($property:ident),* $(,)?) => {
        mod sqlite {
            $(
                #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
                async fn $property() {
                    super::$property(&crate::backend::Sqlite::new()).await;
                }
            )*
        }

        mod owned_sqlite {
            $(
                #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
                async fn $property() {
                    super::$property(&crate::backend::OwnedSqlite(crate::backend::Sqlite::new()))
                        .await;
                }
            )*
        }

        postgres!(postgres: $($property),*);
    };
}

/// One test per property in `$module`, each on a database of its own on
/// the test PostgreSQL server.
macro_rules! postgres {
    ($module:ident: $($property:ident),* $(,)?) => {
        mod $module {
            use futures::FutureExt;

            $(
                #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
                async fn $property() {
                    let backend = crate::backend::Postgres::create().await;
                    let outcome = std::panic::AssertUnwindSafe(super::$property(&backend))
                        .catch_unwind()
                        .await;
                    backend.drop_database().await;
                    if let Err(panic) = outcome {
                        std::panic::resume_unwind(panic);
                    }
                }
            )*
        }
    };
}

/// One test per property on KurrentDB, skipped (and saying so) without a server.
macro_rules! kurrentdb {
    ($($property:ident),* $(,)?) => {
        mod kurrentdb {
            use std::io::Write;

            $(
                #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
                async fn $property() {
                    let Some(url) = crate::backend::kurrentdb_url() else {
                        // Written past the test harness's capture, in one piece,
                        // so the skip is visible.
                        let line = format!(
                            "SKIPPED kurrentdb::{}: {} not set\n",
                            stringify!($property),
                            crate::backend::KURRENTDB_URL_VAR
                        );
                        let _ = std::io::stderr().write_all(line.as_bytes());
                        return;
                    };
                    #[cfg(feature = "kurrentdb")]
                    super::$property(&crate::backend::Kurrent { url }).await;
                    #[cfg(not(feature = "kurrentdb"))]
                    panic!(
                        "{} is set ({url}) but the tests were built without --features kurrentdb",
                        crate::backend::KURRENTDB_URL_VAR
                    );
                }
            )*
        }
    };
}

relational!(
    round_trip,
    duplicate_event_ids_fail_only_their_append,
    conflicts_fail_only_their_append,
    events_are_found_by_id,
    expectations,
    empty_append,
    ordering,
    several_streams,
    paging,
    contiguous_positions,
    chain_links,
    concurrent_appenders,
    subscribe_advances,
    reopen,
    known_versions_are_the_logs,
    queued_appends_keep_their_series,
);

postgres!(
    postgres_only: several_writers_share_one_log,
    the_database_hashes_events_as_the_chain_does,
    one_statement_judges_series,
);

kurrentdb!(
    round_trip,
    events_are_found_by_id,
    expectations,
    empty_append,
    ordering,
    several_streams,
    paging,
    chain_links,
    concurrent_appenders,
    subscribe_advances,
    reopen,
    known_versions_are_the_logs,
    queued_appends_keep_their_series,
);
