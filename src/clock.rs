//! Wall-clock seconds and ISO 8601 formatting.

use std::time::{SystemTime, UNIX_EPOCH};

pub fn now() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| d.as_secs())
        .unwrap_or(0)
}

/// `2026-11-27T10:00:00.000Z` for a Unix time in seconds (years 1970-9999). Written digit by
/// digit: it runs on every `getSession`, and the general formatter costs more than the rest.
pub fn iso8601(secs: u64) -> String {
    let t = time::OffsetDateTime::from_unix_timestamp(secs.min(253_402_300_799) as i64)
        .unwrap_or(time::OffsetDateTime::UNIX_EPOCH);
    let year = t.year().clamp(0, 9999) as u16;
    let (hour, minute, second) = t.to_hms();
    let mut out = String::with_capacity(24);
    for d in [year / 1000, year / 100 % 10, year / 10 % 10, year % 10] {
        out.push(char::from(b'0' + d as u8));
    }
    out.push('-');
    let fields = [
        (u8::from(t.month()), '-'),
        (t.day(), 'T'),
        (hour, ':'),
        (minute, ':'),
        (second, '.'),
    ];
    for (n, sep) in fields {
        out.push(char::from(b'0' + n / 10));
        out.push(char::from(b'0' + n % 10));
        out.push(sep);
    }
    out.push_str("000Z");
    out
}

#[cfg(test)]
mod tests {
    #[test]
    fn formats_iso() {
        assert_eq!(super::iso8601(0), "1970-01-01T00:00:00.000Z");
        assert_eq!(super::iso8601(1_800_000_000), "2027-01-15T08:00:00.000Z");
    }
}
