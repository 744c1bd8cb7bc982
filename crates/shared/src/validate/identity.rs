//! Phone numbers and Chinese resident identity numbers (GB 11643-1999).

use chrono::{Datelike, NaiveDate};

/// Remove spaces, and a leading `+86`/`86` country code from a mobile number.
pub fn normalize_phone(phone: &str) -> String {
    let compact: String = phone.chars().filter(|c| !c.is_whitespace()).collect();
    let without_country = compact
        .strip_prefix("+86")
        .or_else(|| compact.strip_prefix("0086"))
        .filter(|rest| rest.starts_with('1') && rest.len() == 11)
        .unwrap_or(&compact);
    without_country.to_owned()
}

/// Check a phone number: a mainland mobile (11 digits, `1[3-9]…`, optionally `+86`) or a
/// landline with area code (`0580-1234567`, `05801234567`, optional extension `-123`).
/// Returns the code of the message to show (`mobile_format`, `phone_format`), or `None` if the
/// number is fine.
pub fn check_phone(phone: &str) -> Option<&'static str> {
    let phone = normalize_phone(phone);
    let all_digits = |s: &str| !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit());
    if phone.starts_with('1') {
        let second_ok = matches!(phone.as_bytes().get(1), Some(b'3'..=b'9'));
        return if phone.len() == 11 && all_digits(&phone) && second_ok {
            None
        } else {
            Some("mobile_format")
        };
    }
    if phone.starts_with('0') && is_landline(&phone, all_digits) {
        return None;
    }
    Some("phone_format")
}

fn is_landline(phone: &str, all_digits: impl Fn(&str) -> bool) -> bool {
    let mut parts = phone.split('-');
    let first = parts.next().unwrap_or("");
    let rest: Vec<&str> = parts.collect();
    let (area, local, ext) = match rest.as_slice() {
        // Without a hyphen: area code of 3 or 4 digits, then 7 or 8 digits (10 to 12 in all).
        [] => return all_digits(first) && (10..=12).contains(&first.len()),
        [local] => (first, *local, None),
        [local, ext] => (first, *local, Some(*ext)),
        _ => return false,
    };
    (3..=4).contains(&area.len())
        && all_digits(area)
        && (7..=8).contains(&local.len())
        && all_digits(local)
        && !local.starts_with('0')
        && ext.is_none_or(|e| (1..=6).contains(&e.len()) && all_digits(e))
}

/// Why an identity number is not valid.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum IdNumberError {
    #[error("身份证号应为18位")]
    Length,
    #[error("身份证号前17位应为数字，最后一位为数字或X")]
    Characters,
    #[error("身份证号的地区码不正确")]
    Region,
    #[error("身份证号中的出生日期不正确")]
    BirthDate,
    #[error("身份证号校验位不正确")]
    CheckDigit,
}

impl IdNumberError {
    /// The code of its message (`crate::message`); the `Display` above is for logs.
    pub fn code(&self) -> &'static str {
        match self {
            IdNumberError::Length => "id_number_length",
            IdNumberError::Characters => "id_number_characters",
            IdNumberError::Region => "id_number_region",
            IdNumberError::BirthDate => "id_number_birth_date",
            IdNumberError::CheckDigit => "id_number_check_digit",
        }
    }
}

/// What a valid identity number tells.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct IdNumberInfo {
    pub birth_date: NaiveDate,
    /// The 17th digit is odd for men, even for women.
    pub male: bool,
}

const WEIGHTS: [u32; 17] = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
const CHECK_CODES: &[u8; 11] = b"10X98765432";

