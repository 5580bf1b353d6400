//! PII auto-classification of one column from its name and sampled values, the way
//! OpenMetadata's `AutoClassification` workflow tags columns `PII.Sensitive` or
//! `PII.NonSensitive`. Pure functions over text: no IO, no model to download.
//!
//! This crate owns the recognizers (one per [`PiiEntity`]) and the scoring that turns their
//! per-value hits into at most one tag. The algorithm follows OpenMetadata's
//! `HeuristicPIIClassifier` and `PIISensitiveClassifier`:
//!
//! 1. Values are trimmed; empty ones are skipped. A column whose distinct values are fewer
//!    than 1 % of its non-empty values yields nothing (a constant is not personal data).
//! 2. Each recognizer scores each value on its own (a validated match scores high, a mere
//!    shape low: see [`PiiEntity`]); an entity's score is the sum over the values divided by
//!    their number, so a column where half the values match scores half.
//! 3. When the column name — the last segment of a nested path, `shipping.address.street`
//!    → `street` — matches the entity's name pattern (OpenMetadata's `column_patterns.py`,
//!    plus patterns for the entities OpenMetadata has none for), the entity gains `+0.5`.
//!    A name saying the values are versions voids the IP address recognizer.
//! 4. Scores are clamped to `[0, 1]` and those below `0.1` are dropped.
//! 5. Entities are grouped by [`Sensitivity`]; each class scores as its best entity, and the
//!    best class wins if it reaches `confidence`. OpenMetadata averages the entities of a
//!    class instead; that lets a weaker entity of the same class drag a validated match
//!    below the threshold (every JWT is also a high-entropy token: 1.0 and 0.4 average to
//!    0.7), so the best entity stands for its class here.
//!
//! Only whole values are recognized, not entities inside free text or serialised JSON: a
//! DynamoDB attribute holds one thing, and free text is what the look-alike corpus must
//! leave untagged. Without a language model, people and places are recognized by shape
//! (capitalised words) and told apart by the column name, so capitalised status words
//! under a name OpenMetadata's location pattern matches (`order_state`: `Shipped`) are
//! taken for places, and plain-text passwords, being neither long nor random, are missed.
//! The corpus in `tests/it` measures these trade-offs.

mod contact;
mod finance;
mod names;
mod personal;
mod secrets;

/// The two tags of OpenMetadata's `PII` classification.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Sensitivity {
    /// `PII.Sensitive`: data that identifies a person or grants access.
    Sensitive,
    /// `PII.NonSensitive`: personal-looking data OpenMetadata deems low risk.
    NonSensitive,
}

impl Sensitivity {
    /// The tag's fully qualified name in OpenMetadata (`PII.Sensitive`, `PII.NonSensitive`).
    pub fn tag_fqn(self) -> &'static str {
        match self {
            Self::Sensitive => "PII.Sensitive",
            Self::NonSensitive => "PII.NonSensitive",
        }
    }
}

/// What a recognizer finds. Each value's score (before the column-name bonus) is given per
/// variant; validated matches score high, bare shapes low so that they need the name too.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum PiiEntity {
    /// An email address with a dot in its domain and a plausible top-level domain: 0.85.
    Email,
    /// A phone number valid in one of Presidio's default regions (US, GB, DE, FR, IL, IN,
    /// CA, BR) or in international form: 0.4.
    Phone,
    /// A card number of a known issuer's prefix and length that passes Luhn: 1.0.
    CreditCard,
    /// An IBAN of its country's length whose mod-97 check holds: 1.0.
    Iban,
    /// An IPv4 or IPv6 address: 0.8; nothing when the name says version.
    IpAddress,
    /// A US social security number not of a known invalid form: 0.5 with delimiters, 0.05
    /// as nine bare digits.
    UsSsn,
    /// An AWS access key id (`AKIA`/`ASIA` and 16 upper-case letters or digits): 0.9.
    AwsAccessKey,
    /// A high-entropy token: 0.7 in the shape of an AWS secret access key (40 base64
    /// characters), 0.4 otherwise.
    Secret,
    /// A JSON Web Token whose header decodes to a JSON object naming its `alg`: 1.0.
    Jwt,
    /// A URL with a scheme: 0.6; `www.` without one: 0.4.
    Url,
    /// A calendar date without a time of day, year 1900–2099: 0.4, so only a name such as
    /// `dob` or `birth_date` makes a tag.
    DateOfBirth,
    /// One to three capitalised words: 0.35, so only a name such as `first_name` makes a tag.
    Person,
    /// A street address (number and street word): 0.6; one to three capitalised words
    /// (a city, a country) or a postcode (US, UK, Canadian, Dutch): 0.35.
    Location,
    /// A UUID: 0.9. Identifiers of records, not of people.
    Uuid,
}

