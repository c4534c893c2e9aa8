//! File-scope declarations: structs, functions, and the shared objects (`DEFINE_MUTEX(m);`,
//! `struct pipe_inode_info pipe_inode = {...};`, pointers naming them), each leaf's storage
//! declared with its initial value.

use std::collections::HashMap;

use crate::ids::TaskId;
use crate::lang::ast::{self, Decl, Expr, ExprKind, Init, Item, Type};
use crate::lang::diag::{suggest, Diagnostic, Span};
use crate::limits::MAX_QUEUES;

use super::{Env, Leaf, LeafKind, Node, PageDecl, StructKind, TaskRef, TypeKind};

impl Env<'_> {
    pub(super) fn declare_items(&mut self) {
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

/// The storage path a node stands for, if it is a whole declared object.
fn object_path(node: &Node) -> Option<String> {
    match node {
        Node::Lazy(leaf) => Some(leaf.path.clone()),
        Node::Struct { name, .. } => Some(name.clone()),
        _ => None,
    }
}
