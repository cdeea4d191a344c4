//! `projection_checkpoints`: the last position each projector applied,
//! written in the same transaction as the projector's rows.

use crate::error::ProjectionError;
use crate::tx::{Fields, Kind, Tx};
use cma_domain::Timestamp;
use cma_store::Position;
use sqlx::AnyPool;
use std::collections::HashMap;

fn to_i64(p: Position) -> i64 {
    i64::try_from(p).unwrap_or(i64::MAX)
}

fn to_position(n: i64) -> Position {
    Position::try_from(n).unwrap_or(0)
}

fn now() -> i64 {
    Timestamp::from_jiff(jiff::Timestamp::now()).as_micros()
}

/// Creates the projector's row at position 0 unless it exists.
pub async fn ensure(pool: &AnyPool, name: &str) -> Result<(), ProjectionError> {
    sqlx::query(
        "INSERT INTO projection_checkpoints (name, position, updated_at) VALUES ($1, 0, $2) \
         ON CONFLICT (name) DO NOTHING",
    )
    .bind(name)
    .bind(now())
    .execute(pool)
    .await?;
    Ok(())
}

/// The projector's checkpoint (0 when it has none yet).
pub async fn read(pool: &AnyPool, name: &str) -> Result<Position, ProjectionError> {
    let row: Option<i64> =
        sqlx::query_scalar("SELECT position FROM projection_checkpoints WHERE name = $1")
            .bind(name)
            .fetch_optional(pool)
            .await?;
    Ok(row.map_or(0, to_position))
}

/// Every checkpoint, by projector name.
pub async fn all(pool: &AnyPool) -> Result<HashMap<String, Position>, ProjectionError> {
    let rows: Vec<(String, i64)> =
        sqlx::query_as("SELECT name, position FROM projection_checkpoints")
            .fetch_all(pool)
            .await?;
    Ok(rows.into_iter().map(|(n, p)| (n, to_position(p))).collect())
}

/// Inside a transaction: write-locks the projector's row (so concurrent
/// writers of it queue here, on SQLite and PostgreSQL alike) and returns
/// its position.
pub async fn lock(tx: &mut dyn Tx, name: &str) -> Result<Position, ProjectionError> {
    let rows = tx
        .query(
            "UPDATE projection_checkpoints SET updated_at = $2 WHERE name = $1 RETURNING position",
            vec![name.into(), now().into()],
            &[Kind::Int],
        )
        .await?;
    match rows.into_iter().next() {
        Some(row) => Ok(to_position(Fields::new(row).int()?)),
        None => {
            tx.execute(
                "INSERT INTO projection_checkpoints (name, position, updated_at) VALUES ($1, 0, $2)",
                vec![name.into(), now().into()],
            )
            .await?;
            Ok(0)
        }
    }
}

/// Inside the same transaction: moves the checkpoint to `position`.
pub async fn set(tx: &mut dyn Tx, name: &str, position: Position) -> Result<(), ProjectionError> {
    tx.execute(
        "UPDATE projection_checkpoints SET position = $2, updated_at = $3 WHERE name = $1",
        vec![name.into(), to_i64(position).into(), now().into()],
    )
    .await?;
    Ok(())
}

/// Inside a transaction: moves the checkpoint from `from` to `to` (a
/// projector without a row yet is at 0); false (nothing changed) when it
/// is no longer at `from`.
pub async fn advance(
    tx: &mut dyn Tx,
    name: &str,
    from: Position,
    to: Position,
) -> Result<bool, ProjectionError> {
    let moved = tx
        .execute(
            "UPDATE projection_checkpoints SET position = $2, updated_at = $3 \
             WHERE name = $1 AND position = $4",
            vec![
                name.into(),
                to_i64(to).into(),
                now().into(),
                to_i64(from).into(),
            ],
        )
        .await?;
    if moved == 0 && from == 0 {
        let created = tx
            .execute(
                "INSERT INTO projection_checkpoints (name, position, updated_at) \
                 VALUES ($1, $2, $3) ON CONFLICT (name) DO NOTHING",
                vec![name.into(), to_i64(to).into(), now().into()],
            )
            .await?;
        return Ok(created == 1);
    }
    Ok(moved == 1)
}
