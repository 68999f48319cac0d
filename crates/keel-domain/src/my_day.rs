//! My day: the rules about a person's plan for one calendar day.
//!
//! - **Checking off** an item means "I did my part today". It does not
//!   change the task: a task is often worked on across several days, or
//!   finished by someone else. Marking the task itself done is a separate,
//!   explicit choice (the API's `complete_task`), which also checks the item
//!   off.
//! - **Offering again**: on a day, the unfinished items of the most recent
//!   earlier day that had any items are offered — not copied. An item is
//!   unfinished when it was not checked off and its task is neither done nor
//!   canceled; items already planned on the day are not offered twice.
//! - **Order**: a day's items are in the person's order (`position`), ties
//!   broken by creation order. Moving an item renumbers the day 0, 1, 2, …
//!
//! Pure functions, no IO.

use crate::time::Date;

/// How many days before the current one the history covers.
pub const HISTORY_DAYS: i64 = 14;

/// Most items one day may hold: a day plan, not a backlog.
pub const MAX_ITEMS_PER_DAY: usize = 100;

/// One planned item, as the rules need to see it.
#[derive(Debug, Clone, PartialEq)]
pub struct PlannedItem {
    /// The item's id (UUIDv7, so ordering by it is creation order).
    pub id: String,
    pub task_id: String,
    pub day: Date,
    pub position: i64,
    /// Checked off on its day.
    pub checked_off: bool,
    /// The task is done or canceled, wherever that happened.
    pub task_closed: bool,
}

impl PlannedItem {
    /// Neither checked off nor closed: still to do.
    pub fn is_unfinished(&self) -> bool {
        !self.checked_off && !self.task_closed
    }
}

/// The day whose unfinished items are offered on `day`: the most recent of
/// `planned_days` strictly before it.
pub fn offer_source(day: Date, planned_days: &[Date]) -> Option<Date> {
    planned_days.iter().copied().filter(|d| *d < day).max()
}

/// What to offer on a day: the unfinished items of `earlier` (the items
/// of the [`offer_source`] day) whose task is not planned on the day
/// already (`today`), in `earlier`'s order.
pub fn unfinished_offer<'a>(
    earlier: &'a [PlannedItem],
    today: &[PlannedItem],
) -> Vec<&'a PlannedItem> {
    let mut offer: Vec<&PlannedItem> = earlier
        .iter()
        .filter(|i| i.is_unfinished())
        .filter(|i| !today.iter().any(|t| t.task_id == i.task_id))
        .collect();
    offer.sort_by(|a, b| order_key(a).cmp(&order_key(b)));
    offer
}

fn order_key(item: &PlannedItem) -> (i64, &str) {
    (item.position, item.id.as_str())
}

/// Puts a day's items in display order: by position, then creation.
pub fn sort_items(items: &mut [PlannedItem]) {
    items.sort_by(|a, b| order_key(a).cmp(&order_key(b)));
}

/// The position a new item takes: after every item of the day.
pub fn next_position(day_items: &[PlannedItem]) -> i64 {
    day_items.iter().map(|i| i.position + 1).max().unwrap_or(0)
}

/// A day's item ids (in display order) after moving `moving` to index
/// `to` (clamped to the end). `None` when `moving` is not among them.
pub fn reorder(ids: &[String], moving: &str, to: usize) -> Option<Vec<String>> {
    let from = ids.iter().position(|id| id == moving)?;
    let mut out = ids.to_vec();
    let item = out.remove(from);
    out.insert(to.min(out.len()), item);
    Some(out)
}

/// What one day held, for the history.
#[derive(Debug, Clone, PartialEq)]
pub struct DaySummary {
    pub day: Date,
    /// Items planned that day.
    pub total: usize,
    /// Of them, checked off.
    pub done: usize,
}

/// The days of `items` with how many items each held and how many were
/// checked off, newest day first. Days without items are left out.
pub fn summarize(items: &[PlannedItem]) -> Vec<DaySummary> {
    let mut days: Vec<Date> = items.iter().map(|i| i.day).collect();
    days.sort_unstable_by(|a, b| b.cmp(a));
    days.dedup();
    days.into_iter()
        .map(|day| {
            let of_day = items.iter().filter(|i| i.day == day);
            DaySummary {
                day,
                total: of_day.clone().count(),
                done: of_day.filter(|i| i.checked_off).count(),
            }
        })
        .collect()
}

