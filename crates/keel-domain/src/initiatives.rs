//! Initiatives: a product's features grouped toward one or more of its
//! goals. Only the closed status vocabulary lives here; the links are
//! checked against the store by the API.

vocabulary! {
    /// Where an initiative stands. A cancelled initiative no longer moves
    /// its goals (its features are not counted through it).
    InitiativeStatus {
        Planned => "planned",
        InProgress => "in_progress",
        Done => "done",
        Cancelled => "cancelled",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn statuses_round_trip_and_unknown_names_the_field() {
        for s in InitiativeStatus::ALL {
            assert_eq!(InitiativeStatus::parse("status", s.as_str()), Ok(*s));
        }
        for bad in ["", "Planned", "started", " done"] {
            let e = InitiativeStatus::parse("status", bad).unwrap_err();
            assert_eq!(e.field, "status", "{bad:?}");
        }
    }
}
