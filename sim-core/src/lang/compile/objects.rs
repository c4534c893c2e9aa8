//! Reaching into the shared objects: a node's fields, the storage a leaf is numbered with in
//! this pass, pages and their hashed wait queue.

use crate::ids::{MutexId, PageId, QueueId, VarId};
use crate::lang::ast;
use crate::lang::diag::{suggest, Diagnostic, Span};
use crate::program::Place;

use super::{Env, Leaf, LeafKind, Node, StructKind};

impl Env<'_> {
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
