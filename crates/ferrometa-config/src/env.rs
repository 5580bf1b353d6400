//! Environment-variable expansion of the raw recipe text, done before parsing as upstream does,
//! but strict where upstream is silent: an unset variable is an error instead of staying in the
//! text, `$$` writes a literal `$`, and YAML comments are left alone so that a commented-out
//! `${X}` cannot fail a run. Errors name the variable, never its value.

/// The expanded text and the values that went into it (to be masked in later errors).
#[derive(Debug)]
pub(crate) struct Expansion {
    pub text: String,
    pub values: Vec<String>,
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
    }
    Ok(Expansion {
        text: expander.out,
        values: expander.values,
    })
}

struct Expander<'a> {
    out: String,
    values: Vec<String>,
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
            let consumed = self.expand_reference(&rest[at..], line, column + 1)?;
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
            let Some(end) = braced.find('}') else {
                return Err(error(
                    "unclosed `${`: write `${NAME}`, or `$$` for a literal `$`".to_string(),
                ));
            };
            let name = &braced[..end];
            if !is_name(name) {
                return Err(error(format!(
                    "invalid variable reference `${{{name}}}`: only `${{NAME}}` is supported \
                     (letters, digits and `_`); write `$$` for a literal `$`"
                )));
            }
            (name, end + 3)
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

fn is_name(text: &str) -> bool {
    !text.is_empty() && name_len(text) == text.len()
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
                .contains("invalid variable reference `${X:-d}`")
        );
        assert!(yaml("a: ${X").unwrap_err().message.starts_with("unclosed"));
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
