//! The labelled corpus: columns as a DynamoDB sample shows them (a name or nested path and
//! 20–50 values as text), each with the tag it should get. Values are generated from a fixed
//! seed, so every run measures the same corpus. Positives cover every recognizer; the
//! look-alikes are what real tables hold next to them and must stay untagged.

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use ferrometa_classify::Sensitivity;

/// One labelled column.
pub struct Column {
    pub name: &'static str,
    pub values: Vec<String>,
    pub expected: Option<Sensitivity>,
}

/// SplitMix64: deterministic and dependency-free.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    fn below(&mut self, n: u64) -> u64 {
        self.next() % n
    }

    fn range(&mut self, low: u64, high: u64) -> u64 {
        low + self.below(high - low + 1)
    }

    fn pick<'a>(&mut self, items: &[&'a str]) -> &'a str {
        items[self.below(items.len() as u64) as usize]
    }

    fn digits(&mut self, n: usize) -> String {
        (0..n)
            .map(|_| char::from(b'0' + self.below(10) as u8))
            .collect()
    }

    fn chars(&mut self, alphabet: &[u8], n: usize) -> String {
        (0..n)
            .map(|_| char::from(alphabet[self.below(alphabet.len() as u64) as usize]))
            .collect()
    }
}

const FIRST: &[&str] = &[
    "Alice",
    "Bob",
    "Carla",
    "David",
    "Elena",
    "Farid",
    "Grace",
    "Hiroshi",
    "Ingrid",
    "Jamal",
    "Katarzyna",
    "Liam",
    "Mei",
    "Noah",
    "Olivia",
    "Pedro",
    "Quinn",
    "Rosa",
    "Sven",
    "Tomás",
    "Uma",
    "Viktor",
    "Wen",
    "Ximena",
    "Yusuf",
    "Zoë",
    "Aoife",
    "Björn",
    "Chloe",
    "Dmitri",
];
const LAST: &[&str] = &[
    "Smith",
    "García",
    "Nguyen",
    "Müller",
    "O'Brien",
    "Kowalski",
    "Rossi",
    "Tanaka",
    "Okafor",
    "Johansson",
    "Dubois",
    "Silva",
    "Patel",
    "Cohen",
    "McDonald",
    "Smith-Jones",
    "Ivanova",
    "Haddad",
    "Fischer",
    "Moreau",
    "Andersen",
    "Kim",
    "Singh",
    "Schmidt",
    "Novak",
];
const CITIES: &[&str] = &[
    "Springfield",
    "Lisbon",
    "New York",
    "Rio de Janeiro",
    "Berlin",
    "Osaka",
    "Nairobi",
    "Toronto",
    "Melbourne",
    "Kraków",
    "São Paulo",
    "Cape Town",
    "Dublin",
    "Austin",
    "Lyon",
    "Seville",
    "Bergen",
    "Auckland",
    "Chicago",
    "Mumbai",
    "Seattle",
    "Porto",
];
const COUNTRIES: &[&str] = &[
    "Germany",
    "Portugal",
    "Brazil",
    "Japan",
    "Kenya",
    "Canada",
    "Australia",
    "Poland",
    "South Africa",
    "Ireland",
    "United States",
    "France",
    "Spain",
    "Norway",
    "New Zealand",
    "India",
    "Mexico",
    "Italy",
];
const STREETS: &[&str] = &[
    "Main",
    "Oak",
    "Maple",
    "Evergreen",
    "Baker",
    "Elm",
    "Cedar",
    "Sunset",
    "Park",
    "Lake",
    "Hill",
    "Church",
    "Mill",
    "Station",
    "Victoria",
    "King",
];
const STREET_WORDS: &[&str] = &[
    "Street",
    "St",
    "Avenue",
    "Ave",
    "Road",
    "Rd",
    "Lane",
    "Drive",
    "Boulevard",
    "Way",
    "Court",
    "Terrace",
    "Place",
];
const DOMAINS: &[&str] = &[
    "example.com",
    "mail.example.org",
    "corp.example.net",
    "example.co.uk",
    "example.de",
    "uni.example.edu",
    "example.io",
];
const WORDS: &[&str] = &[
    "the", "parcel", "arrived", "late", "and", "was", "damaged", "please", "refund", "customer",
    "called", "twice", "about", "delivery", "window", "great", "service", "would", "order",
    "again", "box", "was", "left", "at", "door",
];
const US_AREA_CODES: &[&str] = &[
    "212", "415", "617", "303", "312", "206", "512", "305", "404", "702",
];
const US_STATES: &[&str] = &[
    "California",
    "Texas",
    "New York",
    "Florida",
    "Ohio",
    "Oregon",
    "Maine",
    "Nevada",
    "North Carolina",
    "Washington",
    "Colorado",
    "Vermont",
];
const PRODUCTS: &[&str] = &[
    "Blue Widget",
    "Deluxe Lamp",
    "Garden Hose",
    "Kitchen Scale",
    "Travel Mug",
    "Desk Chair",
    "Yoga Mat",
    "Wireless Mouse",
    "Coffee Grinder",
    "Rain Jacket",
    "Camping Stove",
];
const CATEGORIES: &[&str] = &[
    "Garden", "Kitchen", "Outdoor", "Office", "Toys", "Books", "Music", "Sports", "Beauty",
];

