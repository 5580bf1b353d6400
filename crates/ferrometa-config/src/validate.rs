//! Field checks that run while a recipe is deserialized (`#[serde(deserialize_with)]`), so that
//! a bad value is reported at its own line, column and field path.

use serde::de::Error as _;
use serde::{Deserialize, Deserializer};

use crate::error::{quoted_list, suggest};
use crate::recipe::AwsConfig;

/// The deepest `maxDepth`: nesting below it is not worth a column, and it bounds recursion.
pub const MAX_DEPTH: u32 = 64;
/// The most `sampleSegments`: more parallel scan segments than DynamoDB allows (1,000,000).
pub const MAX_SAMPLE_SEGMENTS: u32 = 1_000_000;

/// `unknown sink type `x` (did you mean `y`?): known sink types are ...`
pub(crate) fn unknown_type(kind: &str, value: &str, known: &[&str]) -> String {
    let hint = suggest(value, known.iter().copied())
        .map(|s| format!(" (did you mean `{s}`?)"))
        .unwrap_or_default();
    format!(
        "unknown {kind} type `{value}`{hint}: known {kind} types are {}",
        quoted_list(known)
    )
}

/// A name OpenMetadata can put into fully qualified names as it is (`serviceName`): not blank,
/// at most 256 characters, no `::` (its names' pattern) and no `"` (which FQNs cannot escape).
pub(crate) fn entity_name<'de, D: Deserializer<'de>>(deserializer: D) -> Result<String, D::Error> {
    let value = String::deserialize(deserializer)?;
    check_entity_name(&value).map_err(D::Error::custom)?;
    Ok(value)
}

/// `databaseName`: absent or empty means `default`; any other value is checked like
/// [`entity_name`].
pub(crate) fn optional_entity_name<'de, D: Deserializer<'de>>(
    deserializer: D,
) -> Result<Option<String>, D::Error> {
    let value = Option::<String>::deserialize(deserializer)?;
    match value.as_deref() {
        Some(name) if !name.is_empty() => check_entity_name(name).map_err(D::Error::custom)?,
        _ => {}
    }
    Ok(value)
}

fn check_entity_name(value: &str) -> Result<(), &'static str> {
    if value.trim().is_empty() {
        return Err("must not be blank");
    }
    if value.chars().count() > 256 {
        return Err("must be at most 256 characters");
    }
    if value.contains("::") || value.contains('"') {
        return Err(
            "must not contain `::` or `\"`: OpenMetadata cannot build fully qualified names from it",
        );
    }
    Ok(())
}

/// `awsRegion`: lowercase letters and digits in dash-separated groups (`us-east-1`, `local`).
pub(crate) fn region<'de, D: Deserializer<'de>>(deserializer: D) -> Result<String, D::Error> {
    let value = String::deserialize(deserializer)?;
    let valid = value.split('-').all(|part| {
        !part.is_empty()
            && part
                .bytes()
                .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit())
    });
    if !valid {
        return Err(D::Error::custom(format!(
            "invalid region `{value}`: expected lowercase letters, digits and dashes, e.g. `us-east-1`"
        )));
    }
    Ok(value)
}

/// An http(s) URL; the value is not echoed since a URL can carry credentials.
pub(crate) fn http_url<'de, D: Deserializer<'de>>(deserializer: D) -> Result<String, D::Error> {
    let value = String::deserialize(deserializer)?;
    if !is_http_url(&value) {
        return Err(D::Error::custom(
            "invalid URL: expected http:// or https:// and a host name, \
             e.g. `https://dynamodb.us-east-1.amazonaws.com` or `http://localhost:8000`",
        ));
    }
    Ok(value)
}

pub(crate) fn optional_http_url<'de, D: Deserializer<'de>>(
    deserializer: D,
) -> Result<Option<String>, D::Error> {
    Option::<Wrap>::deserialize(deserializer).map(|v| v.map(|Wrap(url)| url))
}

/// Lets an `Option` reuse [`http_url`].
struct Wrap(String);

impl<'de> Deserialize<'de> for Wrap {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        http_url(deserializer).map(Wrap)
    }
}

fn is_http_url(url: &str) -> bool {
    let Some((scheme, rest)) = url.split_once("://") else {
        return false;
    };
    if !scheme.eq_ignore_ascii_case("http") && !scheme.eq_ignore_ascii_case("https") {
        return false;
    }
    let (authority, tail) = rest.split_at(rest.find(['/', '?', '#']).unwrap_or(rest.len()));
    let (host_ok, port) = match authority.strip_prefix('[') {
        Some(bracketed) => match bracketed.split_once(']') {
            Some((address, after)) => (
                !address.is_empty()
                    && address
                        .chars()
                        .all(|c| c.is_ascii_hexdigit() || c == ':' || c == '.'),
                if after.is_empty() {
                    Some(None)
                } else {
                    after.strip_prefix(':').map(Some)
                },
            ),
            None => (false, None),
        },
        None => {
            let (host, port) = match authority.rsplit_once(':') {
                Some((host, port)) => (host, Some(port)),
                None => (authority, None),
            };
            (
                !host.is_empty()
                    && host
                        .chars()
                        .all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | '_')),
                Some(port),
            )
        }
    };
    let port_ok = match port {
        Some(None) => true,
        Some(Some(port)) => port.parse::<u16>().is_ok_and(|p| p > 0),
        None => false,
    };
    let tail_ok = tail
        .chars()
        .all(|c| !c.is_whitespace() && !c.is_control() && !"<>\"{}|\\^`".contains(c));
    host_ok && port_ok && tail_ok
}

