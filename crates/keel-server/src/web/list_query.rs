//! The task list's query string — filters, sort, grouping — parsed into
//! values that cannot be invalid, and written back in one canonical form.
//!
//! Shared by the list page, which reads it leniently (a stale bookmark with
//! a value that no longer exists still shows the list), and the saved-views
//! API, which reads it strictly (a view is only saved if it is valid) and
//! stores the canonical form, so "is this the view I am looking at?" is a
//! string comparison.

use keel_domain::FieldError;
use keel_domain::task::{Priority, Status, TaskType};
use keel_domain::values::text_filter;
use keel_store::repo::tasks::{GroupField, SortField, SortKey};

/// Longest query a view may hold, in bytes.
pub const MAX_QUERY_BYTES: usize = 2000;
/// What the list is ordered by.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SortBy {
    Key,
    Priority,
    Status,
    Assignee,
    Due,
    Updated,
    Created,
}

impl SortBy {
    pub const ALL: [SortBy; 7] = [
        SortBy::Key,
        SortBy::Priority,
        SortBy::Status,
        SortBy::Assignee,
        SortBy::Due,
        SortBy::Updated,
        SortBy::Created,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            SortBy::Key => "key",
            SortBy::Priority => "priority",
            SortBy::Status => "status",
            SortBy::Assignee => "assignee",
            SortBy::Due => "due",
            SortBy::Updated => "updated",
            SortBy::Created => "created",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            SortBy::Key => "Key",
            SortBy::Priority => "Priority",
            SortBy::Status => "Status",
            SortBy::Assignee => "Assignee",
            SortBy::Due => "Due date",
            SortBy::Updated => "Updated",
            SortBy::Created => "Created",
        }
    }

    fn parse(s: &str) -> Option<SortBy> {
        SortBy::ALL.into_iter().find(|v| v.as_str() == s)
    }

    /// The direction a first click gives: most useful first (newest keys,
    /// most urgent, earliest due, most recently touched).
    pub fn descending_by_default(self) -> bool {
        matches!(self, SortBy::Key | SortBy::Updated | SortBy::Created)
    }

    fn field(self) -> SortField {
        match self {
            SortBy::Key => SortField::Number,
            SortBy::Priority => SortField::Priority,
            SortBy::Status => SortField::Status,
            SortBy::Assignee => SortField::Assignee,
            SortBy::Due => SortField::DueDate,
            SortBy::Updated => SortField::Updated,
            SortBy::Created => SortField::Created,
        }
    }
}

/// What rows are grouped under headers by.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum GroupBy {
    Status,
    Assignee,
    Priority,
}

impl GroupBy {
    pub const ALL: [GroupBy; 3] = [GroupBy::Status, GroupBy::Assignee, GroupBy::Priority];

    pub fn as_str(self) -> &'static str {
        match self {
            GroupBy::Status => "status",
            GroupBy::Assignee => "assignee",
            GroupBy::Priority => "priority",
        }
    }

    fn parse(s: &str) -> Option<GroupBy> {
        GroupBy::ALL.into_iter().find(|v| v.as_str() == s)
    }

    pub fn field(self) -> GroupField {
        match self {
            GroupBy::Status => GroupField::Status,
            GroupBy::Assignee => GroupField::Assignee,
            GroupBy::Priority => GroupField::Priority,
        }
    }

    /// Groups come in this order, whatever the sort within them.
    fn sort_key(self) -> SortKey {
        let field = match self {
            GroupBy::Status => SortField::Status,
            GroupBy::Assignee => SortField::Assignee,
            GroupBy::Priority => SortField::Priority,
        };
        SortKey {
            field,
            descending: false,
        }
    }
}

/// A parsed list query.
#[derive(Debug, Clone, PartialEq)]
pub struct ListQuery {
    pub statuses: Vec<Status>,
    pub priorities: Vec<Priority>,
    pub types: Vec<TaskType>,
    /// `me`, `none`, a user id or an email; empty for anyone.
    pub assignee: String,
    /// Empty for any.
    pub label: String,
    /// Text in the title or description; empty for none.
    pub q: String,
    pub sort: SortBy,
    pub descending: bool,
    pub group: Option<GroupBy>,
    /// 1-based page of the list page (never part of a saved view).
    pub page: u32,
}

impl Default for ListQuery {
    fn default() -> Self {
        ListQuery {
            statuses: Vec::new(),
            priorities: Vec::new(),
            types: Vec::new(),
            assignee: String::new(),
            label: String::new(),
            q: String::new(),
            sort: SortBy::Key,
            descending: SortBy::Key.descending_by_default(),
            group: None,
            page: 1,
        }
    }
}

