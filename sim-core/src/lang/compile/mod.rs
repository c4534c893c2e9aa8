//! From the syntax tree to programs: name resolution, the shared objects and their storage,
//! and one program per role (`codegen/` compiles its statements, `calls.rs` its calls to the
//! kernel API, `waits.rs` reads what each `schedule()` waits for, `listing.rs` builds what the
//! page shows).
//!
//! Storage is given only to what a variant uses, in declaration order, so the page draws just
//! those objects and a variant that never touches `pipe->wait` has no such queue. The compiler
//! runs twice for that: the first pass finds what is used, the second numbers it.
//!
//! The `impl Env` is split by what it handles: `globals.rs` the file-scope declarations (the
//! shared objects, their storage and initial values), `objects.rs` reaching into them (fields,
//! storage numbers, pages), `types.rs` types and constant expressions, `output.rs` the programs,
//! the initial kernel and the objects the page draws. This file holds the types and the passes.

mod globals;
mod objects;
mod output;
mod types;

pub use types::{to_binop, TypeKind};

use std::collections::{BTreeSet, HashMap};

use crate::ids::{MutexId, QueueId, TaskId};
use crate::kernel::memory::Memory;
use crate::kernel::task::Task;
use crate::kernel::waitqueue::PageWake;
use crate::kernel::Kernel;
use crate::lang::ast::{Function, Item, StructDef};
use crate::lang::diag::{Diagnostic, Span};
use crate::lang::lexer::Comment;
use crate::lang::preprocess::PTok;
use crate::program::{Place, Program};
use crate::spec::{Object, Params};

/// A role to compile: the function its tasks run.
pub struct Role {
    pub run: String,
    /// Where `run = "..."` is, for a diagnostic if there is no such function.
    pub span: Span,
}

/// Everything a variant's compilation needs.
pub struct Input<'a> {
    pub text: &'a str,
    pub items: &'a [Item],
    pub tokens: &'a [PTok],
    pub comments: &'a [Comment],
    pub params: &'a Params,
    pub roles: &'a [Role],
    /// Every task's name.
    pub tasks: &'a [String],
    /// Which `wake_page_function` the variant's kernel has.
    pub page_wake: PageWake,
    /// The memory model the programs run under: under `tso` plain stores are buffered and
    /// barriers drain (`codegen::Gen::emit_cond`) [ref §6].
    pub memory: Memory,
}

/// What a variant compiles to.
pub struct Output {
    /// One per role.
    pub programs: Vec<Program>,
    /// The shared objects in their initial state (tasks are added by the caller).
    pub initial: Kernel,
    pub objects: Vec<Object>,
    /// Display names of the shared variables, wait queues, mutexes and pages (in `LeafKind`
    /// order), by id.
    pub names: [Vec<String>; 4],
}

/// A task, as a compiled program names it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum TaskRef {
    Current,
    Task(TaskId),
}

/// What a kernel struct or a scenario's struct is.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum StructKind {
    Pipe,
    /// The page's declaration index.
    Page(usize),
    /// `struct wait_page_queue`: an entry with a key.
    WaitPageQueue,
    /// `struct wait_bit_queue`.
    WaitBitQueue,
    /// `struct wait_page_key`: a waker's key, by its index among the task's keys.
    WaitPageKey(u8),
    User(String),
}

