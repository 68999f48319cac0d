//! Roadmap rules: lanes (now / next / later), months on a timeline, where a
//! moved item lands in its lane, the timeline's axis (by month or by
//! quarter, with today's line) and grouping items by goal.
//!
//! Everything here is pure: "today" is passed in, so the axis can be tested
//! on any date.

use crate::FieldError;
use crate::time::Date;

vocabulary!(
    /// The three horizons of a roadmap, in the order they are shown.
    Lane {
        Now => "now",
        Next => "next",
        Later => "later",
    }
);

vocabulary!(
    /// How wide one column of the timeline is.
    Scale {
        Month => "month",
        Quarter => "quarter",
    }
);

/// The longest stretch one item may span on the timeline, in months: a
/// roadmap plans years, not decades, and the axis must stay drawable.
pub const MAX_SPAN_MONTHS: i32 = 60;

/// A calendar month, `YYYY-MM` on the wire.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Month {
    /// Months since year 0 (year × 12 + month − 1): ordering and arithmetic
    /// are plain integer operations.
    index: i32,
}

const MONTH_NAMES: [&str; 12] = [
    "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
];

impl Month {
    /// Parses `YYYY-MM` (years 1900–2999: anything else is a typo).
    pub fn parse(field: &str, s: &str) -> Result<Self, FieldError> {
        let bad = || FieldError::new(field, "must be a month as YYYY-MM");
        let (y, m) = s.trim().split_once('-').ok_or_else(bad)?;
        if y.len() != 4 || m.len() != 2 || !(y.chars().chain(m.chars())).all(|c| c.is_ascii_digit())
        {
            return Err(bad());
        }
        let year: i32 = y.parse().map_err(|_| bad())?;
        let month: i32 = m.parse().map_err(|_| bad())?;
        if !(1..=12).contains(&month) || !(1900..=2999).contains(&year) {
            return Err(FieldError::new(
                field,
                "must be a real month as YYYY-MM (01 to 12, years 1900 to 2999)",
            ));
        }
        Ok(Month {
            index: year * 12 + month - 1,
        })
    }

    /// The month a date falls in.
    pub fn of(date: Date) -> Self {
        let d = date.inner();
        Month {
            index: d.year() * 12 + i32::from(u8::from(d.month())) - 1,
        }
    }

    pub fn year(&self) -> i32 {
        self.index.div_euclid(12)
    }

    /// 1 to 12.
    pub fn number(&self) -> i32 {
        self.index.rem_euclid(12) + 1
    }

    /// 1 to 4.
    pub fn quarter(&self) -> i32 {
        (self.number() - 1) / 3 + 1
    }

    /// The first month of this month's quarter.
    pub fn quarter_start(&self) -> Month {
        Month {
            index: self.index - self.index.rem_euclid(3),
        }
    }

    /// `n` months later (earlier for negative `n`).
    pub fn plus(&self, n: i32) -> Month {
        Month {
            index: self.index + n,
        }
    }

    /// Months from `self` to `later` (negative when `later` is earlier).
    pub fn months_until(&self, later: Month) -> i32 {
        later.index - self.index
    }

    /// `YYYY-MM`.
    pub fn as_string(&self) -> String {
        format!("{:04}-{:02}", self.year(), self.number())
    }

    /// `Mar 2027`.
    pub fn label(&self) -> String {
        format!(
            "{} {}",
            MONTH_NAMES[(self.number() - 1) as usize],
            self.year()
        )
    }
}

/// Checks an item's stretch on the timeline: both months or neither; an end
/// without a start, an end before the start or a stretch over
/// [`MAX_SPAN_MONTHS`] is refused naming the field to fix.
pub fn span(
    start: Option<Month>,
    end: Option<Month>,
) -> Result<Option<(Month, Month)>, FieldError> {
    match (start, end) {
        (None, None) => Ok(None),
        (Some(s), None) => Ok(Some((s, s))),
        (None, Some(_)) => Err(FieldError::new(
            "start_month",
            "give the start month too (an end needs a start)",
        )),
        (Some(s), Some(e)) if e < s => Err(FieldError::new(
            "end_month",
            "must not be before start_month",
        )),
        (Some(s), Some(e)) if s.months_until(e) >= MAX_SPAN_MONTHS => Err(FieldError::new(
            "end_month",
            format!("must be within {MAX_SPAN_MONTHS} months of start_month"),
        )),
        (Some(s), Some(e)) => Ok(Some((s, e))),
    }
}