/// Parses a comma-separated list of vocabulary words, each checked.
/// Leniently, unknown words are skipped.
fn words<T: PartialEq>(
    name: &str,
    value: &str,
    parse: fn(&str, &str) -> Result<T, FieldError>,
    strict: bool,
) -> Result<Vec<T>, FieldError> {
    let mut out = Vec::new();
    for word in value.split(',').map(str::trim).filter(|w| !w.is_empty()) {
        match parse(name, word) {
            Ok(v) if !out.contains(&v) => out.push(v),
            Ok(_) => {}
            Err(e) if strict => return Err(e),
            Err(_) => {}
        }
    }
    Ok(out)
}

fn assignee(value: &str) -> Result<String, FieldError> {
    let v = value.trim().to_ascii_lowercase();
    let ok = matches!(v.as_str(), "me" | "none")
        || keel_domain::ids::looks_like_id(&v)
        || keel_domain::values::Email::parse("assignee", &v).is_ok();
    if ok {
        Ok(v)
    } else {
        Err(FieldError::new(
            "assignee",
            "must be me, none, a user id or an email",
        ))
    }
}

impl ListQuery {
    /// Parses strictly: every parameter known, every value valid, each
    /// parameter at most once. Errors name the field `query`. A leading `?`
    /// is allowed.
    pub fn parse(raw: &str) -> Result<ListQuery, FieldError> {
        if raw.len() > MAX_QUERY_BYTES {
            return Err(FieldError::new(
                "query",
                format!("must be at most {MAX_QUERY_BYTES} bytes"),
            ));
        }
        if raw.contains('\0') {
            return Err(FieldError::new("query", "must not contain NUL characters"));
        }
        let mut seen: Vec<String> = Vec::new();
        let mut out = ListQuery::default();
        let mut dir: Option<bool> = None;
        for (key, value) in form_urlencoded::parse(raw.trim_start_matches('?').as_bytes()) {
            if seen.iter().any(|k| *k == key) {
                return Err(FieldError::new(
                    "query",
                    format!("{key} is given more than once"),
                ));
            }
            seen.push(key.to_string());
            out.apply(&key, &value, &mut dir, true)
                .map_err(|e| FieldError::new("query", format!("{}: {}", e.field, e.message)))?;
        }
        out.descending = dir.unwrap_or(out.sort.descending_by_default());
        Ok(out)
    }

    /// Parses what it can and ignores the rest, for pages.
    pub fn lenient(raw: &str) -> ListQuery {
        let mut out = ListQuery::default();
        let mut dir: Option<bool> = None;
        for (key, value) in form_urlencoded::parse(raw.as_bytes()) {
            let _ = out.apply(&key, &value, &mut dir, false);
        }
        out.descending = dir.unwrap_or(out.sort.descending_by_default());
        out
    }

    /// Applies one parameter; an empty value means "any" / the default.
    fn apply(
        &mut self,
        key: &str,
        value: &str,
        dir: &mut Option<bool>,
        strict: bool,
    ) -> Result<(), FieldError> {
        let value = value.trim();
        match key {
            "status" => self.statuses = words("status", value, Status::parse, strict)?,
            "priority" => self.priorities = words("priority", value, Priority::parse, strict)?,
            "type" => self.types = words("type", value, TaskType::parse, strict)?,
            "assignee" if value.is_empty() => self.assignee.clear(),
            "assignee" => self.assignee = assignee(value)?,
            "label" if value.is_empty() => self.label.clear(),
            "label" => self.label = keel_domain::values::label("label", value)?,
            "q" => self.q = text_filter("q", Some(value))?.unwrap_or_default(),
            "sort" if value.is_empty() => self.sort = SortBy::Key,
            "sort" => {
                self.sort = SortBy::parse(value).ok_or_else(|| {
                    FieldError::new(
                        "sort",
                        format!(
                            "must be one of {}",
                            SortBy::ALL.map(SortBy::as_str).join(", ")
                        ),
                    )
                })?
            }
            "dir" => {
                *dir = match value {
                    "" => None,
                    "asc" => Some(false),
                    "desc" => Some(true),
                    _ => return Err(FieldError::new("dir", "must be asc or desc")),
                }
            }
            "group" if value.is_empty() => self.group = None,
            "group" => {
                self.group = Some(GroupBy::parse(value).ok_or_else(|| {
                    FieldError::new("group", "must be one of status, assignee, priority")
                })?)
            }
            "page" => {
                self.page = value
                    .parse::<u32>()
                    .ok()
                    .filter(|p| *p >= 1)
                    .ok_or_else(|| FieldError::new("page", "must be a whole number from 1"))?
            }
            other => {
                return Err(FieldError::new(
                    other,
                    "is not a list parameter (use status, priority, type, assignee, label, q, sort, dir, group)",
                ));
            }
        }
        Ok(())
    }

