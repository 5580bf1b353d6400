//! Environment-variable expansion of the raw recipe text, done before parsing as upstream does,
//! but strict where upstream is silent: an unset variable is an error instead of staying in the
//! text, `$$` writes a literal `$`, and YAML comments are left alone so that a commented-out
//! `${X}` cannot fail a run. Errors name the variable, never its value.

use std::ops::Range;

/// The expanded text, the values that went into it (to be masked in later errors) and where
/// the text was changed (to report errors at positions of the original).
#[derive(Debug)]
pub(crate) struct Expansion {
    pub text: String,
    pub values: Vec<String>,
    edits: Vec<Edit>,
}

/// One replaced reference: byte ranges in the expanded and in the original text.
#[derive(Debug)]
struct Edit {
    expanded: Range<usize>,
    original: Range<usize>,
}

impl Expansion {
    /// The 1-based position in `original` of a 1-based position of the expanded text; a
    /// position inside an expanded value is the start of its reference.
    pub(crate) fn original_position(
        &self,
        original: &str,
        line: usize,
        column: usize,
    ) -> (usize, usize) {
        let offset = byte_offset(&self.text, line, column);
        let before = self.edits.partition_point(|e| e.expanded.start <= offset);
        let mapped = match before.checked_sub(1).map(|i| &self.edits[i]) {
            None => offset,
            Some(edit) if offset < edit.expanded.end => edit.original.start,
            Some(edit) => edit.original.end + (offset - edit.expanded.end),
        };
        position(original, mapped)
    }
}

/// Byte offset of a 1-based line and character column, clamped to the text.
fn byte_offset(text: &str, line: usize, column: usize) -> usize {
    let mut start = 0;
    for _ in 1..line {
        match text[start..].find('\n') {
            Some(i) => start += i + 1,
            None => return text.len(),
        }
    }
    let line_text = text[start..].split('\n').next().unwrap_or_default();
    start
        + line_text
            .char_indices()
            .nth(column.saturating_sub(1))
            .map_or(line_text.len(), |(i, _)| i)
}

/// 1-based line and character column of a byte offset (clamped to the text).
pub(crate) fn position(text: &str, offset: usize) -> (usize, usize) {
    let mut offset = offset.min(text.len());
    while !text.is_char_boundary(offset) {
        offset -= 1;
    }
    let before = &text[..offset];
    let line_start = before.rfind('\n').map_or(0, |i| i + 1);
    (
        before.matches('\n').count() + 1,
        before[line_start..].chars().count() + 1,
    )
}

/// A reference that cannot be expanded, at a 1-based line and column.
#[derive(Debug, PartialEq, Eq)]
pub(crate) struct EnvError {
    pub message: String,
    pub line: usize,
    pub column: usize,
}

/// Expands `${NAME}` and `$NAME`; `yaml` turns on comment and block-scalar awareness.
pub(crate) fn expand(
    text: &str,
    yaml: bool,
    env: &dyn Fn(&str) -> Option<String>,
) -> Result<Expansion, EnvError> {
    let mut expander = Expander {
        out: String::with_capacity(text.len()),
        values: Vec::new(),
        edits: Vec::new(),
        line_start: 0,
        env,
    };
    let mut yaml_state = YamlState::default();
    for (index, line) in text.split_inclusive('\n').enumerate() {
        let line_no = index + 1;
        if !yaml || yaml_state.in_block_scalar(line) {
            expander.expand_span(line, line_no)?;
        } else {
            yaml_state.scan_line(line, line_no, &mut expander)?;
        }
        expander.line_start += line.len();
    }
    Ok(Expansion {
        text: expander.out,
        values: expander.values,
        edits: expander.edits,
    })
}

struct Expander<'a> {
    out: String,
    values: Vec<String>,
    edits: Vec<Edit>,
    /// Byte offset in the original text of the line being expanded.
    line_start: usize,
    env: &'a dyn Fn(&str) -> Option<String>,
}

