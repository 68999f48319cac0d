//! Calendar dates as pages show them ("Thursday, 5 March", "Thu 5 Mar",
//! "5 Mar"), in English, with no locale machinery.

use keel_domain::time::Date;

const MONTHS: [&str; 12] = [
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
];

fn month(d: &Date) -> &'static str {
    MONTHS[usize::from(u8::from(d.inner().month())) - 1]
}

fn weekday(d: &Date) -> String {
    d.inner().weekday().to_string()
}

/// `Thursday, 5 March 2026` (the year only when it is not `this_year`).
pub fn long(d: &Date, this_year: i32) -> String {
    let year = if d.inner().year() == this_year {
        String::new()
    } else {
        format!(" {}", d.inner().year())
    };
    format!("{}, {} {}{year}", weekday(d), d.inner().day(), month(d))
}

/// `Thu 5 Mar`.
pub fn short(d: &Date) -> String {
    format!("{} {}", &weekday(d)[..3], day_month(d))
}

/// `5 Mar`.
pub fn day_month(d: &Date) -> String {
    format!("{} {}", d.inner().day(), &month(d)[..3])
}

/// A stored `YYYY-MM-DD` as `Thu 5 Mar`, or as given when it is not one.
pub fn short_text(s: &str) -> String {
    Date::parse("date", s).map_or_else(|_| s.to_string(), |d| short(&d))
}

/// A stored `YYYY-MM-DD` as `5 Mar`, or as given when it is not one.
pub fn day_month_text(s: &str) -> String {
    Date::parse("date", s).map_or_else(|_| s.to_string(), |d| day_month(&d))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates_read_like_prose() {
        let d = Date::parse("d", "2026-03-05").unwrap();
        assert_eq!(long(&d, 2026), "Thursday, 5 March");
        assert_eq!(long(&d, 2027), "Thursday, 5 March 2026");
        assert_eq!(short(&d), "Thu 5 Mar");
        assert_eq!(day_month(&d), "5 Mar");
        assert_eq!(short_text("2026-12-31"), "Thu 31 Dec");
        assert_eq!(short_text("soon"), "soon");
        assert_eq!(day_month_text("2026-01-01"), "1 Jan");
    }
}
