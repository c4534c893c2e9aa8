//! Declarations: local integers and structs, wait entries (`DEFINE_WAIT()` and the other
//! macros, `struct wait_page_queue`, `struct wait_bit_queue`, `struct wait_page_key`), and the
//! parts of an entry or a key fixed when compiled (wake function, key word and bit), which
//! assignments such as `wait->func = f` also set. The `Gen` state is in `mod.rs`.

use super::{Gen, KeyStatics, R};
use crate::ids::EntryId;
use crate::kernel::waitqueue::{EntryKey, WakeFn};
use crate::lang::ast::{self, Expr, ExprKind, Init};
use crate::lang::compile::{Node, StructKind, TaskRef, TypeKind};
use crate::lang::diag::{suggest, Diagnostic, Reported, Span};
use crate::program::{Expr as IExpr, Op, Place};

impl<'e, 'a> Gen<'e, 'a> {
    /// Fix an entry's wake function. An initialiser (`init_wait()`) gives a default that a
    /// later `wait->func = f;` replaces, as in the kernel; two different names are a mistake.
    pub fn set_wake_fn(&mut self, e: EntryId, func: WakeFn, span: Span, explicit: bool) -> R<()> {
        let s = &mut self.statics[e.index()];
        match s.func {
            Some((f, at, true)) if f != func && explicit => {
                let msg = format!("the wake function of this entry is set twice: {} and {}", f.name(), func.name());
                self.env.diags.push(Diagnostic::error(span, msg).note(at, "first set here"));
                Err(Reported)
            }
            Some((_, _, true)) if !explicit => Ok(()),
            _ => {
                s.func = Some((func, span, explicit));
                self.prog.entries[e.index()].func = func;
                Ok(())
            }
        }
    }

    fn set_key(&mut self, e: EntryId, var: Option<crate::ids::VarId>, bit: Option<u8>) {
        let s = &mut self.statics[e.index()];
        if var.is_some() {
            s.key_var = var;
        }
        if bit.is_some() {
            s.key_bit = bit;
        }
        if let Some(v) = s.key_var {
            self.prog.entries[e.index()].key = Some(EntryKey { var: v, bit: s.key_bit.unwrap_or(0) });
        }
    }

    /// `wait->func = f`, `wait_page.page = page`, `wait_page.bit_nr = nr`: fixed when compiled.
    pub(super) fn set_static(&mut self, e: EntryId, field: &str, rhs: &'a Expr) -> R<()> {
        match field {
            "func" => {
                let ExprKind::Name(name) = &rhs.kind else {
                    return self.fail(rhs.span, "a wake function, by name");
                };
                let func = self.wake_fn(name, rhs.span)?;
                self.set_wake_fn(e, func, rhs.span, true)
            }
            "private" => match self.object(rhs)? {
                // `bookmark.private = NULL;`: a bookmark wakes no task [ref §2.4].
                Node::Task(TaskRef::Current) | Node::Const(0) => Ok(()),
                _ => self.fail(rhs.span, "an entry's `private` is its task: `current` (or NULL for a bookmark)"),
            },
            "page" => match self.object(rhs)? {
                Node::Struct { kind: StructKind::Page(i), .. } => {
                    let (_, var) = self.env.page(i);
                    self.set_key(e, Some(var), None);
                    Ok(())
                }
                _ => self.fail(rhs.span, "`.page` takes a page"),
            },
            "bit_nr" | "word" => {
                if field == "word" {
                    let var = self.word(rhs)?;
                    self.set_key(e, Some(var), None);
                    return Ok(());
                }
                match self.const_of(rhs) {
                    Some(b) if (0..32).contains(&b) => {
                        self.set_key(e, None, Some(b as u8));
                        Ok(())
                    }
                    _ => self.fail(rhs.span, "a bit number must be a constant from 0 to 31"),
                }
            }
            _ => self.fail(rhs.span, format!("`{field}` cannot be assigned")),
        }
    }

    /// `key.page = page`, `key.bit_nr = nr`: fixed when compiled.
    pub(super) fn set_key_static(&mut self, k: u8, field: &str, rhs: &'a Expr) -> R<()> {
        if field == "page" {
            let Node::Struct { kind: StructKind::Page(i), .. } = self.object(rhs)? else {
                return self.fail(rhs.span, "`.page` takes a page");
            };
            self.keys[usize::from(k)].var = Some(self.env.page(i).1);
            return Ok(());
        }
        match self.const_of(rhs) {
            Some(b) if (0..32).contains(&b) => {
                self.keys[usize::from(k)].bit = Some(b as u8);
                Ok(())
            }
            _ => self.fail(rhs.span, "a bit number must be a constant from 0 to 31"),
        }
    }

