//! Property tests of the scenario language's front end (docs/scenario-language.md):
//! - parse → print → parse gives the same tree (spans aside), on random trees of every construct
//!   the parser accepts and on every variant of the built-in scenarios, whose printed C also
//!   compiles to the same instructions;
//! - any bytes given to the whole pipeline (`Scenario::parse`) give a scenario or an error, never
//!   a panic: random bytes, random C under a valid header, and built-in files with a random cut.
//!
//! Bounded so the file runs in seconds; `PROPTEST_CASES=N` runs more cases.

use proptest::prelude::*;
use proptest::sample::select;
use proptest::test_runner::Config;

use sim_core::kernel::wait_h::TEMPLATES;
use sim_core::lang::ast::*;
use sim_core::lang::preprocess;
use sim_core::lang::{self, header, parser, print, Span};
use sim_core::strategy::Random;
use sim_core::{library, run, Scenario, World};

// ---------------------------------------------------------------------------------------------
// The tree without its places: spans and token ranges zeroed, so trees compare by what they say.

fn id(i: &Ident) -> Ident {
    Ident { name: i.name.clone(), span: Span::default() }
}

fn ty(t: &Type) -> Type {
    let name = match &t.name {
        TypeName::Named(words) => TypeName::Named(words.clone()),
        TypeName::Struct(n) => TypeName::Struct(id(n)),
    };
    Type { name, pointer: t.pointer, span: Span::default() }
}

fn decl(d: &Decl) -> Decl {
    let init = d.init.as_ref().map(|i| match i {
        Init::Expr(e) => Init::Expr(expr(e)),
        Init::Fields(fields, _) => {
            Init::Fields(fields.iter().map(|(f, e)| (id(f), expr(e))).collect(), Span::default())
        }
    });
    Decl { ty: ty(&d.ty), name: id(&d.name), array: d.array.as_ref().map(expr), init, span: Span::default() }
}

fn block(b: &Block) -> Block {
    Block { stmts: b.stmts.iter().map(stmt).collect(), span: Span::default() }
}

fn boxed(s: &Stmt) -> Box<Stmt> {
    Box::new(stmt(s))
}

fn stmt(s: &Stmt) -> Stmt {
    let kind = match &s.kind {
        StmtKind::Decl(ds) => StmtKind::Decl(ds.iter().map(decl).collect()),
        StmtKind::Expr(e) => StmtKind::Expr(expr(e)),
        StmtKind::If { cond, then, els } => {
            StmtKind::If { cond: expr(cond), then: boxed(then), els: els.as_deref().map(boxed) }
        }
        StmtKind::While { cond, body } => StmtKind::While { cond: expr(cond), body: boxed(body) },
        StmtKind::DoWhile { body, cond } => StmtKind::DoWhile { body: boxed(body), cond: expr(cond) },
        StmtKind::For { init, cond, step, body } => StmtKind::For {
            init: init.as_deref().map(boxed),
            cond: cond.as_ref().map(expr),
            step: step.as_ref().map(expr),
            body: boxed(body),
        },
        StmtKind::Block(b) => StmtKind::Block(block(b)),
        StmtKind::Goto(l) => StmtKind::Goto(id(l)),
        StmtKind::Label(l, s) => StmtKind::Label(id(l), boxed(s)),
        StmtKind::Return(e) => StmtKind::Return(e.as_ref().map(expr)),
        other @ (StmtKind::Break | StmtKind::Continue | StmtKind::Empty) => other.clone(),
    };
    Stmt { kind, span: Span::default(), toks: Toks::default() }
}

fn bx(e: &Expr) -> Box<Expr> {
    Box::new(expr(e))
}

