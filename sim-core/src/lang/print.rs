//! The pretty-printer: a parsed translation unit back as C, in kernel style (tabs, K&R braces,
//! a function's `{` on a line of its own, labels in column 0). What it prints parses back to the
//! same tree, spans aside (`sim-core/tests/lang_properties.rs` checks it on random trees and on
//! every variant of the built-in scenarios), so it can show a user the program wqsim runs:
//! one variant, its `#if` blocks resolved and its macros expanded.
//!
//! Parentheses: those the tree needs, and those `gcc -Wparentheses` asks for (`a && b || c` is
//! printed `(a && b) || c`), which change nothing in the tree.

use crate::lang::ast::*;

/// A translation unit as C.
pub fn print(items: &[Item]) -> String {
    let mut p = Printer::default();
    let mut prev: Option<&Item> = None;
    for item in items {
        // A blank line around functions and struct definitions; declarations stay together.
        let grouped = matches!(item, Item::Global(_) | Item::MacroDecl(_))
            && matches!(prev, Some(Item::Global(_) | Item::MacroDecl(_)));
        if prev.is_some() && !grouped {
            p.out.push('\n');
        }
        p.item(item);
        prev = Some(item);
    }
    p.out
}

/// A statement as C, its lines indented by `indent` tabs.
pub fn statement(s: &Stmt, indent: usize) -> String {
    let mut p = Printer { out: String::new(), indent };
    p.stmt(s);
    p.out
}

/// An expression as C.
pub fn expression(e: &Expr) -> String {
    Printer::default().expr(e, 0)
}

/// A type as C: `struct page *`.
pub fn type_name(ty: &Type) -> String {
    let base = match &ty.name {
        TypeName::Named(words) => words.clone(),
        TypeName::Struct(name) => format!("struct {}", name.name),
    };
    match ty.pointer {
        0 => base,
        n => format!("{base} {}", "*".repeat(usize::from(n))),
    }
}

/// How tightly an expression binds; an operand that binds less tightly than its place asks for
/// is put in parentheses. As the parser reads them: assignment, `?:`, the binary operators
/// (2 + their precedence), prefix operators and casts, postfix operators, primaries.
fn level(e: &Expr) -> u8 {
    match &e.kind {
        ExprKind::Assign { .. } => 0,
        ExprKind::Cond { .. } => 1,
        ExprKind::Binary { op, .. } => 1 + op.precedence(),
        ExprKind::Cast { .. } => PREFIX,
        ExprKind::Unary { op, .. } if !matches!(op, UnaryOp::PostInc | UnaryOp::PostDec) => PREFIX,
        ExprKind::Unary { .. } | ExprKind::Member { .. } | ExprKind::Index { .. } => POSTFIX,
        ExprKind::Int(_) | ExprKind::Name(_) | ExprKind::Call { .. } | ExprKind::StmtExpr(_) => PRIMARY,
    }
}

const PREFIX: u8 = 12;
const POSTFIX: u8 = 13;
const PRIMARY: u8 = 14;

/// Whether `gcc -Wparentheses` (and clang's bitwise warnings) want `child` parenthesised as an
/// operand of `parent`: `&&` in `||`, `+` in `<<`, a comparison in `&`, `^`, `|` or another
/// comparison, arithmetic in a bitwise operator, two different bitwise operators.
fn clarify(parent: BinaryOp, child: BinaryOp) -> bool {
    use BinaryOp::*;
    let arith = |op| matches!(op, Add | Sub);
    let compare = |op| matches!(op, Lt | Le | Gt | Ge | Eq | Ne);
    let bitwise = |op| matches!(op, BitAnd | BitXor | BitOr);
    match parent {
        Or => child == And,
        Shl | Shr => arith(child),
        BitAnd | BitXor | BitOr => compare(child) || arith(child) || (bitwise(child) && child != parent),
        _ if compare(parent) => compare(child),
        _ => false,
    }
}

fn unary_symbol(op: UnaryOp) -> &'static str {
    match op {
        UnaryOp::Not => "!",
        UnaryOp::Neg => "-",
        UnaryOp::Plus => "+",
        UnaryOp::BitNot => "~",
        UnaryOp::AddrOf => "&",
        UnaryOp::Deref => "*",
        UnaryOp::PreInc | UnaryOp::PostInc => "++",
        UnaryOp::PreDec | UnaryOp::PostDec => "--",
    }
}

