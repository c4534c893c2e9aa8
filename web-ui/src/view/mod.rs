//! Components: each draws a part of the session and decides nothing.

pub mod board;
pub mod charts;
pub mod chrome;
pub mod predict;
pub mod sweep;
pub mod timeline;