fn expr(e: &Expr) -> Expr {
    let kind = match &e.kind {
        ExprKind::Int(v) => ExprKind::Int(*v),
        ExprKind::Name(n) => ExprKind::Name(n.clone()),
        ExprKind::Member { base, field, arrow } => ExprKind::Member { base: bx(base), field: id(field), arrow: *arrow },
        ExprKind::Index { base, index } => ExprKind::Index { base: bx(base), index: bx(index) },
        ExprKind::Call { callee, args } => ExprKind::Call { callee: id(callee), args: args.iter().map(expr).collect() },
        ExprKind::Unary { op, expr: x } => ExprKind::Unary { op: *op, expr: bx(x) },
        ExprKind::Binary { op, lhs, rhs } => ExprKind::Binary { op: *op, lhs: bx(lhs), rhs: bx(rhs) },
        ExprKind::Assign { op, lhs, rhs } => ExprKind::Assign { op: *op, lhs: bx(lhs), rhs: bx(rhs) },
        ExprKind::Cond { cond, then, els } => ExprKind::Cond { cond: bx(cond), then: bx(then), els: bx(els) },
        ExprKind::Cast { ty: t, expr: x } => ExprKind::Cast { ty: ty(t), expr: bx(x) },
        ExprKind::StmtExpr(b) => ExprKind::StmtExpr(block(b)),
    };
    Expr { kind, span: Span::default(), toks: Toks::default() }
}

fn strip(items: &[Item]) -> Vec<Item> {
    items
        .iter()
        .map(|item| match item {
            Item::Global(d) => Item::Global(decl(d)),
            Item::MacroDecl(m) => Item::MacroDecl(MacroDecl {
                mac: id(&m.mac),
                args: m.args.iter().map(expr).collect(),
                span: Span::default(),
            }),
            Item::Struct(s) => Item::Struct(StructDef {
                name: id(&s.name),
                fields: s.fields.iter().map(decl).collect(),
                span: Span::default(),
            }),
            Item::Function(f) => Item::Function(Function {
                ret: ty(&f.ret),
                name: id(&f.name),
                params: f.params.iter().map(|p| Param { ty: ty(&p.ty), name: id(&p.name) }).collect(),
                body: block(&f.body),
                span: Span::default(),
            }),
        })
        .collect()
}

/// Print `items`, parse the text, and check the tree is the same; returns the text.
fn round_trip(items: &[Item]) -> String {
    let text = print::print(items);
    let (again, diags) = lang::parse_printed(&text);
    assert!(diags.is_empty(), "the printed text does not parse:\n{text}\n{diags:#?}");
    let (a, b) = (strip(items), strip(&again));
    if a != b {
        // The first item that differs, printed both ways, says more than the whole trees.
        let i = a.iter().zip(&b).position(|(x, y)| x != y).unwrap_or(a.len().min(b.len()));
        panic!(
            "parse(print(tree)) is another tree:\n{text}\nitem {i} before:\n{:#?}\nafter:\n{:#?}",
            a.get(i),
            b.get(i)
        );
    }
    assert_eq!(print::print(&again), text, "printing is not stable");
    text
}

// ---------------------------------------------------------------------------------------------
// Random trees of every construct the parser builds. Names avoid the words the grammar reserves
// (a type word as a name would read as a cast or a declaration); an `else` never follows a
// branch that ends in an `if` of its own (C gives it to the inner `if`).

fn reserved(w: &str) -> bool {
    parser::KEYWORDS.contains(&w)
        || parser::TYPE_WORDS.contains(&w)
        || parser::QUALIFIERS.contains(&w)
        || parser::UNSUPPORTED.iter().any(|(u, _)| *u == w)
}

fn name() -> impl Strategy<Value = String> {
    prop_oneof![
        select(vec!["wq", "wait", "done", "pipe", "head", "tail", "ret", "__ret", "T1", "current", "x"])
            .prop_map(String::from),
        "[a-z_][a-z0-9_]{0,6}".prop_filter("a reserved word", |n| !reserved(n)),
    ]
}

fn ident() -> impl Strategy<Value = Ident> {
    name().prop_map(|name| Ident { name, span: Span::default() })
}

fn mk(kind: ExprKind) -> Expr {
    Expr { kind, span: Span::default(), toks: Toks::default() }
}

fn mks(kind: StmtKind) -> Stmt {
    Stmt { kind, span: Span::default(), toks: Toks::default() }
}