    /// The canonical query string, without `?` and without `page`: fixed
    /// parameter order, defaults left out, values encoded.
    pub fn canonical(&self) -> String {
        self.encode(self.sort, self.descending, None)
    }

    /// The query string for another page of this list.
    pub fn page_href(&self, page: u32) -> String {
        format!(
            "?{}",
            self.encode(self.sort, self.descending, Some(page).filter(|p| *p > 1))
        )
    }

    /// The query string that sorts by `sort`: the other direction when it
    /// is already the sort, its default direction otherwise. Back to page 1.
    pub fn sort_href(&self, sort: SortBy) -> String {
        let descending = if sort == self.sort {
            !self.descending
        } else {
            sort.descending_by_default()
        };
        format!("?{}", self.encode(sort, descending, None))
    }

    fn encode(&self, sort: SortBy, descending: bool, page: Option<u32>) -> String {
        let mut s = form_urlencoded::Serializer::new(String::new());
        let join = |items: Vec<&str>| items.join(",");
        if !self.statuses.is_empty() {
            s.append_pair(
                "status",
                &join(self.statuses.iter().map(|v| v.as_str()).collect()),
            );
        }
        if !self.priorities.is_empty() {
            s.append_pair(
                "priority",
                &join(self.priorities.iter().map(|v| v.as_str()).collect()),
            );
        }
        if !self.types.is_empty() {
            s.append_pair(
                "type",
                &join(self.types.iter().map(|v| v.as_str()).collect()),
            );
        }
        for (key, value) in [
            ("assignee", &self.assignee),
            ("label", &self.label),
            ("q", &self.q),
        ] {
            if !value.is_empty() {
                s.append_pair(key, value);
            }
        }
        if sort != SortBy::Key {
            s.append_pair("sort", sort.as_str());
        }
        if descending != sort.descending_by_default() {
            s.append_pair("dir", if descending { "desc" } else { "asc" });
        }
        if let Some(g) = self.group {
            s.append_pair("group", g.as_str());
        }
        if let Some(p) = page {
            s.append_pair("page", &p.to_string());
        }
        s.finish()
    }

    /// The store's order for this query: the group first, then the sort.
    pub fn sort_keys(&self) -> Vec<SortKey> {
        let own = SortKey {
            field: self.sort.field(),
            descending: self.descending,
        };
        match self.group {
            Some(g) if g.sort_key().field != own.field => vec![g.sort_key(), own],
            Some(g) => vec![SortKey {
                descending: own.descending,
                ..g.sort_key()
            }],
            None => vec![own],
        }
    }

    /// The comma-joined statuses (for the status filter's selected option).
    pub fn status_value(&self) -> String {
        self.statuses
            .iter()
            .map(|s| s.as_str())
            .collect::<Vec<_>>()
            .join(",")
    }

    /// The comma-joined priorities.
    pub fn priority_value(&self) -> String {
        self.priorities
            .iter()
            .map(|s| s.as_str())
            .collect::<Vec<_>>()
            .join(",")
    }

    /// The comma-joined types.
    pub fn type_value(&self) -> String {
        self.types
            .iter()
            .map(|s| s.as_str())
            .collect::<Vec<_>>()
            .join(",")
    }