impl Expander<'_> {
    /// Expands the references in `span`, which starts at the beginning of line `line`.
    fn expand_span(&mut self, span: &str, line: usize) -> Result<(), EnvError> {
        let mut rest = span;
        let mut column = 0;
        while let Some(at) = rest.find('$') {
            self.out.push_str(&rest[..at]);
            column += rest[..at].chars().count();
            let expanded_start = self.out.len();
            let original_start = self.line_start + (span.len() - rest.len()) + at;
            let consumed = self.expand_reference(&rest[at..], line, column + 1)?;
            self.edits.push(Edit {
                expanded: expanded_start..self.out.len(),
                original: original_start..original_start + consumed,
            });
            column += rest[at..at + consumed].chars().count();
            rest = &rest[at + consumed..];
        }
        self.out.push_str(rest);
        Ok(())
    }

    /// Expands the reference that `text` starts with (`text` starts with `$`) and returns how
    /// many bytes it used.
    fn expand_reference(
        &mut self,
        text: &str,
        line: usize,
        column: usize,
    ) -> Result<usize, EnvError> {
        let error = |message: String| EnvError {
            message,
            line,
            column,
        };
        let after = &text[1..];
        if after.starts_with('$') {
            self.out.push('$');
            return Ok(2);
        }
        let (name, used) = if let Some(braced) = after.strip_prefix('{') {
            let len = name_len(braced);
            let name = &braced[..len];
            match braced[len..].chars().next() {
                Some('}') if len > 0 => (name, len + 3),
                None | Some('\n' | '\r') => {
                    return Err(error(
                        "unclosed `${`: write `${NAME}`, or `$$` for a literal `$`".to_string(),
                    ));
                }
                // Only the name so far and the offending character are shown: the rest of
                // the line may be anything, a secret included.
                Some(c) => {
                    let c: String = if c.is_control() {
                        c.escape_debug().collect()
                    } else {
                        c.to_string()
                    };
                    return Err(error(format!(
                        "invalid variable reference `${{{}{}…`: only `${{NAME}}` is supported \
                         (letters, digits and `_`); write `$$` for a literal `$`",
                        truncate(name),
                        c
                    )));
                }
            }
        } else {
            let len = name_len(after);
            if len == 0 {
                self.out.push('$');
                return Ok(1);
            }
            (&after[..len], len + 1)
        };
        match (self.env)(name) {
            Some(value) => {
                self.out.push_str(&value);
                self.values.push(value);
                Ok(used)
            }
            None => Err(error(format!(
                "environment variable `{name}` is not set (write `$$` for a literal `$`)"
            ))),
        }
    }
}

/// Length in bytes of the variable name `text` starts with (0 if none).
fn name_len(text: &str) -> usize {
    let mut chars = text.char_indices();
    match chars.next() {
        Some((_, c)) if c == '_' || c.is_ascii_alphabetic() => {}
        _ => return 0,
    }
    chars
        .find(|&(_, c)| c != '_' && !c.is_ascii_alphanumeric())
        .map_or(text.len(), |(i, _)| i)
}

/// At most 40 characters of `name`, for messages.
fn truncate(name: &str) -> &str {
    name.char_indices()
        .nth(40)
        .map_or(name, |(i, _)| &name[..i])
}

/// What the YAML scanner carries from one line to the next.
#[derive(Default)]
struct YamlState {
    /// The quote of a quoted scalar that continues on the next line.
    quote: Option<char>,
    /// Indentation of the line that opened a block scalar (`key: |`) we are inside.
    block_parent_indent: Option<usize>,
}

impl YamlState {
    /// Whether `line` is content of an open block scalar, where `#` is text, not a comment.
    fn in_block_scalar(&mut self, line: &str) -> bool {
        let Some(parent) = self.block_parent_indent else {
            return false;
        };
        if line.trim().is_empty() || indentation(line) > parent {
            return true;
        }
        self.block_parent_indent = None;
        false
    }

