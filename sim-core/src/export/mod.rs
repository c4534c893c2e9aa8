//! The model in other tools' languages, for cross-checking wqsim with them.

pub mod promela;
