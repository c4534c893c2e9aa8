//! "Prove it": sim-core's exhaustive explorer (`explore::explore`, then `shortest_lost_wakeup`
//! for a counterexample, as `wqsim explore` does) in a web worker of its own
//! (`src/bin/prove_worker.rs`, started by `prove_worker_loader.js` on the first proof only).
//!
//! The explorer runs to its end in one call: it cannot yield to the worker's event loop, so the
//! worker cannot read a Stop message. The page stops a proof by terminating the worker instead
//! (at once), and starts a fresh one for the next proof. Progress goes out from the explorer's
//! callback (every 4,096 transitions), at most every 100 ms: a worker's `postMessage` is
//! delivered while it computes.
//!
//! A worker's messages sent before its wasm has loaded would find no listener: the worker says
//! `{ready: true}` once it listens, and the page sends the request then.
//!
//! The same worker answers the page's other search: how short a race made by hand can be (the
//! breadth-first `shortest_lost_wakeup` alone), so that the explorer is not in the page's wasm.
//!
//! Messages are plain: the request is `"<id> <task> <link>"`, where the task is `prove` or
//! `shortest` and the link (`Session::proof_target`) names the scenario, variant and parameters; reports are JS objects with the fields of
//! [`Report`]. Anything unreadable becomes an error on screen, never a panic.

use js_sys::{Object, Reflect};
use sim_core::explore::shortest::{shortest_lost_wakeup, Shortest};
use sim_core::explore::{explore, Config};
use sim_core::oracle::VerdictKind;
use sim_core::share::Link;
use sim_core::Schedule;
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;

/// The worker's entry script, relative to the page.
pub const LOADER: &str = "prove_worker_loader.js";

/// The most states one proof in the page may visit (the CLI's default too).
pub const MAX_STATES: u64 = 5_000_000;

/// States the search for the shortest race made by hand may visit (a few hundred milliseconds).
pub const SHORTEST_MAX_STATES: u64 = 200_000;

/// What the worker is asked to do.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Task {
    /// "Prove it": explore every schedule, then find the shortest counterexample.
    Prove,
    /// The shortest lost wakeup only: what a race made by hand is scored against.
    Shortest,
}

impl Task {
    fn word(self) -> &'static str {
        match self {
            Task::Prove => "prove",
            Task::Shortest => "shortest",
        }
    }
}

/// Milliseconds between progress reports.
const REPORT_MS: f64 = 100.0;

/// A run that ends badly, found by the proof.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Found {
    /// `lost wakeup`, `deadlock`, ...
    pub kind: String,
    /// The run as a share link (manual choices, at its end).
    pub link: String,
    pub steps: usize,
    /// Breadth-first: no shorter run ends this way.
    pub shortest: bool,
}

/// What the worker says: progress while it explores, then the outcome.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Report {
    pub id: u32,
    /// The last report of this proof.
    pub done: bool,
    /// `explore`, then `shortest` while it looks for the shortest counterexample.
    pub phase: String,
    pub states: u64,
    pub transitions: u64,
    /// Milliseconds since the worker started the proof.
    pub ms: f64,
    /// Every reachable state was explored.
    pub complete: bool,
    pub found: Option<Found>,
    pub error: Option<String>,
}

fn set(o: &Object, k: &str, v: JsValue) {
    let _ = Reflect::set(o, &JsValue::from_str(k), &v);
}

fn get(o: &JsValue, k: &str) -> JsValue {
    Reflect::get(o, &JsValue::from_str(k)).unwrap_or(JsValue::UNDEFINED)
}

impl Report {
    pub fn to_js(&self) -> JsValue {
        let o = Object::new();
        set(&o, "id", self.id.into());
        set(&o, "done", self.done.into());
        set(&o, "phase", self.phase.as_str().into());
        set(&o, "states", (self.states as f64).into());
        set(&o, "transitions", (self.transitions as f64).into());
        set(&o, "ms", self.ms.into());
        set(&o, "complete", self.complete.into());
        if let Some(f) = &self.found {
            set(&o, "kind", f.kind.as_str().into());
            set(&o, "link", f.link.as_str().into());
            set(&o, "steps", (f.steps as f64).into());
            set(&o, "shortest", f.shortest.into());
        }
        if let Some(e) = &self.error {
            set(&o, "error", e.as_str().into());
        }
        o.into()
    }

    pub fn from_js(v: &JsValue) -> Result<Report, String> {
        let num = |k| get(v, k).as_f64().ok_or_else(|| format!("a proof report without '{k}'"));
        let link = get(v, "link").as_string();
        Ok(Report {
            id: num("id")? as u32,
            done: get(v, "done").as_bool().unwrap_or(false),
            phase: get(v, "phase").as_string().unwrap_or_default(),
            states: num("states")? as u64,
            transitions: num("transitions")? as u64,
            ms: num("ms")?,
            complete: get(v, "complete").as_bool().unwrap_or(false),
            found: link.map(|link| Found {
                kind: get(v, "kind").as_string().unwrap_or_default(),
                link,
                steps: get(v, "steps").as_f64().unwrap_or(0.0) as usize,
                shortest: get(v, "shortest").as_bool().unwrap_or(false),
            }),
            error: get(v, "error").as_string(),
        })
    }

