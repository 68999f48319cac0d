//! Task workflow vocabularies: status, priority and type, with their wire
//! names. Unknown names are rejected with the list of accepted ones.

vocabulary! {
    /// Where a task is in the workflow, in board column order.
    Status {
        Backlog => "backlog",
        Todo => "todo",
        InProgress => "in_progress",
        InReview => "in_review",
        Done => "done",
        Canceled => "canceled",
    }
}

vocabulary! {
    /// How urgent a task is.
    Priority {
        Urgent => "urgent",
        High => "high",
        Medium => "medium",
        Low => "low",
        NoPriority => "none",
    }
}

vocabulary! {
    /// What kind of work a task is.
    TaskType {
        Feature => "feature",
        Bug => "bug",
        TechDebt => "tech_debt",
        Spike => "spike",
        Chore => "chore",
    }
}

impl Status {
    /// Done and canceled tasks are closed: they leave My day and count as
    /// finished in cycles.
    pub fn is_closed(&self) -> bool {
        matches!(self, Status::Done | Status::Canceled)
    }
}

impl Priority {
    /// Sort rank, urgent first and "none" last.
    pub fn rank(&self) -> i64 {
        match self {
            Priority::Urgent => 1,
            Priority::High => 2,
            Priority::Medium => 3,
            Priority::Low => 4,
            Priority::NoPriority => 5,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn vocabularies_round_trip() {
        for s in Status::ALL {
            assert_eq!(Status::parse("status", s.as_str()).unwrap(), *s);
        }
        for p in Priority::ALL {
            assert_eq!(Priority::parse("priority", p.as_str()).unwrap(), *p);
        }
        for t in TaskType::ALL {
            assert_eq!(TaskType::parse("type", t.as_str()).unwrap(), *t);
        }
    }

    #[test]
    fn unknown_names_list_the_choices() {
        let err = Status::parse("status", "doing").unwrap_err();
        assert_eq!(err.field, "status");
        assert!(err.message.contains("in_progress"));
    }
}
