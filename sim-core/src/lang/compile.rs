//! From the syntax tree to programs: name resolution, the shared objects and their storage,
//! and one program per role (`codegen/` compiles its statements, `calls.rs` its calls to the
//! kernel API, `waits.rs` reads what each `schedule()` waits for, `listing.rs` builds what the
//! page shows).
//!
//! Storage is given only to what a variant uses, in declaration order, so the page draws just
//! those objects and a variant that never touches `pipe->wait` has no such queue. The compiler
//! runs twice for that: the first pass finds what is used, the second numbers it.

use std::collections::{BTreeSet, HashMap};

use crate::ids::{MutexId, PageId, QueueId, TaskId, VarId};
use crate::kernel::memory::Memory;
use crate::kernel::page::Page;
use crate::kernel::read::PipeRef;
use crate::kernel::task::Task;
use crate::kernel::waitqueue::{PageWake, WaitQueueHead};
use crate::kernel::{api, Kernel};
use crate::lang::ast::{self, Decl, Expr, ExprKind, Function, Init, Item, StructDef, Type, TypeName};
use crate::lang::diag::{suggest, Diagnostic, Span};
use crate::lang::lexer::Comment;
use crate::lang::preprocess::PTok;
use crate::limits::{self, MAX_MUTEXES, MAX_PAGES, MAX_QUEUES, MAX_VARS};
use crate::program::{Place, Program};
use crate::spec::{Object, ObjectKind, Params};

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

    // ---- declarations at file scope

    fn declare_items(&mut self) {
        for item in self.input.items {
            match item {
                Item::Struct(s) => {
                    if self.structs.insert(s.name.name.clone(), s).is_some() {
                        self.error(s.name.span, format!("struct `{}` is defined twice", s.name.name));
                    }
                }
                Item::Function(f) => {
                    if self.functions.insert(f.name.name.clone(), f).is_some() {
                        self.error(f.name.span, format!("function `{}` is defined twice", f.name.name));
                    }
                }
                Item::Global(_) | Item::MacroDecl(_) => {}
            }
        }
        for item in self.input.items {
            match item {
                Item::Global(d) => self.global(d),
                Item::MacroDecl(m) => self.global_macro(m),
                Item::Struct(_) | Item::Function(_) => {}
            }
        }
    }

    fn define_global(&mut self, name: &ast::Ident, node: Node) {
        if self.globals.contains_key(&name.name) || self.input.tasks.contains(&name.name) {
            self.error(name.span, format!("`{}` is declared twice", name.name));
            return;
        }
        self.objects.push((name.name.clone(), node.clone()));
        self.globals.insert(name.name.clone(), node);
    }

    /// `static DECLARE_WAIT_QUEUE_HEAD(wq);`, `DEFINE_MUTEX(m);`, `DEFINE_SPINLOCK(l);`.
    fn global_macro(&mut self, m: &ast::MacroDecl) {
        let Some(Expr { kind: ExprKind::Name(name), span, .. }) = m.args.first() else {
            self.error(m.span, format!("`{}` takes the name of the object it declares", m.mac.name));
            return;
        };
        let ident = ast::Ident { name: name.clone(), span: *span };
        let node = match m.mac.name.as_str() {
            "DECLARE_WAIT_QUEUE_HEAD" => self.leaf(name, LeafKind::Queue, 0),
            "DEFINE_MUTEX" => self.leaf(name, LeafKind::Mutex, 0),
            "DEFINE_SPINLOCK" => Node::Spinlock(name.clone()),
            other => {
                let known = ["DECLARE_WAIT_QUEUE_HEAD", "DEFINE_MUTEX", "DEFINE_SPINLOCK"];
                let mut d = Diagnostic::error(m.mac.span, format!("`{other}` does not declare a shared object"));
                if let Some(s) = suggest(other, known) {
                    d = d.help(format!("did you mean `{s}`?"));
                } else if ["DEFINE_WAIT", "DECLARE_WAITQUEUE", "DEFINE_WAIT_FUNC", "DEFINE_WAIT_BIT"].contains(&other) {
                    d = d.help("a wait entry belongs to a task: declare it inside its function");
                }
                self.diags.push(d);
                return;
            }
        };
        self.define_global(&ident, node);
    }

    fn leaf(&mut self, path: &str, kind: LeafKind, init: i32) -> Node {
        let leaf = Leaf { path: path.to_string(), kind };
        self.slots.declared.push((leaf.clone(), init));
        Node::Lazy(leaf)
    }

    fn global(&mut self, d: &Decl) {
        if d.ty.pointer > 0 {
            // A pointer at file scope names an object: `struct pipe_inode_info *pipe = &pipe_inode;`.
            let Some(Init::Expr(e)) = &d.init else {
                self.error(d.span, format!("pointer `{}` must point at an object where it is declared", d.name.name));
                return;
            };
            let Some(target) = self.global_ref(e) else { return };
            if let Some(path) = object_path(&target) {
                self.aliases.entry(path).or_insert_with(|| d.name.name.clone());
            }
            if self.globals.contains_key(&d.name.name) {
                self.error(d.name.span, format!("`{}` is declared twice", d.name.name));
            } else {
                self.globals.insert(d.name.name.clone(), target);
            }
            return;
        }
        let count = match &d.array {
            None => None,
            Some(e) => match self.const_eval(e) {
                Some(n) if n > 0 && n as usize <= MAX_QUEUES => Some(n as usize),
                Some(n) => {
                    self.error(
                        e.span,
                        format!("an array of {n} elements: arrays hold 1 to {MAX_QUEUES} wait queue heads"),
                    );
                    return;
                }
                None => {
                    self.error(e.span, "an array's size must be a constant");
                    return;
                }
            },
        };
        let node = match count {
            Some(n) => {
                if self.type_kind(&d.ty) != Some(TypeKind::Queue) {
                    self.error(d.ty.span, "only wait queue heads can be arrays (`wait_queue_head_t table[N];`)");
                    return;
                }
                Node::Array((0..n).map(|i| self.leaf(&format!("{}[{i}]", d.name.name), LeafKind::Queue, 0)).collect())
            }
            None => match self.shared_object(&d.ty, &d.name.name, d.init.as_ref(), d.span) {
                Some(n) => n,
                None => return,
            },
        };
        self.define_global(&d.name, node);
    }

    /// A shared object of type `ty`, its storage declared under `path`.
    fn shared_object(&mut self, ty: &Type, path: &str, init: Option<&Init>, span: Span) -> Option<Node> {
        let kind = self.type_kind(ty).or_else(|| {
            self.unknown_type(ty);
            None
        })?;
        let fields_init: HashMap<String, (Span, Expr)> = match init {
            Some(Init::Fields(fields, _)) => {
                fields.iter().map(|(n, e)| (n.name.clone(), (n.span, e.clone()))).collect()
            }
            _ => HashMap::new(),
        };
        let scalar_init = |env: &mut Env, init: Option<&Init>| -> i32 {
            match init {
                Some(Init::Expr(e)) => env.const_eval(e).unwrap_or_else(|| {
                    env.error(e.span, "a shared variable's initial value must be a constant");
                    0
                }),
                Some(Init::Fields(_, s)) => {
                    env.error(*s, "a scalar takes a value, not `{ .field = ... }`");
                    0
                }
                None => 0,
            }
        };
        let node = match kind {
            TypeKind::Int => {
                let v = scalar_init(self, init);
                self.leaf(path, LeafKind::Var, v)
            }
            TypeKind::Queue => self.leaf(path, LeafKind::Queue, 0),
            TypeKind::Mutex => self.leaf(path, LeafKind::Mutex, 0),
            TypeKind::Spinlock => Node::Spinlock(path.to_string()),
            TypeKind::Pipe => {
                let mut fields = Vec::new();
                for (f, kind) in PIPE_FIELDS {
                    let value = self.field_init(&fields_init, f);
                    fields.push((f.to_string(), self.leaf(&format!("{path}.{f}"), *kind, value)));
                }
                self.reject_unknown_fields(&fields_init, &fields, "struct pipe_inode_info");
                Node::Struct { kind: StructKind::Pipe, fields, name: path.to_string() }
            }
            TypeKind::Page => {
                let flags = self.field_init(&fields_init, "flags");
                let owner = match fields_init.get("owner") {
                    None => None,
                    Some((s, e)) => match &e.kind {
                        ExprKind::Name(n) if self.input.tasks.contains(n) => {
                            self.input.tasks.iter().position(|t| t == n).map(|i| TaskId(i as u8))
                        }
                        _ => {
                            self.error(*s, "`.owner` names a task, e.g. `.owner = H`");
                            None
                        }
                    },
                };
                let index = self.pages.len();
                let flags_leaf = Leaf { path: format!("{path}.flags"), kind: LeafKind::Var };
                let fields = vec![("flags".to_string(), self.leaf(&flags_leaf.path, LeafKind::Var, flags))];
                self.leaf(path, LeafKind::Page, 0);
                self.pages.push(PageDecl { name: path.to_string(), flags: flags_leaf, owner });
                for name in fields_init.keys().filter(|k| *k != "flags" && *k != "owner") {
                    let (s, _) = fields_init[name];
                    self.error(
                        s,
                        format!("struct page has no field `{name}` in this model (it has `flags`, and `owner`)"),
                    );
                }
                Node::Struct { kind: StructKind::Page(index), fields, name: path.to_string() }
            }
            TypeKind::User(name) => {
                let Some(def) = self.structs.get(&name).copied() else {
                    self.unknown_type(ty);
                    return None;
                };
                let mut fields = Vec::new();
                for f in &def.fields {
                    let sub_init = fields_init.get(&f.name.name).map(|(_, e)| Init::Expr(e.clone()));
                    let node =
                        self.shared_object(&f.ty, &format!("{path}.{}", f.name.name), sub_init.as_ref(), f.span)?;
                    fields.push((f.name.name.clone(), node));
                }
                self.reject_unknown_fields(&fields_init, &fields, &format!("struct {name}"));
                Node::Struct { kind: StructKind::User(name), fields, name: path.to_string() }
            }
            TypeKind::WaitPageKey => {
                self.error(span, "a `struct wait_page_key` is a waker's: declare it inside its function");
                return None;
            }
            TypeKind::Entry | TypeKind::WaitPageQueue | TypeKind::WaitBitQueue => {
                self.error(span, "a wait entry belongs to a task: declare it inside its function");
                return None;
            }
            TypeKind::Task => {
                self.error(span, "declare a task in [[tasks]]; here, `struct task_struct *p = NAME;` names one");
                return None;
            }
            TypeKind::Void => {
                self.error(span, "`void` is not a type for an object");
                return None;
            }
        };
        Some(node)
    }

    fn field_init(&mut self, fields: &HashMap<String, (Span, Expr)>, name: &str) -> i32 {
        match fields.get(name) {
            None => 0,
            Some((_, e)) => self.const_eval(e).unwrap_or_else(|| {
                self.error(e.span, "an initial value must be a constant (a number, a parameter, a kernel constant)");
                0
            }),
        }
    }

    fn reject_unknown_fields(&mut self, init: &HashMap<String, (Span, Expr)>, fields: &[(String, Node)], ty: &str) {
        for (name, (span, _)) in init {
            if !fields.iter().any(|(f, _)| f == name) {
                let mut d = Diagnostic::error(*span, format!("{ty} has no field `{name}`"));
                if let Some(s) = suggest(name, fields.iter().map(|(f, _)| f.as_str())) {
                    d = d.help(format!("did you mean `{s}`?"));
                }
                self.diags.push(d);
            }
        }
    }

    /// What a file-scope pointer's initializer points at: `&pipe_inode`, `A` (a task).
    fn global_ref(&mut self, e: &Expr) -> Option<Node> {
        match &e.kind {
            ExprKind::Unary { op: ast::UnaryOp::AddrOf, expr } => {
                let node = self.global_ref(expr)?;
                Some(node)
            }
            ExprKind::Name(n) => {
                if let Some(i) = self.input.tasks.iter().position(|t| t == n) {
                    return Some(Node::Task(TaskRef::Task(TaskId(i as u8))));
                }
                match self.globals.get(n) {
                    Some(node) => Some(node.clone()),
                    None => {
                        self.error(e.span, format!("`{n}` is not declared before this line"));
                        None
                    }
                }
            }
            ExprKind::Member { base, field, .. } => {
                let node = self.global_ref(base)?;
                self.field(&node, field)
            }
            ExprKind::Index { base, index } => {
                let node = self.global_ref(base)?;
                let i = self.const_eval(index)?;
                match node {
                    Node::Array(items) => items.get(i as usize).cloned().or_else(|| {
                        self.error(index.span, format!("index {i} is out of the array's {} elements", items.len()));
                        None
                    }),
                    _ => {
                        self.error(base.span, "only an array can be indexed");
                        None
                    }
                }
            }
            _ => {
                self.error(e.span, "a pointer at file scope must point at a declared object (`&name`) or name a task");
                None
            }
        }
    }

    /// `node.field` / `node->field`.
    pub fn field(&mut self, node: &Node, field: &ast::Ident) -> Option<Node> {
        match node {
            Node::Struct { fields, kind, .. } => {
                if let Some((_, n)) = fields.iter().find(|(f, _)| *f == field.name) {
                    return Some(n.clone());
                }
                let mut d = Diagnostic::error(field.span, format!("{} has no field `{}`", kind_name(kind), field.name));
                if let Some(s) = suggest(&field.name, fields.iter().map(|(f, _)| f.as_str())) {
                    d = d.help(format!("did you mean `{s}`?"));
                }
                self.diags.push(d);
                None
            }
            Node::Lazy(Leaf { kind: LeafKind::Queue, path }) if field.name == "lock" => {
                Some(Node::Spinlock(format!("{path}.lock")))
            }
            Node::Queue(q) if field.name == "lock" => Some(Node::Spinlock(format!("queue {}.lock", q.0))),
            Node::Entry(e) => match field.name.as_str() {
                "flags" => Some(Node::Int(Place::EntryFlags(*e))),
                "entry" | "task_list" => Some(Node::EntryNode(*e)),
                "func" | "private" => {
                    Some(Node::EntryStatic(*e, if field.name == "func" { "func" } else { "private" }))
                }
                _ => {
                    let msg =
                        format!("a wait entry has no field `{}` here (it has flags, entry, func, private)", field.name);
                    self.error(field.span, msg);
                    None
                }
            },
            _ => {
                self.error(field.span, format!("`{}`: only a struct has fields", field.name));
                None
            }
        }
    }

    /// Storage for a shared leaf, numbered as the pass numbers it.
    pub fn resolve(&mut self, node: Node) -> Node {
        match node {
            Node::Lazy(leaf) => {
                let n = self.slots.number(&leaf);
                match leaf.kind {
                    LeafKind::Var => Node::Int(Place::Var(VarId(n))),
                    LeafKind::Queue => Node::Queue(QueueId(n)),
                    LeafKind::Mutex => Node::Mutex(MutexId(n)),
                    LeafKind::Page => Node::Const(i32::from(n)),
                }
            }
            other => other,
        }
    }

    pub fn page_count(&self) -> usize {
        self.pages.len()
    }

    /// The page slot of a page object, and its flags variable.
    pub fn page(&mut self, index: usize) -> (PageId, VarId) {
        let name = self.pages[index].name.clone();
        let flags = self.pages[index].flags.clone();
        let p = self.slots.number(&Leaf { path: name, kind: LeafKind::Page });
        let v = self.slots.number(&flags);
        (PageId(p), VarId(v))
    }

    /// `page_waitqueue(page)`: the hashed queue, `page_wait_table[i % N]`.
    pub fn page_waitqueue(&mut self, index: usize, span: Span) -> Option<Node> {
        match self.globals.get("page_wait_table").cloned() {
            Some(Node::Array(queues)) if !queues.is_empty() => Some(queues[index % queues.len()].clone()),
            _ => {
                self.diags.push(Diagnostic::error(span, "page_waitqueue() needs the hashed queue table").help(
                    "declare it: `static wait_queue_head_t page_wait_table[1];` (1 bucket: every page shares it)",
                ));
                None
            }
        }
    }

    // ---- types and constants

    pub fn type_kind(&self, ty: &Type) -> Option<TypeKind> {
        Some(match &ty.name {
            TypeName::Named(words) => match words.as_str() {
                "void" => TypeKind::Void,
                "wait_queue_head_t" => TypeKind::Queue,
                "wait_queue_entry_t" | "wait_queue_t" => TypeKind::Entry,
                "spinlock_t" => TypeKind::Spinlock,
                _ => TypeKind::Int,
            },
            TypeName::Struct(name) => match name.name.as_str() {
                "wait_queue_head" => TypeKind::Queue,
                "wait_queue_entry" => TypeKind::Entry,
                "mutex" => TypeKind::Mutex,
                "pipe_inode_info" => TypeKind::Pipe,
                "page" => TypeKind::Page,
                "task_struct" => TypeKind::Task,
                "wait_page_queue" => TypeKind::WaitPageQueue,
                "wait_bit_queue" | "wait_bit_queue_entry" => TypeKind::WaitBitQueue,
                "wait_page_key" => TypeKind::WaitPageKey,
                other if self.structs.contains_key(other) => TypeKind::User(other.to_string()),
                _ => return None,
            },
        })
    }

    pub fn unknown_type(&mut self, ty: &Type) {
        if let TypeName::Struct(name) = &ty.name {
            let known: Vec<&str> =
                KERNEL_STRUCTS.iter().copied().chain(self.structs.keys().map(String::as_str)).collect();
            let mut d = Diagnostic::error(name.span, format!("unknown type `struct {}`", name.name));
            d = match suggest(&name.name, known.iter().copied()) {
                Some(s) => d.help(format!("did you mean `struct {s}`?")),
                None => d.help("define it: `struct NAME { int field; };`"),
            };
            self.diags.push(d);
        }
    }

    /// A constant expression's value, if it is one: numbers, parameters, kernel constants,
    /// arithmetic on them.
    pub fn const_eval(&self, e: &Expr) -> Option<i32> {
        match &e.kind {
            ExprKind::Int(v) => Some(*v as i32),
            ExprKind::Name(n) => self.constant(n),
            ExprKind::Unary { op, expr } => {
                let v = self.const_eval(expr)?;
                match op {
                    ast::UnaryOp::Neg => Some(v.wrapping_neg()),
                    ast::UnaryOp::Plus => Some(v),
                    ast::UnaryOp::Not => Some(i32::from(v == 0)),
                    ast::UnaryOp::BitNot => Some(!v),
                    _ => None,
                }
            }
            ExprKind::Binary { op, lhs, rhs } => {
                Some(crate::exec::binop(to_binop(*op), self.const_eval(lhs)?, self.const_eval(rhs)?))
            }
            ExprKind::Cond { cond, then, els } => {
                if self.const_eval(cond)? != 0 {
                    self.const_eval(then)
                } else {
                    self.const_eval(els)
                }
            }
            ExprKind::Cast { expr, .. } => self.const_eval(expr),
            _ => None,
        }
    }

    pub fn constant(&self, name: &str) -> Option<i32> {
        if let Some(&v) = self.input.params.get(name) {
            return Some(v as i32);
        }
        api::constant(name)
    }

    // ---- the output

    fn roles(&mut self) -> Vec<Option<Program>> {
        let roles = self.input.roles;
        roles.iter().map(|r| crate::lang::codegen::role(self, r)).collect()
    }

    fn output(&mut self, programs: Vec<Option<Program>>) -> Option<Output> {
        let programs: Vec<Program> = programs.into_iter().collect::<Option<_>>()?;
        let fixed = self.slots.fixed.clone().unwrap_or_default();
        let count = |kind: LeafKind| fixed.keys().filter(|l| l.kind == kind).count();
        for (kind, max, what) in [
            (LeafKind::Var, MAX_VARS, "shared variables"),
            (LeafKind::Queue, MAX_QUEUES, "wait queues"),
            (LeafKind::Mutex, MAX_MUTEXES, "mutexes"),
            (LeafKind::Page, MAX_PAGES, "pages"),
        ] {
            if let Err(e) = limits::check(what, count(kind), max) {
                self.error(Span::default(), e.to_string());
                return None;
            }
        }
        let mut initial = Kernel::default();
        let mut names: [Vec<String>; 4] = Default::default();
        let mut sorted: Vec<(&Leaf, u8)> = fixed.iter().map(|(l, &n)| (l, n)).collect();
        sorted.sort_by_key(|(l, n)| (l.kind, *n));
        for (leaf, _) in &sorted {
            names[leaf.kind as usize].push(self.display(&leaf.path));
            let init = self.slots.declared.iter().find(|(l, _)| l == *leaf).map_or(0, |&(_, v)| v);
            match leaf.kind {
                LeafKind::Var => initial.vars.push(init),
                LeafKind::Queue => initial.queues.push(WaitQueueHead::default()),
                LeafKind::Mutex => initial.mutexes.push(None),
                LeafKind::Page => {
                    let decl = self.pages.iter().find(|p| p.name == leaf.path);
                    let flags = decl.and_then(|d| fixed.get(&d.flags)).copied().unwrap_or(0);
                    initial.pages.push(Page { flags: VarId(flags), owner: decl.and_then(|d| d.owner) });
                }
            }
        }
        let objects = self.object_list(&fixed);
        Some(Output { programs, initial, objects, names })
    }

    /// The name a shared object is shown by: through its file-scope pointer if it has one
    /// (`pipe->rd_wait`), else as declared (`pipe_inode.rd_wait`, `wq`).
    pub fn display(&self, path: &str) -> String {
        let (head, rest) = path.split_once('.').map_or((path, None), |(h, r)| (h, Some(r)));
        match (self.aliases.get(head), rest) {
            (Some(alias), Some(rest)) => format!("{alias}->{rest}"),
            (Some(alias), None) => alias.clone(),
            (None, _) => path.to_string(),
        }
    }

    /// The objects a variant uses, for the page.
    fn object_list(&self, fixed: &HashMap<Leaf, u8>) -> Vec<Object> {
        let id = |leaf: &Leaf| fixed.get(leaf).copied();
        let mut out = Vec::new();
        for (name, node) in &self.objects {
            let display = self.display(name);
            match node {
                Node::Lazy(leaf) => {
                    let Some(n) = id(leaf) else { continue };
                    let kind = match leaf.kind {
                        LeafKind::Var => ObjectKind::Var(VarId(n)),
                        LeafKind::Queue => ObjectKind::Queue(QueueId(n)),
                        LeafKind::Mutex => ObjectKind::Mutex(MutexId(n)),
                        LeafKind::Page => continue,
                    };
                    out.push(Object { name: display, kind });
                }
                Node::Array(items) => {
                    for (i, item) in items.iter().enumerate() {
                        if let Node::Lazy(leaf) = item {
                            if let Some(n) = id(leaf) {
                                out.push(Object {
                                    name: format!("{display}[{i}]"),
                                    kind: ObjectKind::Queue(QueueId(n)),
                                });
                            }
                        }
                    }
                }
                Node::Struct { kind: StructKind::Pipe, fields, .. } => {
                    let var = |f: &str| {
                        fields.iter().find(|(n, _)| n == f).and_then(|(_, n)| match n {
                            Node::Lazy(l) => id(l).map(VarId),
                            _ => None,
                        })
                    };
                    let (Some(head), Some(tail)) = (var("head"), var("tail")) else { continue };
                    let pipe = PipeRef {
                        head,
                        tail,
                        max_usage: var("max_usage").unwrap_or(head),
                        readers: var("readers").unwrap_or(head),
                        writers: var("writers").unwrap_or(head),
                    };
                    let mutex = fields.iter().find_map(|(n, node)| match node {
                        Node::Lazy(l) if n == "mutex" => id(l).map(MutexId),
                        _ => None,
                    });
                    out.push(Object { name: display, kind: ObjectKind::Pipe { pipe, mutex } });
                }
                Node::Struct { kind: StructKind::Page(i), .. } => {
                    let decl = &self.pages[*i];
                    if let Some(p) = id(&Leaf { path: decl.name.clone(), kind: LeafKind::Page }) {
                        out.push(Object { name: display, kind: ObjectKind::Page(PageId(p)) });
                    }
                }
                Node::Struct { fields, .. } => {
                    for (f, n) in fields {
                        if let Node::Lazy(leaf) = n {
                            if let Some(k) = id(leaf) {
                                let kind = match leaf.kind {
                                    LeafKind::Var => ObjectKind::Var(VarId(k)),
                                    LeafKind::Queue => ObjectKind::Queue(QueueId(k)),
                                    LeafKind::Mutex => ObjectKind::Mutex(MutexId(k)),
                                    LeafKind::Page => continue,
                                };
                                out.push(Object { name: format!("{display}.{f}"), kind });
                            }
                        }
                    }
                }
                _ => {}
            }
        }
        out
    }
}