impl PiiEntity {
    /// Every entity, in the order ties are broken.
    pub const ALL: [Self; 14] = [
        Self::CreditCard,
        Self::Iban,
        Self::Jwt,
        Self::AwsAccessKey,
        Self::Email,
        Self::UsSsn,
        Self::Secret,
        Self::IpAddress,
        Self::DateOfBirth,
        Self::Person,
        Self::Uuid,
        Self::Phone,
        Self::Url,
        Self::Location,
    ];

    /// The tag OpenMetadata maps this entity to: phone numbers, URLs and locations (with
    /// dates and nationalities, which have no recognizer here) are `NonSensitive`, and so are
    /// UUIDs; everything else is `Sensitive`.
    pub fn sensitivity(self) -> Sensitivity {
        match self {
            Self::Phone | Self::Url | Self::Location | Self::Uuid => Sensitivity::NonSensitive,
            Self::Email
            | Self::CreditCard
            | Self::Iban
            | Self::IpAddress
            | Self::UsSsn
            | Self::AwsAccessKey
            | Self::Secret
            | Self::Jwt
            | Self::DateOfBirth
            | Self::Person => Sensitivity::Sensitive,
        }
    }

    /// The score one (trimmed, non-empty) value earns for this entity, in `[0, 1]`.
    fn score_value(self, value: &str) -> f64 {
        match self {
            Self::Email => contact::email(value),
            Self::Phone => contact::phone(value),
            Self::CreditCard => finance::credit_card(value),
            Self::Iban => finance::iban(value),
            Self::IpAddress => contact::ip_address(value),
            Self::UsSsn => personal::us_ssn(value),
            Self::AwsAccessKey => secrets::aws_access_key(value),
            Self::Secret => secrets::secret(value),
            Self::Jwt => secrets::jwt(value),
            Self::Url => contact::url(value),
            Self::DateOfBirth => personal::date_of_birth(value),
            Self::Person => personal::person(value),
            Self::Location => personal::location(value),
            Self::Uuid => secrets::uuid(value),
        }
    }
}

/// The tag suggested for a column.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Classification {
    /// `PII.Sensitive` or `PII.NonSensitive`.
    pub tag: Sensitivity,
    /// The winning entity's score, in `[0, 1]`.
    pub confidence: f64,
    /// The recognizer that won, e.g. [`PiiEntity::Email`].
    pub entity: PiiEntity,
}

/// Scores below this are noise (OpenMetadata's cut-off).
const MIN_SCORE: f64 = 0.1;
/// A column name matching an entity's pattern adds this to its score.
const NAME_BONUS: f64 = 0.5;
/// Fewer distinct values than this share of the sample: a constant, not personal data.
const MIN_RELATIVE_CARDINALITY: f64 = 0.01;

