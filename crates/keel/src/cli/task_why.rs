//! `keel task why KEY`: the chain above a task — story, feature, goals and
//! the customers who asked — as plain lines (or the API's object with
//! `--json`).

use super::output;
use anyhow::Result;
use keel_api_types::TaskWhy;

/// The human view: one line per link of the chain, the missing ones said.
pub fn render(why: &TaskWhy) -> String {
    let mut out = vec![format!("Why {}:", why.task)];
    match &why.story {
        Some(s) => out.push(format!("  Story     {}", s.narrative)),
        None => out.push("  Story     (none)".to_string()),
    }
    match &why.feature {
        Some(f) => out.push(format!("  Feature   {} ({})", f.title, f.status)),
        None => out.push("  Feature   (none)".to_string()),
    }
    for g in &why.goals {
        out.push(format!("  Goal      {}", g.title));
    }
    for c in &why.customers {
        let company = c
            .company
            .as_deref()
            .map(|co| format!(", {co}"))
            .unwrap_or_default();
        let times = if c.feedback_count == 1 { "" } else { "s" };
        out.push(format!(
            "  Asked by  {}{company} ({} feedback item{times})",
            c.name, c.feedback_count
        ));
    }
    out.join("\n") + "\n"
}

pub fn print(why: &TaskWhy, json: bool) -> Result<()> {
    if json {
        return output::json(why);
    }
    output::emit(&render(why))
}
