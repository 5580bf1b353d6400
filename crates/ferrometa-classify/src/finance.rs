//! Recognizers for payment data: card numbers (issuer prefix and length, then Luhn) and IBANs
//! (country length, then mod 97). A shape without its checksum scores nothing: order ids and
//! invoice numbers of the same length are the usual look-alikes.

/// Digits of a number written with optional spaces or dashes between groups.
fn digits_of(value: &str) -> Option<Vec<u8>> {
    let mut digits = Vec::with_capacity(value.len());
    for c in value.chars() {
        match c {
            '0'..='9' => digits.push(c as u8 - b'0'),
            ' ' | '-' => {}
            _ => return None,
        }
    }
    Some(digits)
}

/// The Luhn check: doubling every second digit from the right, the sum is a multiple of 10.
pub(crate) fn luhn(digits: &[u8]) -> bool {
    let sum: u32 = digits
        .iter()
        .rev()
        .enumerate()
        .map(|(i, &d)| {
            let d = u32::from(d);
            if i % 2 == 1 {
                let doubled = d * 2;
                if doubled > 9 { doubled - 9 } else { doubled }
            } else {
                d
            }
        })
        .sum();
    !digits.is_empty() && sum.is_multiple_of(10)
}

/// Whether a card number of these digits belongs to a known issuer's range and length.
fn known_issuer(digits: &[u8]) -> bool {
    let prefix = |n: usize| {
        digits
            .iter()
            .take(n)
            .fold(0u32, |acc, &d| acc * 10 + u32::from(d))
    };
    let len = digits.len();
    let visa = digits[0] == 4 && matches!(len, 13 | 16 | 19);
    let mastercard =
        len == 16 && ((51..=55).contains(&prefix(2)) || (2221..=2720).contains(&prefix(4)));
    let amex = len == 15 && matches!(prefix(2), 34 | 37);
    let discover = (16..=19).contains(&len)
        && (prefix(4) == 6011
            || prefix(2) == 65
            || (644..=649).contains(&prefix(3))
            || (622_126..=622_925).contains(&prefix(6)));
    let jcb = (16..=19).contains(&len) && (3528..=3589).contains(&prefix(4));
    let diners = (14..=19).contains(&len)
        && ((300..=305).contains(&prefix(3)) || matches!(prefix(2), 36 | 38 | 39));
    let unionpay = (16..=19).contains(&len) && prefix(2) == 62;
    let maestro = (12..=19).contains(&len)
        && matches!(
            prefix(4),
            5018 | 5020 | 5038 | 5893 | 6304 | 6759 | 6761..=6763
        );
    visa || mastercard || amex || discover || jcb || diners || unionpay || maestro
}

/// A card number of a known issuer that passes Luhn.
pub(crate) fn credit_card(value: &str) -> f64 {
    let Some(digits) = digits_of(value) else {
        return 0.0;
    };
    if !(12..=19).contains(&digits.len()) || !known_issuer(&digits) || !luhn(&digits) {
        return 0.0;
    }
    1.0
}

/// IBAN lengths per country (SWIFT's IBAN registry).
const IBAN_LENGTHS: &[(&str, usize)] = &[
    ("AD", 24),
    ("AE", 23),
    ("AL", 28),
    ("AT", 20),
    ("AZ", 28),
    ("BA", 20),
    ("BE", 16),
    ("BG", 22),
    ("BH", 22),
    ("BI", 27),
    ("BR", 29),
    ("BY", 28),
    ("CH", 21),
    ("CR", 22),
    ("CY", 28),
    ("CZ", 24),
    ("DE", 22),
    ("DJ", 27),
    ("DK", 18),
    ("DO", 28),
    ("EE", 20),
    ("EG", 29),
    ("ES", 24),
    ("FI", 18),
    ("FK", 18),
    ("FO", 18),
    ("FR", 27),
    ("GB", 22),
    ("GE", 22),
    ("GI", 23),
    ("GL", 18),
    ("GR", 27),
    ("GT", 28),
    ("HR", 21),
    ("HU", 28),
    ("IE", 22),
    ("IL", 23),
    ("IQ", 23),
    ("IS", 26),
    ("IT", 27),
    ("JO", 30),
    ("KW", 30),
    ("KZ", 20),
    ("LB", 28),
    ("LC", 32),
    ("LI", 21),
    ("LT", 20),
    ("LU", 20),
    ("LV", 21),
    ("LY", 25),
    ("MC", 27),
    ("MD", 24),
    ("ME", 22),
    ("MK", 19),
    ("MN", 20),
    ("MR", 27),
    ("MT", 31),
    ("MU", 30),
    ("NI", 28),
    ("NL", 18),
    ("NO", 15),
    ("OM", 23),
    ("PK", 24),
    ("PL", 28),
    ("PS", 29),
    ("PT", 25),
    ("QA", 29),
    ("RO", 24),
    ("RS", 22),
    ("RU", 33),
    ("SA", 24),
    ("SC", 31),
    ("SD", 18),
    ("SE", 24),
    ("SI", 19),
    ("SK", 24),
    ("SM", 27),
    ("SO", 23),
    ("ST", 25),
    ("SV", 28),
    ("TL", 23),
    ("TN", 24),
    ("TR", 26),
    ("UA", 29),
    ("VA", 22),
    ("VG", 24),
    ("XK", 20),
    ("YE", 30),
];

