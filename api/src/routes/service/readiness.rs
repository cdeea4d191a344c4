//! Readiness: whether the stores answer, and what matters for each role
//! of this process.

use crate::app::AppState;
use crate::http::problem::{Problem, problem_response};
use crate::http::{ApiError, Json, StaffSession};
use axum::extract::FromRequestParts;
use axum::extract::State;
use axum::http::request::Parts;
use axum::response::{IntoResponse, Response};
use serde::Serialize;
use std::time::Duration;
use utoipa::ToSchema;

/// How long readiness waits for the content store (a bucket's client retries).
const FILES_CHECK_TIMEOUT: Duration = Duration::from_secs(3);

/// Whether the stores answer, and how far behind the log each projector
/// is; and for each role of this process, what matters for it.
#[derive(Serialize, ToSchema)]
pub struct Readiness {
    ready: bool,
    /// What this process does (`--roles`): `api`, `projector`, `worker`.
    roles: Vec<&'static str>,
    /// The event log's last position; left out when the log does not answer.
    #[serde(skip_serializing_if = "Option::is_none")]
    event_log_head: Option<u64>,
    /// Whether the event log takes appends now: false while its writer's
    /// last transaction failed (a lost connection, a full disk) and until
    /// a later one succeeds.
    event_log_writable: bool,
    /// Whether the read-side database answers.
    read_db: bool,
    /// Whether the content store answers (the files directory, and the
    /// bucket when uploads are kept in one).
    files: bool,
    projectors: Vec<cma_projections::Lag>,
    /// With the api role: ready when the stores answer and the event log
    /// takes appends.
    #[serde(skip_serializing_if = "Option::is_none")]
    api: Option<ApiRole>,
    /// With the projector role: whether this process projects (holds the
    /// projectors' leases) or stands by, and how far behind the log it is.
    #[serde(skip_serializing_if = "Option::is_none")]
    projector: Option<ProjectorRole>,
    /// With the worker role: whether this process runs the worker's
    /// followers (holds their leases) or stands by.
    #[serde(skip_serializing_if = "Option::is_none")]
    worker: Option<WorkerRole>,
    /// Which checks failed, e.g. `read database unavailable`.
    problems: Vec<String>,
    /// What each failed check's error said, in the order of `problems`:
    /// only for a logged-in staff member (everyone else finds them in the
    /// server's log).
    #[serde(skip_serializing_if = "Option::is_none")]
    details: Option<Vec<String>>,
}

/// Failed checks: their names for anyone, their errors for staff and the log.
#[derive(Default)]
struct Problems {
    names: Vec<String>,
    details: Vec<String>,
}

impl Problems {
    fn push(&mut self, name: impl Into<String>, error: impl std::fmt::Display) {
        let name = name.into();
        let detail = format!("{name}: {error}");
        tracing::warn!(check = %name, error = %error, "not ready");
        self.names.push(name);
        self.details.push(detail);
    }

    fn is_empty(&self) -> bool {
        self.names.is_empty()
    }
}

/// Whether a role runs here, stands by, or runs in part.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum RoleState {
    /// Everything of the role runs in this process.
    Active,
    /// Another process holds the leases; this one takes over if it goes.
    Standby,
    /// Some of the leases are held here (a takeover under way).
    Partial,
}

impl RoleState {
    fn of(held_here: usize, all: usize) -> Self {
        match held_here {
            0 if all > 0 => Self::Standby,
            n if n == all => Self::Active,
            _ => Self::Partial,
        }
    }
}

#[derive(Serialize, ToSchema)]
pub struct ApiRole {
    ready: bool,
}

#[derive(Serialize, ToSchema)]
pub struct ProjectorRole {
    state: RoleState,
    /// The projectors running in this process.
    active: Vec<&'static str>,
    /// The most events any projector has yet to apply.
    lag: u64,
}

#[derive(Serialize, ToSchema)]
pub struct WorkerRole {
    state: RoleState,
    /// Each follower of the worker, who holds its lease and how far behind
    /// the log it is.
    followers: Vec<FollowerLease>,
    /// The most events any follower has yet to read (left out when the
    /// log's head or the checkpoints are unknown).
    #[serde(skip_serializing_if = "Option::is_none")]
    lag: Option<u64>,
}

#[derive(Serialize, ToSchema)]
pub struct FollowerLease {
    name: &'static str,
    holder: crate::roles::Holder,
    /// The last log position it has read (with the lag, left out when
    /// unknown).
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schema(value_type = Option<u64>)]
    checkpoint: Option<cma_store::Position>,
    /// Events in the log it has not read yet: a worker started on a long
    /// log it has not followed works through it first.
    #[serde(skip_serializing_if = "Option::is_none")]
    lag: Option<u64>,
}

/// The worker's followers, each run where its lease is held.
const WORKER_FOLLOWERS: [&str; 2] = [
    cma_workers::email::EmailEnqueuer::NAME,
    cma_workers::rules::DueIndex::NAME,
];

/// Not ready: a problem whose extension members are the readiness report.
#[derive(Serialize, ToSchema)]
pub struct NotReady<'a> {
    #[serde(flatten)]
    problem: Problem<'a>,
    #[serde(flatten)]
    readiness: Readiness,
}

#[utoipa::path(get, path = "/readyz", tag = "service", security(()),
    responses(
        (status = 200, body = Readiness, description = "ready"),
        (status = 503, body = NotReady, content_type = "application/problem+json",
            description = "a store does not answer, or the event log takes no appends"),
    ))]