fn type_() -> impl Strategy<Value = Type> {
    let words =
        prop::collection::vec(select(parser::TYPE_WORDS.to_vec()), 1..=2).prop_map(|w| TypeName::Named(w.join(" ")));
    let name = prop_oneof![3 => words, 1 => ident().prop_map(TypeName::Struct)];
    (name, 0u8..=2).prop_map(|(name, pointer)| Type { name, pointer, span: Span::default() })
}

const UNARY: &[UnaryOp] = &[
    UnaryOp::Not,
    UnaryOp::Neg,
    UnaryOp::Plus,
    UnaryOp::BitNot,
    UnaryOp::AddrOf,
    UnaryOp::Deref,
    UnaryOp::PreInc,
    UnaryOp::PreDec,
    UnaryOp::PostInc,
    UnaryOp::PostDec,
];

const BINARY: &[BinaryOp] = &[
    BinaryOp::Mul,
    BinaryOp::Div,
    BinaryOp::Rem,
    BinaryOp::Add,
    BinaryOp::Sub,
    BinaryOp::Shl,
    BinaryOp::Shr,
    BinaryOp::Lt,
    BinaryOp::Le,
    BinaryOp::Gt,
    BinaryOp::Ge,
    BinaryOp::Eq,
    BinaryOp::Ne,
    BinaryOp::BitAnd,
    BinaryOp::BitXor,
    BinaryOp::BitOr,
    BinaryOp::And,
    BinaryOp::Or,
];

/// The compound assignments C has (`&&=` it has not).
fn assign_op() -> impl Strategy<Value = Option<BinaryOp>> {
    use BinaryOp::*;
    prop_oneof![3 => Just(None), 2 => select(vec![Add, Sub, Mul, Div, Rem, BitAnd, BitOr, BitXor, Shl, Shr]).prop_map(Some)]
}

fn int() -> impl Strategy<Value = i64> {
    prop_oneof![0i64..=16, 0..=i64::from(u32::MAX)]
}

/// Declarators sharing a type: `int a = 1, *b, c[2]`.
fn decls(e: BoxedStrategy<Expr>, max: usize) -> impl Strategy<Value = Vec<Decl>> {
    let init = prop_oneof![
        2 => e.clone().prop_map(Init::Expr),
        1 => prop::collection::vec((ident(), e.clone()), 0..3).prop_map(|f| Init::Fields(f, Span::default())),
    ];
    let one = (0u8..=2, ident(), prop::option::of(e), prop::option::weighted(0.5, init));
    (type_(), prop::collection::vec(one, 1..=max)).prop_map(|(t, ds)| {
        ds.into_iter()
            .enumerate()
            .map(|(i, (stars, name, array, init))| {
                // The first declarator's stars may be written after the type (`int *a`).
                let pointer = if i == 0 { t.pointer } else { stars };
                Decl {
                    ty: Type { pointer, ..t.clone() },
                    name,
                    array: array.filter(|_| stars == 1),
                    init,
                    span: Span::default(),
                }
            })
            .collect()
    })
}