/// Whether a statement ends in an `if` with no `else`, which an `else` after it would join.
fn ends_in_open_if(s: &Stmt) -> bool {
    match &s.kind {
        StmtKind::If { els: None, .. } => true,
        StmtKind::If { els: Some(s), .. }
        | StmtKind::While { body: s, .. }
        | StmtKind::For { body: s, .. }
        | StmtKind::Label(_, s) => ends_in_open_if(s),
        _ => false,
    }
}

#[derive(Default)]
struct Printer {
    out: String,
    indent: usize,
}

impl Printer {
    fn tabs(&mut self) {
        for _ in 0..self.indent {
            self.out.push('\t');
        }
    }

    // ---- items

    fn item(&mut self, item: &Item) {
        match item {
            Item::Global(d) => {
                self.out.push_str("static ");
                let text = self.decls(std::slice::from_ref(d), true);
                self.out.push_str(&text);
                self.out.push_str(";\n");
            }
            Item::MacroDecl(m) => {
                let args = self.args(&m.args);
                self.out.push_str(&format!("static {}({args});\n", m.mac.name));
            }
            Item::Struct(s) => {
                self.out.push_str(&format!("struct {} {{\n", s.name.name));
                self.indent += 1;
                for f in &s.fields {
                    self.tabs();
                    let text = self.decls(std::slice::from_ref(f), false);
                    self.out.push_str(&text);
                    self.out.push_str(";\n");
                }
                self.indent -= 1;
                self.out.push_str("};\n");
            }
            Item::Function(f) => {
                let params = if f.params.is_empty() {
                    "void".to_string()
                } else {
                    f.params.iter().map(|p| declarator(&p.ty, &p.name.name)).collect::<Vec<_>>().join(", ")
                };
                self.out.push_str(&format!("{}({params})\n{{\n", declarator(&f.ret, &f.name.name)));
                self.block_body(&f.body);
                self.out.push_str("}\n");
            }
        }
    }

    /// Declarators sharing the first one's type: `int a = 1, *b, c[2]`. At file scope an
    /// initializer with fields takes a line per field.
    fn decls(&mut self, decls: &[Decl], file_scope: bool) -> String {
        let mut out = String::new();
        for (i, d) in decls.iter().enumerate() {
            if i == 0 {
                out.push_str(&declarator(&d.ty, &d.name.name));
            } else {
                out.push_str(", ");
                out.push_str(&"*".repeat(usize::from(d.ty.pointer)));
                out.push_str(&d.name.name);
            }
            if let Some(size) = &d.array {
                out.push_str(&format!("[{}]", self.expr(size, 0)));
            }
            match &d.init {
                None => {}
                Some(Init::Expr(e)) => out.push_str(&format!(" = {}", self.expr(e, 0))),
                Some(Init::Fields(fields, _)) if fields.is_empty() => out.push_str(" = { }"),
                Some(Init::Fields(fields, _)) if file_scope => {
                    out.push_str(" = {\n");
                    for (f, v) in fields {
                        out.push_str(&format!("\t.{} = {},\n", f.name, self.expr(v, 0)));
                    }
                    out.push('}');
                }
                Some(Init::Fields(fields, _)) => {
                    let fields: Vec<String> =
                        fields.iter().map(|(f, v)| format!(".{} = {}", f.name, self.expr(v, 0))).collect();
                    out.push_str(&format!(" = {{ {} }}", fields.join(", ")));
                }
            }
        }
        out
    }

    // ---- statements

    fn block_body(&mut self, b: &Block) {
        self.indent += 1;
        for s in &b.stmts {
            self.stmt(s);
        }
        self.indent -= 1;
    }

    fn stmt(&mut self, s: &Stmt) {
        if let StmtKind::Label(label, body) = &s.kind {
            // Labels stand in column 0, their statement on the next line.
            self.out.push_str(&format!("{}:\n", label.name));
            return self.stmt(body);
        }
        self.tabs();
        self.stmt_here(s);
    }

