//! Recognizers for facts about a person: US social security numbers, dates of birth, names
//! and postal addresses. Without a language model, names and places are shapes (capitalised
//! words) that score low on their own: the column name decides which one, if any, they are.

use std::sync::LazyLock;

use regex::{Regex, RegexBuilder};

static SSN_DELIMITED: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"^(\d{3})([- .])(\d{2})([- .])(\d{4})$").expect("a valid SSN pattern")
});

/// A US social security number, unless of a form the SSA never issues (Presidio's rules).
pub(crate) fn us_ssn(value: &str) -> f64 {
    let (digits, score) = if let Some(c) = SSN_DELIMITED.captures(value) {
        if c[2] != c[4] {
            return 0.0; // mixed delimiters
        }
        (format!("{}{}{}", &c[1], &c[3], &c[5]), 0.5)
    } else if value.len() == 9 && value.bytes().all(|b| b.is_ascii_digit()) {
        (value.to_owned(), 0.05)
    } else {
        return 0.0;
    };
    let all_same = digits.bytes().all(|b| b == digits.as_bytes()[0]);
    let (area, group, serial) = (&digits[..3], &digits[3..5], &digits[5..]);
    let invalid = all_same
        || matches!(area, "000" | "666")
        || area.starts_with('9')
        || group == "00"
        || serial == "0000"
        || digits == "123456789"
        || digits.starts_with("98765432")
        || digits == "078051120";
    if invalid { 0.0 } else { score }
}

static NUMERIC_DATE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r"^(?:(\d{4})([-/.])(\d{1,2})([-/.])(\d{1,2})|(\d{1,2})([-/.])(\d{1,2})([-/.])(\d{4}))$",
    )
    .expect("a valid date pattern")
});

static NAMED_MONTH_DATE: LazyLock<Regex> = LazyLock::new(|| {
    RegexBuilder::new(
        r"^(?:(\d{1,2})\s+([a-z]{3,9})\.?,?\s+(\d{4})|([a-z]{3,9})\.?\s+(\d{1,2}),?\s+(\d{4}))$",
    )
    .case_insensitive(true)
    .build()
    .expect("a valid date pattern")
});

const MONTHS: [&str; 12] = [
    "january",
    "february",
    "march",
    "april",
    "may",
    "june",
    "july",
    "august",
    "september",
    "october",
    "november",
    "december",
];

/// A month by its full English name or its three-letter abbreviation (`Sept` too).
fn month_number(name: &str) -> Option<u32> {
    let lower = name.to_ascii_lowercase();
    MONTHS
        .iter()
        .position(|m| {
            *m == lower
                || m.get(..3) == Some(lower.as_str())
                || (lower == "sept" && *m == "september")
        })
        .map(|i| i as u32 + 1)
}

fn is_calendar_date(year: u32, month: u32, day: u32) -> bool {
    let leap = year.is_multiple_of(4) && (!year.is_multiple_of(100) || year.is_multiple_of(400));
    let days = match month {
        1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
        4 | 6 | 9 | 11 => 30,
        2 if leap => 29,
        2 => 28,
        _ => return false,
    };
    (1900..=2099).contains(&year) && (1..=days).contains(&day)
}

/// A calendar date with no time of day: birth dates are days, timestamps are events.
pub(crate) fn date_of_birth(value: &str) -> f64 {
    let n = |s: &str| s.parse::<u32>().unwrap_or(0);
    let valid = if let Some(c) = NUMERIC_DATE.captures(value) {
        if let Some(year) = c.get(1) {
            c[2] == c[4] && is_calendar_date(n(year.as_str()), n(&c[3]), n(&c[5]))
        } else {
            // Day and month in either order, as locales write them.
            let (a, b, year) = (n(&c[6]), n(&c[8]), n(&c[10]));
            c[7] == c[9] && (is_calendar_date(year, a, b) || is_calendar_date(year, b, a))
        }
    } else if let Some(c) = NAMED_MONTH_DATE.captures(value) {
        match (c.get(1), c.get(4)) {
            (Some(day), _) => {
                month_number(&c[2]).is_some_and(|m| is_calendar_date(n(&c[3]), m, n(day.as_str())))
            }
            (None, Some(month)) => month_number(month.as_str())
                .is_some_and(|m| is_calendar_date(n(&c[6]), m, n(&c[5]))),
            (None, None) => false,
        }
    } else {
        false
    };
    if valid { 0.4 } else { 0.0 }
}

/// Lower-case particles inside names and place names (`Ludwig van Beethoven`, `Rio de Janeiro`).
const PARTICLES: &[&str] = &[
    "van", "von", "de", "da", "del", "der", "di", "du", "la", "le", "of", "upon", "on", "y",
];

static CAPITALISED_WORD: LazyLock<Regex> = LazyLock::new(|| {
    // `Anne`, `O'Brien`, `McDonald`, `Smith-Jones`, `Zoë`, and initials `J.`.
    Regex::new(r"^(?:\p{Lu}\.|\p{Lu}\p{Ll}*'?\p{Lu}?\p{Ll}+(?:-\p{Lu}\p{Ll}+)?)$")
        .expect("a valid word pattern")
});