/// Classifies one column: `name` is its name or nested path (`email`,
/// `shipping.address.street`), `values` its sampled values as text. Returns the tag whose
/// score reaches `confidence` (`0..=1`; OpenMetadata's recipe gives it in percent), or
/// `None`.
///
/// ```
/// use ferrometa_classify::{PiiEntity, Sensitivity, classify_column};
///
/// let emails = ["ana@example.com", "bo.li@example.org", ""];
/// let c = classify_column("customer.email", &emails, 0.8).expect("an email column");
/// assert_eq!((c.tag, c.entity), (Sensitivity::Sensitive, PiiEntity::Email));
/// assert_eq!(c.tag.tag_fqn(), "PII.Sensitive");
///
/// // A Visa-like number failing Luhn is an order number, not a card.
/// assert_eq!(classify_column("order_no", &["4111111111111112"], 0.8), None);
/// ```
pub fn classify_column(name: &str, values: &[&str], confidence: f64) -> Option<Classification> {
    let values: Vec<&str> = values
        .iter()
        .map(|v| v.trim())
        .filter(|v| !v.is_empty())
        .collect();
    if values.is_empty() {
        return None;
    }
    let mut distinct = values.clone();
    distinct.sort_unstable();
    distinct.dedup();
    if (distinct.len() as f64) / (values.len() as f64) < MIN_RELATIVE_CARDINALITY {
        return None;
    }

    let name = names::ColumnName::new(name);
    let mut best: Option<(PiiEntity, f64)> = None;
    for entity in PiiEntity::ALL {
        if entity == PiiEntity::IpAddress && name.says_version() {
            continue;
        }
        let sum: f64 = values.iter().map(|v| entity.score_value(v)).sum();
        let mut score = sum / values.len() as f64;
        if name.matches(entity) {
            score += NAME_BONUS;
        }
        let score = score.clamp(0.0, 1.0);
        // Strictly greater: on a tie the earlier entity of `ALL` stays.
        if score >= MIN_SCORE && best.is_none_or(|(_, s)| score > s) {
            best = Some((entity, score));
        }
    }
    // The best entity is the best of its class, and that class is the best class.
    let (entity, score) = best?;
    (score >= confidence).then_some(Classification {
        tag: entity.sensitivity(),
        confidence: score,
        entity,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn name_bonus_lifts_weak_shapes_and_nested_paths_use_the_last_segment() {
        let phones = ["+1 415 555 0132", "(212) 555-0187", "+44 20 7946 0958"];
        assert_eq!(classify_column("notes", &phones, 0.8), None);
        let c = classify_column("contact.phone", &phones, 0.8).expect("a phone column");
        assert_eq!(
            (c.tag, c.entity),
            (Sensitivity::NonSensitive, PiiEntity::Phone)
        );
    }

    #[test]
    fn empty_values_are_skipped_and_constants_cut_off() {
        assert_eq!(classify_column("email", &["", "  "], 0.1), None);
        let same = vec!["a@example.com"; 200];
        assert_eq!(classify_column("email", &same, 0.1), None);
        let c = classify_column("email", &["a@example.com", ""], 0.8).expect("an email");
        assert_eq!(c.entity, PiiEntity::Email);
        assert!((c.confidence - 1.0).abs() < 1e-9);
    }

    #[test]
    fn the_best_entity_stands_for_its_class() {
        // Also high-entropy tokens (Secret, 0.4); averaged with them they would score 0.7.
        let jwts = [
            "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiIxMjM0NTY3ODkwIn0.dozjgNryP4J3jVmNHl0w5N_XgL0n3I9PlFUP0THsR8U",
            "eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiI0MiJ9.c2lnbmF0dXJlLWJ5dGVzLWhlcmUtYW5kLW1vcmU",
        ];
        let c = classify_column("auth.bearer", &jwts, 0.8).expect("a JWT column");
        assert_eq!((c.tag, c.entity), (Sensitivity::Sensitive, PiiEntity::Jwt));
        assert!((c.confidence - 1.0).abs() < 1e-9);
    }

    #[test]
    fn version_names_void_ip_addresses() {
        let v = ["1.2.3.4", "10.0.0.1", "2.4.11.0"];
        assert_eq!(classify_column("firmware_version", &v, 0.1), None);
        assert_eq!(
            classify_column("client_ip", &v, 0.8).map(|c| c.entity),
            Some(PiiEntity::IpAddress)
        );
    }
}