    /// A statement from where the output is (indented already, or after `else `).
    fn stmt_here(&mut self, s: &Stmt) {
        match &s.kind {
            StmtKind::Decl(ds) => {
                let text = self.decls(ds, false);
                self.out.push_str(&text);
                self.out.push_str(";\n");
            }
            StmtKind::Expr(e) => {
                let text = self.expr(e, 0);
                self.out.push_str(&text);
                self.out.push_str(";\n");
            }
            StmtKind::If { cond, then, els } => {
                let cond = self.expr(cond, 0);
                self.out.push_str(&format!("if ({cond})"));
                // `if (a) if (b) x; else y;` gives the `else` to the inner `if`: braces keep it
                // where the tree has it. (The parser never builds such a tree.)
                let closed = if els.is_some() && ends_in_open_if(then) && !matches!(then.kind, StmtKind::Block(_)) {
                    self.out.push_str(" {\n");
                    self.indent += 1;
                    self.stmt(then);
                    self.indent -= 1;
                    self.tabs();
                    self.out.push('}');
                    true
                } else {
                    self.sub(then)
                };
                match els {
                    None if closed => self.out.push('\n'),
                    None => {}
                    Some(els) => {
                        if closed {
                            self.out.push_str(" else");
                        } else {
                            self.tabs();
                            self.out.push_str("else");
                        }
                        if matches!(els.kind, StmtKind::If { .. }) {
                            self.out.push(' ');
                            self.stmt_here(els);
                        } else if self.sub(els) {
                            self.out.push('\n');
                        }
                    }
                }
            }
            StmtKind::While { cond, body } => {
                let cond = self.expr(cond, 0);
                self.out.push_str(&format!("while ({cond})"));
                if self.sub(body) {
                    self.out.push('\n');
                }
            }
            StmtKind::DoWhile { body, cond } => {
                self.out.push_str("do");
                if self.sub(body) {
                    self.out.push(' ');
                } else {
                    self.tabs();
                }
                let cond = self.expr(cond, 0);
                self.out.push_str(&format!("while ({cond});\n"));
            }
            StmtKind::For { init, cond, step, body } => {
                let init = match init.as_deref().map(|s| &s.kind) {
                    Some(StmtKind::Decl(ds)) => format!("{};", self.decls(ds, false)),
                    Some(StmtKind::Expr(e)) => format!("{};", self.expr(e, 0)),
                    // The parser puts nothing else there.
                    _ => ";".to_string(),
                };
                let cond = cond.as_ref().map_or(String::new(), |c| format!(" {}", self.expr(c, 0)));
                let step = step.as_ref().map_or(String::new(), |c| format!(" {}", self.expr(c, 0)));
                self.out.push_str(&format!("for ({init}{cond};{step})"));
                if self.sub(body) {
                    self.out.push('\n');
                }
            }
            StmtKind::Block(b) => {
                self.out.push_str("{\n");
                self.block_body(b);
                self.tabs();
                self.out.push_str("}\n");
            }
            StmtKind::Break => self.out.push_str("break;\n"),
            StmtKind::Continue => self.out.push_str("continue;\n"),
            StmtKind::Goto(label) => self.out.push_str(&format!("goto {};\n", label.name)),
            StmtKind::Label(..) => {
                // After `else`: the label's own line.
                self.out.push('\n');
                self.stmt(s);
            }
            StmtKind::Return(None) => self.out.push_str("return;\n"),
            StmtKind::Return(Some(e)) => {
                let e = self.expr(e, 0);
                self.out.push_str(&format!("return {e};\n"));
            }
            StmtKind::Empty => self.out.push_str(";\n"),
        }
    }

    /// The statement under `if (...)`, `while (...)`, `else`, `do`: a block opens on the same
    /// line and the output stays after its `}` (returns true); another statement goes on the
    /// next line, one tab in.
    fn sub(&mut self, s: &Stmt) -> bool {
        if let StmtKind::Block(b) = &s.kind {
            self.out.push_str(" {\n");
            self.block_body(b);
            self.tabs();
            self.out.push('}');
            true
        } else {
            self.out.push('\n');
            self.indent += 1;
            self.stmt(s);
            self.indent -= 1;
            false
        }
    }

    // ---- expressions

    fn args(&self, args: &[Expr]) -> String {
        args.iter().map(|a| self.expr(a, 0)).collect::<Vec<_>>().join(", ")
    }

    /// `e` as C, in parentheses if it binds less tightly than `min`.
    fn expr(&self, e: &Expr, min: u8) -> String {
        let text = self.bare(e);
        if level(e) < min {
            format!("({text})")
        } else {
            text
        }
    }

