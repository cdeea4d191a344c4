//! The closed-loop driver: each task posts to its own thread, the next post
//! as soon as the previous one finished, until the cell's time is up.

use hdrhistogram::Histogram;
use std::future::Future;
use std::sync::Arc;
use std::time::{Duration, Instant};
use uuid::Uuid;

/// A system under test.
pub trait Poster: Send + Sync + 'static {
    /// Posts one message to `thread` (created by its first post).
    fn post(&self, thread: Uuid) -> impl Future<Output = Result<(), String>> + Send;
}

/// What one cell measured.
pub struct Measured {
    /// Posts that succeeded.
    pub commands: u64,
    pub errors: u64,
    pub first_error: Option<String>,
    /// From the start to the end of the last post (which may finish after
    /// the deadline).
    pub seconds: f64,
    /// Latency of every post, successful or not, in microseconds.
    pub latency: Histogram<u64>,
}

impl Measured {
    fn new() -> Result<Self, hdrhistogram::CreationError> {
        Ok(Self {
            commands: 0,
            errors: 0,
            first_error: None,
            seconds: 0.0,
            // 1 µs to 10 minutes, three significant digits.
            latency: Histogram::new_with_bounds(1, 600_000_000, 3)?,
        })
    }

    fn add(&mut self, other: Self) -> Result<(), hdrhistogram::AdditionError> {
        self.commands += other.commands;
        self.errors += other.errors;
        if self.first_error.is_none() {
            self.first_error = other.first_error;
        }
        self.latency.add(&other.latency)
    }

    pub fn per_second(&self) -> f64 {
        if self.seconds > 0.0 {
            self.commands as f64 / self.seconds
        } else {
            0.0
        }
    }

    pub fn millis_at(&self, quantile: f64) -> f64 {
        self.latency.value_at_quantile(quantile) as f64 / 1000.0
    }
}

/// Drives one task per thread for `run`; their results merged.
pub async fn closed_loop<P: Poster>(
    poster: Arc<P>,
    threads: &[Uuid],
    run: Duration,
) -> Result<Measured, Box<dyn std::error::Error>> {
    let mut tasks = Vec::with_capacity(threads.len());
    let mut measured = Vec::with_capacity(threads.len());
    for _ in threads {
        measured.push(Measured::new()?);
    }
    let started = Instant::now();
    let deadline = started + run;
    for (&thread, mut m) in threads.iter().zip(measured) {
        let poster = poster.clone();
        tasks.push(tokio::spawn(async move {
            while Instant::now() < deadline {
                let sent = Instant::now();
                let result = poster.post(thread).await;
                let micros = u64::try_from(sent.elapsed().as_micros()).unwrap_or(u64::MAX);
                m.latency.saturating_record(micros.max(1));
                match result {
                    Ok(()) => m.commands += 1,
                    Err(e) => {
                        m.errors += 1;
                        m.first_error.get_or_insert(e);
                    }
                }
            }
            m
        }));
    }
    let mut total = Measured::new()?;
    for task in tasks {
        total.add(task.await?)?;
    }
    total.seconds = started.elapsed().as_secs_f64();
    Ok(total)
}