const BASE64: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
const BASE64URL: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
const ALNUM: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
const UPPER_ALNUM: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZ0234567";
const HEX: &[u8] = b"0123456789abcdef";

fn luhn_check_digit(payload: &str) -> u8 {
    let sum: u32 = payload
        .bytes()
        .rev()
        .enumerate()
        .map(|(i, b)| {
            let d = u32::from(b - b'0');
            if i % 2 == 0 {
                let doubled = d * 2;
                if doubled > 9 { doubled - 9 } else { doubled }
            } else {
                d
            }
        })
        .sum();
    ((10 - sum % 10) % 10) as u8
}

/// A card number of `len` digits starting with `prefix`; Luhn-valid unless `valid` is false.
fn card(rng: &mut Rng, prefix: &str, len: usize, valid: bool) -> String {
    let payload = format!("{prefix}{}", rng.digits(len - prefix.len() - 1));
    let check = luhn_check_digit(&payload);
    let check = if valid {
        check
    } else {
        (check + 1 + rng.below(9) as u8) % 10
    };
    format!("{payload}{check}")
}

fn grouped(number: &str, sep: char) -> String {
    number
        .as_bytes()
        .chunks(4)
        .map(|c| std::str::from_utf8(c).expect("ascii"))
        .collect::<Vec<_>>()
        .join(&sep.to_string())
}

fn iban(rng: &mut Rng, country: &str, bban: String) -> String {
    let rearranged = format!("{bban}{country}00");
    let remainder = rearranged.chars().fold(0u64, |r, c| {
        let n = c.to_digit(36).expect("alphanumeric");
        if n >= 10 {
            (r * 100 + u64::from(n)) % 97
        } else {
            (r * 10 + u64::from(n)) % 97
        }
    });
    let compact = format!("{country}{:02}{bban}", 98 - remainder);
    if rng.below(2) == 0 {
        grouped(&compact, ' ')
    } else {
        compact
    }
}