pub(super) async fn readyz(State(state): State<AppState>, mut parts: Parts) -> Response {
    let staff = StaffSession::from_request_parts(&mut parts, &state)
        .await
        .is_ok();
    let roles = state.roles;
    let mut problems = Problems::default();
    let head = match state.store.head().await {
        Ok(head) => Some(head),
        Err(e) => {
            problems.push("event log unavailable", e);
            None
        }
    };
    // The API and the worker append; the projectors only read.
    let event_log_writable = match state.store.can_append() {
        Ok(()) => true,
        Err(e) if roles.api || roles.worker => {
            problems.push("event log cannot take appends", e);
            false
        }
        Err(_) => false,
    };
    let reachable = async |pool: &sqlx::AnyPool| sqlx::query("SELECT 1").execute(pool).await;
    let read_db = match reachable(state.read.pool())
        .await
        .and(reachable(state.records.reads()).await)
    {
        Ok(_) => true,
        Err(e) => {
            problems.push("read database unavailable", e);
            false
        }
    };
    // Only the API reads and writes uploaded content.
    let files = match tokio::time::timeout(FILES_CHECK_TIMEOUT, state.files.check()).await {
        Ok(Ok(())) => true,
        Ok(Err(e)) => {
            if roles.api {
                problems.push("file store unavailable", e);
            }
            false
        }
        Err(_) => {
            if roles.api {
                problems.push("file store unavailable", "no answer in time");
            }
            false
        }
    };
    let projectors = match cma_projections::lag(&state.read, state.store.as_ref()).await {
        Ok(lag) => lag,
        Err(e) => {
            problems.push("projector lag unavailable", e);
            Vec::new()
        }
    };
    let api = roles.api.then(|| ApiRole {
        ready: head.is_some() && event_log_writable && read_db && files,
    });
    let projector = roles.projector.then(|| {
        let statuses = state
            .projectors
            .as_ref()
            .map(cma_projections::RunnerWatch::statuses)
            .unwrap_or_default();
        let active: Vec<&'static str> = statuses
            .iter()
            .filter(|(_, status)| status.active)
            .map(|(name, _)| *name)
            .collect();
        ProjectorRole {
            state: RoleState::of(active.len(), statuses.len()),
            active,
            lag: projectors.iter().map(|l| l.lag).max().unwrap_or(0),
        }
    });
    let worker = match roles.worker {
        false => None,
        true => {
            let lags = match head {
                Some(head) => {
                    match cma_projections::lag_of(&state.read, head, WORKER_FOLLOWERS).await {
                        Ok(lags) => lags,
                        Err(e) => {
                            problems.push("worker lag unavailable", e);
                            Vec::new()
                        }
                    }
                }
                None => Vec::new(),
            };
            let mut followers = Vec::new();
            for name in WORKER_FOLLOWERS {
                let lag = lags.iter().find(|l| l.projector == name);
                match crate::roles::lease_holder(&state.read, name).await {
                    Ok(holder) => followers.push(FollowerLease {
                        name,
                        holder,
                        checkpoint: lag.map(|l| l.checkpoint),
                        lag: lag.map(|l| l.lag),
                    }),
                    Err(e) => problems.push(format!("worker lease of {name} unknown"), e),
                }
            }
            let here = followers
                .iter()
                .filter(|f| f.holder == crate::roles::Holder::Here)
                .count();
            Some(WorkerRole {
                state: RoleState::of(here, followers.len()),
                lag: lags.iter().map(|l| l.lag).max(),
                followers,
            })
        }
    };
    answer(Readiness {
        ready: problems.is_empty(),
        roles: roles.names(),
        event_log_head: head,
        event_log_writable,
        read_db,
        files,
        projectors,
        api,
        projector,
        worker,
        problems: problems.names,
        details: staff.then_some(problems.details),
    })
}

/// 200 with the report when ready, else a 503 problem carrying it.
fn answer(readiness: Readiness) -> Response {
    if readiness.ready {
        return Json(readiness).into_response();
    }
    let error = ApiError::new(
        crate::http::problem_types::NOT_READY,
        readiness.problems.join("; "),
    );
    let body = NotReady {
        problem: error.problem(),
        readiness,
    };
    problem_response(error.status, body)
}

#[cfg(test)]
mod tests {
    use super::*;
    use axum::http::StatusCode;

    #[tokio::test]
    async fn an_unready_service_answers_a_503_problem_carrying_the_report() {
        let response = answer(Readiness {
            ready: false,
            roles: vec!["api"],
            event_log_head: None,
            event_log_writable: false,
            read_db: true,
            files: true,
            projectors: Vec::new(),
            api: Some(ApiRole { ready: false }),
            projector: None,
            worker: None,
            problems: vec!["event log unavailable".to_owned()],
            details: None,
        });
        assert_eq!(response.status(), StatusCode::SERVICE_UNAVAILABLE);
        assert_eq!(
            response.headers().get("content-type").map(|v| v.as_bytes()),
            Some(&b"application/problem+json"[..])
        );
        let bytes = axum::body::to_bytes(response.into_body(), 4096)
            .await
            .expect("body");
        let body: serde_json::Value = serde_json::from_slice(&bytes).expect("json");
        assert_eq!(body["status"], 503);
        assert_eq!(body["type"], "https://cma.example/problems/not-ready");
        assert_eq!(body["detail"], "event log unavailable");
        assert_eq!(body["ready"], false);
        assert_eq!(body["event_log_head"], serde_json::Value::Null);
        assert_eq!(body["problems"][0], "event log unavailable");
        assert!(body.get("details").is_none());
    }
}