fn expr_tree() -> BoxedStrategy<Expr> {
    let leaf = prop_oneof![int().prop_map(ExprKind::Int), name().prop_map(ExprKind::Name)].prop_map(mk);
    leaf.prop_recursive(3, 24, 3, |inner| {
        // A `({ ... })` holds simple statements; its own expressions are shallower.
        let simple = prop_oneof![
            inner.clone().prop_map(|e| mks(StmtKind::Expr(e))),
            decls(inner.clone(), 2).prop_map(|d| mks(StmtKind::Decl(d))),
            (ident(), inner.clone()).prop_map(|(l, e)| mks(StmtKind::Label(l, Box::new(mks(StmtKind::Expr(e)))))),
        ];
        let b = Box::new;
        prop_oneof![
            1 => (inner.clone(), ident(), any::<bool>())
                .prop_map(move |(base, field, arrow)| ExprKind::Member { base: b(base), field, arrow }),
            1 => (inner.clone(), inner.clone()).prop_map(move |(base, index)| ExprKind::Index { base: b(base), index: b(index) }),
            1 => (ident(), prop::collection::vec(inner.clone(), 0..3)).prop_map(|(callee, args)| ExprKind::Call { callee, args }),
            3 => (select(UNARY.to_vec()), inner.clone()).prop_map(move |(op, e)| ExprKind::Unary { op, expr: b(e) }),
            4 => (select(BINARY.to_vec()), inner.clone(), inner.clone())
                .prop_map(move |(op, l, r)| ExprKind::Binary { op, lhs: b(l), rhs: b(r) }),
            1 => (assign_op(), inner.clone(), inner.clone())
                .prop_map(move |(op, l, r)| ExprKind::Assign { op, lhs: b(l), rhs: b(r) }),
            1 => (inner.clone(), inner.clone(), inner.clone())
                .prop_map(move |(c, t, e)| ExprKind::Cond { cond: b(c), then: b(t), els: b(e) }),
            1 => (type_(), inner.clone()).prop_map(move |(ty, e)| ExprKind::Cast { ty, expr: b(e) }),
            1 => prop::collection::vec(simple, 0..3)
                .prop_map(|stmts| ExprKind::StmtExpr(Block { stmts, span: Span::default() })),
        ]
        .prop_map(mk)
    })
    .boxed()
}

/// Whether an `else` after `s` would join an `if` inside it.
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

fn stmt_tree() -> BoxedStrategy<Stmt> {
    let e = expr_tree();
    let leaf = prop_oneof![
        3 => e.clone().prop_map(StmtKind::Expr),
        2 => decls(e.clone(), 3).prop_map(StmtKind::Decl),
        1 => Just(StmtKind::Break),
        1 => Just(StmtKind::Continue),
        1 => ident().prop_map(StmtKind::Goto),
        1 => prop::option::of(e.clone()).prop_map(StmtKind::Return),
        1 => Just(StmtKind::Empty),
    ]
    .prop_map(mks);
    leaf.prop_recursive(3, 20, 4, move |inner| {
        let b = Box::new;
        let for_init = prop_oneof![
            e.clone().prop_map(|x| mks(StmtKind::Expr(x))),
            decls(e.clone(), 2).prop_map(|d| mks(StmtKind::Decl(d))),
        ];
        prop_oneof![
            3 => (e.clone(), inner.clone(), prop::option::of(inner.clone())).prop_map(move |(cond, then, els)| {
                let then = if els.is_some() && ends_in_open_if(&then) {
                    mks(StmtKind::Block(Block { stmts: vec![then], span: Span::default() }))
                } else {
                    then
                };
                StmtKind::If { cond, then: b(then), els: els.map(b) }
            }),
            1 => (e.clone(), inner.clone()).prop_map(move |(cond, body)| StmtKind::While { cond, body: b(body) }),
            1 => (inner.clone(), e.clone()).prop_map(move |(body, cond)| StmtKind::DoWhile { body: b(body), cond }),
            1 => (prop::option::of(for_init), prop::option::of(e.clone()), prop::option::of(e.clone()), inner.clone())
                .prop_map(move |(init, cond, step, body)| StmtKind::For { init: init.map(b), cond, step, body: b(body) }),
            3 => prop::collection::vec(inner.clone(), 0..4)
                .prop_map(|stmts| StmtKind::Block(Block { stmts, span: Span::default() })),
            1 => (ident(), inner.clone()).prop_map(move |(l, s)| StmtKind::Label(l, b(s))),
        ]
        .prop_map(mks)
    })
    .boxed()
}

fn item() -> impl Strategy<Value = Item> {
    let e = expr_tree();
    let function =
        (type_(), ident(), prop::collection::vec((type_(), ident()), 0..3), prop::collection::vec(stmt_tree(), 0..5))
            .prop_map(|(ret, name, params, stmts)| {
                Item::Function(Function {
                    ret,
                    name,
                    params: params.into_iter().map(|(ty, name)| Param { ty, name }).collect(),
                    body: Block { stmts, span: Span::default() },
                    span: Span::default(),
                })
            });
    prop_oneof![
        2 => decls(e.clone(), 1).prop_map(|mut d| Item::Global(d.remove(0))),
        1 => (ident(), prop::collection::vec(e.clone(), 0..3))
            .prop_map(|(mac, args)| Item::MacroDecl(MacroDecl { mac, args, span: Span::default() })),
        1 => (ident(), prop::collection::vec(decls(e, 1), 0..4)).prop_map(|(name, fields)| {
            Item::Struct(StructDef { name, fields: fields.into_iter().flatten().collect(), span: Span::default() })
        }),
        3 => function,
    ]
}

