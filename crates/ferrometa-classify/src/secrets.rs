//! Recognizers for credentials and identifiers: AWS access key ids, secret-looking tokens,
//! JSON Web Tokens, and UUIDs (which look random too, but identify records, not access).

use std::sync::LazyLock;

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use regex::Regex;

static AWS_ACCESS_KEY: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"^(AKIA|ASIA)[A-Z0-9]{16}$").expect("a valid key id pattern"));

static UUID: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"^(?i)\{?[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}\}?$")
        .expect("a valid UUID pattern")
});

/// An AWS access key id: long-term (`AKIA`) or temporary (`ASIA`).
pub(crate) fn aws_access_key(value: &str) -> f64 {
    if AWS_ACCESS_KEY.is_match(value) {
        0.9
    } else {
        0.0
    }
}

/// A UUID in its canonical 8-4-4-4-12 form, braces allowed.
pub(crate) fn uuid(value: &str) -> f64 {
    if UUID.is_match(value) { 0.9 } else { 0.0 }
}

/// Shannon entropy of the characters, in bits per character.
fn entropy(value: &str) -> f64 {
    let mut counts = [0u32; 128];
    let mut total = 0u32;
    for b in value.bytes().filter(u8::is_ascii) {
        counts[usize::from(b)] += 1;
        total += 1;
    }
    if total == 0 {
        return 0.0;
    }
    let total = f64::from(total);
    counts
        .iter()
        .filter(|&&n| n > 0)
        .map(|&n| {
            let p = f64::from(n) / total;
            -p * p.log2()
        })
        .sum()
}

/// A token that looks random: 0.7 in the shape of an AWS secret access key (40 base64
/// characters mixing cases and digits), 0.4 for another long high-entropy token (API keys,
/// password hashes; hex digests too, so only a name such as `api_key` makes a tag).
pub(crate) fn secret(value: &str) -> f64 {
    let token_chars = value
        .chars()
        .all(|c| c.is_ascii_alphanumeric() || "+/=_-.$".contains(c));
    if !token_chars || value.len() < 20 || uuid(value) > 0.0 || aws_access_key(value) > 0.0 {
        return 0.0;
    }
    let upper = value.chars().any(|c| c.is_ascii_uppercase());
    let lower = value.chars().any(|c| c.is_ascii_lowercase());
    let digit = value.chars().any(|c| c.is_ascii_digit());
    let aws_shape = value.len() == 40
        && value
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '+' || c == '/');
    let h = entropy(value);
    if aws_shape && upper && lower && digit && h >= 4.0 {
        0.7
    } else if (upper || lower) && digit && h >= 3.5 {
        0.4
    } else {
        0.0
    }
}

/// A JSON Web Token: three base64url parts whose first decodes to a JSON object with `alg`.
pub(crate) fn jwt(value: &str) -> f64 {
    let mut parts = value.split('.');
    let (Some(header), Some(payload), Some(signature), None) =
        (parts.next(), parts.next(), parts.next(), parts.next())
    else {
        return 0.0;
    };
    let base64url = |s: &str| {
        s.chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_')
    };
    if header.is_empty()
        || payload.is_empty()
        || ![header, payload, signature].iter().all(|p| base64url(p))
    {
        return 0.0;
    }
    let Ok(bytes) = URL_SAFE_NO_PAD.decode(header) else {
        return 0.0;
    };
    let has_alg = serde_json::from_slice::<serde_json::Value>(&bytes)
        .is_ok_and(|h| h.get("alg").is_some_and(serde_json::Value::is_string));
    if has_alg { 1.0 } else { 0.0 }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn aws_access_key_ids() {
        assert_eq!(aws_access_key("AKIAIOSFODNN7EXAMPLE"), 0.9);
        assert_eq!(aws_access_key("ASIAY34FZKBOKMUTVV7A"), 0.9);
        assert_eq!(aws_access_key("AKIAIOSFODNN7EXAMPL"), 0.0);
        assert_eq!(aws_access_key("akiaiosfodnn7example"), 0.0);
        assert_eq!(aws_access_key("ABIAIOSFODNN7EXAMPLE"), 0.0);
    }

    #[test]
    fn secrets_are_long_and_random_but_not_uuids() {
        assert_eq!(secret("wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"), 0.7);
        assert_eq!(
            secret("$2b$12$KIXQJ1xq0sT3P6Ov2mZxUeWq1rjz8uYcN0ZlV7yq0bUu7cJ9g5a2W"),
            0.4
        );
        assert_eq!(secret("3f786850e387550fdab836ed7e6dc881de23001b"), 0.4);
        assert_eq!(secret("aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"), 0.0);
        assert_eq!(secret("550e8400-e29b-41d4-a716-446655440000"), 0.0);
        assert_eq!(secret("short1A"), 0.0);
        assert_eq!(secret("The quick brown fox jumps over"), 0.0);
    }

    #[test]
    fn jwts_need_a_json_header_with_alg() {
        let header = URL_SAFE_NO_PAD.encode(br#"{"alg":"HS256","typ":"JWT"}"#);
        let payload = URL_SAFE_NO_PAD.encode(br#"{"sub":"1234567890"}"#);
        assert_eq!(jwt(&format!("{header}.{payload}.c2lnbmF0dXJl")), 1.0);
        // Unsecured tokens have an empty signature.
        assert_eq!(jwt(&format!("{header}.{payload}.")), 1.0);
        let no_alg = URL_SAFE_NO_PAD.encode(br#"{"typ":"JWT"}"#);
        assert_eq!(jwt(&format!("{no_alg}.{payload}.c2ln")), 0.0);
        assert_eq!(jwt("1.2.3"), 0.0);
        assert_eq!(jwt("a.b"), 0.0);
        assert_eq!(jwt("www.example.com"), 0.0);
    }

    #[test]
    fn uuids() {
        assert_eq!(uuid("550e8400-e29b-41d4-a716-446655440000"), 0.9);
        assert_eq!(uuid("{550E8400-E29B-41D4-A716-446655440000}"), 0.9);
        assert_eq!(uuid("550e8400e29b41d4a716446655440000"), 0.0);
    }
}
