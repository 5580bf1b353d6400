//! `classify_column` takes whatever a sample holds: it never panics, and any confidence it
//! reports lies in `[0, 1]` and reaches the threshold asked for.

use ferrometa_classify::classify_column;
use proptest::prelude::*;

proptest! {
    #[test]
    fn never_panics_and_confidence_is_a_probability(
        name in "\\PC{0,24}",
        values in prop::collection::vec("\\PC{0,40}", 0..12),
        threshold in 0.0f64..=1.0,
    ) {
        let values: Vec<&str> = values.iter().map(String::as_str).collect();
        if let Some(c) = classify_column(&name, &values, threshold) {
            prop_assert!((0.0..=1.0).contains(&c.confidence));
            prop_assert!(c.confidence >= threshold);
        }
    }

    #[test]
    fn never_panics_on_value_shaped_strings(
        name in "[a-zA-Z_.]{0,20}",
        values in prop::collection::vec("[0-9A-Za-z+()@./:_ -]{0,40}", 1..12),
    ) {
        let values: Vec<&str> = values.iter().map(String::as_str).collect();
        if let Some(c) = classify_column(&name, &values, 0.0) {
            prop_assert!((0.0..=1.0).contains(&c.confidence));
        }
    }

    // The phone-number parser sees only strings of these characters: fuzz it hardest there.
    #[test]
    fn never_panics_on_phone_shaped_strings(
        values in prop::collection::vec("\\+?[0-9 ()./-]{0,24}", 1..12),
    ) {
        let values: Vec<&str> = values.iter().map(String::as_str).collect();
        if let Some(c) = classify_column("phone", &values, 0.0) {
            prop_assert!((0.0..=1.0).contains(&c.confidence));
        }
    }
}
