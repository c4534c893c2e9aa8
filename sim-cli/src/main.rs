fn main() { println!("{}", sim_core::version()); }