/// Where an item goes relative to another of the lane it moves to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Anchor<'a> {
    /// Last in the lane.
    End,
    Before(&'a str),
    After(&'a str),
}

/// The lane's new order after `moved` lands at `anchor`. `lane` is the
/// target lane's order before the move (it may contain `moved` when the item
/// stays in its lane); an anchor not in the lane puts the item last.
pub fn place(lane: &[String], moved: &str, anchor: Anchor<'_>) -> Vec<String> {
    let mut order: Vec<String> = lane.iter().filter(|id| *id != moved).cloned().collect();
    let at = match anchor {
        Anchor::End => None,
        Anchor::Before(a) => order.iter().position(|id| id == a),
        Anchor::After(a) => order.iter().position(|id| id == a).map(|p| p + 1),
    };
    order.insert(at.unwrap_or(order.len()), moved.to_string());
    order
}

/// One column of the timeline's axis.
#[derive(Debug, Clone, PartialEq)]
pub struct Column {
    /// `Mar 2027` or `Q1 2027`.
    pub label: String,
    /// The column's first month, as months from the axis start.
    pub offset: i32,
    /// 1 for a month, 3 for a quarter.
    pub months: i32,
}

/// The timeline's horizontal axis: where it starts, its columns, and where
/// today's line falls (in months from the start, fractional by day).
#[derive(Debug, Clone, PartialEq)]
pub struct Axis {
    pub start: Month,
    pub months: i32,
    pub columns: Vec<Column>,
    pub today: f64,
}

impl Axis {
    /// Where a stretch sits: (offset from the axis start, length), in months.
    pub fn bar(&self, start: Month, end: Month) -> (i32, i32) {
        (self.start.months_until(start), start.months_until(end) + 1)
    }
}

/// How many months an empty timeline shows from today.
const EMPTY_MONTHS: i32 = 6;

/// The axis covering every stretch and today: from the earliest start (or
/// today's month, if earlier) to the latest end (or today's), widened to
/// whole quarters for the quarter scale. Without any stretch it shows the
/// next [`EMPTY_MONTHS`] months from today.
pub fn axis(stretches: &[(Month, Month)], today: Date, scale: Scale) -> Axis {
    let now = Month::of(today);
    let first = stretches
        .iter()
        .map(|s| s.0)
        .chain([now])
        .min()
        .unwrap_or(now);
    let last = stretches
        .iter()
        .map(|s| s.1)
        .chain([if stretches.is_empty() {
            now.plus(EMPTY_MONTHS - 1)
        } else {
            now
        }])
        .max()
        .unwrap_or(now);
    let (start, step) = match scale {
        Scale::Month => (first, 1),
        Scale::Quarter => (first.quarter_start(), 3),
    };
    let mut months = start.months_until(last) + 1;
    if months % step != 0 {
        months += step - months % step;
    }
    let columns = (0..months / step)
        .map(|i| {
            let m = start.plus(i * step);
            Column {
                label: match scale {
                    Scale::Month => m.label(),
                    Scale::Quarter => format!("Q{} {}", m.quarter(), m.year()),
                },
                offset: i * step,
                months: step,
            }
        })
        .collect();
    let d = today.inner();
    let days = f64::from(time::util::days_in_month(d.month(), d.year()));
    let into_month = f64::from(d.day() - 1) / days;
    Axis {
        start,
        months,
        columns,
        today: f64::from(start.months_until(now)) + into_month,
    }
}

/// One group of the "by goal" view: a goal (its index in the goal list) or
/// `None` for items linked to no goal, with the indexes of its items.
#[derive(Debug, Clone, PartialEq)]
pub struct GoalGroup {
    pub goal: Option<usize>,
    pub items: Vec<usize>,
}

/// Groups items by goal. `goals` are the goal ids in the order shown;
/// `links[i]` the goal ids of item `i`. An item serving two goals appears
/// under both; goals without items are left out; items linked to no listed
/// goal form the last group, "No goal". Items keep their order within a
/// group.
pub fn group_by_goal(goals: &[String], links: &[Vec<String>]) -> Vec<GoalGroup> {
    let mut groups: Vec<GoalGroup> = goals
        .iter()
        .enumerate()
        .map(|(g, id)| GoalGroup {
            goal: Some(g),
            items: (0..links.len())
                .filter(|&i| links[i].contains(id))
                .collect(),
        })
        .filter(|g| !g.items.is_empty())
        .collect();
    let orphans: Vec<usize> = (0..links.len())
        .filter(|&i| !links[i].iter().any(|l| goals.contains(l)))
        .collect();
    if !orphans.is_empty() {
        groups.push(GoalGroup {
            goal: None,
            items: orphans,
        });
    }
    groups
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;
    use proptest::prelude::*;

    fn m(s: &str) -> Month {
        Month::parse("m", s).unwrap()
    }

    fn d(s: &str) -> Date {
        Date::parse("d", s).unwrap()
    }

    fn ids(v: &[&str]) -> Vec<String> {
        v.iter().map(|s| s.to_string()).collect()
    }

    #[test]
    fn months_parse_strictly() {
        let cases = [
            ("2027-01", Some("2027-01")),
            (" 2027-12 ", Some("2027-12")),
            ("2027-13", None),
            ("2027-00", None),
            ("2027-1", None),
            ("27-01", None),
            ("2027/01", None),
            ("2027-01-05", None),
            ("+027-01", None),
            ("1899-12", None),
            ("", None),
        ];
        for (input, want) in cases {
            let got = Month::parse("start_month", input)
                .ok()
                .map(|m| m.as_string());
            assert_eq!(got.as_deref(), want, "{input:?}");
        }
        let err = Month::parse("start_month", "soon").unwrap_err();
        assert_eq!(err.field, "start_month");
    }

    #[test]
    fn month_arithmetic_and_labels() {
        assert_eq!(m("2027-11").plus(3).as_string(), "2028-02");
        assert_eq!(m("2027-01").plus(-1).as_string(), "2026-12");
        assert_eq!(m("2027-02").months_until(m("2028-02")), 12);
        assert_eq!(m("2027-08").quarter(), 3);
        assert_eq!(m("2027-08").quarter_start().as_string(), "2027-07");
        assert_eq!(m("2027-03").label(), "Mar 2027");
        assert_eq!(Month::of(d("2027-12-31")).as_string(), "2027-12");
    }

    #[test]
    fn spans_need_a_start_and_an_order() {
        type Case<'a> = (
            Option<&'a str>,
            Option<&'a str>,
            Result<Option<(&'a str, &'a str)>, &'a str>,
        );
        let cases: [Case<'_>; 6] = [
            (None, None, Ok(None)),
            (Some("2027-01"), None, Ok(Some(("2027-01", "2027-01")))),
            (
                Some("2027-01"),
                Some("2027-03"),
                Ok(Some(("2027-01", "2027-03"))),
            ),
            (None, Some("2027-03"), Err("start_month")),
            (Some("2027-04"), Some("2027-03"), Err("end_month")),
            (Some("2027-01"), Some("2032-01"), Err("end_month")),
        ];
        for (s, e, want) in cases {
            let got = span(s.map(m), e.map(m))
                .map(|o| o.map(|(a, b)| (a.as_string(), b.as_string())))
                .map_err(|e| e.field);
            let want = want
                .map(|o| o.map(|(a, b)| (a.to_string(), b.to_string())))
                .map_err(str::to_string);
            assert_eq!(got, want, "{s:?} {e:?}");
        }
    }

    #[test]
    fn placing_in_a_lane() {
        let lane = ids(&["a", "b", "c"]);
        let cases = [
            ("x", Anchor::End, vec!["a", "b", "c", "x"]),
            ("x", Anchor::Before("a"), vec!["x", "a", "b", "c"]),
            ("x", Anchor::After("b"), vec!["a", "b", "x", "c"]),
            ("c", Anchor::Before("a"), vec!["c", "a", "b"]),
            ("a", Anchor::After("c"), vec!["b", "c", "a"]),
            ("a", Anchor::End, vec!["b", "c", "a"]),
            ("x", Anchor::Before("gone"), vec!["a", "b", "c", "x"]),
        ];
        for (moved, anchor, want) in cases {
            assert_eq!(
                place(&lane, moved, anchor),
                ids(&want),
                "{moved} {anchor:?}"
            );
        }
    }

    proptest! {
        /// A move keeps every other item once, in its order, and puts the
        /// moved item right next to its anchor.
        #[test]
        fn placing_keeps_the_rest_in_order(n in 0usize..8, moved in 0usize..10, anchor in 0usize..10, after in any::<bool>()) {
            let lane: Vec<String> = (0..n).map(|i| format!("i{i}")).collect();
            let moved_id = format!("i{moved}");
            let anchor_id = format!("i{anchor}");
            let a = if after { Anchor::After(&anchor_id) } else { Anchor::Before(&anchor_id) };
            let out = place(&lane, &moved_id, a);
            let rest: Vec<&String> = lane.iter().filter(|i| **i != moved_id).collect();
            let out_rest: Vec<&String> = out.iter().filter(|i| **i != moved_id).collect();
            prop_assert_eq!(rest, out_rest);
            prop_assert_eq!(out.iter().filter(|i| **i == moved_id).count(), 1);
            let at = out.iter().position(|i| *i == moved_id).unwrap();
            if anchor != moved && lane.contains(&anchor_id) {
                let neighbour = if after { at.checked_sub(1) } else { Some(at + 1) };
                prop_assert_eq!(neighbour.and_then(|p| out.get(p)), Some(&anchor_id));
            } else {
                prop_assert_eq!(at, out.len() - 1);
            }
        }
    }

    #[test]
    fn month_axis_covers_items_and_today() {
        let a = axis(
            &[(m("2027-02"), m("2027-04")), (m("2027-06"), m("2027-06"))],
            d("2027-03-16"),
            Scale::Month,
        );
        assert_eq!(a.start.as_string(), "2027-02");
        assert_eq!(a.months, 5);
        let labels: Vec<&str> = a.columns.iter().map(|c| c.label.as_str()).collect();
        assert_eq!(
            labels,
            ["Feb 2027", "Mar 2027", "Apr 2027", "May 2027", "Jun 2027"]
        );
        // 16 March: one month in, plus 15 of March's 31 days.
        assert!((a.today - (1.0 + 15.0 / 31.0)).abs() < 1e-9);
        assert_eq!(a.bar(m("2027-06"), m("2027-06")), (4, 1));
        assert_eq!(a.bar(m("2027-02"), m("2027-04")), (0, 3));
    }

    #[test]
    fn quarter_axis_is_whole_quarters() {
        let a = axis(
            &[(m("2027-05"), m("2027-08"))],
            d("2027-01-01"),
            Scale::Quarter,
        );
        assert_eq!(a.start.as_string(), "2027-01");
        assert_eq!(a.months, 9);
        let labels: Vec<&str> = a.columns.iter().map(|c| c.label.as_str()).collect();
        assert_eq!(labels, ["Q1 2027", "Q2 2027", "Q3 2027"]);
        assert_eq!(a.columns[2].offset, 6);
        assert_eq!(a.today, 0.0);
    }

    #[test]
    fn past_items_stretch_the_axis_back_and_an_empty_one_looks_ahead() {
        let a = axis(
            &[(m("2026-11"), m("2026-12"))],
            d("2027-02-10"),
            Scale::Month,
        );
        assert_eq!(a.start.as_string(), "2026-11");
        assert_eq!(a.months, 4);
        let empty = axis(&[], d("2027-02-10"), Scale::Month);
        assert_eq!(empty.start.as_string(), "2027-02");
        assert_eq!(empty.months, 6);
        let q = axis(&[], d("2027-02-10"), Scale::Quarter);
        assert_eq!((q.start.as_string(), q.months), ("2027-01".to_string(), 9));
    }

    #[test]
    fn grouping_by_goal() {
        let goals = ids(&["g1", "g2", "g3"]);
        let links = vec![ids(&["g2"]), ids(&[]), ids(&["g1", "g2"]), ids(&["gone"])];
        let groups = group_by_goal(&goals, &links);
        assert_eq!(
            groups,
            vec![
                GoalGroup {
                    goal: Some(0),
                    items: vec![2]
                },
                GoalGroup {
                    goal: Some(1),
                    items: vec![0, 2]
                },
                GoalGroup {
                    goal: None,
                    items: vec![1, 3]
                },
            ]
        );
        assert!(group_by_goal(&goals, &[]).is_empty());
    }
}
