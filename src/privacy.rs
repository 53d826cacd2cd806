//! Privacy mode: what a screen-share must not show (the desk and `dun show --private`). Phone numbers keep their last two
//! digits, emails their first letter and domain, addresses their town, account numbers
//! their last two characters.

pub fn phone(s: &str) -> String {
    let digits = s.chars().filter(char::is_ascii_digit).count();
    let mut seen = 0;
    s.chars()
        .map(|c| {
            if c.is_ascii_digit() {
                seen += 1;
                if seen + 2 > digits { c } else { '•' }
            } else {
                c
            }
        })
        .collect()
}

pub fn email(s: &str) -> String {
    match s.split_once('@') {
        Some((local, domain)) => {
            let first: String = local.chars().take(1).collect();
            format!("{first}•••@{domain}")
        }
        None => "•••".into(),
    }
}

/// Keep what follows the street line (town, state, ZIP): enough to know the place, not the door.
pub fn address(s: &str) -> String {
    match s.split_once(',') {
        Some((_, rest)) => format!("•••,{rest}"),
        None => "•••".into(),
    }
}

pub fn reference(s: &str) -> String {
    let n = s.chars().count();
    s.chars().enumerate().map(|(i, c)| if i + 2 >= n { c } else { '•' }).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn masks() {
        assert_eq!(phone("(212) 555-0142"), "(•••) •••-••42");
        assert_eq!(email("olivia.white@example.net"), "o•••@example.net");
        assert_eq!(address("4192 Park Ave, Brooklyn, NY 11201"), "•••, Brooklyn, NY 11201");
        assert_eq!(reference("C000017"), "•••••17");
    }
}
