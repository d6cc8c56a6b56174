//! Laying out bidirectional text into a ratatui buffer: paragraphs and list items, wrapped in
//! logical order, reordered per line (`crate::bidi`), right-aligned when right-to-left, and
//! measured by grapheme widths so borders line up.

use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::style::Style;

use crate::bidi::{self, Dir, TextOpts, VisualLine};

/// One paragraph or list item.
#[derive(Debug, Clone)]
pub struct Item {
    pub text: String,
    pub dir: Dir,
    pub style: Style,
    /// Drawn at the start side (right in RTL) of the first line, the text hangs beside it.
    pub marker: Option<(String, Style)>,
    /// The marker column's width (at least the marker's).
    pub marker_width: usize,
    /// Cells kept free at the start side.
    pub indent: u16,
    /// Fill the whole row with the style (a selected list item).
    pub fill: bool,
    /// Keep this item on screen when scrolling.
    pub focus: bool,
    /// The click target this item stands for.
    pub target: Option<usize>,
    /// Lay this item out with other settings (the settings screen's samples).
    pub opts: Option<TextOpts>,
}

/// A document: items top to bottom.
#[derive(Debug, Clone, Default)]
pub struct Doc {
    pub items: Vec<Item>,
    /// The direction of the UI language, for neutral text.
    pub rtl: bool,
}

impl Doc {
    pub fn new(rtl: bool) -> Doc {
        Doc {
            items: Vec::new(),
            rtl,
        }
    }

    fn base(&self, text: impl Into<String>, style: Style) -> Item {
        Item {
            // Every text on screen passes here: whatever a token or a module said cannot
            // drive the terminal or break the panel's borders.
            text: tokenyar_engine::text::terminal_safe_text(&text.into()).into_owned(),
            dir: Dir::Auto {
                rtl_fallback: self.rtl,
            },
            style,
            marker: None,
            marker_width: 0,
            indent: 0,
            fill: false,
            focus: false,
            target: None,
            opts: None,
        }
    }

    /// A paragraph in the UI's direction (UI strings and KB texts of the UI language).
    pub fn para(&mut self, text: impl Into<String>, style: Style) -> &mut Item {
        let mut it = self.base(text, style);
        it.dir = if self.rtl { Dir::Rtl } else { Dir::Ltr };
        self.items.push(it);
        self.last()
    }

    /// A paragraph whose direction follows its first strong letter (evidence, file text).
    pub fn auto(&mut self, text: impl Into<String>, style: Style) -> &mut Item {
        let it = self.base(text, style);
        self.items.push(it);
        self.last()
    }

    pub fn blank(&mut self) {
        self.para("", Style::default());
    }

    /// A list item with a marker at the start side.
    pub fn item(
        &mut self,
        marker: impl Into<String>,
        text: impl Into<String>,
        style: Style,
    ) -> &mut Item {
        let mut it = self.base(text, style);
        it.dir = if self.rtl { Dir::Rtl } else { Dir::Ltr };
        let marker = marker.into();
        it.marker_width = bidi::width(&marker);
        it.marker = Some((marker, style));
        self.items.push(it);
        self.last()
    }

    fn last(&mut self) -> &mut Item {
        let n = self.items.len() - 1;
        &mut self.items[n]
    }
}

impl Item {
    pub fn target(&mut self, t: usize) -> &mut Self {
        self.target = Some(t);
        self
    }
    pub fn focus(&mut self, f: bool) -> &mut Self {
        self.focus = f;
        self
    }
    pub fn fill(&mut self, f: bool) -> &mut Self {
        self.fill = f;
        self
    }
    pub fn indent(&mut self, n: u16) -> &mut Self {
        self.indent = n;
        self
    }
    pub fn marker_style(&mut self, s: Style) -> &mut Self {
        if let Some((_, st)) = self.marker.as_mut() {
            *st = s;
        }
        self
    }
    pub fn marker_width(&mut self, w: usize) -> &mut Self {
        self.marker_width = self.marker_width.max(w);
        self
    }
    pub fn dir(&mut self, d: Dir) -> &mut Self {
        self.dir = d;
        self
    }
    pub fn opts(&mut self, o: TextOpts) -> &mut Self {
        self.opts = Some(o);
        self
    }
}

/// One laid-out row.
struct Row {
    /// The text and where it starts, relative to the area's left edge.
    spans: Vec<(u16, String, Style)>,
    fill: Option<Style>,
    item: usize,
}

/// Where clickable items ended up on screen: `(row, target)`.
pub type Hits = Vec<(u16, usize)>;