/// One to three capitalised words, particles aside: the shape of a name or a place.
fn capitalised_words(value: &str) -> bool {
    let words: Vec<&str> = value.split_whitespace().collect();
    let capitalised = words
        .iter()
        .filter(|w| !PARTICLES.contains(w))
        .map(|w| CAPITALISED_WORD.is_match(w))
        .collect::<Vec<_>>();
    (1..=3).contains(&capitalised.len())
        && capitalised.iter().all(|&ok| ok)
        && words.first().is_some_and(|w| !PARTICLES.contains(w))
}

/// A person's name by its shape alone.
pub(crate) fn person(value: &str) -> f64 {
    if capitalised_words(value) { 0.35 } else { 0.0 }
}

static STREET_ADDRESS: LazyLock<Regex> = LazyLock::new(|| {
    RegexBuilder::new(
        r"^(?:\d{1,6}[a-z]?,?\s+(?:[\p{L}0-9.'-]+\s+){0,5}(?:street|st|avenue|ave|road|rd|boulevard|blvd|lane|ln|drive|dr|way|court|ct|place|pl|terrace|ter|highway|hwy|parkway|pkwy|square|sq|circle|cir|trail|close|crescent|row|rue|via|calle)\b\.?(?:\s+[\p{L}0-9.'-]+){0,5}|(?:[\p{L}.'-]+\s+){0,3}[\p{L}-]*(?:straße|strasse|str\.|weg|gasse|platz|allee|laan|straat|gata|vej)\s+\d{1,5}[a-z]?)(?:\s*,.*)?$",
    )
    .case_insensitive(true)
    .build()
    .expect("a valid address pattern")
});

static POSTCODE: LazyLock<Regex> = LazyLock::new(|| {
    // US ZIP (and ZIP+4), UK, Canadian and Dutch postcodes.
    RegexBuilder::new(
        r"^(?:\d{5}(?:-\d{4})?|[a-z]{1,2}\d[a-z\d]?\s*\d[a-z]{2}|[a-z]\d[a-z]\s?\d[a-z]\d|\d{4}\s?[a-z]{2})$",
    )
    .case_insensitive(true)
    .build()
    .expect("a valid postcode pattern")
});

/// A postal address (house number and street word), or the shape of a place name or of a
/// postcode (five digits are everywhere, so those too need the column name).
pub(crate) fn location(value: &str) -> f64 {
    if STREET_ADDRESS.is_match(value) {
        0.6
    } else if capitalised_words(value) || POSTCODE.is_match(value) {
        0.35
    } else {
        0.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ssn_invalid_forms_are_rejected() {
        assert_eq!(us_ssn("536-22-4417"), 0.5);
        assert_eq!(us_ssn("536 22 4417"), 0.5);
        assert_eq!(us_ssn("536224417"), 0.05);
        for invalid in [
            "536-22.4417", // mixed delimiters
            "000-22-4417",
            "666-22-4417",
            "912-22-4417",
            "536-00-4417",
            "536-22-0000",
            "111-11-1111",
            "123-45-6789",
            "987-65-4321",
            "078-05-1120",
            "53-622-4417",
        ] {
            assert_eq!(us_ssn(invalid), 0.0, "{invalid}");
        }
    }

    #[test]
    fn dates_of_birth_are_calendar_days() {
        for date in [
            "1984-03-05",
            "05/03/1984",
            "12/31/1999",
            "31.12.1999",
            "2000-02-29",
            "5 March 1984",
            "Mar 5, 1984",
        ] {
            assert_eq!(date_of_birth(date), 0.4, "{date}");
        }
        for not_date in [
            "1999-02-29",
            "1984-13-01",
            "1984-03-05T10:00:00Z",
            "1984-03/05",
            "1850-01-01",
            "5 Marsh 1984",
            "1.2.3.4",
        ] {
            assert_eq!(date_of_birth(not_date), 0.0, "{not_date}");
        }
    }

    #[test]
    fn names_and_places_are_capitalised_words() {
        for name in [
            "Anne",
            "Jean-Luc Picard",
            "Mary J. Blige",
            "Seán O'Brien",
            "Ludwig van Beethoven",
            "Ronald McDonald",
        ] {
            assert_eq!(person(name), 0.35, "{name}");
        }
        for not_name in [
            "anne",
            "ANNE SMITH",
            "The parcel arrived late today",
            "R2-D2",
            "van Gogh",
            "",
        ] {
            assert_eq!(person(not_name), 0.0, "{not_name}");
        }
    }

    #[test]
    fn street_addresses() {
        for address in [
            "742 Evergreen Terrace",
            "1600 Pennsylvania Avenue NW",
            "221B Baker St.",
            "10 Downing Street, London",
            "Hauptstraße 5",
            "12 rue de Rivoli",
        ] {
            assert_eq!(location(address), 0.6, "{address}");
        }
        assert_eq!(location("Springfield"), 0.35);
        for postcode in ["94105", "94105-1234", "SW1A 1AA", "K1A 0B1", "1012 AB"] {
            assert_eq!(location(postcode), 0.35, "{postcode}");
        }
        assert_eq!(location("Order 42 shipped"), 0.0);
        assert_eq!(location("SKU-1234-XL"), 0.0);
    }
}
