fn main() {
    let args: Vec<String> = std::env::args().collect();
    let text = std::fs::read_to_string(&args[1]).unwrap();
    let s = match sim_core::Scenario::parse_named(&args[1], &text) {
        Ok(s) => s,
        Err(sim_core::Error::Source(d)) => {
            for x in &d.diagnostics {
                println!("{}", sim_core::lang::diag::Located { file: &d.file, text: &d.text, diagnostic: x });
            }
            return;
        }
        Err(e) => {
            println!("{e}");
            return;
        }
    };
    let spec = s.spec(args.get(2).map(String::as_str), &[]).unwrap();
    for (i, p) in spec.programs.iter().enumerate() {
        println!("== program {i} {} locals {:?} entries {:?}", p.name, p.locals, p.entries);
        for (pc, ins) in p.instrs.iter().enumerate() {
            println!("{pc:3} {:?} {:?}  | {} | L{}", ins.yields, ins.op, ins.code, ins.line);
        }
        for s in &p.sleeps {
            println!("sleep: {}", s.text);
        }
        for (i, l) in p.listing.iter().enumerate() {
            println!(
                "  {i:3} {:>4} {}{}   // {} [{}]",
                l.number,
                "  ".repeat(l.depth as usize),
                l.text,
                l.func,
                l.cite
            );
        }
    }
    println!("queues {:?} vars {:?} mutexes {:?} pages {:?}", spec.queues, spec.vars, spec.mutexes, spec.pages);
    println!("initial {:?}", spec.initial);
}