fn lay(doc: &Doc, width: u16, opts: TextOpts) -> Vec<Row> {
    let mut rows = Vec::new();
    let w = usize::from(width);
    for (idx, it) in doc.items.iter().enumerate() {
        let o = it.opts.unwrap_or(opts);
        let indent = usize::from(it.indent);
        let mw = if it.marker.is_some() {
            it.marker_width + 1
        } else {
            0
        };
        let avail = w.saturating_sub(indent + mw).max(1);
        let lines: Vec<VisualLine> = bidi::layout(&it.text, it.dir, avail, o);
        let rtl = lines.first().is_some_and(|l| l.rtl);
        let marker = it.marker.as_ref().map(|(m, st)| {
            let ml = bidi::layout(m, it.dir, it.marker_width.max(1), o);
            (
                ml.into_iter().next().map(|l| l.text).unwrap_or_default(),
                *st,
            )
        });
        for (i, l) in lines.into_iter().enumerate() {
            let mut spans = Vec::new();
            let lw = l.width.min(avail);
            let x = if rtl {
                w.saturating_sub(indent + mw + lw)
            } else {
                indent + mw
            };
            if i == 0
                && let Some((m, st)) = &marker
            {
                let mwid = bidi::width(m);
                let mx = if rtl {
                    w.saturating_sub(indent + mwid)
                } else {
                    indent + it.marker_width - mwid
                };
                spans.push((mx as u16, m.clone(), *st));
            }
            spans.push((x as u16, l.text, it.style));
            rows.push(Row {
                spans,
                fill: it.fill.then_some(it.style),
                item: idx,
            });
        }
    }
    rows
}

/// How many rows a document takes at a width.
pub fn height(doc: &Doc, width: u16, opts: TextOpts) -> usize {
    lay(doc, width, opts).len()
}

/// Draws a document into `area`: first scrolled as far as needed to keep the focused item
/// visible, then by `scroll` more rows (negative: up). Arrows in the right margin show that
/// there is more above or below. Returns where the clickable items are.
pub fn render(doc: &Doc, area: Rect, buf: &mut Buffer, opts: TextOpts, scroll: i32) -> Hits {
    let rows = lay(doc, area.width, opts);
    let h = usize::from(area.height);
    let max_top = rows.len().saturating_sub(h);
    let mut top = 0usize;
    let focus: Vec<usize> = rows
        .iter()
        .enumerate()
        .filter(|(_, r)| doc.items[r.item].focus)
        .map(|(i, _)| i)
        .collect();
    if let (Some(&first), Some(&last)) = (focus.first(), focus.last()) {
        if last >= top + h {
            top = (last + 1).saturating_sub(h);
        }
        if first < top {
            top = first;
        }
    }
    let top = (top as i64 + i64::from(scroll)).clamp(0, max_top as i64) as usize;
    if area.width > 0 && area.height > 0 {
        let more = Style::default().fg(ratatui::style::Color::DarkGray);
        if top > 0 {
            buf.set_string(area.right(), area.y, "▲", more);
        }
        if top < max_top {
            buf.set_string(area.right(), area.bottom() - 1, "▼", more);
        }
    }
    let mut hits = Vec::new();
    for (y, row) in rows.iter().skip(top).take(h).enumerate() {
        let ry = area.y + y as u16;
        if let Some(st) = row.fill {
            buf.set_style(Rect::new(area.x, ry, area.width, 1), st);
        }
        for (x, text, st) in &row.spans {
            let x = area.x + (*x).min(area.width.saturating_sub(1));
            let max = usize::from(area.right().saturating_sub(x));
            buf.set_stringn(x, ry, text, max, *st);
        }
        if let Some(t) = doc.items[row.item].target {
            hits.push((ry, t));
        }
    }
    hits
}

/// One line of text placed at the start or end side of a row (titles, hints).
pub fn line(
    buf: &mut Buffer,
    area: Rect,
    text: &str,
    style: Style,
    opts: TextOpts,
    rtl: bool,
    end: bool,
) {
    let text = tokenyar_engine::text::terminal_safe_text(text);
    let l = bidi::layout(
        &text,
        if rtl { Dir::Rtl } else { Dir::Ltr },
        usize::from(area.width),
        opts,
    );
    let Some(l) = l.into_iter().next() else {
        return;
    };
    let w = l.width.min(usize::from(area.width)) as u16;
    let at_right = rtl != end;
    let x = if at_right {
        area.right().saturating_sub(w)
    } else {
        area.x
    };
    buf.set_stringn(
        x,
        area.y,
        &l.text,
        usize::from(area.right().saturating_sub(x)),
        style,
    );
}
