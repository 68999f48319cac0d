//! Plain HTML forms of the goals pages (edit a goal, start or edit an
//! initiative): the values a form shows — stored ones, or what was typed
//! when the save was refused — with the error of each field beside it.
//!
//! The forms post to the server (no script needed); the handlers call the
//! same functions as the JSON API, so validation and the stale-version
//! check (`version`, as `If-Match` is) are the API's.

use keel_api_types::Goal;

/// One option of a select or a checkbox list.
pub struct Choice {
    pub value: String,
    pub label: String,
    pub selected: bool,
}

/// The value of `name` in a submitted form (`""` when absent).
pub fn field<'a>(form: &'a [(String, String)], name: &str) -> &'a str {
    form.iter()
        .find(|(k, _)| k == name)
        .map_or("", |(_, v)| v.as_str())
}

/// Every value of `name` (checkbox lists), blanks dropped.
pub fn values(form: &[(String, String)], name: &str) -> Vec<String> {
    form.iter()
        .filter(|(k, v)| k == name && !v.trim().is_empty())
        .map(|(_, v)| v.trim().to_string())
        .collect()
}

/// The message for `name` among `errors`, or `""`.
fn error_of(errors: &[(String, String)], name: &str) -> String {
    errors
        .iter()
        .filter(|(f, _)| f == name)
        .map(|(_, m)| m.as_str())
        .collect::<Vec<_>>()
        .join("; ")
}

/// Errors whose field no input shows (`version`, …), as `field: message`.
fn other_errors(errors: &[(String, String)], shown: &[&str]) -> Vec<String> {
    errors
        .iter()
        .filter(|(f, _)| !shown.contains(&f.as_str()))
        .map(|(f, m)| format!("{f}: {m}"))
        .collect()
}

/// The edit form of one goal (an objective or a key result).
pub struct GoalForm {
    /// Unique per page: ids of the inputs start with it.
    pub prefix: String,
    pub action: String,
    pub version: i64,
    /// The objective's id when the form sits on its page (a key result
    /// edited there goes back to it).
    pub from: String,
    pub title: String,
    pub metric: String,
    pub baseline: String,
    pub target: String,
    pub unit: String,
    pub deadline: String,
    pub owners: Vec<Choice>,
    pub errors: Vec<(String, String)>,
}

/// The fields a goal form shows.
const GOAL_FIELDS: &[&str] = &[
    "title", "metric", "baseline", "target", "unit", "deadline", "owner",
];

/// One input of a goal form, as the template draws it.
pub struct Input {
    pub name: &'static str,
    pub label: &'static str,
    /// The input's `type`.
    pub kind: &'static str,
    pub value: String,
    pub error: String,
}

impl GoalForm {
    /// The text, number and date inputs, in order.
    pub fn inputs(&self) -> Vec<Input> {
        [
            ("title", "Title", "text", &self.title),
            ("metric", "Metric", "text", &self.metric),
            ("baseline", "Baseline", "number", &self.baseline),
            ("target", "Target", "number", &self.target),
            ("unit", "Unit", "text", &self.unit),
            ("deadline", "Deadline", "date", &self.deadline),
        ]
        .into_iter()
        .map(|(name, label, kind, value)| Input {
            name,
            label,
            kind,
            value: value.clone(),
            error: self.error(name),
        })
        .collect()
    }

    /// The form filled from the goal as stored; `members` are `(id, name)`.
    pub fn of(ws: &str, g: &Goal, members: &[(String, String)], from: &str) -> GoalForm {
        let num = |v: Option<f64>| v.map(super::goals::amount).unwrap_or_default();
        let owner = g.owner.as_ref().map(|o| o.id.as_str()).unwrap_or("");
        GoalForm {
            prefix: format!("edit-{}", g.id),
            action: format!("/w/{ws}/goals/{}", g.id),
            version: g.version,
            from: from.to_string(),
            title: g.title.clone(),
            metric: g.metric.clone(),
            baseline: num(g.baseline),
            target: num(g.target),
            unit: g.unit.clone(),
            deadline: g.deadline.clone().unwrap_or_default(),
            owners: owner_choices(members, owner),
            errors: Vec::new(),
        }
    }