    /// A wake function, by name, in the variant's kernel.
    pub fn wake_fn(&mut self, name: &str, span: Span) -> R<WakeFn> {
        Ok(match name {
            "default_wake_function" => WakeFn::Default,
            "autoremove_wake_function" => WakeFn::Autoremove,
            "woken_wake_function" => WakeFn::Woken,
            "wake_page_function" => WakeFn::Page(self.env.input.page_wake),
            "wake_bit_function" => WakeFn::Bit,
            // `bookmark.func = NULL;` [ref §2.4].
            "NULL" => WakeFn::Null,
            other => {
                let known = [
                    "default_wake_function",
                    "autoremove_wake_function",
                    "woken_wake_function",
                    "wake_page_function",
                    "wake_bit_function",
                ];
                let mut d = Diagnostic::error(span, format!("unknown wake function `{other}`"));
                d = match suggest(other, known) {
                    Some(s) => d.help(format!("did you mean `{s}`?")),
                    None => d.help(format!("the wake functions are {}", known.join(", "))),
                };
                self.env.diags.push(d);
                return Err(Reported);
            }
        })
    }

    // ---- declarations

    pub(super) fn local_decl(&mut self, d: &'a ast::Decl) -> R<()> {
        if d.array.is_some() {
            return self.fail(d.span, "a local array is not part of the scenario language");
        }
        if d.ty.pointer > 0 {
            let Some(Init::Expr(init)) = &d.init else {
                return self
                    .fail(d.span, format!("pointer `{}` must point at an object where it is declared", d.name.name));
            };
            let node = self.object(init)?;
            self.bind_name(&d.name, node);
            return Ok(());
        }
        let Some(kind) = self.env.type_kind(&d.ty) else {
            self.env.unknown_type(&d.ty);
            return Err(Reported);
        };
        if let (Some(Init::Fields(..)) | Some(Init::Expr(_)), false) =
            (&d.init, matches!(kind, TypeKind::Int | TypeKind::User(_)))
        {
            return self
                .fail(d.span, "initialise an entry with a call (`init_wait(&wait)`) or a macro (`DEFINE_WAIT(wait)`)");
        }
        let node = match kind {
            TypeKind::Int => {
                let l = self.local(&d.name.name, d.name.span)?;
                match &d.init {
                    Some(Init::Expr(e)) => self.assign_value(Place::Local(l), e)?,
                    Some(Init::Fields(_, s)) => {
                        return self.fail(*s, "an integer takes a value, not `{ .field = ... }`")
                    }
                    None => {}
                }
                Node::Int(Place::Local(l))
            }
            TypeKind::Entry => Node::Entry(self.entry(&d.name.name, d.name.span)?),
            TypeKind::WaitPageQueue => {
                let e = self.entry(&d.name.name, d.name.span)?;
                Node::Struct {
                    kind: StructKind::WaitPageQueue,
                    fields: vec![
                        ("wait".into(), Node::Entry(e)),
                        ("page".into(), Node::EntryStatic(e, "page")),
                        ("bit_nr".into(), Node::EntryStatic(e, "bit_nr")),
                    ],
                    name: d.name.name.clone(),
                }
            }
            TypeKind::WaitBitQueue => {
                let e = self.entry(&d.name.name, d.name.span)?;
                self.set_wake_fn(e, WakeFn::Bit, d.span, true)?;
                wait_bit_queue(e, &d.name.name)
            }
            TypeKind::WaitPageKey => {
                let page_match = self.local(&format!("{}.page_match", d.name.name), d.name.span)?;
                let k = self.keys.len() as u8;
                self.keys.push(KeyStatics { var: None, bit: None, page_match });
                Node::Struct {
                    kind: StructKind::WaitPageKey(k),
                    fields: vec![
                        ("page".into(), Node::KeyStatic(k, "page")),
                        ("bit_nr".into(), Node::KeyStatic(k, "bit_nr")),
                        ("page_match".into(), Node::Int(Place::Local(page_match))),
                    ],
                    name: d.name.name.clone(),
                }
            }
            TypeKind::User(name) => self.local_struct(&name, &d.name.name, d.init.as_ref(), d.span)?,
            TypeKind::Void => return self.fail(d.ty.span, "`void` is not a type for a variable"),
            _ => {
                return self.fail(
                    d.span,
                    "a shared object (wait queue head, mutex, spinlock, pipe, page) is declared at file scope",
                )
            }
        };
        self.bind_name(&d.name, node);
        Ok(())
    }