/// The fields of `struct pipe_inode_info` in this model [ref §1.1].
const PIPE_FIELDS: &[(&str, LeafKind)] = &[
    ("head", LeafKind::Var),
    ("tail", LeafKind::Var),
    ("max_usage", LeafKind::Var),
    ("readers", LeafKind::Var),
    ("writers", LeafKind::Var),
    ("mutex", LeafKind::Mutex),
    ("rd_wait", LeafKind::Queue),
    ("wr_wait", LeafKind::Queue),
    ("wait", LeafKind::Queue),
];

const KERNEL_STRUCTS: &[&str] = &[
    "wait_page_key",
    "wait_queue_head",
    "wait_queue_entry",
    "mutex",
    "pipe_inode_info",
    "page",
    "task_struct",
    "wait_page_queue",
    "wait_bit_queue",
];

/// What a declared type is, in the model.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum TypeKind {
    Int,
    Void,
    Queue,
    Entry,
    Mutex,
    Spinlock,
    Pipe,
    Page,
    Task,
    WaitPageQueue,
    WaitBitQueue,
    WaitPageKey,
    User(String),
}

fn kind_name(kind: &StructKind) -> String {
    match kind {
        StructKind::Pipe => "struct pipe_inode_info".into(),
        StructKind::Page(_) => "struct page".into(),
        StructKind::WaitPageQueue => "struct wait_page_queue".into(),
        StructKind::WaitBitQueue => "struct wait_bit_queue".into(),
        StructKind::WaitPageKey(_) => "struct wait_page_key".into(),
        StructKind::User(n) => format!("struct {n}"),
    }
}

/// The storage path a node stands for, if it is a whole declared object.
fn object_path(node: &Node) -> Option<String> {
    match node {
        Node::Lazy(leaf) => Some(leaf.path.clone()),
        Node::Struct { name, .. } => Some(name.clone()),
        _ => None,
    }
}

pub fn to_binop(op: ast::BinaryOp) -> crate::program::BinOp {
    use crate::program::BinOp as B;
    use ast::BinaryOp as A;
    match op {
        A::Mul => B::Mul,
        A::Div => B::Div,
        A::Rem => B::Rem,
        A::Add => B::Add,
        A::Sub => B::Sub,
        A::Shl => B::Shl,
        A::Shr => B::Shr,
        A::Lt => B::Lt,
        A::Le => B::Le,
        A::Gt => B::Gt,
        A::Ge => B::Ge,
        A::Eq => B::Eq,
        A::Ne => B::Ne,
        A::BitAnd => B::BitAnd,
        A::BitXor => B::BitXor,
        A::BitOr => B::BitOr,
        A::And => B::And,
        A::Or => B::Or,
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
