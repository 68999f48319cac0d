//! Timestamps and calendar dates in the one text format both databases store.
//!
//! Timestamps are truncated to microseconds (what PostgreSQL keeps) and always
//! rendered with six fraction digits and `Z`, so they sort as text and
//! round-trip identically on SQLite and PostgreSQL.

use crate::FieldError;
use time::format_description::well_known::Rfc3339;
use time::macros::format_description;
use time::{OffsetDateTime, UtcOffset};

/// A UTC instant, microsecond precision.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Timestamp(OffsetDateTime);

const STORAGE_FORMAT: &[time::format_description::BorrowedFormatItem<'static>] =
    format_description!("[year]-[month]-[day]T[hour]:[minute]:[second].[subsecond digits:6]Z");

impl Timestamp {
    pub fn now() -> Self {
        Self::from_datetime(OffsetDateTime::now_utc())
    }

    pub fn from_datetime(dt: OffsetDateTime) -> Self {
        let dt = dt.to_offset(UtcOffset::UTC);
        let micros = dt.microsecond();
        // Dropping sub-microsecond digits cannot fail: the value stays in range.
        let truncated = dt.replace_nanosecond(micros * 1_000).unwrap_or(dt);
        Self(truncated)
    }

    /// Parses any RFC 3339 timestamp (as stored or as sent by a client).
    pub fn parse(field: &str, s: &str) -> Result<Self, FieldError> {
        OffsetDateTime::parse(s, &Rfc3339)
            .map(Self::from_datetime)
            .map_err(|_| FieldError::new(field, "must be an RFC 3339 timestamp"))
    }

    /// The stored and wire form, e.g. `2026-11-25T10:00:00.000000Z`.
    pub fn to_rfc3339(&self) -> String {
        self.0.format(STORAGE_FORMAT).unwrap_or_default()
    }

    pub fn date(&self) -> Date {
        Date(self.0.date())
    }

    pub fn datetime(&self) -> OffsetDateTime {
        self.0
    }

    /// Microseconds since 1970-01-01T00:00:00Z: the whole value, in eight
    /// bytes instead of the text's 27.
    pub fn unix_micros(&self) -> i64 {
        (self.0.unix_timestamp_nanos() / 1_000) as i64
    }

    /// The instant `micros` microseconds after the epoch; `None` out of
    /// range.
    pub fn from_unix_micros(micros: i64) -> Option<Self> {
        OffsetDateTime::from_unix_timestamp_nanos(i128::from(micros) * 1_000)
            .ok()
            .map(Self::from_datetime)
    }
}

/// A calendar date, `YYYY-MM-DD`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Date(time::Date);

const DATE_FORMAT: &[time::format_description::BorrowedFormatItem<'static>] =
    format_description!("[year]-[month]-[day]");

impl Date {
    pub fn parse(field: &str, s: &str) -> Result<Self, FieldError> {
        if s.len() != 10 {
            return Err(FieldError::new(field, "must be a date as YYYY-MM-DD"));
        }
        time::Date::parse(s, DATE_FORMAT)
            .map(Self)
            .map_err(|_| FieldError::new(field, "must be a valid date as YYYY-MM-DD"))
    }

    pub fn as_string(&self) -> String {
        self.0.format(DATE_FORMAT).unwrap_or_default()
    }

    pub fn inner(&self) -> time::Date {
        self.0
    }

    pub fn from_inner(d: time::Date) -> Self {
        Self(d)
    }

    /// The date `n` days later (earlier for negative `n`); `None` past the
    /// calendar's range.
    pub fn add_days(&self, n: i64) -> Option<Date> {
        self.0.checked_add(time::Duration::days(n)).map(Self)
    }

    /// Whole days from `self` to `later` (negative when `later` is earlier).
    pub fn days_until(&self, later: Date) -> i64 {
        (later.0 - self.0).whole_days()
    }

    /// Midnight UTC at the start of this date.
    pub fn start_utc(&self) -> Timestamp {
        Timestamp(self.0.midnight().assume_utc())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn timestamps_round_trip_with_six_digits() {
        let ts = Timestamp::parse("t", "2026-11-25T10:11:12.123456789+02:00").unwrap();
        assert_eq!(ts.to_rfc3339(), "2026-11-25T08:11:12.123456Z");
        assert_eq!(Timestamp::parse("t", &ts.to_rfc3339()).unwrap(), ts);
    }

    #[test]
    fn dates_are_strict() {
        assert_eq!(
            Date::parse("due_date", "2026-02-28").unwrap().as_string(),
            "2026-02-28"
        );
        for bad in [
            "2026-02-30",
            "26-1-1",
            "2026/01/01",
            "",
            "2026-01-01T00:00:00Z",
        ] {
            let err = Date::parse("due_date", bad).unwrap_err();
            assert_eq!(err.field, "due_date", "{bad}");
        }
    }
}