/// Check an 18-character resident identity number (GB 11643-1999): characters, region code,
/// birth date (a real date, not after `today`, not before 1900) and the check character
/// (a lowercase `x` is accepted).
pub fn check_id_number(id: &str, today: NaiveDate) -> Result<IdNumberInfo, IdNumberError> {
    let id = id.trim();
    if id.chars().count() != 18 {
        return Err(IdNumberError::Length);
    }
    let bytes = id.as_bytes();
    let body = &bytes[..17];
    let last = bytes[17].to_ascii_uppercase();
    if !body.iter().all(u8::is_ascii_digit) || !(last.is_ascii_digit() || last == b'X') {
        return Err(IdNumberError::Characters);
    }
    let digit = |i: usize| u32::from(bytes[i] - b'0');
    // Province codes run from 11 (Beijing) to 82 (Macao).
    let province = digit(0) * 10 + digit(1);
    if !(11..=82).contains(&province) {
        return Err(IdNumberError::Region);
    }
    let number = |range: std::ops::Range<usize>| range.fold(0u32, |n, i| n * 10 + digit(i));
    let birth_date = NaiveDate::from_ymd_opt(number(6..10) as i32, number(10..12), number(12..14))
        .filter(|d| d.year() >= 1900 && *d <= today)
        .ok_or(IdNumberError::BirthDate)?;
    let sum: u32 = (0..17).map(|i| digit(i) * WEIGHTS[i]).sum();
    if CHECK_CODES[(sum % 11) as usize] != last {
        return Err(IdNumberError::CheckDigit);
    }
    Ok(IdNumberInfo { birth_date, male: digit(16) % 2 == 1 })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn today() -> NaiveDate {
        NaiveDate::from_ymd_opt(2013, 6, 1).unwrap()
    }

    /// Build a valid number from 17 digits by computing its check character.
    fn with_check(body: &str) -> String {
        let sum: u32 = body.bytes().zip(WEIGHTS).map(|(b, w)| u32::from(b - b'0') * w).sum();
        format!("{body}{}", CHECK_CODES[(sum % 11) as usize] as char)
    }

    #[test]
    fn known_valid_numbers() {
        // The standard's published example.
        let info = check_id_number("11010519491231002X", today()).unwrap();
        assert_eq!(info.birth_date, NaiveDate::from_ymd_opt(1949, 12, 31).unwrap());
        assert!(!info.male);
        assert!(check_id_number("11010519491231002x", today()).is_ok(), "lowercase x");
        let info =
            check_id_number("440524188001010014", NaiveDate::from_ymd_opt(2020, 1, 1).unwrap());
        assert_eq!(info, Err(IdNumberError::BirthDate), "before 1900");
        let zhoushan = with_check("33090219700315001");
        let info = check_id_number(&zhoushan, today()).unwrap();
        assert!(info.male);
    }

    #[test]
    fn check_digit_x_and_wrong_digits() {
        // Find a body whose check character is X, then corrupt it.
        let body = (0..1000)
            .map(|n| format!("330902198001{:02}{:03}", 1 + n % 28, n))
            .find(|b| with_check(b).ends_with('X'))
            .unwrap();
        let id = with_check(&body);
        assert!(check_id_number(&id, today()).is_ok());
        let wrong = format!("{}0", &id[..17]);
        assert_eq!(check_id_number(&wrong, today()), Err(IdNumberError::CheckDigit));
        // One changed digit in the body breaks the check.
        let mut changed = id.clone().into_bytes();
        changed[16] = if changed[16] == b'9' { b'8' } else { changed[16] + 1 };
        assert_eq!(
            check_id_number(std::str::from_utf8(&changed).unwrap(), today()),
            Err(IdNumberError::CheckDigit)
        );
    }

    #[test]
    fn leap_day_birth_dates() {
        let leap = with_check("33090219880229002");
        assert_eq!(
            check_id_number(&leap, today()).unwrap().birth_date,
            NaiveDate::from_ymd_opt(1988, 2, 29).unwrap()
        );
        let not_leap = with_check("33090219890229002");
        assert_eq!(check_id_number(&not_leap, today()), Err(IdNumberError::BirthDate));
        let century = with_check("33090219000229002"); // 1900 was not a leap year
        assert_eq!(check_id_number(&century, today()), Err(IdNumberError::BirthDate));
        let y2000 = with_check("33090220000229002"); // 2000 was
        assert!(check_id_number(&y2000, today()).is_ok());
    }

    #[test]
    fn malformed_numbers() {
        assert_eq!(check_id_number("", today()), Err(IdNumberError::Length));
        assert_eq!(check_id_number("330902700315001", today()), Err(IdNumberError::Length));
        assert_eq!(check_id_number("3309021970031500AX", today()), Err(IdNumberError::Characters));
        assert_eq!(check_id_number("33090219700315001Y", today()), Err(IdNumberError::Characters));
        assert_eq!(
            check_id_number("身份证号码是十八个字符长的不对吧啊呀", today()),
            Err(IdNumberError::Characters)
        );
        let region = with_check("09090219700315001");
        assert_eq!(check_id_number(&region, today()), Err(IdNumberError::Region));
        let month = with_check("33090219701315001");
        assert_eq!(check_id_number(&month, today()), Err(IdNumberError::BirthDate));
        let future = with_check("33090220200101001");
        assert_eq!(check_id_number(&future, today()), Err(IdNumberError::BirthDate));
    }

    #[test]
    fn phones() {
        for ok in [
            "13812345678",
            "19912345678",
            "138 1234 5678",
            "+8613812345678",
            "0580-1234567",
            "0580-12345678",
            "05801234567",
            "010-12345678",
            "0580-2012345-801",
        ] {
            assert_eq!(check_phone(ok), None, "{ok}");
        }
        assert_eq!(check_phone("12812345678"), Some("mobile_format"));
        for bad_mobile in ["1381234567", "138123456789", "1381234567a"] {
            assert_eq!(check_phone(bad_mobile), Some("mobile_format"), "{bad_mobile}");
        }
        for bad in ["", "12345", "0580-123", "0580-0123456", "580-1234567", "abc", "0580--1234567"]
        {
            assert!(check_phone(bad).is_some(), "{bad}");
        }
        assert_eq!(normalize_phone(" +86 138 1234 5678"), "13812345678");
    }
}
