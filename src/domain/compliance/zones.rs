//! Where a debtor may be, as candidate time zones (F-TIME-2): from the mailing
//! address's state and the phones' area codes. Unknown means every US zone.

use chrono_tz::Tz;

/// The default "unknown location" set of F-TIME-2.
pub const UNKNOWN: [Tz; 7] = [
    Tz::America__New_York,
    Tz::America__Chicago,
    Tz::America__Denver,
    Tz::America__Phoenix,
    Tz::America__Los_Angeles,
    Tz::America__Anchorage,
    Tz::Pacific__Honolulu,
];

/// Zones a state's territory lies in (a state split across zones gives all of them).
pub fn zones_of_state(state: &str) -> &'static [Tz] {
    use Tz::*;
    match state.trim().to_ascii_uppercase().as_str() {
        "CT" | "DE" | "DC" | "GA" | "ME" | "MD" | "MA" | "NH" | "NJ" | "NY" | "NC" | "OH" | "PA" | "RI" | "SC"
        | "VT" | "VA" | "WV" => &[America__New_York],
        "MI" => &[America__Detroit, America__Menominee],
        "IN" => &[America__Indiana__Indianapolis, America__Chicago],
        "KY" => &[America__Kentucky__Louisville, America__Chicago],
        "TN" => &[America__Chicago, America__New_York],
        "FL" => &[America__New_York, America__Chicago],
        "AL" | "AR" | "IL" | "IA" | "LA" | "MN" | "MS" | "MO" | "OK" | "WI" => &[America__Chicago],
        "TX" => &[America__Chicago, America__Denver],
        "KS" | "NE" | "ND" | "SD" => &[America__Chicago, America__Denver],
        "CO" | "MT" | "NM" | "UT" | "WY" => &[America__Denver],
        "ID" => &[America__Boise, America__Los_Angeles],
        "OR" => &[America__Los_Angeles, America__Boise],
        "AZ" => &[America__Phoenix],
        "CA" | "NV" | "WA" => &[America__Los_Angeles],
        "AK" => &[America__Anchorage],
        "HI" => &[Pacific__Honolulu],
        "PR" => &[America__Puerto_Rico],
        _ => &[],
    }
}

/// Where a state spans two zones, the ZIP code's first three digits settle it.
pub fn zone_of_zip(state: &str, zip: &str) -> Option<Tz> {
    use Tz::*;
    let p: u16 = zip.trim().get(..3)?.parse().ok()?;
    let zone = match state.trim().to_ascii_uppercase().as_str() {
        "FL" => {
            if matches!(p, 324 | 325) {
                America__Chicago
            } else {
                America__New_York
            }
        }
        "TX" => {
            if matches!(p, 798 | 799 | 885) {
                America__Denver
            } else {
                America__Chicago
            }
        }
        "TN" => {
            if (376..=379).contains(&p) {
                America__New_York
            } else {
                America__Chicago
            }
        }
        "KY" => {
            if (420..=424).contains(&p) {
                America__Chicago
            } else {
                America__Kentucky__Louisville
            }
        }
        "IN" => {
            if matches!(p, 463 | 464 | 476 | 477) {
                America__Chicago
            } else {
                America__Indiana__Indianapolis
            }
        }
        "MI" => {
            if matches!(p, 498 | 499) {
                America__Menominee
            } else {
                America__Detroit
            }
        }
        "ID" => {
            if (835..=838).contains(&p) {
                America__Los_Angeles
            } else {
                America__Boise
            }
        }
        "OR" => {
            if p == 979 {
                America__Boise
            } else {
                America__Los_Angeles
            }
        }
        _ => return None,
    };
    Some(zone)
}

