//! The emotion curve of a journey map, drawn on the server as SVG: one
//! point per stage, left to right, at its emotion score on a scale from
//! −2 (bottom) to +2 (top), with a zero line, the scale's labels, the
//! stage names under the points and an accessible `<title>`/`<desc>`
//! that says every score in words.
//!
//! Unlike the burn-up chart (a struct a template lays out), this returns
//! the finished SVG text: the whole drawing is computed here, so its unit
//! tests see exactly what the browser gets. Every piece of user text
//! (stage names, the map's title) goes through [`escape`]; the template
//! inserts the result with `|safe` — the one other place besides
//! `markdown::render` where that is allowed. Presentation attributes only
//! (CSP allows them; no inline style); colours come from classes in
//! `app.css` so dark mode applies.

use std::fmt::Write;

/// The drawing's size in SVG units, its font size, and how many characters
/// of a stage name fit under a point (longer names are cut with "…").
#[derive(Debug, Clone, Copy)]
pub struct Size {
    pub width: f64,
    pub height: f64,
    pub font: f64,
}

/// For wide screens.
pub const WIDE: Size = Size {
    width: 1000.0,
    height: 240.0,
    font: 13.0,
};

/// For phones: fewer units across, so the text stays readable when the
/// drawing is scaled to the screen.
pub const NARROW: Size = Size {
    width: 360.0,
    height: 220.0,
    font: 12.0,
};

/// One stage as the curve shows it.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Point<'a> {
    pub name: &'a str,
    /// −2 to +2 (clamped, should the store ever hold more).
    pub emotion: i64,
}

/// Escapes text for SVG (XML) content and attribute values.
pub fn escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            // Control characters are not allowed in XML 1.0.
            c if c.is_control() && c != '\n' && c != '\t' => out.push(' '),
            c => out.push(c),
        }
    }
    out
}

/// A coordinate with at most one decimal (as attribute text).
fn num(v: f64) -> String {
    let r = (v * 10.0).round() / 10.0;
    if r.fract() == 0.0 {
        format!("{r:.0}")
    } else {
        format!("{r:.1}")
    }
}

/// `name` cut to `max` characters, with "…" when cut.
fn shorten(name: &str, max: usize) -> String {
    if name.chars().count() <= max {
        name.to_string()
    } else {
        let kept: String = name.chars().take(max.saturating_sub(1)).collect();
        format!("{}…", kept.trim_end())
    }
}

/// The score in words.
fn feeling(v: i64) -> &'static str {
    match v {
        i64::MIN..=-2 => "very negative",
        -1 => "negative",
        0 => "neutral",
        1 => "positive",
        _ => "very positive",
    }
}

/// `+2`, `0`, `−1` (a real minus sign).
fn signed(v: i64) -> String {
    match v {
        v if v > 0 => format!("+{v}"),
        v if v < 0 => format!("\u{2212}{}", -v),
        _ => "0".to_string(),
    }
}