    /// States explored per second so far.
    pub fn rate(&self) -> Option<f64> {
        (self.ms >= 50.0).then(|| self.states as f64 * 1000.0 / self.ms)
    }
}

/// The request for job `id`, `task` on `target` (a `Session::proof_target` link).
pub fn request(id: u32, task: Task, target: &str) -> String {
    format!("{id} {} {target}", task.word())
}

/// Run one proof, reporting through `post`.
pub fn prove(request: &str, now: &dyn Fn() -> f64, post: &mut dyn FnMut(&Report)) {
    let start = now();
    let mut words = request.splitn(3, ' ');
    let (id, task, target) = (words.next().unwrap_or(""), words.next().unwrap_or(""), words.next().unwrap_or(""));
    let id = id.parse().unwrap_or(0);
    let fail = |e: String| Report { id, done: true, error: Some(e), ..Report::default() };
    let Some(task) = [Task::Prove, Task::Shortest].into_iter().find(|t| t.word() == task) else {
        return post(&fail(format!("the proof worker has no task '{task}'")));
    };
    let spec = match Link::decode(target).and_then(|l| {
        let sc = l.scenario.load()?;
        Ok((sc.spec_in(Some(&l.variant), &l.params, l.memory)?, l))
    }) {
        Ok(s) => s,
        Err(e) => return post(&fail(e.to_string())),
    };
    let (spec, link) = spec;
    let mut last = start;
    let mut progress = |phase: &str, stats: &sim_core::explore::Stats, post: &mut dyn FnMut(&Report)| {
        let t = now();
        if t - last >= REPORT_MS {
            last = t;
            post(&Report {
                id,
                phase: phase.into(),
                states: stats.states,
                transitions: stats.transitions,
                ms: t - start,
                ..Report::default()
            });
        }
        true
    };
    let as_found = |schedule: Schedule, kind: &str, shortest: bool| {
        let steps = schedule.0.len();
        let run = Link { manual: true, choices: schedule, step: steps as u32, ..link.clone() };
        Found { kind: kind.into(), link: run.encode(), steps, shortest }
    };
    if task == Task::Shortest {
        let (shortest, stats) =
            shortest_lost_wakeup(&spec, &Config { max_states: SHORTEST_MAX_STATES, ..Config::default() }, &mut |s| {
                progress("shortest", s, post)
            });
        let (complete, found) = match shortest {
            Shortest::Found(s) => (true, Some(as_found(s, "lost wakeup", true))),
            Shortest::None => (true, None),
            Shortest::Incomplete => (false, None),
        };
        let (states, transitions) = (stats.states, stats.transitions);
        let phase = "shortest".into();
        return post(&Report {
            id,
            done: true,
            phase,
            states,
            transitions,
            ms: now() - start,
            complete,
            found,
            error: None,
        });
    }
    post(&Report { id, phase: "explore".into(), ..Report::default() });
    let cfg = Config { max_states: MAX_STATES, ..Config::default() };
    let report = explore(&spec, cfg, &mut |s| progress("explore", s, post));
    let explored = report.stats;
    let found = report.found.map(|found| {
        let shortest = match found.kind {
            VerdictKind::LostWakeup => {
                match shortest_lost_wakeup(&spec, &cfg, &mut |s| progress("shortest", s, post)).0 {
                    Shortest::Found(s) => Some(s),
                    _ => None,
                }
            }
            _ => None,
        };
        let is_shortest = shortest.is_some();
        let schedule: Schedule = shortest.unwrap_or(found.schedule);
        as_found(schedule, &found.kind.name().replace('_', " "), is_shortest)
    });
    post(&Report {
        id,
        done: true,
        phase: "explore".into(),
        states: explored.states,
        transitions: explored.transitions,
        ms: now() - start,
        complete: report.complete,
        found,
        error: None,
    });
}

/// The worker's side: answer each request with reports.
pub fn serve() {
    let scope: web_sys::DedicatedWorkerGlobalScope = js_sys::global().unchecked_into();
    let out = scope.clone();
    let on_message = Closure::<dyn FnMut(web_sys::MessageEvent)>::new(move |e: web_sys::MessageEvent| {
        let text = e.data().as_string().unwrap_or_default();
        prove(&text, &js_sys::Date::now, &mut |r| {
            let _ = out.post_message(&r.to_js());
        });
    });
    scope.set_onmessage(Some(on_message.as_ref().unchecked_ref()));
    on_message.forget();
    let ready = Object::new();
    set(&ready, "ready", true.into());
    let _ = scope.post_message(&ready);
}

