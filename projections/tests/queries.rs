//! Query shapes.
