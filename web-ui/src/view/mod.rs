//! Components: each draws a part of the session and decides nothing.

pub mod board;
pub mod chrome;
pub mod timeline;