/// What a name denotes while compiling: an object, a value, or a reference to either.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Node {
    /// An integer the program can read and maybe write.
    Int(Place),
    Const(i32),
    Queue(QueueId),
    Mutex(MutexId),
    /// A spinlock, by the name it was declared with.
    Spinlock(String),
    Entry(crate::ids::EntryId),
    /// `wait->entry`: an entry's list node.
    EntryNode(crate::ids::EntryId),
    /// An entry's wake function or key field: set when the scenario is compiled.
    EntryStatic(crate::ids::EntryId, &'static str),
    /// A `struct wait_page_key`'s `page` or `bit_nr` (by the key's index): set when the scenario
    /// is compiled.
    KeyStatic(u8, &'static str),
    Task(TaskRef),
    Struct {
        kind: StructKind,
        fields: Vec<(String, Node)>,
        name: String,
    },
    Array(Vec<Node>),
    /// A shared object's part that gets storage when first used.
    Lazy(Leaf),
}

/// A shared scalar of a declared object, by its path (`pipe_inode.head`).
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Leaf {
    pub path: String,
    pub kind: LeafKind,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum LeafKind {
    Var,
    Queue,
    Mutex,
    /// The page itself (for its owner and its queue).
    Page,
}

/// Storage numbering: on the first pass, in order of use (and recorded); on the second, in
/// declaration order of what the first pass saw used.
#[derive(Default)]
pub struct Slots {
    /// The order the objects were declared in (paths), with their initial values.
    declared: Vec<(Leaf, i32)>,
    used: BTreeSet<Leaf>,
    /// Second pass: the numbers, fixed in advance.
    fixed: Option<HashMap<Leaf, u8>>,
    counters: [u8; 4],
    /// First pass numbering, so that ids are distinct within a pass.
    first: HashMap<Leaf, u8>,
}

impl Slots {
    fn number(&mut self, leaf: &Leaf) -> u8 {
        self.used.insert(leaf.clone());
        if let Some(fixed) = &self.fixed {
            return fixed.get(leaf).copied().unwrap_or(0);
        }
        let k = leaf.kind as usize;
        let counter = &mut self.counters[k];
        *self.first.entry(leaf.clone()).or_insert_with(|| {
            let n = *counter;
            *counter = counter.saturating_add(1);
            n
        })
    }

    /// The numbering of the second pass: the used leaves of each kind in declaration order.
    fn fix(used: &BTreeSet<Leaf>, declared: &[(Leaf, i32)]) -> HashMap<Leaf, u8> {
        let mut counters = [0u8; 4];
        let mut out = HashMap::new();
        for (leaf, _) in declared.iter().filter(|(l, _)| used.contains(l)) {
            let c = &mut counters[leaf.kind as usize];
            out.insert(leaf.clone(), *c);
            *c = c.saturating_add(1);
        }
        out
    }
}

/// A page as declared: its flags' path and its starting owner.
struct PageDecl {
    name: String,
    flags: Leaf,
    owner: Option<TaskId>,
}

/// The scenario-wide state of a compilation.
pub struct Env<'a> {
    pub input: &'a Input<'a>,
    pub structs: HashMap<String, &'a StructDef>,
    pub functions: HashMap<String, &'a Function>,
    pub globals: HashMap<String, Node>,
    pub slots: Slots,
    pages: Vec<PageDecl>,
    /// Display names of shared objects, by path, and the file-scope pointer names that alias
    /// them (`pipe` for `pipe_inode`).
    aliases: HashMap<String, String>,
    objects: Vec<(String, Node)>,
    pub diags: Vec<Diagnostic>,
}

/// Compile a variant: the programs of every role and the initial kernel.
pub fn compile(input: &Input) -> Result<Output, Vec<Diagnostic>> {
    let (first, used) = pass(input, None);
    if first.iter().any(|d| d.severity == crate::lang::diag::Severity::Error) {
        return Err(first);
    }
    let (out, diags) = {
        let mut env = Env::new(input, Some(used));
        let programs = env.roles();
        let out = env.output(programs);
        (out, env.diags)
    };
    if diags.is_empty() {
        out.ok_or_else(Vec::new)
    } else {
        Err(diags)
    }
}

/// The first pass: diagnostics, and what the variant uses.
fn pass(input: &Input, fixed: Option<BTreeSet<Leaf>>) -> (Vec<Diagnostic>, BTreeSet<Leaf>) {
    let mut env = Env::new(input, fixed);
    env.roles();
    (env.diags, env.slots.used)
}

impl<'a> Env<'a> {
    fn new(input: &'a Input<'a>, used: Option<BTreeSet<Leaf>>) -> Env<'a> {
        let mut env = Env {
            input,
            structs: HashMap::new(),
            functions: HashMap::new(),
            globals: HashMap::new(),
            slots: Slots::default(),
            pages: Vec::new(),
            aliases: HashMap::new(),
            objects: Vec::new(),
            diags: Vec::new(),
        };
        env.declare_items();
        if let Some(used) = used {
            // Pages whose flags are used are used: their owners are kept.
            let mut used = used;
            for p in &env.pages {
                if used.contains(&p.flags) {
                    used.insert(Leaf { path: p.name.clone(), kind: LeafKind::Page });
                }
            }
            env.slots.fixed = Some(Slots::fix(&used, &env.slots.declared));
        }
        env
    }

    pub fn error(&mut self, span: Span, msg: impl Into<String>) {
        self.diags.push(Diagnostic::error(span, msg));
    }
}

/// The tasks of a role, initialised for a program (used by the spec builder).
pub fn task_for(program: &Program) -> Task {
    let entries: Vec<_> = program
        .entries
        .iter()
        .map(|e| crate::kernel::waitqueue::WaitEntry { flags: Default::default(), func: e.func, key: e.key })
        .collect();
    Task { locals_used: program.locals.len() as u8, ..Task::new(&entries) }
}