    /// Expands one line outside block scalars, copying any comment unchanged.
    fn scan_line(
        &mut self,
        line: &str,
        line_no: usize,
        expander: &mut Expander,
    ) -> Result<(), EnvError> {
        let mut previous: Option<char> = None;
        let mut previous_token: Option<char> = None;
        let mut escaped = false;
        let mut comment_at = None;
        let mut chars = line.char_indices().peekable();
        while let Some((at, c)) = chars.next() {
            match self.quote {
                Some('"') if escaped => escaped = false,
                Some('"') if c == '\\' => escaped = true,
                Some(q) if c == q => {
                    // `''` inside a single-quoted scalar is an escaped quote.
                    if q == '\'' && chars.peek().is_some_and(|&(_, n)| n == '\'') {
                        chars.next();
                    } else {
                        self.quote = None;
                    }
                }
                Some(_) => {}
                None if c == '#' && previous.is_none_or(char::is_whitespace) => {
                    comment_at = Some(at);
                    break;
                }
                None if (c == '"' || c == '\'') && starts_scalar(previous, previous_token) => {
                    self.quote = Some(c)
                }
                None => {}
            }
            if !c.is_whitespace() {
                previous_token = Some(c);
            }
            previous = Some(c);
        }
        let code_end = comment_at.unwrap_or(line.len());
        expander.expand_span(&line[..code_end], line_no)?;
        expander.out.push_str(&line[code_end..]);
        if self.quote.is_none() && opens_block_scalar(&line[..code_end]) {
            self.block_parent_indent = Some(indentation(line));
        }
        Ok(())
    }
}

/// Whether a quote seen after `previous` (and the last non-blank `previous_token`) opens a
/// quoted scalar; in `it's` it is just an apostrophe.
fn starts_scalar(previous: Option<char>, previous_token: Option<char>) -> bool {
    let after_separator =
        previous.is_none_or(|c| c.is_whitespace() || matches!(c, '[' | '{' | ','));
    after_separator && previous_token.is_none_or(|c| matches!(c, ':' | '-' | '?' | '[' | '{' | ','))
}

/// Whether the code part of a line ends with a block scalar header such as `|`, `>-` or `|2`.
fn opens_block_scalar(code: &str) -> bool {
    let code = code.trim_end();
    let (before, header) = code.rsplit_once(char::is_whitespace).unwrap_or(("", code));
    let mut header_chars = header.chars();
    matches!(header_chars.next(), Some('|' | '>'))
        && header_chars.all(|c| c.is_ascii_digit() || c == '+' || c == '-')
        && (before.trim().is_empty() || before.trim_end().ends_with([':', '-', '?']))
}

