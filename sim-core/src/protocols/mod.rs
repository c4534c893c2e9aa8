//! The protocols: for each, its variants, its parameters, its task roles, and a builder that
//! turns a variant and parameter values into programs and an initial kernel.

pub mod check_then_sleep;
pub mod page;
pub mod pipe;

use crate::kernel::page::Page;
use crate::kernel::pipe::Pipe;
use crate::program::{Local, Program};
use crate::spec::{Objects, Params};

/// A parameter a protocol understands, with its hard range.
#[derive(Clone, Copy, Debug)]
pub struct ParamDef {
    pub name: &'static str,
    pub min: u32,
    pub max: u32,
    pub about: &'static str,
}

/// A role tasks play. `count` names the parameter that says how many tasks play it (one when
/// `None`); `signals` names the parameter that says how many of them may get a fatal signal.
#[derive(Clone, Copy, Debug)]
pub struct RoleDef {
    pub id: &'static str,
    pub count: Option<&'static str>,
    pub signals: Option<&'static str>,
}

/// What a builder returns: one program per role (in `ROLES` order), the queue names, the shared
/// objects and their initial state.
pub struct Model {
    pub programs: Vec<RoleProgram>,
    pub queues: Vec<&'static str>,
    pub objects: Objects,
    pub pipe: Pipe,
    pub page: Page,
}

pub struct RoleProgram {
    pub program: Program,
    /// Initial values of locals (`Todo`: pages to write).
    pub locals: Vec<(Local, i32)>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Protocol {
    PipeSplice,
    PageLockKillable,
    CheckThenSleep,
}

impl Protocol {
    pub const ALL: [Protocol; 3] = [Protocol::PipeSplice, Protocol::PageLockKillable, Protocol::CheckThenSleep];

    pub fn id(self) -> &'static str {
        match self {
            Protocol::PipeSplice => "pipe-splice",
            Protocol::PageLockKillable => "page-lock-killable",
            Protocol::CheckThenSleep => "check-then-sleep",
        }
    }

    pub fn from_id(id: &str) -> Option<Protocol> {
        Protocol::ALL.into_iter().find(|p| p.id() == id)
    }

    pub fn variants(self) -> &'static [&'static str] {
        match self {
            Protocol::PipeSplice => pipe::VARIANTS,
            Protocol::PageLockKillable => page::VARIANTS,
            Protocol::CheckThenSleep => check_then_sleep::VARIANTS,
        }
    }

    pub fn params(self) -> &'static [ParamDef] {
        match self {
            Protocol::PipeSplice => pipe::PARAMS,
            Protocol::PageLockKillable => page::PARAMS,
            Protocol::CheckThenSleep => &[],
        }
    }

    pub fn roles(self) -> &'static [RoleDef] {
        match self {
            Protocol::PipeSplice => pipe::ROLES,
            Protocol::PageLockKillable => page::ROLES,
            Protocol::CheckThenSleep => check_then_sleep::ROLES,
        }
    }

    /// Build `variant` (one of `variants()`) with `params` (validated against `params()`).
    pub fn build(self, variant: &str, params: &Params) -> Model {
        let p = |name: &str| params.get(name).copied().unwrap_or(0);
        match self {
            Protocol::PipeSplice => pipe::build(variant, p("capacity"), p("writes"), p("writers")),
            Protocol::PageLockKillable => page::build(variant),
            Protocol::CheckThenSleep => check_then_sleep::build(variant),
        }
    }
}
