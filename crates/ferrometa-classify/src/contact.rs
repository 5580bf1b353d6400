//! Recognizers for ways to reach someone: email addresses, phone numbers, IP addresses, URLs.

use std::net::IpAddr;
use std::sync::LazyLock;

use phonenumber::country::Id;
use regex::Regex;

static EMAIL: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"^[\p{L}\p{N}._%+\-]+@((?:[A-Za-z0-9](?:[A-Za-z0-9\-]{0,61}[A-Za-z0-9])?\.)+)([A-Za-z]{2,24})$")
        .expect("a valid email pattern")
});

/// Generic top-level domains seen in practice; every two-letter one is taken as a country's.
const GENERIC_TLDS: &[&str] = &[
    "com",
    "org",
    "net",
    "edu",
    "gov",
    "mil",
    "int",
    "info",
    "biz",
    "name",
    "pro",
    "mobi",
    "aero",
    "coop",
    "museum",
    "jobs",
    "travel",
    "app",
    "dev",
    "io",
    "ai",
    "cloud",
    "tech",
    "online",
    "site",
    "store",
    "shop",
    "blog",
    "email",
    "mail",
    "company",
    "services",
    "global",
    "digital",
    "media",
    "news",
    "network",
    "systems",
    "solutions",
    "agency",
    "studio",
    "design",
    "team",
    "life",
    "world",
    "xyz",
    "top",
    "club",
    "live",
    "work",
    "page",
    "codes",
];

/// An email address whose domain has a dot and ends in a plausible top-level domain.
pub(crate) fn email(value: &str) -> f64 {
    let Some(c) = EMAIL.captures(value) else {
        return 0.0;
    };
    let local = value.split('@').next().unwrap_or_default();
    // Letters beyond ASCII are valid in a local part (RFC 6531); 64 is the limit in bytes.
    if local.starts_with('.') || local.ends_with('.') || local.contains("..") || local.len() > 64 {
        return 0.0;
    }
    let tld = c[2].to_ascii_lowercase();
    let plausible = (tld.len() == 2) || GENERIC_TLDS.contains(&tld.as_str());
    if plausible { 0.85 } else { 0.0 }
}

static EXTENSION: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?i)\s*(?:x|ext\.?|extension)\s*\d{1,6}$").expect("a valid extension pattern")
});

/// Presidio's default regions for phone numbers.
const REGIONS: [Id; 8] = [
    Id::US,
    Id::GB,
    Id::DE,
    Id::FR,
    Id::IL,
    Id::IN,
    Id::CA,
    Id::BR,
];

/// A phone number valid in one of Presidio's default regions, or in international form.
pub(crate) fn phone(value: &str) -> f64 {
    let value = EXTENSION.find(value).map_or(value, |m| &value[..m.start()]);
    // Only what a written phone number holds; the parser is lenient with the rest.
    let digits = value.chars().filter(char::is_ascii_digit).count();
    let allowed = value
        .chars()
        .all(|c| c.is_ascii_digit() || " +-.()/".contains(c));
    if !allowed || !(7..=15).contains(&digits) {
        return 0.0;
    }
    let valid = if value.starts_with('+') {
        phonenumber::parse(None, value).is_ok_and(|n| n.is_valid())
    } else {
        REGIONS
            .iter()
            .any(|&region| phonenumber::parse(Some(region), value).is_ok_and(|n| n.is_valid()))
    };
    if valid { 0.4 } else { 0.0 }
}

/// An IPv4 or IPv6 address, as the standard library parses them. Presidio scores 0.6, but
/// OpenMetadata has no column-name pattern for IP addresses, so 0.6 would never reach its
/// default confidence: a parsed address is evidence enough, and names saying `version`
/// void it (see `names`).
pub(crate) fn ip_address(value: &str) -> f64 {
    if value.parse::<IpAddr>().is_ok() {
        0.8
    } else {
        0.0
    }
}

static URL: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r"(?i)^(?:(https?|ftp)://|(www\.))([a-z0-9](?:[a-z0-9\-]*[a-z0-9])?(?:\.[a-z0-9](?:[a-z0-9\-]*[a-z0-9])?)*)(?::\d{1,5})?(?:[/?#][^\s]*)?$",
    )
    .expect("a valid URL pattern")
});

/// A URL with a scheme, or one starting `www.`; its host a dotted name, `localhost` or an IP.
pub(crate) fn url(value: &str) -> f64 {
    let Some(c) = URL.captures(value) else {
        return 0.0;
    };
    let host = &c[3];
    let dotted = host
        .rsplit('.')
        .next()
        .is_some_and(|tld| tld.len() >= 2 && tld.chars().all(|ch| ch.is_ascii_alphabetic()))
        && host.contains('.');
    let host_ok =
        dotted || host.eq_ignore_ascii_case("localhost") || host.parse::<IpAddr>().is_ok();
    match (c.get(1).is_some(), host_ok) {
        (true, true) => 0.6,
        (false, true) => 0.4,
        _ => 0.0,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn emails_need_a_dotted_domain_and_a_plausible_tld() {
        assert!(email("jane.doe+news@mail.example.co.uk") > 0.8);
        assert!(email("ops@example.io") > 0.8);
        assert!(email("zoë.müller@example.de") > 0.8);
        assert_eq!(email("root@localhost"), 0.0);
        assert_eq!(email("a@b.notatld"), 0.0);
        assert_eq!(email("a..b@example.com"), 0.0);
        assert_eq!(email(".a@example.com"), 0.0);
        assert_eq!(email("not an email"), 0.0);
        assert_eq!(email("a@-bad-.com"), 0.0);
    }

    #[test]
    fn phones_are_validated_against_region_metadata() {
        assert!(phone("+1 415-555-0132") > 0.0 || phone("+1 202-456-1111") > 0.0);
        assert!(phone("(202) 456-1111") > 0.0);
        assert!(phone("(202) 456-1111 ext. 204") > 0.0);
        assert!(phone("+1 202 456 1111x12") > 0.0);
        assert!(phone("+44 20 7946 0958") > 0.0);
        assert!(phone("+49 30 901820") > 0.0);
        assert_eq!(phone("123"), 0.0);
        assert_eq!(phone("000-000-0000"), 0.0);
        assert_eq!(phone("4111 1111 1111 1111"), 0.0);
        assert_eq!(phone("call me"), 0.0);
    }

    #[test]
    fn ip_addresses_parse_as_v4_or_v6() {
        assert!(ip_address("192.168.1.20") > 0.0);
        assert!(ip_address("2001:db8::8a2e:370:7334") > 0.0);
        assert_eq!(ip_address("256.1.1.1"), 0.0);
        assert_eq!(ip_address("1.2.3"), 0.0);
    }

    #[test]
    fn urls_need_a_scheme_or_www_and_a_real_host() {
        assert_eq!(url("https://example.com/a?b=c"), 0.6);
        assert_eq!(url("http://localhost:8080/health"), 0.6);
        assert_eq!(url("www.example.org"), 0.4);
        assert_eq!(url("https://nodot"), 0.0);
        assert_eq!(url("example.com"), 0.0);
        assert_eq!(url("mailto:a@example.com"), 0.0);
    }
}