    /// What was typed into the form, with the errors of the refused save.
    pub fn typed(
        &mut self,
        form: &[(String, String)],
        members: &[(String, String)],
        errors: Vec<(String, String)>,
    ) {
        self.title = field(form, "title").to_string();
        self.metric = field(form, "metric").to_string();
        self.baseline = field(form, "baseline").to_string();
        self.target = field(form, "target").to_string();
        self.unit = field(form, "unit").to_string();
        self.deadline = field(form, "deadline").to_string();
        self.owners = owner_choices(members, field(form, "owner"));
        self.errors = errors;
    }

    pub fn error(&self, name: &str) -> String {
        error_of(&self.errors, name)
    }

    pub fn other_errors(&self) -> Vec<String> {
        other_errors(&self.errors, GOAL_FIELDS)
    }
}

fn owner_choices(members: &[(String, String)], owner: &str) -> Vec<Choice> {
    members
        .iter()
        .map(|(id, name)| Choice {
            value: id.clone(),
            label: name.clone(),
            selected: id == owner,
        })
        .collect()
}

/// A number field of a goal form: blank clears it.
pub fn number(
    form: &[(String, String)],
    name: &str,
    errors: &mut Vec<(String, String)>,
) -> Option<Option<f64>> {
    let raw = field(form, name).trim();
    if raw.is_empty() {
        return Some(None);
    }
    match raw.parse::<f64>() {
        Ok(v) => Some(Some(v)),
        Err(_) => {
            errors.push((name.to_string(), "must be a number".to_string()));
            None
        }
    }
}

/// The form of a new initiative, or of an existing one.
pub struct InitiativeForm {
    pub prefix: String,
    pub action: String,
    /// 0 for a new initiative.
    pub version: i64,
    pub title: String,
    pub description: String,
    pub statuses: Vec<Choice>,
    pub goals: Vec<Choice>,
    pub features: Vec<Choice>,
    pub errors: Vec<(String, String)>,
}

const INITIATIVE_FIELDS: &[&str] = &["title", "description", "status", "goals", "features"];

impl InitiativeForm {
    /// `goals` and `features` are `(id, label)` of the product's; the
    /// `chosen_*` ones are checked.
    #[allow(clippy::too_many_arguments)]
    pub fn new(
        prefix: String,
        action: String,
        version: i64,
        title: &str,
        description: &str,
        status: &str,
        goals: &[(String, String)],
        chosen_goals: &[String],
        features: &[(String, String)],
        chosen_features: &[String],
    ) -> InitiativeForm {
        let choices = |all: &[(String, String)], chosen: &[String]| {
            all.iter()
                .map(|(id, label)| Choice {
                    value: id.clone(),
                    label: label.clone(),
                    selected: chosen.contains(id),
                })
                .collect()
        };
        InitiativeForm {
            prefix,
            action,
            version,
            title: title.to_string(),
            description: description.to_string(),
            statuses: keel_domain::initiatives::InitiativeStatus::ALL
                .iter()
                .map(|s| Choice {
                    value: s.as_str().to_string(),
                    label: super::inbox::human(s.as_str()),
                    selected: s.as_str() == status,
                })
                .collect(),
            goals: choices(goals, chosen_goals),
            features: choices(features, chosen_features),
            errors: Vec::new(),
        }
    }

    pub fn error(&self, name: &str) -> String {
        error_of(&self.errors, name)
    }

    pub fn other_errors(&self) -> Vec<String> {
        other_errors(&self.errors, INITIATIVE_FIELDS)
    }
}

/// What was typed into an initiative form, kept to show it again.
pub struct InitiativeDraft {
    /// `new`, or the initiative's id.
    pub target: String,
    pub title: String,
    pub description: String,
    pub status: String,
    pub goals: Vec<String>,
    pub features: Vec<String>,
    pub errors: Vec<(String, String)>,
}

impl InitiativeDraft {
    pub fn of(target: &str, form: &[(String, String)], errors: Vec<(String, String)>) -> Self {
        InitiativeDraft {
            target: target.to_string(),
            title: field(form, "title").to_string(),
            description: field(form, "description").to_string(),
            status: field(form, "status").to_string(),
            goals: values(form, "goals"),
            features: values(form, "features"),
            errors,
        }
    }
}