fn jwt(rng: &mut Rng) -> String {
    let alg = rng.pick(&["HS256", "RS256", "ES256"]);
    let header = URL_SAFE_NO_PAD.encode(format!(r#"{{"alg":"{alg}","typ":"JWT"}}"#));
    let payload = URL_SAFE_NO_PAD.encode(format!(
        r#"{{"sub":"{}","iat":{}}}"#,
        rng.digits(8),
        1_700_000_000 + rng.below(10_000_000)
    ));
    format!("{header}.{payload}.{}", rng.chars(BASE64URL, 43))
}

fn uuid(rng: &mut Rng) -> String {
    let h = rng.chars(HEX, 32);
    format!(
        "{}-{}-4{}-a{}-{}",
        &h[..8],
        &h[8..12],
        &h[13..16],
        &h[17..20],
        &h[20..]
    )
}

fn ssn(rng: &mut Rng) -> String {
    let area = loop {
        let a = rng.range(1, 899);
        if a != 666 {
            break a;
        }
    };
    let sep = if rng.below(4) == 0 { ' ' } else { '-' };
    format!(
        "{area:03}{sep}{:02}{sep}{:04}",
        rng.range(1, 99),
        rng.range(1, 9999)
    )
}

fn date(rng: &mut Rng, style: usize) -> String {
    let (y, m, d) = (rng.range(1940, 2006), rng.range(1, 12), rng.range(1, 28));
    match style {
        0 => format!("{y}-{m:02}-{d:02}"),
        1 => format!("{m:02}/{d:02}/{y}"),
        _ => format!("{d:02}.{m:02}.{y}"),
    }
}

fn column(
    name: &'static str,
    expected: Option<Sensitivity>,
    n: usize,
    rng: &mut Rng,
    mut value: impl FnMut(&mut Rng, usize) -> String,
) -> Column {
    Column {
        name,
        values: (0..n).map(|i| value(rng, i)).collect(),
        expected,
    }
}

/// The whole corpus.
pub fn columns() -> Vec<Column> {
    use Sensitivity::{NonSensitive, Sensitive};
    let rng = &mut Rng(0x00C1_A551_F1ED);
    let email = |rng: &mut Rng, i: usize| {
        format!(
            "{}.{}{i}@{}",
            rng.pick(FIRST).to_lowercase(),
            rng.pick(&["smith", "nguyen", "rossi", "patel", "kim"]),
            rng.pick(DOMAINS)
        )
    };
    let us_phone = |rng: &mut Rng, _: usize| {
        let (area, exchange, line) = (rng.pick(US_AREA_CODES), rng.range(201, 989), rng.digits(4));
        match rng.below(3) {
            0 => format!("({area}) {exchange}-{line}"),
            1 => format!("+1 {area}-{exchange}-{line}"),
            _ => format!("{area}.{exchange}.{line}"),
        }
    };
    let intl_phone = |rng: &mut Rng, _: usize| match rng.below(3) {
        0 => format!("+44 20 7946 {}", rng.digits(4)),
        1 => format!("+49 30 {}", rng.range(2_000_000, 9_999_999)),
        _ => format!(
            "+33 1 {} {} {} {}",
            rng.range(10, 99),
            rng.range(10, 99),
            rng.range(10, 99),
            rng.range(10, 99)
        ),
    };
    let visa_or_mc = |rng: &mut Rng, i: usize| {
        let prefix = rng.pick(&["4", "51", "55", "2221", "6011", "4"]);
        let number = card(rng, prefix, 16, true);
        match i % 3 {
            0 => number,
            1 => grouped(&number, ' '),
            _ => grouped(&number, '-'),
        }
    };
    let any_iban = |rng: &mut Rng, _: usize| match rng.below(4) {
        0 => {
            let bank = rng.pick(&["WEST", "BARC", "NWBK", "MIDL"]);
            let bban = format!("{bank}{}", rng.digits(14));
            iban(rng, "GB", bban)
        }
        1 => {
            let bban = rng.digits(18);
            iban(rng, "DE", bban)
        }
        2 => {
            let bban = rng.digits(23);
            iban(rng, "FR", bban)
        }
        _ => {
            let bban = format!("{}{}", rng.pick(&["ABNA", "INGB", "RABO"]), rng.digits(10));
            iban(rng, "NL", bban)
        }
    };
    let ipv4 = |rng: &mut Rng, _: usize| {
        format!(
            "{}.{}.{}.{}",
            rng.range(1, 223),
            rng.below(256),
            rng.below(256),
            rng.range(1, 254)
        )
    };
    let ipv6 = |rng: &mut Rng, _: usize| {
        format!(
            "2001:db8:{:x}:{:x}::{:x}",
            rng.below(65536),
            rng.below(65536),
            rng.range(1, 65535)
        )
    };
    let full_name = |rng: &mut Rng, _: usize| format!("{} {}", rng.pick(FIRST), rng.pick(LAST));
    let street = |rng: &mut Rng, _: usize| {
        format!(
            "{} {} {}",
            rng.range(1, 9999),
            rng.pick(STREETS),
            rng.pick(STREET_WORDS)
        )
    };
    let hex = |len: usize| move |rng: &mut Rng, _: usize| rng.chars(HEX, len);
    let sentence = |rng: &mut Rng, _: usize| {
        let n = rng.range(5, 14) as usize;
        let mut s = (0..n)
            .map(|_| rng.pick(WORDS))
            .collect::<Vec<_>>()
            .join(" ");
        s[..1].make_ascii_uppercase();
        s + "."
    };

    vec![
        // Sensitive: email addresses, with and without a telling name.
        column("email", Some(Sensitive), 40, rng, email),
        column("contact", Some(Sensitive), 30, rng, email),
        column("customer.emailAddress", Some(Sensitive), 25, rng, email),
        // Mostly unset: empty values are skipped, not counted against the others.
        column("secondary_email", Some(Sensitive), 40, rng, |rng, i| {
            if i % 3 == 0 {
                email(rng, i)
            } else {
                String::new()
            }
        }),
        // Non-sensitive: phone numbers (OpenMetadata's PHONE_NUMBER), which need the name.
        column("phone", Some(NonSensitive), 40, rng, us_phone),
        column(
            "profile.mobile_phone",
            Some(NonSensitive),
            30,
            rng,
            intl_phone,
        ),
        column("contactPhone", Some(NonSensitive), 30, rng, us_phone),
        column("office_phone", Some(NonSensitive), 30, rng, |rng, i| {
            format!("{} ext. {}", us_phone(rng, i), rng.range(100, 999))
        }),
        column("phone_number", Some(NonSensitive), 30, rng, |rng, _| {
            format!(
                "{}{}{}",
                rng.pick(US_AREA_CODES),
                rng.range(201, 989),
                rng.digits(4)
            )
        }),
        // Sensitive: card numbers, Luhn-valid, spaced or not.
        column("credit_card_number", Some(Sensitive), 40, rng, visa_or_mc),
        column("payment.card", Some(Sensitive), 30, rng, |rng, _| {
            let prefix = rng.pick(&["34", "37"]);
            card(rng, prefix, 15, true)
        }),
        // Sensitive: IBANs.
        column("iban", Some(Sensitive), 40, rng, any_iban),
        column("payout_account", Some(Sensitive), 30, rng, any_iban),
        // Sensitive: IP addresses.
        column("client_ip", Some(Sensitive), 40, rng, ipv4),
        column("lastLoginIp", Some(Sensitive), 30, rng, ipv6),
        column("remote_addr", Some(Sensitive), 30, rng, ipv4),
        // No telling name: the parsed addresses alone.
        column("source", Some(Sensitive), 30, rng, ipv4),
        // Sensitive: social security numbers.
        column("ssn", Some(Sensitive), 40, rng, |rng, _| ssn(rng)),
        column(
            "employee.social_security_number",
            Some(Sensitive),
            25,
            rng,
            |rng, _| ssn(rng),
        ),
        // Sensitive: credentials.
        column("aws_access_key_id", Some(Sensitive), 30, rng, |rng, _| {
            format!(
                "{}{}",
                rng.pick(&["AKIA", "ASIA"]),
                rng.chars(UPPER_ALNUM, 16)
            )
        }),
        column("credentials.key", Some(Sensitive), 20, rng, |rng, _| {
            format!("AKIA{}", rng.chars(UPPER_ALNUM, 16))
        }),
        column(
            "aws_secret_access_key",
            Some(Sensitive),
            30,
            rng,
            |rng, _| rng.chars(BASE64, 40),
        ),
        column("api_key", Some(Sensitive), 30, rng, |rng, _| {
            format!("sk_live_{}", rng.chars(ALNUM, 32))
        }),
        column("password_hash", Some(Sensitive), 30, rng, |rng, _| {
            format!("$2b$12${}", rng.chars(BASE64, 53).replace('+', "."))
        }),
        column("session_token", Some(Sensitive), 30, rng, |rng, _| jwt(rng)),
        column("auth.bearer", Some(Sensitive), 20, rng, |rng, _| jwt(rng)),
        column("payload", Some(Sensitive), 20, rng, |rng, _| jwt(rng)),
        // Non-sensitive: URLs.
        column("website", Some(NonSensitive), 30, rng, |rng, i| {
            format!("https://www.{}/u/{i}", rng.pick(DOMAINS))
        }),
        column(
            "profile.avatar_url",
            Some(NonSensitive),
            30,
            rng,
            |rng, _| {
                format!(
                    "https://cdn.{}/img/{}.png",
                    rng.pick(DOMAINS),
                    rng.chars(HEX, 12)
                )
            },
        ),
        // Sensitive: dates of birth, in three notations.
        column("dob", Some(Sensitive), 40, rng, |rng, _| date(rng, 0)),
        column("birth_date", Some(Sensitive), 30, rng, |rng, _| {
            date(rng, 1)
        }),
        column("patient.dateOfBirth", Some(Sensitive), 30, rng, |rng, _| {
            date(rng, 2)
        }),
        column("birthday", Some(Sensitive), 30, rng, |rng, _| {
            let month = rng.pick(&["January", "March", "Jun", "Sept", "November", "Dec"]);
            format!("{month} {}, {}", rng.range(1, 28), rng.range(1950, 2005))
        }),
        // Plain-text passwords: short and of low entropy, only the name tells.
        column("password", Some(Sensitive), 30, rng, |rng, i| {
            let word = rng.pick(&["Summer", "hunter", "Passw0rd", "dragon", "letmein"]);
            format!("{word}{}{}", 1990 + i, rng.pick(&["!", "", "#"]))
        }),
        // Sensitive: names of people.
        column("first_name", Some(Sensitive), 40, rng, |rng, _| {
            rng.pick(FIRST).to_owned()
        }),
        column("lastName", Some(Sensitive), 30, rng, |rng, _| {
            rng.pick(LAST).to_owned()
        }),
        column("customer.name", Some(Sensitive), 40, rng, full_name),
        column("full_name", Some(Sensitive), 30, rng, full_name),
        // Non-sensitive: locations.
        column(
            "shipping.address.street",
            Some(NonSensitive),
            40,
            rng,
            street,
        ),
        column("billing_address", Some(NonSensitive), 30, rng, |rng, i| {
            format!("{}, {}", street(rng, i), rng.pick(CITIES))
        }),
        column("city", Some(NonSensitive), 40, rng, |rng, _| {
            rng.pick(CITIES).to_owned()
        }),
        column("state", Some(NonSensitive), 30, rng, |rng, _| {
            rng.pick(US_STATES).to_owned()
        }),
        column("home_address", Some(NonSensitive), 30, rng, |rng, _| {
            let street = rng.pick(&[
                "Hauptstraße",
                "Bahnhofstrasse",
                "Kerkstraat",
                "Storgata",
                "Lindenweg",
            ]);
            format!("{street} {}, {}", rng.range(1, 200), rng.pick(CITIES))
        }),
        column("address.country", Some(NonSensitive), 30, rng, |rng, _| {
            rng.pick(COUNTRIES).to_owned()
        }),
        column("postal_code", Some(NonSensitive), 30, rng, |rng, i| {
            if i % 2 == 0 {
                format!("{:05}", rng.range(1001, 99950))
            } else {
                rng.pick(&["SW1A 1AA", "EC1A 1BB", "M1 1AE", "B33 8TH"])
                    .to_owned()
            }
        }),
        // Non-sensitive: UUIDs.
        column("id", Some(NonSensitive), 40, rng, |rng, _| uuid(rng)),
        column("request_guid", Some(NonSensitive), 30, rng, |rng, _| {
            uuid(rng)
        }),
        // Look-alikes: 16-digit numbers with a Visa prefix failing Luhn.
        column("order_number", None, 40, rng, |rng, _| {
            card(rng, "4", 16, false)
        }),
        column("tracking_number", None, 30, rng, |rng, _| {
            card(rng, "5", 16, false)
        }),
        // Luhn-valid 15-digit IMEIs: no issuer of that length starts with 35.
        column("device_imei", None, 30, rng, |rng, _| {
            card(rng, "35", 15, true)
        }),
        // ISBN-13s: no issuer starts with 9.
        column("isbn", None, 30, rng, |rng, _| {
            format!("978{}", rng.digits(10))
        }),
        column("order_id", None, 40, rng, |rng, i| {
            format!("ORD-2024-{:06}", 1000 + i * 7 + rng.below(5) as usize)
        }),
        column("invoice_number", None, 30, rng, |rng, i| {
            format!("INV-{:05}-{}", 100 + i, rng.pick(&["A", "B", "C"]))
        }),
        column("sku", None, 40, rng, |rng, _| {
            format!(
                "SKU-{}-{}-{:04}",
                rng.pick(&["RED", "BLU", "GRN"]),
                rng.pick(&["S", "M", "XL"]),
                rng.below(10_000)
            )
        }),
        // Version strings that parse as IPv4 addresses.
        column("app_version", None, 30, rng, |rng, _| {
            format!(
                "{}.{}.{}.{}",
                rng.range(1, 9),
                rng.below(20),
                rng.below(50),
                rng.below(300).min(255)
            )
        }),
        column("version", None, 30, rng, |rng, _| {
            format!(
                "{}.{}.{}.{}",
                rng.range(1, 3),
                rng.below(10),
                rng.below(10),
                rng.below(1000).min(255)
            )
        }),
        column("firmware.build", None, 30, rng, |rng, _| {
            format!("10.{}.{}.{}", rng.below(5), rng.below(30), rng.below(200))
        }),
        // Timestamps and dates outside birth columns.
        column("created_at", None, 40, rng, |rng, _| {
            format!(
                "2024-{:02}-{:02}T{:02}:{:02}:{:02}Z",
                rng.range(1, 12),
                rng.range(1, 28),
                rng.below(24),
                rng.below(60),
                rng.below(60)
            )
        }),
        column("ship_date", None, 30, rng, |rng, _| date(rng, 0)),
        column("updatedAt", None, 30, rng, |rng, _| {
            format!("{}", 1_700_000_000 + rng.below(9_999_999))
        }),
        // Free text, booleans, numbers.
        column("review_text", None, 40, rng, sentence),
        column("notes", None, 30, rng, |rng, i| {
            // Mostly prose, now and then an address in it: not an email column.
            if i % 10 == 0 {
                format!("write to {}", email(rng, i))
            } else {
                sentence(rng, i)
            }
        }),
        column("is_active", None, 40, rng, |rng, _| {
            rng.pick(&["true", "false"]).to_owned()
        }),
        column("ssn_verified", None, 30, rng, |rng, _| {
            rng.pick(&["true", "false"]).to_owned()
        }),
        column("email_opt_in", None, 30, rng, |rng, _| {
            rng.pick(&["yes", "no"]).to_owned()
        }),
        column("warehouse_id", None, 30, rng, |rng, _| {
            format!("{:05}", rng.range(10_000, 99_999))
        }),
        column("quantity", None, 40, rng, |rng, _| {
            rng.range(1, 500).to_string()
        }),
        column("price", None, 40, rng, |rng, _| {
            format!("{}.{:02}", rng.range(1, 999), rng.below(100))
        }),
        column("amount_cents", None, 40, rng, |rng, _| {
            rng.range(100_000_000, 999_999_999).to_string()
        }),
        column("account_balance", None, 30, rng, |rng, _| {
            rng.range(1_000_000_000, 9_999_999_999).to_string()
        }),
        // Low cardinality: a status code, and one support address in every row.
        column("status", None, 400, rng, |rng, _| {
            rng.pick(&["ACTIVE", "PENDING", "CLOSED"]).to_owned()
        }),
        column("support_email", None, 200, rng, |_, _| {
            "support@example.com".to_owned()
        }),
        // Hashes and trace ids: random, but neither secret nor personal.
        column("checksum", None, 40, rng, hex(64)),
        column("etag", None, 30, rng, hex(32)),
        column("commit_sha", None, 30, rng, hex(40)),
        column("trace_id", None, 30, rng, hex(32)),
        // Capitalised words that are neither people nor places.
        column("product_name", None, 40, rng, |rng, _| {
            rng.pick(PRODUCTS).to_owned()
        }),
        column("category", None, 30, rng, |rng, _| {
            rng.pick(CATEGORIES).to_owned()
        }),
        // Capitalised status words under a name OpenMetadata's location pattern matches.
        column("order_state", None, 30, rng, |rng, _| {
            rng.pick(&[
                "Shipped",
                "Delivered",
                "Cancelled",
                "Returned",
                "Processing",
            ])
            .to_owned()
        }),
        column("phone_model", None, 30, rng, |rng, _| {
            format!(
                "{} {}",
                rng.pick(&["iPhone", "Pixel", "Galaxy"]),
                rng.range(7, 16)
            )
        }),
        column("event_type", None, 30, rng, |rng, _| {
            rng.pick(&["page_view", "click", "purchase", "signup"])
                .to_owned()
        }),
        column("timezone", None, 30, rng, |rng, _| {
            rng.pick(&["America/New_York", "Europe/Berlin", "Asia/Tokyo", "UTC"])
                .to_owned()
        }),
        column("currency", None, 30, rng, |rng, _| {
            rng.pick(&["USD", "EUR", "GBP", "JPY"]).to_owned()
        }),
        column("hostname", None, 30, rng, |rng, _| {
            format!("ip-10-0-{}-{}.ec2.internal", rng.below(256), rng.below(256))
        }),
        column("metadata", None, 30, rng, |rng, _| {
            format!(
                r#"{{"source":"{}","retries":{}}}"#,
                rng.pick(&["web", "ios", "android"]),
                rng.below(5)
            )
        }),
    ]
}
