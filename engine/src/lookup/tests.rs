#![allow(clippy::unwrap_used, clippy::expect_used)] // test code may panic

#[test]
fn debug_explain() {
    let Some(dir) = std::env::var_os("TOKENYAR_LOOKUP_KB") else { return };
    let Some(q) = std::env::var_os("Q") else { return };
    let (kb, _) = crate::kb::Kb::load(&crate::kb::Source::from_dir(std::path::Path::new(&dir)).unwrap());
    let index = super::Index::build(&kb);
    let q = q.to_string_lossy();
    println!("{}", index.explain(&q));
    for h in index.search(&q, 5) { println!("{} {} {:?}", h.score, h.node, h.matched); }
}
