//! Number types: the shape of each DynamoDB number text, and the narrowest of BIGINT,
//! DECIMAL(38, s) and NUMBER that holds every value seen at one path.

use ferrometa_model::DataType;

/// Number statistics over all values of one path.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) struct NumStats {
    pub(super) all_i64: bool,
    pub(super) max_int_digits: u32,
    pub(super) max_scale: u32,
    pub(super) all_parsed: bool,
}

impl Default for NumStats {
    fn default() -> Self {
        NumStats {
            all_i64: true,
            max_int_digits: 0,
            max_scale: 0,
            all_parsed: true,
        }
    }
}

impl NumStats {
    pub(super) fn add(&mut self, text: &str) {
        match parse_number(text) {
            Some(p) => {
                self.all_i64 &= p.fits_i64;
                self.max_int_digits = self.max_int_digits.max(p.int_digits);
                self.max_scale = self.max_scale.max(p.scale);
            }
            None => {
                self.all_parsed = false;
                self.all_i64 = false;
            }
        }
    }

    pub(super) fn data_type(&self) -> DataType {
        if !self.all_parsed {
            DataType::Number
        } else if self.all_i64 && self.max_scale == 0 {
            DataType::Bigint
        } else if self.max_int_digits as u64 + self.max_scale as u64 <= 38 {
            DataType::Decimal
        } else {
            DataType::Number
        }
    }
}

/// The shape of one DynamoDB number.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) struct ParsedNumber {
    pub(super) int_digits: u32,
    pub(super) scale: u32,
    pub(super) fits_i64: bool,
}

/// Parses DynamoDB's number syntax: `[-+]digits[.digits][(e|E)[-+]digits]`.
pub(super) fn parse_number(text: &str) -> Option<ParsedNumber> {
    let text = text.trim();
    let (negative, rest) = match text.as_bytes().first()? {
        b'-' => (true, &text[1..]),
        b'+' => (false, &text[1..]),
        _ => (false, text),
    };
    let (mantissa, exponent) = match rest.find(['e', 'E']) {
        Some(i) => (&rest[..i], Some(&rest[i + 1..])),
        None => (rest, None),
    };
    let exponent: i64 = match exponent {
        None => 0,
        Some(e) => {
            let digits = e.strip_prefix(['+', '-']).unwrap_or(e);
            if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
                return None;
            }
            // Clamp absurd exponents; they only need to stay far outside DECIMAL(38).
            let magnitude: i64 = digits.parse().unwrap_or(i64::MAX).min(1_000_000);
            if e.starts_with('-') {
                -magnitude
            } else {
                magnitude
            }
        }
    };
    let (int_part, frac_part) = match mantissa.split_once('.') {
        Some((i, f)) => (i, f),
        None => (mantissa, ""),
    };
    if (int_part.is_empty() && frac_part.is_empty())
        || !int_part.bytes().all(|b| b.is_ascii_digit())
        || !frac_part.bytes().all(|b| b.is_ascii_digit())
    {
        return None;
    }
    // Significant digits and the position of the decimal point relative to them.
    let all: String = format!("{int_part}{frac_part}");
    let leading = all.bytes().take_while(|&b| b == b'0').count();
    let digits = all[leading..].trim_end_matches('0');
    if digits.is_empty() {
        return Some(ParsedNumber {
            int_digits: 0,
            scale: 0,
            fits_i64: true,
        });
    }
    let point = int_part.len() as i64 - leading as i64 + exponent;
    let count = digits.len() as i64;
    let int_digits = point.max(0);
    let scale = (count - point).max(0);
    let fits_i64 = scale == 0 && int_digits <= 19 && {
        let zeros = (int_digits - count) as usize;
        let full = format!(
            "{}{}{}",
            if negative { "-" } else { "" },
            digits,
            "0".repeat(zeros)
        );
        full.parse::<i64>().is_ok()
    };
    Some(ParsedNumber {
        int_digits: int_digits.min(u32::MAX as i64) as u32,
        scale: scale.min(u32::MAX as i64) as u32,
        fits_i64,
    })
}
