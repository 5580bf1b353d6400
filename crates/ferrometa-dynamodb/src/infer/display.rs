//! How names, paths and types are written: column names cut and encoded, paths in
//! warnings (`address.geo.lat`, `lines[]`) shown on one line, and type texts cut at
//! [`MAX_DISPLAY_BYTES`](super::MAX_DISPLAY_BYTES).

use ferrometa_model::fqn::encode_name;
use ferrometa_model::{Column, DataType};

use super::{MAX_DISPLAY_BYTES, MAX_NAME_CHARS};

/// A name as one segment of an attribute path: quoted when it holds `.`, `[`, `]` or `"`.
pub fn path_segment(name: &str) -> String {
    if name.contains(['.', '[', ']', '"']) {
        format!("\"{name}\"")
    } else {
        name.to_string()
    }
}

pub(super) fn truncate_chars(s: &str, max: usize) -> &str {
    match s.char_indices().nth(max) {
        Some((i, _)) => &s[..i],
        None => s,
    }
}

/// A name or path as a warning shows it: on one line, and cut at 120 characters (names run up
/// to 64 KB, and warnings go to logs and the status).
pub(super) fn shown(text: &str) -> String {
    let cut = truncate_chars(text, 120);
    let mut out = String::with_capacity(cut.len());
    for c in cut.chars() {
        if c.is_control() {
            out.extend(c.escape_debug());
        } else {
            out.push(c);
        }
    }
    if cut.len() < text.len() {
        out.push('…');
    }
    out
}

pub(super) fn truncate_display(mut s: String) -> String {
    if s.len() > MAX_DISPLAY_BYTES {
        let mut cut = MAX_DISPLAY_BYTES - '…'.len_utf8();
        while !s.is_char_boundary(cut) {
            cut -= 1;
        }
        s.truncate(cut);
        s.push('…');
    }
    s
}

pub(super) fn named_column(raw: &str) -> Column {
    let name = encode_name(truncate_chars(raw, MAX_NAME_CHARS));
    let mut col = Column::new(name, DataType::Unknown);
    if col.name != raw {
        col.display_name = Some(raw.to_string());
    }
    col
}

/// Where a value sits (`address.geo.lat`, `lines[]`): built as the items are walked, and
/// rendered only when a warning names it (rendering it for every value cost an allocation
/// per attribute per item).
pub(super) enum PathTo<'a> {
    Top(&'a str),
    Field(&'a PathTo<'a>, &'a str),
    Element(&'a PathTo<'a>),
}

impl std::fmt::Display for PathTo<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            PathTo::Top(name) => f.write_str(&path_segment(name)),
            PathTo::Field(parent, name) => write!(f, "{parent}.{}", path_segment(name)),
            PathTo::Element(parent) => write!(f, "{parent}[]"),
        }
    }
}

pub(super) fn at_path(path: Option<&PathTo<'_>>) -> String {
    match path {
        None => " at the top level".to_string(),
        Some(path) => format!(" under `{}`", shown(&path.to_string())),
    }
}
