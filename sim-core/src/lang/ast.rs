//! The syntax tree of a scenario's C: what was written, with a span on everything. Names are not
//! resolved here (`compile/` does that), so this is also what the pretty-printer prints back.

use crate::lang::diag::Span;

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Ident {
    pub name: String,
    pub span: Span,
}

/// The integer kinds are all one 32-bit integer in the model; the name is kept for printing.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum TypeName {
    /// `int`, `unsigned long`, `bool`, `void`, `atomic_t`, `wait_queue_head_t`, ...: the words as
    /// written.
    Named(String),
    /// `struct NAME`.
    Struct(Ident),
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Type {
    pub name: TypeName,
    /// `*` count.
    pub pointer: u8,
    pub span: Span,
}

impl Type {
    pub fn is_void(&self) -> bool {
        self.pointer == 0 && self.name == TypeName::Named("void".into())
    }
}

/// A declaration: `static int count = 0;`, `bool was_empty;`, `wait_queue_head_t table[1];`,
/// `struct pipe_inode_info *pipe = &pipe_inode;`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Decl {
    pub ty: Type,
    pub name: Ident,
    pub array: Option<Expr>,
    pub init: Option<Init>,
    pub span: Span,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Init {
    Expr(Expr),
    /// `{ .max_usage = capacity, .readers = 1 }`.
    Fields(Vec<(Ident, Expr)>, Span),
}

/// A declaration written as a macro call: `static DECLARE_WAIT_QUEUE_HEAD(wq);`,
/// `DEFINE_WAIT(wait);` (inside a function it parses as a call statement instead).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct MacroDecl {
    pub mac: Ident,
    pub args: Vec<Expr>,
    pub span: Span,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct StructDef {
    pub name: Ident,
    pub fields: Vec<Decl>,
    pub span: Span,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Param {
    pub ty: Type,
    pub name: Ident,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Function {
    pub ret: Type,
    pub name: Ident,
    pub params: Vec<Param>,
    pub body: Block,
    pub span: Span,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Item {
    Global(Decl),
    MacroDecl(MacroDecl),
    Struct(StructDef),
    Function(Function),
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Block {
    pub stmts: Vec<Stmt>,
    pub span: Span,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Stmt {
    pub kind: StmtKind,
    pub span: Span,
    /// The statement's tokens: indices into the preprocessed stream.
    pub toks: Toks,
}

/// A range of token indices, `start..end`.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Toks {
    pub start: u32,
    pub end: u32,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum StmtKind {
    /// `int a = 1, b;`: one or more declarations.
    Decl(Vec<Decl>),
    Expr(Expr),
    If {
        cond: Expr,
        then: Box<Stmt>,
        els: Option<Box<Stmt>>,
    },
    While {
        cond: Expr,
        body: Box<Stmt>,
    },
    DoWhile {
        body: Box<Stmt>,
        cond: Expr,
    },
    For {
        init: Option<Box<Stmt>>,
        cond: Option<Expr>,
        step: Option<Expr>,
        body: Box<Stmt>,
    },
    Block(Block),
    Break,
    Continue,
    Goto(Ident),
    Label(Ident, Box<Stmt>),
    Return(Option<Expr>),
    Empty,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum UnaryOp {
    Not,
    Neg,
    Plus,
    BitNot,
    /// `&x`.
    AddrOf,
    /// `*p`.
    Deref,
    PreInc,
    PreDec,
    PostInc,
    PostDec,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum BinaryOp {
    Mul,
    Div,
    Rem,
    Add,
    Sub,
    Shl,
    Shr,
    Lt,
    Le,
    Gt,
    Ge,
    Eq,
    Ne,
    BitAnd,
    BitXor,
    BitOr,
    And,
    Or,
}

impl BinaryOp {
    pub fn symbol(self) -> &'static str {
        match self {
            BinaryOp::Mul => "*",
            BinaryOp::Div => "/",
            BinaryOp::Rem => "%",
            BinaryOp::Add => "+",
            BinaryOp::Sub => "-",
            BinaryOp::Shl => "<<",
            BinaryOp::Shr => ">>",
            BinaryOp::Lt => "<",
            BinaryOp::Le => "<=",
            BinaryOp::Gt => ">",
            BinaryOp::Ge => ">=",
            BinaryOp::Eq => "==",
            BinaryOp::Ne => "!=",
            BinaryOp::BitAnd => "&",
            BinaryOp::BitXor => "^",
            BinaryOp::BitOr => "|",
            BinaryOp::And => "&&",
            BinaryOp::Or => "||",
        }
    }

    /// Binding strength, as C's grammar has it (higher binds tighter).
    pub fn precedence(self) -> u8 {
        match self {
            BinaryOp::Mul | BinaryOp::Div | BinaryOp::Rem => 10,
            BinaryOp::Add | BinaryOp::Sub => 9,
            BinaryOp::Shl | BinaryOp::Shr => 8,
            BinaryOp::Lt | BinaryOp::Le | BinaryOp::Gt | BinaryOp::Ge => 7,
            BinaryOp::Eq | BinaryOp::Ne => 6,
            BinaryOp::BitAnd => 5,
            BinaryOp::BitXor => 4,
            BinaryOp::BitOr => 3,
            BinaryOp::And => 2,
            BinaryOp::Or => 1,
        }
    }
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Expr {
    pub kind: ExprKind,
    pub span: Span,
    pub toks: Toks,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ExprKind {
    Int(i64),
    Name(String),
    /// `base.field` or `base->field`.
    Member {
        base: Box<Expr>,
        field: Ident,
        arrow: bool,
    },
    Index {
        base: Box<Expr>,
        index: Box<Expr>,
    },
    Call {
        callee: Ident,
        args: Vec<Expr>,
    },
    Unary {
        op: UnaryOp,
        expr: Box<Expr>,
    },
    Binary {
        op: BinaryOp,
        lhs: Box<Expr>,
        rhs: Box<Expr>,
    },
    /// `lhs = rhs` (`op` None) or `lhs op= rhs`.
    Assign {
        op: Option<BinaryOp>,
        lhs: Box<Expr>,
        rhs: Box<Expr>,
    },
    Cond {
        cond: Box<Expr>,
        then: Box<Expr>,
        els: Box<Expr>,
    },
    Cast {
        ty: Type,
        expr: Box<Expr>,
    },
    /// GNU `({ ... })`, as the kernel's macros use it: its value is its last expression.
    StmtExpr(Block),
}
