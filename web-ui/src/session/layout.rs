//! How the page is laid out (`View`): presentation mode, embed, the fix beside the bug and the
//! lesson, read from and written to the URL's query.

use crate::lesson::LESSONS;

/// How the page is laid out, kept in the URL's query (`?present&compare`), beside the run's
/// `#wq1/...` link, so every link made before still opens the same run.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct View {
    /// Presentation mode: the whole race on one screen, in large type.
    pub present: bool,
    /// The compact layout of an embedded run (an iframe on a course page).
    pub embed: bool,
    /// The fix beside the bug: the other variant on the same schedule, in lockstep.
    pub compare: bool,
    /// The lesson under way (an index into `lesson::LESSONS`).
    pub lesson: Option<usize>,
}

impl View {
    /// Read `?present&embed&compare&lesson=2` (unknown words are ignored).
    pub fn parse(query: &str) -> View {
        let mut v = View::default();
        for word in query.trim_start_matches('?').split('&') {
            match word.split_once('=') {
                None if word == "present" => v.present = true,
                None if word == "embed" => v.embed = true,
                None if word == "compare" => v.compare = true,
                Some(("lesson", n)) => {
                    v.lesson = n.parse::<usize>().ok().and_then(|n| n.checked_sub(1)).filter(|&i| i < LESSONS.len())
                }
                _ => {}
            }
        }
        v
    }

    /// The query, with its `?`, or nothing.
    pub fn query(&self) -> String {
        let mut words: Vec<String> = Vec::new();
        for (on, word) in [(self.present, "present"), (self.embed, "embed"), (self.compare, "compare")] {
            if on {
                words.push(word.into());
            }
        }
        if let Some(i) = self.lesson {
            words.push(format!("lesson={}", i + 1));
        }
        if words.is_empty() {
            String::new()
        } else {
            format!("?{}", words.join("&"))
        }
    }
}

#[cfg(test)]
mod tests {
    use wasm_bindgen_test::*;

    use super::*;

    /// The view's query reads back as written; a link without one is the plain page, and words
    /// the page does not know are ignored (a link made by a later page still opens).
    #[wasm_bindgen_test]
    fn the_view_survives_the_query() {
        let all = View { present: true, embed: true, compare: true, lesson: Some(1) };
        assert_eq!(all.query(), "?present&embed&compare&lesson=2");
        assert_eq!(View::parse(&all.query()), all);
        assert_eq!(View::parse(""), View::default());
        assert_eq!(View::default().query(), "");
        assert_eq!(View::parse("?present&zoom=3&lesson=9"), View { present: true, ..View::default() });
    }
}
