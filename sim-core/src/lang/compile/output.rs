//! The output of a compilation: every role's program, the initial kernel with storage for
//! what the variant uses, the display names, and the objects the page draws.

use std::collections::HashMap;

use crate::ids::{MutexId, PageId, QueueId, VarId};
use crate::kernel::page::Page;
use crate::kernel::read::PipeRef;
use crate::kernel::waitqueue::WaitQueueHead;
use crate::kernel::Kernel;
use crate::lang::diag::Span;
use crate::limits::{self, MAX_MUTEXES, MAX_PAGES, MAX_QUEUES, MAX_VARS};
use crate::program::Program;
use crate::spec::{Object, ObjectKind};

use super::{Env, Leaf, LeafKind, Node, Output, StructKind};

impl Env<'_> {
    pub(super) fn roles(&mut self) -> Vec<Option<Program>> {
        let roles = self.input.roles;
        roles.iter().map(|r| crate::lang::codegen::role(self, r)).collect()
    }

    pub(super) fn output(&mut self, programs: Vec<Option<Program>>) -> Option<Output> {
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