/// The zone an area code is assigned to; `None` for unknown, toll-free or non-geographic codes.
pub fn zone_of_area_code(code: u16) -> Option<Tz> {
    use Tz::*;
    let zone = match code {
        201 | 202 | 203 | 207 | 212 | 215 | 216 | 239 | 240 | 267 | 301 | 302 | 305 | 321 | 347 | 352 | 401 | 404
        | 407 | 410 | 412 | 413 | 443 | 470 | 484 | 508 | 516 | 518 | 551 | 561 | 585 | 603 | 609 | 610 | 614 | 617
        | 631 | 646 | 678 | 703 | 704 | 716 | 718 | 727 | 732 | 757 | 770 | 772 | 774 | 781 | 786 | 802 | 803 | 804
        | 813 | 845 | 856 | 857 | 860 | 862 | 904 | 908 | 914 | 917 | 919 | 929 | 941 | 954 | 973 | 978 => {
            America__New_York
        }
        205 | 210 | 214 | 217 | 219 | 224 | 225 | 251 | 262 | 281 | 309 | 312 | 314 | 316 | 318 | 319 | 331 | 334
        | 337 | 346 | 402 | 405 | 414 | 417 | 469 | 479 | 501 | 504 | 507 | 512 | 515 | 563 | 573 | 601 | 608 | 612
        | 615 | 618 | 630 | 636 | 651 | 682 | 708 | 713 | 737 | 763 | 773 | 815 | 816 | 817 | 832 | 847 | 850 | 901
        | 903 | 913 | 918 | 952 | 972 => America__Chicago,
        303 | 307 | 385 | 406 | 435 | 505 | 575 | 719 | 720 | 801 | 970 => America__Denver,
        480 | 520 | 602 | 623 | 928 => America__Phoenix,
        206 | 209 | 213 | 253 | 310 | 323 | 360 | 408 | 415 | 424 | 425 | 503 | 509 | 510 | 530 | 541 | 559 | 562
        | 619 | 626 | 650 | 661 | 702 | 707 | 714 | 725 | 760 | 775 | 805 | 818 | 831 | 858 | 909 | 916 | 925 | 949
        | 971 => America__Los_Angeles,
        907 => America__Anchorage,
        808 => Pacific__Honolulu,
        _ => return None,
    };
    Some(zone)
}

/// The area code of a North American number as people write it: `(212) 555-0142`, `+1 212…`.
pub fn area_code(phone: &str) -> Option<u16> {
    let digits: String = phone.chars().filter(char::is_ascii_digit).collect();
    let national = match digits.len() {
        10 => &digits[..],
        11 if digits.starts_with('1') => &digits[1..],
        _ => return None,
    };
    national[..3].parse().ok()
}

/// Candidate zones: the zone on record, the address's state and the phones' area
/// codes, together (a call must suit every place the debtor may be); with none of
/// them, every US zone. Returns the zones and how they were found.
pub fn candidate_zones(
    recorded: Option<&str>,
    state: Option<&str>,
    zip: Option<&str>,
    phones: &[&str],
) -> (Vec<Tz>, String) {
    let mut zones: Vec<Tz> = Vec::new();
    let mut sources = Vec::new();
    if let Some(tz) = recorded.and_then(|s| s.parse::<Tz>().ok()) {
        zones.push(tz);
        sources.push(format!("zone on record {tz}"));
    }
    if let Some(st) = state.filter(|s| !zones_of_state(s).is_empty()) {
        let by_zip = zip.and_then(|z| zone_of_zip(st, z));
        let from_address: Vec<Tz> = match by_zip {
            Some(tz) => vec![tz],
            None => zones_of_state(st).to_vec(),
        };
        for tz in from_address {
            if !zones.contains(&tz) {
                zones.push(tz);
            }
        }
        sources.push(format!("address in {}", st.to_uppercase()));
    }
    for phone in phones {
        if let Some(code) = area_code(phone)
            && let Some(tz) = zone_of_area_code(code)
        {
            if !zones.contains(&tz) {
                zones.push(tz);
            }
            sources.push(format!("area code {code}"));
        }
    }
    if zones.is_empty() {
        return (UNKNOWN.to_vec(), "location unknown: every US zone".into());
    }
    sources.dedup();
    (zones, sources.join(", "))
}

/// Whether a New York ZIP code is in New York City (Manhattan 100–102, the Bronx 104,
/// Staten Island 103, Brooklyn 112, Queens 110, 111, 113, 114 and 116).
pub fn is_nyc(state: Option<&str>, postal_code: Option<&str>) -> bool {
    let ny = state.is_some_and(|s| s.trim().eq_ignore_ascii_case("NY"));
    let prefix = postal_code.and_then(|z| z.trim().get(..3)).and_then(|p| p.parse::<u16>().ok());
    ny && matches!(prefix, Some(100..=104 | 110..=114 | 116))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn address_zip_and_area_codes() {
        assert_eq!(candidate_zones(None, Some("TX"), Some("79901"), &[]).0, vec![Tz::America__Denver]);
        assert_eq!(candidate_zones(None, Some("TX"), None, &[]).0, vec![Tz::America__Chicago, Tz::America__Denver]);
        let (z, why) = candidate_zones(None, Some("NY"), Some("10001"), &["(415) 555-0100"]);
        assert_eq!(z, vec![Tz::America__New_York, Tz::America__Los_Angeles], "both places, both windows");
        assert!(why.contains("area code 415"), "{why}");
        assert_eq!(
            candidate_zones(None, None, None, &["(800) 555-0100"]).0,
            UNKNOWN.to_vec(),
            "toll-free says nothing"
        );
        assert!(is_nyc(Some("NY"), Some("11201")) && !is_nyc(Some("NY"), Some("12207")));
    }
}
