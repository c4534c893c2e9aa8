//! Types and constants: what a declared type is in the model, and the value of a constant
//! expression (numbers, parameters, kernel constants, arithmetic on them).

use crate::kernel::api;
use crate::lang::ast::{self, Expr, ExprKind, Type, TypeName};
use crate::lang::diag::{suggest, Diagnostic};

use super::Env;

impl Env<'_> {
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
}

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