/// The IBAN check: the first four characters moved to the end, letters as 10–35, the
/// number is 1 modulo 97.
pub(crate) fn mod97(iban: &[u8]) -> bool {
    let (head, tail) = iban.split_at(4);
    let mut remainder = 0u32;
    for &c in tail.iter().chain(head) {
        let n = match c {
            b'0'..=b'9' => u32::from(c - b'0'),
            b'A'..=b'Z' => u32::from(c - b'A') + 10,
            _ => return false,
        };
        remainder = if n >= 10 {
            (remainder * 100 + n) % 97
        } else {
            (remainder * 10 + n) % 97
        };
    }
    remainder == 1
}

/// An IBAN (spaces or dashes allowed) of its country's length whose check digits hold.
pub(crate) fn iban(value: &str) -> f64 {
    let compact: Vec<u8> = value
        .bytes()
        .filter(|b| !matches!(b, b' ' | b'-'))
        .map(|b| b.to_ascii_uppercase())
        .collect();
    if compact.len() < 15
        || !compact[..2].iter().all(u8::is_ascii_uppercase)
        || !compact[2..4].iter().all(u8::is_ascii_digit)
        || !compact[4..].iter().all(u8::is_ascii_alphanumeric)
    {
        return 0.0;
    }
    let country = std::str::from_utf8(&compact[..2]).unwrap_or_default();
    let length_ok = IBAN_LENGTHS
        .iter()
        .any(|&(c, len)| c == country && len == compact.len());
    if length_ok && mod97(&compact) {
        1.0
    } else {
        0.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn luhn_accepts_valid_and_rejects_one_digit_off() {
        let valid = digits_of("4539 1488 0343 6467").expect("digits");
        assert!(luhn(&valid));
        let mut off = valid.clone();
        off[15] = (off[15] + 1) % 10;
        assert!(!luhn(&off));
        assert!(!luhn(&[]));
    }

    #[test]
    fn cards_need_an_issuer_and_luhn() {
        for card in [
            "4111111111111111",
            "4539-1488-0343-6467",
            "5555 5555 5555 4444",
            "2223003122003222",
            "378282246310005",
            "6011111111111117",
            "3530111333300000",
            "30569309025904",
        ] {
            assert_eq!(credit_card(card), 1.0, "{card}");
        }
        // Luhn-valid but no issuer starts with 9; Visa prefix but failing Luhn.
        assert_eq!(credit_card("9111111111111111"), 0.0);
        assert_eq!(credit_card("4111111111111112"), 0.0);
        assert_eq!(credit_card("4111-1111-1111-111x"), 0.0);
        assert_eq!(credit_card("41"), 0.0);
    }

    #[test]
    fn ibans_need_their_country_length_and_mod97() {
        for iban_text in [
            "GB82 WEST 1234 5698 7654 32",
            "DE89370400440532013000",
            "FR1420041010050500013M02606",
            "NL91ABNA0417164300",
            "NO9386011117947",
        ] {
            assert_eq!(iban(iban_text), 1.0, "{iban_text}");
        }
        assert_eq!(iban("GB82 WEST 1234 5698 7654 33"), 0.0);
        assert_eq!(iban("DE8937040044053201300"), 0.0);
        assert_eq!(iban("ZZ89370400440532013000"), 0.0);
        assert_eq!(iban("hello"), 0.0);
        assert_eq!(iban("ünïcödé-ünïcödé-ü"), 0.0);
    }
}
