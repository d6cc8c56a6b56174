//! The one helper module of the tui tests: running the real binary and making certificates
//! (`token`), and bundles and a model to drive the screen with (`screen`).

#![allow(dead_code, clippy::unwrap_used, clippy::expect_used)] // each test uses its own part

mod screen;
mod token;

#[allow(unused_imports)]
pub use screen::*;
#[allow(unused_imports)]
pub use token::*;
