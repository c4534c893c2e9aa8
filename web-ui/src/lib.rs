//! The wqsim page. For now: the scenario gallery, each scenario's default run computed in the
//! browser by sim-core, with its verdict and trace hash. The teaching page is issue 4.

use sim_core::strategy::StrategyKind;
use sim_core::{library, run, Scenario, Verdict, World};
use yew::prelude::*;

/// The default run of `scenario`: its default variant, the random strategy, its default seed.
fn default_run(scenario: &Scenario) -> Result<sim_core::Outcome, sim_core::Error> {
    let spec = scenario.spec(None, &[])?;
    let mut world = World::new(spec);
    let mut strategy = StrategyKind::Random.build(scenario.default_seed, &world);
    run::run(&mut world, &mut *strategy, &mut ())
}

fn verdict_text(v: &Verdict) -> String {
    match v {
        Verdict::LostWakeup(l) => format!("lost wakeup: {} sleeps forever. {}", l.waiter, l.reason),
        other => other.kind().name().to_string(),
    }
}

#[function_component(ScenarioCard)]
fn scenario_card(props: &CardProps) -> Html {
    let s = props.scenario;
    let result = match default_run(s) {
        Ok(o) => format!("{} (steps {}, trace {:016x})", verdict_text(&o.verdict), o.steps, o.trace_hash),
        Err(e) => e.to_string(),
    };
    html! {
        <article class="card" data-scenario={s.id.clone()}>
            <h2>{ &s.title }</h2>
            <p class="about">{ &s.description }</p>
            <ul class="variants">
                { for s.variants.iter().map(|v| html! { <li>{ &v.label }</li> }) }
            </ul>
            <p class="verdict">
                { format!("{} at seed {}: ", s.default_variant, s.default_seed) }{ result }
            </p>
        </article>
    }
}

#[derive(Properties, PartialEq)]
struct CardProps {
    scenario: &'static Scenario,
}

#[function_component(App)]
pub fn app() -> Html {
    html! {
        <main>
            <header>
                <h1 id="app-title">{ "wqsim" }</h1>
                <p>{ "Lost wakeups in the Linux wait-queue API, step by step." }</p>
                <p class="version" id="app-version">{ format!("sim-core {}", sim_core::version()) }</p>
            </header>
            <section class="gallery">
                { for library::scenarios().iter().map(|s| html! { <ScenarioCard scenario={s} /> }) }
            </section>
        </main>
    }
}

pub fn run() {
    yew::Renderer::<App>::new().render();
}
