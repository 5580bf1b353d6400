//! Column-name patterns: which entity a column's name hints at.
//!
//! OpenMetadata's `column_patterns.py` regexes (case-insensitive, on the whole name) where
//! it has one; for the entities it has none for, token patterns over the snake-cased name,
//! so that `ip` matches `client_ip` and `clientIp` but not `zip` or `shipping`.

use std::sync::LazyLock;

use regex::{Regex, RegexBuilder};

use crate::PiiEntity;

fn ci(pattern: &str) -> Regex {
    RegexBuilder::new(pattern)
        .case_insensitive(true)
        .build()
        .expect("a valid column-name pattern")
}

/// OpenMetadata's patterns, matched against the last path segment as written.
static OPENMETADATA: LazyLock<Vec<(PiiEntity, Regex)>> = LazyLock::new(|| {
    vec![
        (PiiEntity::UsSsn, ci(r"^.*(ssn|social).*$")),
        (PiiEntity::CreditCard, ci(r"^.*(credit).*(card).*$")),
        (
            PiiEntity::Iban,
            ci(
                r"\biban(?:[_]?(number|code))?\b|\bbank[_]?iban\b|\binternational[_]?(account|bank[_]?number)\b",
            ),
        ),
        (PiiEntity::Email, ci(r"^(email|e-mail|mail)(.*address)?$")),
        (
            PiiEntity::Person,
            ci(r"^.*(user|client|person|first|last|maiden|nick).*(name).*$"),
        ),
        (
            PiiEntity::Location,
            ci(r"^.*(address|city|state|county|country|zipcode|zip|postal|zone|borough).*$"),
        ),
        (PiiEntity::Phone, ci(r"^.*(phone).*$")),
    ]
});

/// This crate's additions, matched against the snake-cased segment (`_` between tokens).
static TOKENS: LazyLock<Vec<(PiiEntity, Regex)>> = LazyLock::new(|| {
    let token = |alternatives: &str| ci(&format!(r"(^|_)({alternatives})(_|$)"));
    vec![
        (PiiEntity::Email, token("email|e_mail|email_address|emails")),
        (
            PiiEntity::Phone,
            token("mobile|cell|tel|telephone|fax|msisdn"),
        ),
        (
            PiiEntity::CreditCard,
            token("card_number|card_no|pan|cc_number"),
        ),
        (
            PiiEntity::IpAddress,
            token("ip|ipv4|ipv6|ip_addr|remote_addr|ip_address"),
        ),
        (
            PiiEntity::AwsAccessKey,
            token("access_key_id|aws_access_key|aws_key_id"),
        ),
        (
            PiiEntity::Secret,
            token(
                "secret|secret_key|password|passwd|pwd|api_key|apikey|token|private_key|credential|credentials",
            ),
        ),
        (
            PiiEntity::Jwt,
            token("jwt|id_token|access_token|bearer|refresh_token"),
        ),
        (
            PiiEntity::Url,
            token("url|uri|link|website|homepage|href|web_site"),
        ),
        (PiiEntity::DateOfBirth, ci(r"dob|birth")),
        // Whole names only: `name` alone is a person's, `product_name` is not.
        (
            PiiEntity::Person,
            ci(
                r"^(name|full_name|fullname|given_name|surname|family_name|customer_name|contact_name|display_name|holder_name|card_holder|card_holder_name|cardholder|cardholder_name|account_holder)$",
            ),
        ),
        (
            PiiEntity::Location,
            token("street|street_address|addr|address_line\\d?|line\\d|city|town|region|province"),
        ),
        (PiiEntity::Uuid, token("uuid|guid")),
    ]
});

/// Names that say the values are versions, whatever they look like.
static VERSION: LazyLock<Regex> =
    LazyLock::new(|| ci(r"(^|_)(version|ver|release|build|firmware|semver|revision)(_|$)"));

/// A column name reduced to what the patterns read.
pub(crate) struct ColumnName {
    /// The last path segment, as written.
    segment: String,
    /// The same, snake-cased: `clientIp` → `client_ip`, `e-mail` → `e_mail`.
    snake: String,
}

impl ColumnName {
    pub(crate) fn new(name: &str) -> Self {
        let segment = name
            .rsplit('.')
            .find(|s| !s.trim().is_empty())
            .unwrap_or(name)
            .trim()
            .to_owned();
        Self {
            snake: snake_case(&segment),
            segment,
        }
    }

    /// Whether the name hints at `entity`.
    pub(crate) fn matches(&self, entity: PiiEntity) -> bool {
        let hit = |list: &[(PiiEntity, Regex)], text: &str| {
            list.iter().any(|(e, re)| *e == entity && re.is_match(text))
        };
        hit(&OPENMETADATA, &self.segment) || hit(&TOKENS, &self.snake)
    }

    /// Whether the name says the values are versions.
    pub(crate) fn says_version(&self) -> bool {
        VERSION.is_match(&self.snake)
    }
}

fn snake_case(segment: &str) -> String {
    let chars: Vec<char> = segment.chars().collect();
    let mut out = String::with_capacity(segment.len() + 4);
    for (i, &c) in chars.iter().enumerate() {
        let previous = i.checked_sub(1).map(|j| chars[j]);
        let next = chars.get(i + 1);
        // A word starts at `aB` and at the last capital of an acronym: `IPAddress` → `ip_address`.
        let starts_word = c.is_uppercase()
            && previous.is_some_and(|p| {
                p.is_lowercase()
                    || p.is_ascii_digit()
                    || (p.is_uppercase() && next.is_some_and(|n| n.is_lowercase()))
            });
        if starts_word && !out.ends_with('_') {
            out.push('_');
        }
        if c.is_alphanumeric() {
            out.extend(c.to_lowercase());
        } else if !out.ends_with('_') {
            out.push('_');
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nested_paths_and_camel_case() {
        let n = ColumnName::new("shipping.address.street");
        assert_eq!(n.segment, "street");
        assert!(n.matches(PiiEntity::Location));
        let n = ColumnName::new("clientIp");
        assert_eq!(n.snake, "client_ip");
        assert!(n.matches(PiiEntity::IpAddress));
        assert_eq!(ColumnName::new("IPAddress").snake, "ip_address");
        assert_eq!(ColumnName::new("userID2FA").snake, "user_id2_fa");
        assert!(ColumnName::new("firstName").matches(PiiEntity::Person));
        assert!(ColumnName::new("emailAddress").matches(PiiEntity::Email));
    }

    #[test]
    fn tokens_do_not_match_inside_words() {
        for name in ["zip", "shipping", "description", "recipient"] {
            assert!(
                !ColumnName::new(name).matches(PiiEntity::IpAddress),
                "{name}"
            );
        }
        assert!(!ColumnName::new("product_name").matches(PiiEntity::Person));
        assert!(ColumnName::new("user_name").matches(PiiEntity::Person));
    }

    #[test]
    fn openmetadata_patterns() {
        assert!(ColumnName::new("ssn").matches(PiiEntity::UsSsn));
        assert!(ColumnName::new("credit_card_number").matches(PiiEntity::CreditCard));
        assert!(ColumnName::new("iban").matches(PiiEntity::Iban));
        assert!(ColumnName::new("mobile_phone").matches(PiiEntity::Phone));
        assert!(ColumnName::new("date_of_birth").matches(PiiEntity::DateOfBirth));
        assert!(ColumnName::new("app_version").says_version());
        assert!(!ColumnName::new("conversion").says_version());
    }
}