    /// Whether any filter (not sort or grouping) is set.
    pub fn is_filtered(&self) -> bool {
        !(self.statuses.is_empty()
            && self.priorities.is_empty()
            && self.types.is_empty()
            && self.assignee.is_empty()
            && self.label.is_empty()
            && self.q.is_empty())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn canonical_form_is_stable() {
        let q = ListQuery::parse(
            "?group=status&sort=priority&status=in_progress,todo,todo&assignee=Me&q=log+in",
        )
        .unwrap();
        assert_eq!(
            q.canonical(),
            "status=in_progress%2Ctodo&assignee=me&q=log+in&sort=priority&group=status"
        );
        assert_eq!(ListQuery::parse(&q.canonical()).unwrap(), q);
        assert_eq!(ListQuery::parse("").unwrap().canonical(), "");
        assert_eq!(
            ListQuery::parse("sort=key&dir=desc").unwrap().canonical(),
            "",
            "defaults are left out"
        );
        assert_eq!(
            ListQuery::parse("sort=key&dir=asc").unwrap().canonical(),
            "dir=asc"
        );
    }

    #[test]
    fn strict_parsing_names_the_problem() {
        for (raw, needle) in [
            ("status=doing", "status: must be one of"),
            ("priority=high,p1", "priority: must be one of"),
            ("sort=title", "sort: must be one of"),
            ("dir=up", "dir: must be asc or desc"),
            ("group=label", "group: must be one of"),
            ("assignee=bob", "assignee: must be"),
            ("colour=red", "colour: is not a list parameter"),
            ("status=todo&status=done", "more than once"),
            ("label=a,b", "label: each label"),
        ] {
            let err = ListQuery::parse(raw).unwrap_err();
            assert_eq!(err.field, "query", "{raw}");
            assert!(err.message.contains(needle), "{raw}: {}", err.message);
        }
        assert!(ListQuery::parse(&"q=x".repeat(1000)).is_err());
    }

    #[test]
    fn pages_ignore_what_they_cannot_read() {
        let q = ListQuery::lenient("status=doing,todo&sort=nope&priority=high&page=0");
        assert_eq!(q.statuses, vec![Status::Todo]);
        assert_eq!(q.priorities, vec![Priority::High]);
        assert_eq!(q.sort, SortBy::Key);
        assert_eq!(q.page, 1);
    }

    #[test]
    fn sorting_links_toggle_the_direction() {
        let q = ListQuery::parse("sort=priority&group=status").unwrap();
        assert!(!q.descending);
        assert_eq!(
            q.sort_href(SortBy::Priority),
            "?sort=priority&dir=desc&group=status"
        );
        assert_eq!(q.sort_href(SortBy::Updated), "?sort=updated&group=status");
        assert_eq!(q.page_href(3), "?sort=priority&group=status&page=3");
        assert_eq!(q.sort_keys().len(), 2, "group first, then the sort");
    }

    mod fuzz {
        //! The saved-view / list filter syntax (`?status=todo,done&sort=…`)
        //! against generated query strings, valid and hostile.
        use super::*;
        use proptest::prelude::*;

        fn key() -> impl Strategy<Value = String> {
            prop_oneof![
                Just("status"),
                Just("priority"),
                Just("type"),
                Just("assignee"),
                Just("label"),
                Just("q"),
                Just("sort"),
                Just("dir"),
                Just("group"),
                Just("page"),
                Just("x"),
                Just(""),
            ]
            .prop_map(String::from)
        }

        fn value() -> impl Strategy<Value = String> {
            prop_oneof![
                Just("todo,in_progress"),
                Just("todo,,todo"),
                Just("urgent"),
                Just("bug"),
                Just("me"),
                Just("none"),
                Just("ana@example.com"),
                Just("priority"),
                Just("updated"),
                Just("desc"),
                Just("asc"),
                Just("status"),
                Just("0"),
                Just("4294967296"),
                Just("-1"),
                Just("1"),
                Just("%00"),
                Just("%ff%fe"),
                Just("%E2%80%AE"),
                Just("a%2Cb"),
                Just("+"),
                Just("%"),
            ]
            .prop_map(String::from)
            .boxed()
            .prop_union("[ -~]{0,12}".prop_map(String::from).boxed())
            .or("\\PC{0,8}".prop_map(String::from).boxed())
        }

        fn query() -> impl Strategy<Value = String> {
            proptest::collection::vec((key(), value(), any::<bool>()), 0..8).prop_map(|pairs| {
                let mut q = String::from("?");
                for (k, v, eq) in pairs {
                    q.push_str(&k);
                    if eq {
                        q.push('=');
                    }
                    q.push_str(&v);
                    q.push('&');
                }
                q
            })
        }

        proptest! {
            /// Strict parsing never panics and names `query`; what it
            /// accepts has a canonical form that reads back the same.
            #[test]
            fn parse_never_panics_and_canonical_round_trips(raw in query()) {
                match ListQuery::parse(&raw) {
                    Ok(q) => {
                        let canonical = q.canonical();
                        let back = ListQuery::parse(&canonical);
                        prop_assert!(back.is_ok(), "{:?} -> {:?}: {:?}", raw, canonical, back);
                        let back = back.unwrap();
                        prop_assert_eq!(back.canonical(), canonical.clone());
                        prop_assert_eq!(ListQuery { page: 1, ..back }, ListQuery { page: 1, ..q });
                    }
                    Err(e) => prop_assert_eq!(e.field, "query"),
                }
            }

            /// Pages read any address bar without panicking, and what
            /// they read is valid.
            #[test]
            fn lenient_reads_anything(raw in query(), junk in "\\PC{0,40}") {
                for raw in [raw, junk] {
                    let q = ListQuery::lenient(&raw);
                    prop_assert!(q.page >= 1);
                    prop_assert!(ListQuery::parse(&q.canonical()).is_ok(), "{:?}", raw);
                    let _ = q.page_href(q.page);
                    let _ = q.sort_href(SortBy::Priority);
                }
            }
        }
    }
}
