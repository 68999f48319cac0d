//! Cursor pages of lists read whole into memory (workspaces, members,
//! products, goals, roadmaps…), in whatever order each list sorts by.
//!
//! A cursor names the last item of the page it ends and how many items
//! came up to it: `<item>~<count>`. The next page starts after that item
//! wherever it now stands, so items added or moved meanwhile are neither
//! skipped nor shown twice because of where the cursor was. If the item
//! has left the list (deleted, or no longer matching a filter), the page
//! starts where it stood, so paging goes on instead of failing; only if
//! items before it left too are as many items after it skipped.

use crate::error::ApiError;
use keel_api_types::Page;

/// [`page_of`] for items whose cursor is made from them (a number, or two
/// ids together) rather than an id they hold.
pub(crate) fn page_by<T>(
    items: Vec<T>,
    key: impl Fn(&T) -> String,
    limit: Option<i64>,
    cursor: Option<&str>,
) -> Result<Page<T>, ApiError> {
    let keyed: Vec<(String, T)> = items.into_iter().map(|i| (key(&i), i)).collect();
    let page = page_of(keyed, |(k, _)| k, limit, cursor)?;
    Ok(Page {
        items: page.items.into_iter().map(|(_, i)| i).collect(),
        next_cursor: page.next_cursor,
    })
}

/// The page of `items` after `cursor`, at most `limit` long.
pub(crate) fn page_of<T>(
    items: Vec<T>,
    id: impl Fn(&T) -> &str,
    limit: Option<i64>,
    cursor: Option<&str>,
) -> Result<Page<T>, ApiError> {
    let limit = super::page_limit(limit)? as usize;
    let start = match cursor {
        Some(c) => start_after(&items, &id, c)?,
        None => 0,
    };
    let mut rest: Vec<T> = items.into_iter().skip(start).collect();
    let next_cursor = if rest.len() > limit {
        rest.truncate(limit);
        rest.last()
            .map(|last| format!("{}~{}", id(last), start + limit))
    } else {
        None
    };
    Ok(Page {
        items: rest,
        next_cursor,
    })
}

/// Where the page after `cursor` starts in `items`.
fn start_after<T>(items: &[T], id: impl Fn(&T) -> &str, cursor: &str) -> Result<usize, ApiError> {
    // An item's own text may hold '~' (page_by's keys); the count never does.
    let (item, count) = match cursor.rsplit_once('~') {
        Some((item, count)) => match count.parse::<usize>() {
            Ok(count) if count > 0 => (item, Some(count)),
            _ => (cursor, None),
        },
        // A cursor from before counts were added: the item alone.
        None => (cursor, None),
    };
    if let Some(at) = items.iter().position(|i| id(i) == item) {
        return Ok(at + 1);
    }
    match count {
        // The item has gone: whatever followed it moved up by one.
        Some(count) => Ok((count - 1).min(items.len())),
        None => Err(ApiError::field(
            "cursor",
            "is not a cursor returned by this list (use next_cursor as given)",
        )),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ids(page: &Page<&'static str>) -> Vec<&'static str> {
        page.items.clone()
    }

    fn page(
        items: &[&'static str],
        limit: i64,
        cursor: Option<&str>,
    ) -> Result<Page<&'static str>, ApiError> {
        page_of(items.to_vec(), |s| s, Some(limit), cursor)
    }

    #[test]
    fn pages_walk_the_whole_list_once() {
        let items = ["a", "b", "c", "d", "e"];
        let first = page(&items, 2, None).unwrap();
        assert_eq!(ids(&first), ["a", "b"]);
        let second = page(&items, 2, first.next_cursor.as_deref()).unwrap();
        assert_eq!(ids(&second), ["c", "d"]);
        let third = page(&items, 2, second.next_cursor.as_deref()).unwrap();
        assert_eq!(ids(&third), ["e"]);
        assert_eq!(third.next_cursor, None);
    }

    #[test]
    fn a_page_starts_after_its_cursor_item_wherever_it_moved() {
        let first = page(&["a", "b", "c", "d"], 2, None).unwrap();
        // "x" was added at the front and "a" was removed meanwhile.
        let next = page(&["x", "b", "c", "d"], 2, first.next_cursor.as_deref()).unwrap();
        assert_eq!(ids(&next), ["c", "d"]);
    }

    #[test]
    fn a_page_whose_cursor_item_left_starts_where_it_stood() {
        let first = page(&["a", "b", "c", "d", "e"], 2, None).unwrap();
        let next = page(&["a", "c", "d", "e"], 2, first.next_cursor.as_deref()).unwrap();
        assert_eq!(ids(&next), ["c", "d"]);
        // Everything after it gone too: an empty last page, not an error.
        let next = page(&["a"], 2, first.next_cursor.as_deref()).unwrap();
        assert!(next.items.is_empty());
        assert_eq!(next.next_cursor, None);
    }

    #[test]
    fn keys_holding_the_separator_still_page() {
        let items = ["1~2", "3~4", "5~6"];
        let first = page(&items, 1, None).unwrap();
        assert_eq!(first.next_cursor.as_deref(), Some("1~2~1"));
        let next = page(&items, 1, first.next_cursor.as_deref()).unwrap();
        assert_eq!(ids(&next), ["3~4"]);
    }

    #[test]
    fn an_unknown_cursor_without_a_count_is_an_error_naming_the_field() {
        let err = page(&["a", "b"], 1, Some("zzz")).unwrap_err();
        assert!(format!("{err:?}").contains("cursor"), "{err:?}");
        // A bare item id (a cursor of an earlier version) still pages.
        let next = page(&["a", "b"], 1, Some("a")).unwrap();
        assert_eq!(ids(&next), ["b"]);
    }
}
