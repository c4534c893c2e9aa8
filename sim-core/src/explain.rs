//! Why a choice cannot happen now, in the words of a greyed button: `World::not_enabled`'s
//! reason, with the holder of what the task waits for ("W waits for pipe->mutex, held by R").

use crate::error::Error;
use crate::world::{Choice, World};

/// Why `c` cannot happen in `world`, as one short sentence.
pub fn why_not(world: &World, c: Choice) -> String {
    let t = c.task();
    let task = world.kernel.tasks.get(t.index());
    // A task on its run queue that cannot step waits for the pipe mutex (the one lock a step
    // can block on in this model: `World::not_enabled`).
    let waits_for_mutex = matches!(c, Choice::Step(_))
        && task.is_some_and(|task| task.exit.is_none() && task.on_rq)
        && !world.is_enabled(c);
    match world.kernel.pipe.mutex {
        Some(holder) if waits_for_mutex => {
            let spec = world.spec();
            format!("{} waits for pipe->mutex, held by {}", spec.task_name(t), spec.task_name(holder))
        }
        _ => match world.not_enabled(c) {
            Error::NotEnabled { why, .. } => why,
            e => e.to_string(),
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ids::TaskId;
    use crate::library;

    #[test]
    fn a_task_blocked_on_the_pipe_mutex_names_its_holder() {
        let spec = library::find("pipe-splice").unwrap().spec(Some("v5.8"), &[]).unwrap();
        let (r, w) = (spec.task_by_name("R").unwrap(), spec.task_by_name("W").unwrap());
        let mut world = World::new(spec);
        world.apply(Choice::Step(w), &mut ()).unwrap();
        world.apply(Choice::Step(w), &mut ()).unwrap();
        assert!(!world.is_enabled(Choice::Step(r)));
        assert_eq!(why_not(&world, Choice::Step(r)), "R waits for pipe->mutex, held by W");
        // Other reasons are the world's own.
        let spec = library::find("check-then-sleep").unwrap().spec(None, &[]).unwrap();
        let world = World::new(spec);
        assert_eq!(why_not(&world, Choice::Signal(TaskId(0))), "A may not receive a signal in this scenario");
    }
}