/// `successThreshold`: a percentage.
pub(crate) fn percentage<'de, D: Deserializer<'de>>(deserializer: D) -> Result<u8, D::Error> {
    let value = u64::deserialize(deserializer)?;
    u8::try_from(value)
        .ok()
        .filter(|v| *v <= 100)
        .ok_or_else(|| {
            D::Error::custom(format!(
                "expected a percentage between 0 and 100, got {value}"
            ))
        })
}

/// A percentage that may have a fraction (`confidence`).
pub(crate) fn percentage_number<'de, D: Deserializer<'de>>(
    deserializer: D,
) -> Result<f64, D::Error> {
    let value = f64::deserialize(deserializer)?;
    if !(0.0..=100.0).contains(&value) {
        return Err(D::Error::custom(format!(
            "expected a percentage between 0 and 100, got {value}"
        )));
    }
    Ok(value)
}

/// Counts that must be at least 1 (a zero would stall the run).
pub(crate) fn at_least_one<'de, D: Deserializer<'de>>(deserializer: D) -> Result<u32, D::Error> {
    let value = u32::deserialize(deserializer)?;
    if value == 0 {
        return Err(D::Error::custom("must be at least 1"));
    }
    Ok(value)
}

/// `maxDepth`: at least 1 and at most [`MAX_DEPTH`].
pub(crate) fn max_depth<'de, D: Deserializer<'de>>(deserializer: D) -> Result<u32, D::Error> {
    count_up_to(deserializer, MAX_DEPTH)
}

/// `sampleSegments`: at least 1 and at most [`MAX_SAMPLE_SEGMENTS`].
pub(crate) fn sample_segments<'de, D: Deserializer<'de>>(deserializer: D) -> Result<u32, D::Error> {
    count_up_to(deserializer, MAX_SAMPLE_SEGMENTS)
}

fn count_up_to<'de, D: Deserializer<'de>>(deserializer: D, max: u32) -> Result<u32, D::Error> {
    let value = at_least_one(deserializer)?;
    if value > max {
        return Err(D::Error::custom(format!(
            "must be at most {max}, got {value}"
        )));
    }
    Ok(value)
}

/// `awsConfig`: static credentials come as a pair, the key id with its secret key.
pub(crate) fn aws_config<'de, D: Deserializer<'de>>(
    deserializer: D,
) -> Result<AwsConfig, D::Error> {
    let config = AwsConfig::deserialize(deserializer)?;
    config.static_credentials().map_err(D::Error::custom)?;
    Ok(config)
}

/// A share between 0 and 1.
pub(crate) fn share<'de, D: Deserializer<'de>>(deserializer: D) -> Result<f64, D::Error> {
    let value = f64::deserialize(deserializer)?;
    if !(0.0..=1.0).contains(&value) {
        return Err(D::Error::custom(format!(
            "expected a share between 0 and 1, got {value}"
        )));
    }
    Ok(value)
}

/// An optional number that must be positive and finite (a rate, a capacity).
pub(crate) fn positive_number<'de, D: Deserializer<'de>>(
    deserializer: D,
) -> Result<Option<f64>, D::Error> {
    let value = Option::<f64>::deserialize(deserializer)?;
    if value.is_some_and(|v| !(v.is_finite() && v > 0.0)) {
        return Err(D::Error::custom("expected a positive number"));
    }
    Ok(value)
}

/// An optional UUID in its canonical hyphenated form.
pub(crate) fn uuid<'de, D: Deserializer<'de>>(deserializer: D) -> Result<Option<String>, D::Error> {
    let value = Option::<String>::deserialize(deserializer)?;
    let canonical = |v: &str| {
        let groups: Vec<&str> = v.split('-').collect();
        groups.iter().map(|g| g.len()).eq([8, 4, 4, 4, 12])
            && groups
                .iter()
                .all(|g| g.bytes().all(|b| b.is_ascii_hexdigit()))
    };
    if value.as_deref().is_some_and(|v| !canonical(v)) {
        return Err(D::Error::custom(
            "expected a UUID such as `123e4567-e89b-12d3-a456-426614174000`",
        ));
    }
    Ok(value)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn urls() {
        for good in [
            "http://localhost:8000",
            "https://dynamodb.us-east-1.amazonaws.com",
            "HTTP://127.0.0.1:4566/",
            "http://[::1]:8000/path?q=1",
            "http://dynamo_local",
        ] {
            assert!(is_http_url(good), "{good}");
        }
        for bad in [
            "localhost:8000",
            "ftp://host",
            "http://",
            "http://:80",
            "http://host:port",
            "http://host:0",
            "https://dynamodb.<region_name>.amazonaws.com",
            "http://user:pw@host",
            "http://host/a b",
            "http://[zz]:1",
        ] {
            assert!(!is_http_url(bad), "{bad}");
        }
    }

    #[test]
    fn unknown_type_lists_known_ones() {
        assert_eq!(
            unknown_type("sink", "metadata_rest", &["catalog", "metadata-rest"]),
            "unknown sink type `metadata_rest` (did you mean `metadata-rest`?): known sink types are `catalog`, `metadata-rest`"
        );
        assert_eq!(
            unknown_type("source", "mysql", &["dynamodb"]),
            "unknown source type `mysql`: known source types are `dynamodb`"
        );
    }
}