    fn bare(&self, e: &Expr) -> String {
        match &e.kind {
            ExprKind::Int(v) => v.to_string(),
            ExprKind::Name(n) => n.clone(),
            ExprKind::Member { base, field, arrow } => {
                format!("{}{}{}", self.expr(base, POSTFIX), if *arrow { "->" } else { "." }, field.name)
            }
            ExprKind::Index { base, index } => format!("{}[{}]", self.expr(base, POSTFIX), self.expr(index, 0)),
            ExprKind::Call { callee, args } => format!("{}({})", callee.name, self.args(args)),
            ExprKind::Unary { op: op @ (UnaryOp::PostInc | UnaryOp::PostDec), expr } => {
                format!("{}{}", self.expr(expr, POSTFIX), unary_symbol(*op))
            }
            ExprKind::Unary { op, expr } => {
                let symbol = unary_symbol(*op);
                let operand = self.expr(expr, PREFIX);
                // `- -x`, `+ ++x`, `& &x` would lex as `--`, `++`, `&&`.
                let last = symbol.chars().next_back();
                if matches!(last, Some('-' | '+' | '&')) && operand.chars().next() == last {
                    format!("{symbol}({operand})")
                } else {
                    format!("{symbol}{operand}")
                }
            }
            ExprKind::Binary { op, lhs, rhs } => {
                let side = |e: &Expr, min: u8| match &e.kind {
                    ExprKind::Binary { op: child, .. } if clarify(*op, *child) => format!("({})", self.bare(e)),
                    _ => self.expr(e, min),
                };
                let p = 1 + op.precedence();
                format!("{} {} {}", side(lhs, p), op.symbol(), side(rhs, p + 1))
            }
            ExprKind::Assign { op, lhs, rhs } => {
                let symbol = op.map_or("=".to_string(), |op| format!("{}=", op.symbol()));
                format!("{} {symbol} {}", self.expr(lhs, 1), self.expr(rhs, 0))
            }
            ExprKind::Cond { cond, then, els } => {
                format!("{} ? {} : {}", self.expr(cond, 2), self.expr(then, 0), self.expr(els, 1))
            }
            ExprKind::Cast { ty, expr } => format!("({}){}", type_name(ty), self.expr(expr, PREFIX)),
            ExprKind::StmtExpr(block) => {
                let mut p = Printer { out: String::from("({\n"), indent: self.indent };
                p.block_body(block);
                p.tabs();
                p.out.push_str("})");
                p.out
            }
        }
    }
}

