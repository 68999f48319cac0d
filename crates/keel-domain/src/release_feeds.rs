//! A product's releases as feeds: an Atom feed of shipped releases' notes
//! (RFC 4287) and an iCalendar of release dates (RFC 5545), rendered as
//! text here so the rules (escaping, line endings, folding) are tested
//! without IO.

use crate::release_notes::html_escape;

/// One shipped release in the Atom feed.
#[derive(Debug, Clone, PartialEq)]
pub struct FeedEntry {
    /// A stable, unique URI for the entry (e.g. `urn:keel:release:{id}`).
    pub id: String,
    pub title: String,
    /// RFC 3339, when it shipped.
    pub updated: String,
    /// The notes as an HTML fragment (already escaped where it holds text).
    pub html: String,
}

/// The Atom feed: `updated` is the newest entry's, else `fallback_updated`.
pub fn atom(
    feed_id: &str,
    title: &str,
    link: &str,
    fallback_updated: &str,
    entries: &[FeedEntry],
) -> String {
    let updated = entries
        .iter()
        .map(|e| e.updated.as_str())
        .max()
        .unwrap_or(fallback_updated);
    let mut out = format!(
        "<?xml version=\"1.0\" encoding=\"utf-8\"?>\n<feed xmlns=\"http://www.w3.org/2005/Atom\">\n<id>{}</id>\n<title>{}</title>\n<link href=\"{}\"/>\n<updated>{}</updated>\n",
        html_escape(feed_id),
        html_escape(title),
        html_escape(link),
        html_escape(updated)
    );
    for e in entries {
        // The HTML goes in as escaped text (type="html"), so no markup of
        // a summary can break the XML.
        out.push_str(&format!(
            "<entry>\n<id>{}</id>\n<title>{}</title>\n<updated>{}</updated>\n<content type=\"html\">{}</content>\n</entry>\n",
            html_escape(&e.id),
            html_escape(&e.title),
            html_escape(&e.updated),
            html_escape(&e.html)
        ));
    }
    out.push_str("</feed>\n");
    out
}

/// One release in the calendar: an all-day event on its date.
#[derive(Debug, Clone, PartialEq)]
pub struct CalendarEvent {
    pub uid: String,
    /// YYYY-MM-DD.
    pub date: String,
    pub summary: String,
}

/// RFC 5545 TEXT escaping.
fn ics_text(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '\\' => out.push_str("\\\\"),
            ';' => out.push_str("\\;"),
            ',' => out.push_str("\\,"),
            '\n' => out.push_str("\\n"),
            '\r' => {}
            _ => out.push(c),
        }
    }
    out
}

/// Folds a content line at 75 octets (never inside a character), CRLF
/// between the parts and a space starting each continuation.
fn fold(line: &str) -> String {
    let mut out = String::new();
    let mut width = 0;
    for c in line.chars() {
        let len = c.len_utf8();
        if width + len > 75 {
            out.push_str("\r\n ");
            width = 1;
        }
        out.push(c);
        width += len;
    }
    out.push_str("\r\n");
    out
}

/// The calendar; `stamp` is the `DTSTAMP` (`YYYYMMDDTHHMMSSZ`).
pub fn ics(name: &str, stamp: &str, events: &[CalendarEvent]) -> String {
    let mut out = String::new();
    for l in [
        "BEGIN:VCALENDAR".to_string(),
        "VERSION:2.0".to_string(),
        "PRODID:-//Keel//Releases//EN".to_string(),
        format!("X-WR-CALNAME:{}", ics_text(name)),
    ] {
        out.push_str(&fold(&l));
    }
    for e in events {
        let day = e.date.replace('-', "");
        for l in [
            "BEGIN:VEVENT".to_string(),
            format!("UID:{}", ics_text(&e.uid)),
            format!("DTSTAMP:{stamp}"),
            format!("DTSTART;VALUE=DATE:{day}"),
            format!("SUMMARY:{}", ics_text(&e.summary)),
            "END:VEVENT".to_string(),
        ] {
            out.push_str(&fold(&l));
        }
    }
    out.push_str(&fold("END:VCALENDAR"));
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn atom_escapes_everything() {
        let got = atom(
            "urn:keel:releases:p1",
            "Keel & co releases",
            "https://x/portal/acme/KEEL",
            "2026-01-01T00:00:00Z",
            &[FeedEntry {
                id: "urn:keel:release:r1".into(),
                title: "Keel 1.0 <beta>".into(),
                updated: "2026-03-01T10:00:00Z".into(),
                html: "<p>A &amp; B</p>".into(),
            }],
        );
        assert_eq!(
            got,
            "<?xml version=\"1.0\" encoding=\"utf-8\"?>\n<feed xmlns=\"http://www.w3.org/2005/Atom\">\n<id>urn:keel:releases:p1</id>\n<title>Keel &amp; co releases</title>\n<link href=\"https://x/portal/acme/KEEL\"/>\n<updated>2026-03-01T10:00:00Z</updated>\n<entry>\n<id>urn:keel:release:r1</id>\n<title>Keel 1.0 &lt;beta&gt;</title>\n<updated>2026-03-01T10:00:00Z</updated>\n<content type=\"html\">&lt;p&gt;A &amp;amp; B&lt;/p&gt;</content>\n</entry>\n</feed>\n"
        );
        let empty = atom("i", "t", "l", "2026-01-01T00:00:00Z", &[]);
        assert!(empty.contains("<updated>2026-01-01T00:00:00Z</updated>"));
    }

    #[test]
    fn ics_escapes_folds_and_uses_crlf() {
        let got = ics(
            "Keel, releases",
            "20260301T100000Z",
            &[CalendarEvent {
                uid: "r1@keel".into(),
                date: "2026-03-05".into(),
                summary: "Keel 1.0; target".into(),
            }],
        );
        assert_eq!(
            got,
            "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//Keel//Releases//EN\r\nX-WR-CALNAME:Keel\\, releases\r\nBEGIN:VEVENT\r\nUID:r1@keel\r\nDTSTAMP:20260301T100000Z\r\nDTSTART;VALUE=DATE:20260305\r\nSUMMARY:Keel 1.0\\; target\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n"
        );
        let long = fold(&"é".repeat(50));
        assert!(long.split("\r\n").all(|l| l.len() <= 75), "{long:?}");
        assert_eq!(long.replace("\r\n ", ""), format!("{}\r\n", "é".repeat(50)));
    }
}
