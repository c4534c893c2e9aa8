//! "Prove it"'s web worker. Trunk builds this bin for `data-type="worker"` in index.html; the
//! page starts it through `prove_worker_loader.js` on the first proof, and ends it (terminate)
//! to stop one. Its `main` runs when the worker loads and answers requests with
//! [`web_ui::prove::serve`].

fn main() {
    web_ui::prove::serve();
}