/// A type and a name as C declares them: `struct page *page`, `int count`.
fn declarator(ty: &Type, name: &str) -> String {
    let base = type_name(&Type { pointer: 0, ..ty.clone() });
    format!("{base} {}{name}", "*".repeat(usize::from(ty.pointer)))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::lang::preprocess::PTok;

    /// Parse C text as it is (no preprocessing), for tests of printed text.
    fn parse(text: &str) -> Vec<Item> {
        let mut d = Vec::new();
        let (tokens, _) = crate::lang::lexer::lex(text, 0, &mut d);
        assert!(d.is_empty(), "{d:?}");
        let toks: Vec<PTok> = tokens
            .iter()
            .map(|t| PTok { tok: t.tok, text: text[t.span.start..t.span.end].into(), span: t.span, origin: None })
            .collect();
        let (items, diags) = crate::lang::parser::parse(&toks);
        assert!(diags.is_empty(), "{text}\n{diags:?}");
        items
    }

    /// Printing is stable: print(parse(text)) == text for text in the printer's style.
    fn stable(text: &str) {
        assert_eq!(print(&parse(text)), text);
    }

    fn expr_of(src: &str) -> String {
        let items = parse(&format!("int f(void)\n{{\n\tx = {src};\n}}\n"));
        let Item::Function(f) = &items[0] else { panic!() };
        let StmtKind::Expr(Expr { kind: ExprKind::Assign { rhs, .. }, .. }) = &f.body.stmts[0].kind else { panic!() };
        expression(rhs)
    }

    #[test]
    fn declarations_and_definitions_print_in_kernel_style() {
        stable(
            "static DECLARE_WAIT_QUEUE_HEAD(wq);\nstatic bool done = 0;\nstatic struct pipe_inode_info pipe_inode = {\n\t.max_usage = capacity,\n\t.readers = 1,\n};\nstatic struct pipe_inode_info *pipe = &pipe_inode;\nstatic wait_queue_head_t table[1];\n\nstruct splice_desc {\n\tint total_len;\n\tbool need_wakeup;\n};\n\nvoid f(struct pipe_inode_info *pipe, int n)\n{\n\tstruct splice_desc sd = { .total_len = n * 2 };\n\tint a, *b = &a, c[2];\n}\n\nint waiter(void)\n{\n\treturn 0;\n}\n",
        );
    }

    #[test]
    fn statements_print_in_kernel_style() {
        stable(
            "int f(void)\n{\n\tfor (;;) {\n\t\tprepare_to_wait(&wq, &wait, TASK_INTERRUPTIBLE);\n\t\tif (done)\n\t\t\tbreak;\n\t\tschedule();\n\t}\n\tif (a) {\n\t\tx++;\n\t} else if (b)\n\t\tx--;\n\telse\n\t\tgoto out;\n\tdo {\n\t\tcontinue;\n\t} while (x);\n\tdo\n\t\tx = 1;\n\twhile (y);\n\twhile (x)\n\t\t;\n\tfor (int i = 0; i < n; i++) {\n\t}\n\t{\n\t}\nout:\n\treturn ret;\n}\n",
        );
    }

    #[test]
    fn statement_expressions_indent_with_their_statement() {
        stable(
            "int f(void)\n{\n\tif (x) {\n\t\tret = ({\n\t\t\tlong __ret = 0;\n__out:\n\t\t\t__ret;\n\t\t});\n\t}\n}\n",
        );
    }

    #[test]
    fn parentheses_are_those_the_tree_needs_and_those_gcc_asks_for() {
        assert_eq!(expr_of("(a + b) * c - (d - e)"), "(a + b) * c - (d - e)");
        assert_eq!(expr_of("a - b - c"), "a - b - c");
        assert_eq!(expr_of("((a)) * ((b))"), "a * b");
        assert_eq!(expr_of("a && b || c"), "(a && b) || c");
        assert_eq!(expr_of("a & b == c"), "a & (b == c)");
        assert_eq!(expr_of("1 << n + 1"), "1 << (n + 1)");
        assert_eq!(expr_of("a | b & c"), "a | (b & c)");
        assert_eq!(expr_of("a ? b : c ? d : e"), "a ? b : c ? d : e");
        assert_eq!(expr_of("(a ? b : c) ? d : e"), "(a ? b : c) ? d : e");
        assert_eq!(expr_of("a = b = c"), "a = b = c");
        assert_eq!(expr_of("(a = b) + 1"), "(a = b) + 1");
        assert_eq!(expr_of("- -x"), "-(-x)");
        assert_eq!(expr_of("-(--x)"), "-(--x)");
        assert_eq!(expr_of("& &x"), "&(&x)");
        assert_eq!(expr_of("!!x"), "!!x");
        assert_eq!(expr_of("(*p).f + p->g[1]++"), "(*p).f + p->g[1]++");
        assert_eq!(expr_of("(unsigned long)(a + b)"), "(unsigned long)(a + b)");
        assert_eq!(expr_of("(struct page *)p"), "(struct page *)p");
        assert_eq!(expr_of("f(a, b = 1)"), "f(a, b = 1)");
    }

    #[test]
    fn a_dangling_else_keeps_its_if() {
        let inner = Stmt {
            kind: StmtKind::If {
                cond: Expr { kind: ExprKind::Name("b".into()), span: Default::default(), toks: Default::default() },
                then: Box::new(Stmt { kind: StmtKind::Break, span: Default::default(), toks: Default::default() }),
                els: None,
            },
            span: Default::default(),
            toks: Default::default(),
        };
        let outer = Stmt {
            kind: StmtKind::If {
                cond: Expr { kind: ExprKind::Name("a".into()), span: Default::default(), toks: Default::default() },
                then: Box::new(inner),
                els: Some(Box::new(Stmt {
                    kind: StmtKind::Continue,
                    span: Default::default(),
                    toks: Default::default(),
                })),
            },
            span: Default::default(),
            toks: Default::default(),
        };
        assert_eq!(statement(&outer, 0), "if (a) {\n\tif (b)\n\t\tbreak;\n} else\n\tcontinue;\n");
    }
}
