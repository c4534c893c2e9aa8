//! Components: each draws a part of the session and decides nothing.

pub mod board;
pub mod chrome;
pub mod compare;
#[cfg(feature = "editor")]
pub mod editor;
pub mod lesson;
pub mod predict;
pub mod prove;
pub mod sweep;
pub mod term;
pub mod timeline;