/// The first day the history of `day` covers ([`HISTORY_DAYS`] before it).
pub fn history_start(day: Date) -> Date {
    day.add_days(-HISTORY_DAYS).unwrap_or(day)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> Date {
        Date::parse("day", s).unwrap()
    }

    fn item(
        id: &str,
        task: &str,
        day: &str,
        position: i64,
        checked: bool,
        closed: bool,
    ) -> PlannedItem {
        PlannedItem {
            id: id.into(),
            task_id: task.into(),
            day: d(day),
            position,
            checked_off: checked,
            task_closed: closed,
        }
    }

    #[test]
    fn the_offer_comes_from_the_most_recent_earlier_day() {
        let days = [
            d("2026-03-02"),
            d("2026-03-05"),
            d("2026-03-06"),
            d("2026-03-09"),
        ];
        let cases = [
            ("2026-03-06", Some("2026-03-05")),
            ("2026-03-07", Some("2026-03-06")),
            // Over a weekend: Friday's leftovers on Monday.
            ("2026-03-09", Some("2026-03-06")),
            ("2026-03-10", Some("2026-03-09")),
            ("2026-03-02", None),
            ("2026-01-01", None),
        ];
        for (day, want) in cases {
            assert_eq!(offer_source(d(day), &days), want.map(d), "{day}");
        }
        assert_eq!(offer_source(d("2026-03-06"), &[]), None);
    }

    #[test]
    fn only_unfinished_items_not_yet_planned_are_offered_in_order() {
        let yesterday = [
            item("01", "t-checked", "2026-03-05", 0, true, false),
            item("02", "t-open-b", "2026-03-05", 2, false, false),
            item("03", "t-closed", "2026-03-05", 1, false, true),
            item("04", "t-open-a", "2026-03-05", 1, false, false),
            item("05", "t-already", "2026-03-05", 3, false, false),
            item("06", "t-checked-closed", "2026-03-05", 4, true, true),
        ];
        let today = [item("10", "t-already", "2026-03-06", 0, false, false)];
        let offered: Vec<&str> = unfinished_offer(&yesterday, &today)
            .iter()
            .map(|i| i.task_id.as_str())
            .collect();
        assert_eq!(offered, ["t-open-a", "t-open-b"]);
        assert!(unfinished_offer(&yesterday[..1], &[]).is_empty());
        assert!(unfinished_offer(&[], &today).is_empty());
    }

    #[test]
    fn unfinished_means_neither_checked_nor_closed() {
        let table = [
            (false, false, true),
            (true, false, false),
            (false, true, false),
            (true, true, false),
        ];
        for (checked, closed, want) in table {
            let i = item("1", "t", "2026-03-05", 0, checked, closed);
            assert_eq!(i.is_unfinished(), want, "checked {checked} closed {closed}");
        }
    }

    #[test]
    fn items_sort_by_position_then_creation_and_append_at_the_end() {
        let mut items = vec![
            item("03", "a", "2026-03-05", 1, false, false),
            item("01", "b", "2026-03-05", 2, false, false),
            item("02", "c", "2026-03-05", 1, false, false),
        ];
        sort_items(&mut items);
        let ids: Vec<&str> = items.iter().map(|i| i.id.as_str()).collect();
        assert_eq!(ids, ["02", "03", "01"]);
        assert_eq!(next_position(&items), 3);
        assert_eq!(next_position(&[]), 0);
    }

    #[test]
    fn reordering_moves_one_item_and_keeps_the_rest() {
        let ids: Vec<String> = ["a", "b", "c", "d"].map(String::from).to_vec();
        let cases: [(&str, usize, Option<[&str; 4]>); 6] = [
            ("a", 2, Some(["b", "c", "a", "d"])),
            ("d", 0, Some(["d", "a", "b", "c"])),
            ("b", 1, Some(["a", "b", "c", "d"])),
            ("b", 3, Some(["a", "c", "d", "b"])),
            ("b", 99, Some(["a", "c", "d", "b"])),
            ("x", 0, None),
        ];
        for (moving, to, want) in cases {
            let got = reorder(&ids, moving, to);
            assert_eq!(
                got,
                want.map(|w| w.map(String::from).to_vec()),
                "{moving} to {to}"
            );
        }
    }

    #[test]
    fn history_counts_items_and_checked_off_ones_per_day_newest_first() {
        let items = [
            item("1", "a", "2026-03-04", 0, true, false),
            item("2", "b", "2026-03-04", 1, false, true),
            item("3", "c", "2026-03-05", 0, true, true),
            item("4", "a", "2026-03-02", 0, false, false),
        ];
        let got = summarize(&items);
        assert_eq!(
            got,
            [
                DaySummary {
                    day: d("2026-03-05"),
                    total: 1,
                    done: 1
                },
                DaySummary {
                    day: d("2026-03-04"),
                    total: 2,
                    done: 1
                },
                DaySummary {
                    day: d("2026-03-02"),
                    total: 1,
                    done: 0
                },
            ]
        );
        assert!(summarize(&[]).is_empty());
        assert_eq!(history_start(d("2026-03-15")), d("2026-03-01"));
    }
}