proptest! {
    #![proptest_config(Config::with_cases(256))]

    #[test]
    fn printed_trees_parse_back_to_themselves(items in prop::collection::vec(item(), 0..5)) {
        round_trip(&items);
    }
}

// ---------------------------------------------------------------------------------------------
// The built-in scenarios, every variant.

/// Each variant's tree, as the compiler sees it: `#if` blocks resolved, macros expanded.
fn variants(s: &Scenario) -> Vec<(String, Vec<Item>)> {
    let h = header::read(&s.text).unwrap_or_else(|d| panic!("{}: {d:?}", s.id));
    let (source, diags) = lang::lex(&h.source, h.source_offset);
    assert!(diags.is_empty());
    let ids: Vec<String> = h.variants.iter().map(|v| v.id.clone()).collect();
    ids.iter()
        .map(|v| {
            let (toks, d) = preprocess::preprocess(&s.text, &source.tokens, v, &ids, TEMPLATES);
            assert!(d.is_empty(), "{} {v}: {d:?}", s.id);
            let (items, d) = parser::parse(&toks);
            assert!(d.is_empty(), "{} {v}: {d:?}", s.id);
            (v.clone(), items)
        })
        .collect()
}

#[test]
fn every_builtin_variant_prints_and_parses_back_to_itself() {
    for s in library::scenarios() {
        for (v, items) in variants(s) {
            let text = round_trip(&items);
            assert!(text.contains("\t") && !text.contains("#if"), "{} {v}:\n{text}", s.id);
        }
    }
}

/// The printed C of a variant, in place of the file's C, compiles to the same instructions: the
/// printer shows the program wqsim runs.
#[test]
fn every_builtin_variant_prints_to_c_that_compiles_to_the_same_program() {
    for s in library::scenarios() {
        let end = s.text.rfind("'''").expect("the C is the file's last value");
        for (v, items) in variants(s) {
            let text = format!("{}{}{}", &s.text[..s.source_offset()], print::print(&items), &s.text[end..]);
            let printed = Scenario::parse(&text).unwrap_or_else(|e| panic!("{} {v}: {e}\n{text}", s.id));
            let (a, b) = (s.spec(Some(&v), &[]).unwrap(), printed.spec(Some(&v), &[]).unwrap());
            assert_eq!(a.programs.len(), b.programs.len());
            for (pa, pb) in a.programs.iter().zip(&b.programs) {
                let ops =
                    |p: &sim_core::program::Program| p.instrs.iter().map(|i| (i.op, i.yields)).collect::<Vec<_>>();
                assert_eq!(ops(pa), ops(pb), "{} {v} {}", s.id, pa.name);
                assert_eq!(pa.exprs, pb.exprs, "{} {v} {}", s.id, pa.name);
                assert_eq!((&pa.locals, &pa.entries), (&pb.locals, &pb.entries), "{} {v} {}", s.id, pa.name);
            }
            assert_eq!(a.initial, b.initial, "{} {v}", s.id);
        }
    }
}

// ---------------------------------------------------------------------------------------------
// Any input: a scenario or an error, never a panic.

