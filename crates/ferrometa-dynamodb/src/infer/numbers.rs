//! Number types: the shape of each DynamoDB number text, and the narrowest of BIGINT,
//! DECIMAL(38, s) and NUMBER that holds every value seen at one path.

use std::cmp::Ordering;

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
    Decimal::parse(text).map(|d| d.shape())
}

/// A DynamoDB number, exactly: 0.`digits` × 10^`exponent`, `digits` without leading or
/// trailing zeros (empty for zero). Ordered and hashed by value, so `1`, `1.0` and `1E0` are
/// one number; shared by inference (its shape) and profiles (exact minimum, maximum and
/// distinct values).
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Decimal {
    negative: bool,
    digits: Vec<u8>,
    exponent: i64,
}

impl Decimal {
    /// DynamoDB's number syntax: an optional sign, digits with an optional point, an optional
    /// exponent. `None` for anything else.
    pub fn parse(text: &str) -> Option<Decimal> {
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
                // Clamp absurd exponents; they only need to stay far outside DECIMAL(38)
                // and DynamoDB's own range (10^±130).
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
        // One pass: the significant digits, and how many leading zeros came before them.
        let mut leading = 0;
        let mut digits = Vec::new();
        for b in int_part.bytes().chain(frac_part.bytes()) {
            if digits.is_empty() && b == b'0' {
                leading += 1;
            } else {
                digits.push(b - b'0');
            }
        }
        while digits.last() == Some(&0) {
            digits.pop();
        }
        if digits.is_empty() {
            return Some(Decimal {
                negative: false,
                digits,
                exponent: 0,
            });
        }
        Some(Decimal {
            negative,
            digits,
            exponent: int_part.len() as i64 - leading + exponent,
        })
    }

    /// Digits before and after the point, and whether the value is an i64.
    fn shape(&self) -> ParsedNumber {
        let count = self.digits.len() as i64;
        let int_digits = self.exponent.max(0);
        let scale = (count - self.exponent).max(0);
        // An integer of at most 19 digits, checked against i64's range without allocating.
        let fits_i64 = self.digits.is_empty()
            || (scale == 0 && int_digits <= 19 && {
                let magnitude = self
                    .digits
                    .iter()
                    .fold(0i128, |v, &d| v * 10 + i128::from(d))
                    * 10i128.pow((int_digits - count) as u32);
                let value = if self.negative { -magnitude } else { magnitude };
                i64::try_from(value).is_ok()
            });
        ParsedNumber {
            int_digits: int_digits.min(u32::MAX as i64) as u32,
            scale: scale.min(u32::MAX as i64) as u32,
            fits_i64,
        }
    }

    fn sign(&self) -> i8 {
        match (self.digits.is_empty(), self.negative) {
            (true, _) => 0,
            (false, true) => -1,
            (false, false) => 1,
        }
    }
}

impl Ord for Decimal {
    fn cmp(&self, other: &Self) -> Ordering {
        let sign = self.sign().cmp(&other.sign());
        if sign != Ordering::Equal || self.sign() == 0 {
            return sign;
        }
        // Same sign: compare magnitudes, reversed for negatives. Digits have no trailing
        // zeros, so a prefix is the smaller magnitude.
        let magnitude = self
            .exponent
            .cmp(&other.exponent)
            .then_with(|| self.digits.cmp(&other.digits));
        if self.negative {
            magnitude.reverse()
        } else {
            magnitude
        }
    }
}

impl PartialOrd for Decimal {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}