fn indentation(line: &str) -> usize {
    line.len() - line.trim_start_matches(' ').len()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn env(name: &str) -> Option<String> {
        match name {
            "USER" => Some("alice".into()),
            "PRICE" => Some("$5 ${USER}".into()),
            "EMPTY" => Some(String::new()),
            _ => None,
        }
    }

    fn yaml(text: &str) -> Result<String, EnvError> {
        expand(text, true, &env).map(|e| e.text)
    }

    #[test]
    fn expands_both_forms() {
        assert_eq!(yaml("a: ${USER}/$USER-x\n").unwrap(), "a: alice/alice-x\n");
        assert_eq!(yaml("a: '${EMPTY}'").unwrap(), "a: ''");
    }

    #[test]
    fn dollar_dollar_and_lone_dollars_are_literal() {
        assert_eq!(
            yaml("a: $$USER $ $1 ^x$ 'y$'").unwrap(),
            "a: $USER $ $1 ^x$ 'y$'"
        );
    }

    #[test]
    fn values_are_not_expanded_again() {
        let expansion = expand("a: $PRICE", true, &env).unwrap();
        assert_eq!(expansion.text, "a: $5 ${USER}");
        assert_eq!(expansion.values, ["$5 ${USER}"]);
    }

    #[test]
    fn unset_variable_is_an_error_with_position() {
        let err = yaml("a: 1\nb: x ${NOPE}\n").unwrap_err();
        assert_eq!((err.line, err.column), (2, 6));
        assert!(err.message.contains("`NOPE` is not set"), "{}", err.message);
        let err = yaml("é: $NOPE").unwrap_err();
        assert_eq!((err.line, err.column), (1, 4));
    }

    #[test]
    fn malformed_braces_are_errors() {
        assert!(
            yaml("a: ${X:-d}")
                .unwrap_err()
                .message
                .contains("invalid variable reference `${X:…`")
        );
        assert!(yaml("a: ${}").unwrap_err().message.contains("`${}…`"));
        assert!(yaml("a: ${X").unwrap_err().message.starts_with("unclosed"));
        assert!(
            yaml("a: ${X\nb: }")
                .unwrap_err()
                .message
                .starts_with("unclosed")
        );
    }

    #[test]
    fn malformed_references_echo_neither_the_rest_of_the_line_nor_control_characters() {
        // Found by fuzzing: the whole text up to the next `}` was echoed, with a raw `\r`.
        let err = expand(r#"{"url": "${URL", "secret": "hunter2"}"#, false, &env).unwrap_err();
        assert!(!err.message.contains("hunter2"), "{}", err.message);
        assert!(err.message.contains("`${URL\"…`"), "{}", err.message);
        let err = yaml("a: ${\r}").unwrap_err();
        assert!(!err.message.contains('\r'), "{}", err.message);
        let err = yaml(&format!("a: ${{{}-}}", "N".repeat(1000))).unwrap_err();
        assert!(err.message.len() < 200, "{}", err.message);
    }

    #[test]
    fn positions_map_back_to_the_original_text() {
        // Found by fuzzing: errors pointed at columns of the expanded text, past the end of
        // the line the user wrote.
        let original = "a: $USER x\nb: ${PRICE}$$ y\nc: z";
        let expansion = expand(original, true, &env).unwrap();
        assert_eq!(expansion.text, "a: alice x\nb: $5 ${USER}$ y\nc: z");
        let at = |line, column| expansion.original_position(original, line, column);
        assert_eq!(at(1, 2), (1, 2), "before any reference");
        assert_eq!(at(1, 6), (1, 4), "inside a value: the reference");
        assert_eq!(at(1, 10), (1, 10), "after a value of the same length");
        assert_eq!(at(2, 16), (2, 15), "after `${{PRICE}}` and `$$`");
        assert_eq!(at(3, 4), (3, 4));
        assert_eq!(at(3, 9), (3, 5), "clamped to the end of the line");
        assert_eq!(at(7, 1), (3, 5), "clamped to the end of the text");
    }

    #[test]
    fn comments_are_left_alone() {
        let text = "# ${NOPE}\na: x # $NOPE\nb: 'q # ${USER}' # ${NOPE}\nc: a#$USER\nd: it's $USER # $NOPE\n";
        assert_eq!(
            yaml(text).unwrap(),
            "# ${NOPE}\na: x # $NOPE\nb: 'q # alice' # ${NOPE}\nc: a#alice\nd: it's alice # $NOPE\n"
        );
    }

    #[test]
    fn quoted_scalars_span_lines() {
        let text = "a: \"one\n  # not a comment $USER\"\nb: 'it''s # $USER'\n";
        assert_eq!(
            yaml(text).unwrap(),
            "a: \"one\n  # not a comment alice\"\nb: 'it''s # alice'\n"
        );
    }

    #[test]
    fn block_scalars_have_no_comments() {
        let text = "a: |\n  # $USER\n\n  x\nb: 1 # $NOPE\n";
        assert_eq!(
            yaml(text).unwrap(),
            "a: |\n  # alice\n\n  x\nb: 1 # $NOPE\n"
        );
    }

    #[test]
    fn json_has_no_comments() {
        let expansion = expand("{\"a\": \"# $USER\"}", false, &env).unwrap();
        assert_eq!(expansion.text, "{\"a\": \"# alice\"}");
    }

    proptest::proptest! {
        #[test]
        fn expansion_never_panics(text in "[a-zA-Z_0-9${}#'\" \n|>:é-]{0,120}", yaml: bool) {
            let _ = expand(&text, yaml, &env);
        }

        #[test]
        fn text_without_dollars_is_unchanged(text in "[^$]{0,120}", yaml: bool) {
            proptest::prop_assert_eq!(expand(&text, yaml, &env).unwrap().text, text);
        }
    }
}
