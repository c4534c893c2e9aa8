//! Symmetry reduction (Ip and Dill 1996, "Better Verification Through Symmetry"): tasks that run
//! the same program with the same rights, start alike, and that no program names are
//! interchangeable. Permuting them maps every execution to an execution, so a state and its
//! permutations have the same futures up to that permutation, and the explorers store one of
//! them: the state with each group's tasks sorted by their identity (their own state, then where
//! queues, mutexes and pages refer to them, `Kernel::identities`).
//!
//! Any permutation within the groups is sound (it names a state the search really reaches, up
//! to symmetry); the sort only makes permutations of one state meet. Two tasks with equal
//! identities are in the same place in everything, so swapping them changes nothing.

use crate::ids::TaskId;
use crate::kernel::{Kernel, Naming, IDENTITY_MAX};
use crate::limits::MAX_TASKS;
use crate::program::{Op, Prim};
use crate::spec::Spec;

/// The groups of interchangeable tasks of a spec.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Symmetry {
    /// Each group's tasks, by index; only groups of two or more.
    groups: Vec<Vec<u8>>,
    /// The tasks in any group, as a mask of indices.
    members: u8,
}

/// A permutation of the tasks: the one that puts a state in canonical form.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Renaming {
    /// The task that goes to position `i`.
    at: [u8; MAX_TASKS],
    /// The position (new name) of task `t`.
    name: [u8; MAX_TASKS],
}

impl Naming for Renaming {
    #[inline]
    fn task_at(&self, i: usize) -> usize {
        usize::from(self.at[i])
    }

    #[inline]
    fn name(&self, t: TaskId) -> u8 {
        self.name[t.index()]
    }
}

impl Renaming {
    fn identity() -> Renaming {
        let ids = std::array::from_fn(|i| i as u8);
        Renaming { at: ids, name: ids }
    }

    pub fn task(&self, t: TaskId) -> TaskId {
        TaskId(self.name(t))
    }

    /// A set of choices (bit `t`: a step of task `t`; bit `8 + t`: a signal to it; bit `16 + t`:
    /// a flush of its CPU's store buffer) under the new names.
    pub fn rename_mask(&self, mask: u32) -> u32 {
        self.permute(mask, &self.name)
    }

    /// A set of choices under the new names back under the tasks' own.
    pub fn restore_mask(&self, mask: u32) -> u32 {
        self.permute(mask, &self.at)
    }

    fn permute(&self, mask: u32, to: &[u8; MAX_TASKS]) -> u32 {
        let mut out = 0;
        let mut rest = mask;
        while rest != 0 {
            let bit = rest.trailing_zeros() as usize;
            rest &= rest - 1;
            let (half, t) = (bit / 8 * 8, bit % 8);
            out |= 1 << (half + usize::from(to[t]));
        }
        out
    }
}

impl Symmetry {
    /// The interchangeable tasks of `spec`: same role, program, signal right and initial state,
    /// and not named by any program (`wake_up_process(p)` of a particular task).
    pub fn of(spec: &Spec) -> Symmetry {
        let named: Vec<TaskId> = spec
            .programs
            .iter()
            .flat_map(|p| &p.instrs)
            .filter_map(|i| match i.op {
                Op::Call { prim: Prim::WakeUpProcess { task: Some(t), .. }, .. } => Some(t),
                _ => None,
            })
            .collect();
        let mut groups: Vec<Vec<u8>> = Vec::new();
        for (i, t) in spec.tasks.iter().enumerate() {
            if named.contains(&TaskId(i as u8)) {
                continue;
            }
            let alike = |&j: &u8| {
                let u = &spec.tasks[usize::from(j)];
                (&u.role, u.program, u.signalable) == (&t.role, t.program, t.signalable)
                    && spec.initial.tasks[usize::from(j)] == spec.initial.tasks[i]
            };
            match groups.iter_mut().find(|g| alike(&g[0])) {
                Some(g) => g.push(i as u8),
                None => groups.push(vec![i as u8]),
            }
        }
        groups.retain(|g| g.len() > 1);
        let members = groups.iter().flatten().fold(0, |m, &t| m | 1 << t);
        Symmetry { groups, members }
    }

    /// No two tasks are interchangeable: every renaming is the identity.
    pub fn is_trivial(&self) -> bool {
        self.groups.is_empty()
    }

    /// The groups of interchangeable tasks, for the CLI's report.
    pub fn groups(&self) -> impl Iterator<Item = impl Iterator<Item = TaskId> + '_> {
        self.groups.iter().map(|g| g.iter().map(|&t| TaskId(t)))
    }

    /// The renaming that puts `k` in canonical form: within each group, tasks in the order of
    /// their identities (ties keep their order: such tasks are interchangeable in `k` itself).
    pub fn canonical(&self, k: &Kernel) -> Renaming {
        let mut r = Renaming::identity();
        let mut ids = [[0u8; IDENTITY_MAX]; MAX_TASKS];
        let lens = k.identities(self.members, &mut ids);
        // By identity, as byte strings; their first 16 bytes (zero-padded) as one number decide
        // almost every comparison, and order them as the strings do.
        let mut heads = [0u128; MAX_TASKS];
        for (t, head) in heads.iter_mut().enumerate().filter(|&(t, _)| self.members & 1 << t != 0) {
            *head = ids[t].first_chunk::<16>().map_or(0, |h| u128::from_be_bytes(*h));
        }
        let order = |a: &u8, b: &u8| {
            let (a, b) = (usize::from(*a), usize::from(*b));
            heads[a].cmp(&heads[b]).then_with(|| ids[a][..lens[a]].cmp(&ids[b][..lens[b]]))
        };
        for g in &self.groups {
            let mut sorted = [0u8; MAX_TASKS];
            sorted[..g.len()].copy_from_slice(g);
            sorted[..g.len()].sort_by(order);
            // The group's positions, in order, receive its tasks in sorted order.
            for (&place, &t) in g.iter().zip(&sorted[..g.len()]) {
                r.at[usize::from(place)] = t;
                r.name[usize::from(t)] = place;
            }
        }
        r
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn masks_round_trip_through_a_renaming() {
        // Tasks 1, 2 and 3 rotate: 1 goes to position 3, 2 to 1, 3 to 2.
        let mut r = Renaming::identity();
        r.at[1] = 2;
        r.at[2] = 3;
        r.at[3] = 1;
        r.name[2] = 1;
        r.name[3] = 2;
        r.name[1] = 3;
        let steps_1_signal_3 = 1 << 1 | 1 << (8 + 3);
        let renamed = r.rename_mask(steps_1_signal_3);
        assert_eq!(renamed, 1 << 3 | 1 << (8 + 2));
        assert_eq!(r.restore_mask(renamed), steps_1_signal_3);
        assert_eq!(r.task(TaskId(1)), TaskId(3));
    }
}