/// The page's side: a worker running one proof; dropping it ends the worker (Stop).
pub struct Runner {
    worker: web_sys::Worker,
    _on_message: Closure<dyn FnMut(web_sys::MessageEvent)>,
    _on_error: Closure<dyn FnMut(web_sys::Event)>,
}

impl Runner {
    /// Start a worker on job `id`, `task` on `target`; `heard` gets its reports, or why it
    /// failed.
    pub fn start(
        id: u32,
        task: Task,
        target: &str,
        heard: impl Fn(Result<Report, String>) + 'static,
    ) -> Result<Runner, String> {
        let worker = web_sys::Worker::new(LOADER).map_err(|e| format!("the proof worker could not start: {e:?}"))?;
        let heard = std::rc::Rc::new(heard);
        let h = heard.clone();
        let (w, request) = (worker.clone(), request(id, task, target));
        let on_message = Closure::<dyn FnMut(web_sys::MessageEvent)>::new(move |e: web_sys::MessageEvent| {
            let data = e.data();
            if get(&data, "ready").as_bool() == Some(true) {
                if let Err(e) = w.post_message(&JsValue::from_str(&request)) {
                    h(Err(format!("the proof worker could not be asked: {e:?}")));
                }
            } else {
                h(Report::from_js(&data));
            }
        });
        let on_error = Closure::<dyn FnMut(web_sys::Event)>::new(move |e: web_sys::Event| {
            e.prevent_default();
            heard(Err(format!("the proof worker failed: is {LOADER} served next to the page?")));
        });
        worker.set_onmessage(Some(on_message.as_ref().unchecked_ref()));
        worker.set_onerror(Some(on_error.as_ref().unchecked_ref()));
        Ok(Runner { worker, _on_message: on_message, _on_error: on_error })
    }
}

impl Drop for Runner {
    fn drop(&mut self) {
        self.worker.set_onmessage(None);
        self.worker.set_onerror(None);
        self.worker.terminate();
    }
}

#[cfg(test)]
mod tests {
    use wasm_bindgen_test::*;

    use super::*;

    wasm_bindgen_test_configure!(run_in_browser);

    fn run(target: &str) -> Vec<Report> {
        let mut out = vec![];
        let t = std::cell::Cell::new(0.0);
        // A clock that moves 50 ms per reading: every other callback reports.
        let now = || {
            t.set(t.get() + 50.0);
            t.get()
        };
        prove(&request(3, Task::Prove, target), &now, &mut |r| out.push(r.clone()));
        out
    }

    #[wasm_bindgen_test]
    fn a_fix_is_proved_and_a_bug_ends_in_its_shortest_race_as_a_link() {
        let reports = run("wq1/check-then-sleep/set-state-first/manual/0///0");
        let last = reports.last().unwrap();
        assert!(last.done && last.complete && last.found.is_none() && last.error.is_none(), "{last:?}");
        assert_eq!(last.states, 21);
        let reports = run("wq1/pipe-splice/v5.8/manual/0/writes=3//0");
        let last = Report::from_js(&reports.last().unwrap().to_js()).unwrap();
        let found = last.found.unwrap();
        assert!(found.shortest);
        assert_eq!(found.steps, 34);
        let rec = sim_core::recording::Recording::from_link(&Link::decode(&found.link).unwrap()).unwrap();
        assert!(matches!(rec.verdict, Some(sim_core::Verdict::LostWakeup(_))));
        assert!(reports.iter().all(|r| r.id == 3));
    }

    /// The search for the shortest race alone: pipe v5.8 with 3 writes races in 34 steps at
    /// the shortest, and a fix has no race.
    #[wasm_bindgen_test]
    fn the_shortest_race_is_found_alone() {
        let shortest = |target: &str| {
            let mut out = vec![];
            prove(&request(4, Task::Shortest, target), &|| 0.0, &mut |r| out.push(r.clone()));
            out.pop().unwrap()
        };
        let last = shortest("wq1/pipe-splice/v5.8/manual/0/writes=3//0");
        assert!(last.done && last.complete, "{last:?}");
        assert_eq!(last.found.map(|f| f.steps), Some(34));
        let last = shortest("wq1/check-then-sleep/set-state-first/manual/0///0");
        assert!(last.done && last.complete && last.found.is_none(), "{last:?}");
    }

    #[wasm_bindgen_test]
    fn a_bad_request_is_an_error() {
        let reports = run("wq1/no-such/v1/manual/0///0");
        assert!(reports[0].error.as_deref().unwrap().contains("no-such"));
        assert!(Report::from_js(&JsValue::from_str("hello")).is_err());
    }
}