/// Pieces of the scenario language, for text that gets past the lexer and into the parser,
/// the preprocessor and the compiler.
const WORDS: &[&str] = &[
    "static",
    "int",
    "bool",
    "void",
    "struct",
    "page",
    "pipe_inode_info",
    "wait_queue_head_t",
    "wait_queue_entry_t",
    "DECLARE_WAIT_QUEUE_HEAD",
    "DEFINE_WAIT",
    "DEFINE_MUTEX",
    "DEFINE_SPINLOCK",
    "wq",
    "wait",
    "done",
    "x",
    "waiter",
    "waker",
    "A",
    "B",
    "if",
    "else",
    "while",
    "do",
    "for",
    "break",
    "continue",
    "goto",
    "out",
    "return",
    "(",
    ")",
    "{",
    "}",
    "[",
    "]",
    ";",
    ",",
    ".",
    "->",
    "?",
    ":",
    "!",
    "~",
    "++",
    "--",
    "+",
    "-",
    "*",
    "/",
    "%",
    "<<",
    ">>",
    "<",
    "<=",
    "==",
    "!=",
    "&",
    "^",
    "|",
    "&&",
    "||",
    "=",
    "+=",
    "|=",
    "0",
    "1",
    "4294967296",
    "0x7fffffff",
    "prepare_to_wait",
    "prepare_to_wait_exclusive",
    "finish_wait",
    "schedule",
    "wake_up",
    "wake_up_all",
    "set_current_state",
    "TASK_INTERRUPTIBLE",
    "TASK_KILLABLE",
    "signal_pending",
    "current",
    "spin_lock",
    "spin_unlock",
    "mutex_lock",
    "mutex_unlock",
    "wait_event",
    "wait_event_interruptible",
    "likely",
    "READ_ONCE",
    "({",
    "})",
    "&wq",
    "&wait",
    "#define M(a) a a\n",
    "#if VARIANT(v)\n",
    "#else\n",
    "#endif\n",
    "/* c */",
    "\n",
];

fn c_soup() -> impl Strategy<Value = String> {
    prop::collection::vec((select(WORDS.to_vec()), select(vec![" ", "", "\n", "\t"])), 0..120)
        .prop_map(|w| w.into_iter().map(|(w, sep)| format!("{w}{sep}")).collect())
}

const HEADER: &str = "id = \"fuzz\"\ntitle = \"t\"\ndescription = \"d\"\ndefault_variant = \"v\"\n\n[[tasks]]\nname = \"A\"\nrole = \"waiter\"\nrun = \"waiter\"\n\n[[tasks]]\nname = \"B\"\nrole = \"waker\"\nrun = \"waker\"\n\n[[variants]]\nid = \"v\"\nlabel = \"v\"\nbuggy = true\n\n[[variants]]\nid = \"w\"\nlabel = \"w\"\nbuggy = false\n\n[source]\nc = '''\n";

/// Parse `text`; a scenario must build every variant and run each to a verdict.
fn whole_pipeline(text: &str) {
    let Ok(s) = Scenario::parse(text) else { return };
    for v in &s.variants {
        let mut spec = (*s.spec(Some(&v.id), &[]).unwrap_or_else(|e| panic!("variant {}: {e}", v.id))).clone();
        spec.step_limit = spec.step_limit.min(500);
        let outcome = run::run(&mut World::new(spec.into()), &mut Random::new(0), &mut ()).unwrap();
        assert!(outcome.steps <= 500);
    }
}

proptest! {
    #![proptest_config(Config::with_cases(300))]

    #[test]
    fn any_bytes_are_a_scenario_or_an_error(bytes in prop::collection::vec(any::<u8>(), 0..2000)) {
        whole_pipeline(&String::from_utf8_lossy(&bytes));
    }

    #[test]
    fn any_c_under_a_valid_header_is_a_scenario_or_an_error(c in c_soup()) {
        whole_pipeline(&format!("{HEADER}{}'''\n", c.replace("'''", "")));
    }

    #[test]
    fn a_builtin_file_cut_anywhere_is_a_scenario_or_an_error(
        file in select(library::FILES.to_vec()),
        at in any::<prop::sample::Index>(),
        len in 0usize..200,
        insert in c_soup(),
    ) {
        let text = file.1;
        let start = at.index(text.len());
        let end = (start + len).min(text.len());
        let (start, end) = (floor(text, start), floor(text, end));
        whole_pipeline(&format!("{}{insert}{}", &text[..start], &text[end..]));
    }
}

fn floor(text: &str, mut i: usize) -> usize {
    while !text.is_char_boundary(i) {
        i -= 1;
    }
    i
}