/// The positions of the points: `(x, y)` of each stage, for `size`.
/// Stages sit in the middle of equal slots across the plot, so one stage
/// is centred and many spread evenly.
pub fn layout(points: &[Point<'_>], size: Size) -> Vec<(f64, f64)> {
    let plot = Plot::of(size);
    let slot = (plot.right - plot.left) / points.len().max(1) as f64;
    points
        .iter()
        .enumerate()
        .map(|(i, p)| (plot.left + slot * (i as f64 + 0.5), plot.y(p.emotion)))
        .collect()
}

/// The plot area inside the labels.
struct Plot {
    left: f64,
    right: f64,
    top: f64,
    bottom: f64,
}

impl Plot {
    fn of(size: Size) -> Plot {
        Plot {
            left: size.font * 3.0,
            right: size.width - size.font,
            top: size.font,
            bottom: size.height - size.font * 2.6,
        }
    }

    /// Where a score sits: +2 at the top, −2 at the bottom.
    fn y(&self, emotion: i64) -> f64 {
        let v = emotion.clamp(-2, 2) as f64;
        self.top + (2.0 - v) * (self.bottom - self.top) / 4.0
    }
}

/// The SVG of the curve. `id` keeps the element ids of several drawings
/// on one page apart; `title` names the map.
pub fn svg(points: &[Point<'_>], size: Size, id: &str, title: &str) -> String {
    let plot = Plot::of(size);
    let id = escape(id);
    let mut s = String::new();
    let desc = if points.is_empty() {
        "No stages yet: add one to draw the curve.".to_string()
    } else {
        points
            .iter()
            .enumerate()
            .map(|(i, p)| {
                format!(
                    "{}. {}: {} ({})",
                    i + 1,
                    p.name,
                    signed(p.emotion.clamp(-2, 2)),
                    feeling(p.emotion)
                )
            })
            .collect::<Vec<_>>()
            .join("; ")
    };
    let _ = write!(
        s,
        "<svg class=\"emotion-curve emotion-curve-{id}\" viewBox=\"0 0 {w} {h}\" role=\"img\" \
         aria-labelledby=\"ec-{id}-title ec-{id}-desc\" font-size=\"{f}\" \
         font-family=\"system-ui, -apple-system, 'Segoe UI', Roboto, sans-serif\" \
         data-points=\"{n}\">",
        w = num(size.width),
        h = num(size.height),
        f = num(size.font),
        n = points.len(),
    );
    let _ = write!(
        s,
        "<title id=\"ec-{id}-title\">Emotion curve of {}</title><desc id=\"ec-{id}-desc\">{}</desc>",
        escape(title),
        escape(&desc)
    );
    // The scale: a faint line per score, the zero line stronger.
    s.push_str("<g class=\"ec-grid\">");
    for v in -2..=2 {
        let y = num(plot.y(v));
        let class = if v == 0 { "ec-zero" } else { "ec-line" };
        let _ = write!(
            s,
            "<line class=\"{class}\" x1=\"{}\" x2=\"{}\" y1=\"{y}\" y2=\"{y}\"/>",
            num(plot.left),
            num(plot.right)
        );
    }
    s.push_str("</g><g class=\"ec-scale\" fill=\"currentColor\">");
    for v in -2..=2 {
        let _ = write!(
            s,
            "<text x=\"{}\" y=\"{}\" text-anchor=\"end\" dominant-baseline=\"middle\">{}</text>",
            num(plot.left - size.font * 0.6),
            num(plot.y(v)),
            signed(v)
        );
    }
    s.push_str("</g>");
    if points.is_empty() {
        let _ = write!(
            s,
            "<text class=\"ec-empty\" x=\"{}\" y=\"{}\" text-anchor=\"middle\" fill=\"currentColor\">No stages yet</text></svg>",
            num((plot.left + plot.right) / 2.0),
            num(plot.y(1))
        );
        return s;
    }
    let at = layout(points, size);
    let slot = (plot.right - plot.left) / points.len() as f64;
    // About 0.6 em per character.
    let fits = ((slot - size.font * 0.5) / (size.font * 0.6))
        .floor()
        .max(3.0) as usize;
    let line = at
        .iter()
        .map(|(x, y)| format!("{},{}", num(*x), num(*y)))
        .collect::<Vec<_>>()
        .join(" ");
    let _ = write!(
        s,
        "<polyline class=\"ec-curve\" points=\"{line}\" fill=\"none\" stroke-width=\"2.5\" \
         stroke-linejoin=\"round\" stroke-linecap=\"round\"/>"
    );
    s.push_str("<g class=\"ec-points\">");
    for (p, (x, y)) in points.iter().zip(&at) {
        let v = p.emotion.clamp(-2, 2);
        let mood = match v {
            v if v < 0 => "ec-low",
            v if v > 0 => "ec-high",
            _ => "ec-mid",
        };
        let _ = write!(
            s,
            "<circle class=\"ec-point {mood}\" cx=\"{}\" cy=\"{}\" r=\"{}\" data-emotion=\"{v}\">\
             <title>{}: {} ({})</title></circle>",
            num(*x),
            num(*y),
            num(size.font * 0.42),
            escape(p.name),
            signed(v),
            feeling(v)
        );
    }
    s.push_str("</g><g class=\"ec-names\" fill=\"currentColor\">");
    for (p, (x, _)) in points.iter().zip(&at) {
        let _ = write!(
            s,
            "<text x=\"{}\" y=\"{}\" text-anchor=\"middle\">{}</text>",
            num(*x),
            num(plot.bottom + size.font * 1.7),
            escape(&shorten(p.name, fits))
        );
    }
    s.push_str("</g></svg>");
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    const SMALL: Size = Size {
        width: 230.0,
        height: 126.0,
        font: 10.0,
    };

    fn pts<'a>(v: &[(&'a str, i64)]) -> Vec<Point<'a>> {
        v.iter()
            .map(|(name, emotion)| Point {
                name,
                emotion: *emotion,
            })
            .collect()
    }

    /// The `(cx, cy)` of every circle, as written.
    fn circles(svg: &str) -> Vec<(String, String)> {
        svg.split("<circle ")
            .skip(1)
            .map(|c| {
                let attr = |name: &str| {
                    let start = c.find(&format!("{name}=\"")).unwrap() + name.len() + 2;
                    c[start..start + c[start..].find('"').unwrap()].to_string()
                };
                (attr("cx"), attr("cy"))
            })
            .collect()
    }

    #[test]
    fn scores_map_to_heights_from_plus_two_at_the_top_to_minus_two_at_the_bottom() {
        // Plot: x 30..220, y 10..100 (126 − 26); a quarter is 22.5.
        let plot = Plot::of(SMALL);
        assert_eq!(
            (plot.left, plot.right, plot.top, plot.bottom),
            (30.0, 220.0, 10.0, 100.0)
        );
        let ys: Vec<f64> = (-2..=2).map(|v| plot.y(v)).collect();
        assert_eq!(ys, [100.0, 77.5, 55.0, 32.5, 10.0]);
        assert_eq!(plot.y(7), 10.0, "clamped");
    }

    #[test]
    fn many_stages_spread_evenly_with_the_curve_through_every_point() {
        let p = pts(&[
            ("Discover", 1),
            ("Sign up", -2),
            ("First board", 2),
            ("Invite", 0),
        ]);
        let svg = svg(&p, SMALL, "w", "Onboarding");
        // Four slots of 47.5 across 30..220: centres at 53.75, 101.25, …
        assert_eq!(
            circles(&svg),
            [
                ("53.8".to_string(), "32.5".to_string()),
                ("101.3".to_string(), "100".to_string()),
                ("148.8".to_string(), "10".to_string()),
                ("196.3".to_string(), "55".to_string()),
            ]
        );
        assert!(svg.contains("points=\"53.8,32.5 101.3,100 148.8,10 196.3,55\""));
        assert!(svg.contains("data-points=\"4\""));
        assert!(svg.contains("data-emotion=\"-2\""));
        // The zero line and the scale's labels, top to bottom.
        assert!(svg.contains("<line class=\"ec-zero\" x1=\"30\" x2=\"220\" y1=\"55\" y2=\"55\"/>"));
        for label in ["+2", "+1", ">0<", "\u{2212}1", "\u{2212}2"] {
            assert!(svg.contains(label), "{label}");
        }
        // Names under the points, cut to fit a slot (47.5 wide at 10 units:
        // 7 characters).
        assert!(svg.contains(">Discov…</text>"), "{svg}");
        assert!(svg.contains(">Sign up</text>"));
        assert!(svg.contains("<title>First board: +2 (very positive)</title>"));
        // Accessible name and description, every score in words.
        assert!(svg.contains("role=\"img\" aria-labelledby=\"ec-w-title ec-w-desc\""));
        assert!(svg.contains("<title id=\"ec-w-title\">Emotion curve of Onboarding</title>"));
        assert!(svg.contains(
            "<desc id=\"ec-w-desc\">1. Discover: +1 (positive); 2. Sign up: \u{2212}2 (very negative); \
             3. First board: +2 (very positive); 4. Invite: 0 (neutral)</desc>"
        ));
        assert!(svg.starts_with("<svg ") && svg.ends_with("</svg>"));
    }

    #[test]
    fn one_stage_sits_in_the_middle() {
        let svg = svg(&pts(&[("Only", -1)]), SMALL, "n", "M");
        assert_eq!(circles(&svg), [("125".to_string(), "77.5".to_string())]);
        assert!(svg.contains("points=\"125,77.5\""));
        assert!(svg.contains("class=\"ec-point ec-low\""));
    }

    #[test]
    fn no_stages_draw_the_scale_and_say_so() {
        let svg = svg(&[], SMALL, "e", "Empty");
        assert!(circles(&svg).is_empty());
        assert!(!svg.contains("<polyline"));
        assert!(svg.contains(">No stages yet</text>"));
        assert!(svg.contains("data-points=\"0\""));
        assert!(svg.contains("No stages yet: add one to draw the curve.</desc>"));
        assert_eq!(svg.matches("<line ").count(), 5);
    }

    #[test]
    fn stage_names_and_titles_are_escaped_everywhere() {
        let evil = "<script>alert(\"x\")</script> & 'co'";
        let svg = svg(
            &pts(&[(evil, 0), ("a\u{7}b", 1)]),
            WIDE,
            "w\"><script>",
            "</title><script>1</script>",
        );
        assert!(!svg.contains("<script"), "{svg}");
        assert!(!svg.contains("</title><script"));
        assert!(
            svg.contains("&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; &#39;co&#39;")
        );
        assert!(svg.contains("ec-w&quot;&gt;&lt;script&gt;-title"));
        assert!(!svg.contains('\u{7}'), "control characters dropped");
        // Every tag that opens closes: the text stayed text.
        assert_eq!(svg.matches("<text").count(), svg.matches("</text>").count());
        assert_eq!(
            svg.matches("<title").count(),
            svg.matches("</title>").count()
        );
    }

    #[test]
    fn narrow_drawings_cut_long_names_harder() {
        let p = pts(&[
            ("Comparing alternatives", 0),
            ("Signing up", 0),
            ("Importing data", 0),
            ("Inviting the team", 0),
            ("Paying", 0),
        ]);
        let wide = svg(&p, WIDE, "w", "M");
        let narrow = svg(&p, NARROW, "n", "M");
        assert!(wide.contains(">Comparing alternatives</text>"));
        assert!(narrow.contains(">Compar…</text>"), "{narrow}");
        assert_eq!(shorten("abc", 3), "abc");
        assert_eq!(shorten("abcd", 3), "ab…");
    }
}