    /// A local struct of integers; `{ .field = value }` sets fields, the others start at 0.
    fn local_struct(&mut self, ty: &str, name: &str, init: Option<&'a Init>, span: Span) -> R<Node> {
        let Some(def) = self.env.structs.get(ty).copied() else {
            return self.fail(span, format!("unknown type `struct {ty}`"));
        };
        let mut fields = Vec::new();
        for f in &def.fields {
            if f.ty.pointer > 0 || self.env.type_kind(&f.ty) != Some(TypeKind::Int) || f.array.is_some() {
                return self.fail(f.span, format!("a local `struct {ty}` may hold integers only"));
            }
            let l = self.local(&format!("{name}.{}", f.name.name), f.name.span)?;
            fields.push((f.name.name.clone(), Node::Int(Place::Local(l))));
        }
        match init {
            None => {}
            Some(Init::Expr(e)) => return self.fail(e.span, "initialise a struct with `{ .field = value }`"),
            Some(Init::Fields(values, _)) => {
                for (field, value) in values {
                    let Some((_, Node::Int(place))) = fields.iter().find(|(n, _)| *n == field.name).cloned() else {
                        let msg = format!("struct {ty} has no field `{}`", field.name);
                        return self.fail(field.span, msg);
                    };
                    self.assign_value(place, value)?;
                }
                // C sets the fields it does not name to 0.
                for (n, node) in fields.clone() {
                    if let (false, Node::Int(place)) = (values.iter().any(|(f, _)| f.name == n), node) {
                        let zero = self.expr(IExpr::Const(0));
                        self.emit(Op::Assign { dst: place, expr: zero });
                    }
                }
            }
        }
        Ok(Node::Struct { kind: StructKind::User(ty.to_string()), fields, name: name.to_string() })
    }

    /// `DEFINE_WAIT(wait)` and the other macros that declare an entry.
    pub(super) fn declare_entry(&mut self, callee: &ast::Ident, args: &'a [Expr], span: Span) -> R<()> {
        let Some(Expr { kind: ExprKind::Name(name), span: name_span, .. }) = args.first() else {
            return self.fail(span, format!("`{}` takes the name of the entry it declares", callee.name));
        };
        let ident = ast::Ident { name: name.clone(), span: *name_span };
        let e = self.entry(name, *name_span)?;
        let expect = |n: usize| args.len() == n;
        match callee.name.as_str() {
            "DEFINE_WAIT" if expect(1) => self.set_wake_fn(e, WakeFn::Autoremove, span, true)?,
            "DECLARE_WAITQUEUE" if expect(2) => self.set_wake_fn(e, WakeFn::Default, span, true)?,
            "DEFINE_WAIT_FUNC" if expect(2) => {
                let ExprKind::Name(f) = &args[1].kind else {
                    return self.fail(args[1].span, "a wake function, by name");
                };
                let func = self.wake_fn(f, args[1].span)?;
                self.set_wake_fn(e, func, span, true)?;
            }
            "DEFINE_WAIT_BIT" if expect(3) => {
                self.set_wake_fn(e, WakeFn::Bit, span, true)?;
                let var = self.word(&args[1])?;
                let bit = match self.const_of(&args[2]) {
                    Some(b) if (0..32).contains(&b) => b as u8,
                    _ => return self.fail(args[2].span, "a bit number must be a constant from 0 to 31"),
                };
                self.set_key(e, Some(var), Some(bit));
                self.bind_name(&ident, wait_bit_queue(e, name));
                return Ok(());
            }
            other => return self.fail(span, format!("`{other}` takes a different number of arguments")),
        }
        self.bind_name(&ident, Node::Entry(e));
        Ok(())
    }
}

/// `struct wait_bit_queue`: its entry (`.wait`) and key (`.key.flags`, `.key.bit_nr`).
fn wait_bit_queue(e: EntryId, name: &str) -> Node {
    let key = Node::Struct {
        kind: StructKind::User("wait_bit_key".into()),
        fields: vec![("flags".into(), Node::EntryStatic(e, "word")), ("bit_nr".into(), Node::EntryStatic(e, "bit_nr"))],
        name: format!("{name}.key"),
    };
    Node::Struct {
        kind: StructKind::WaitBitQueue,
        fields: vec![("wait".into(), Node::Entry(e)), ("key".into(), key)],
        name: name.to_string(),
    }
}
