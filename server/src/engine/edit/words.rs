//! How a label's words agree with a field's name: case, accents, punctuation, word order,
//! filler words and common abbreviations aside; and the yes/no a checkbox's value reads as.

/// How well a label's words agree with a field's name: the share of the label's words found in
/// it, case, accents, punctuation and word order aside, with common abbreviations read out (No.,
/// Nr. and # are "number", SSN "social security number", DOB "date of birth", Tel. "telephone")
/// and filler words dropped. Of two names that hold every word, one that begins with them ("5
/// Address …" against "Requester's name and address") and then one with fewer other words is
/// the closer match.
pub(super) fn agreement(label: &str, name: &str) -> f64 {
    let (label, name) = (meaning_words(label), meaning_words(name));
    if label.is_empty() || name.is_empty() {
        return 0.0;
    }
    let found = label.iter().filter(|w| name.contains(w)).count() as f64;
    let share = found / label.len() as f64;
    // A caption's number ("5 Address") is not among its first words.
    let words: Vec<&String> = name.iter().skip_while(|w| w.chars().all(|c| c.is_ascii_digit())).collect();
    let begins_with_label =
        words.len() >= label.len() && label.iter().all(|w| words[..label.len()].contains(&w));
    share + if begins_with_label { 0.02 } else { 0.0 } + 0.01 * found / name.len() as f64
}

/// The words of a label that carry its meaning (see [`agreement`]).
pub(super) fn meaning_words(text: &str) -> Vec<String> {
    const FILLER: &[&str] = &[
        "the", "of", "a", "an", "and", "or", "your", "enter", "if", "any", "to", "in", "for", "please",
        "here", "de", "la", "le", "du", "des", "der", "die", "das", "el", "los", "del", "il", "di", "van",
        "het",
    ];
    let normalized = crate::engine::extract::vocabulary::normalize(text);
    normalized
        .split(' ')
        .flat_map(|word| match word {
            "ssn" => vec!["social", "security", "number"],
            "dob" => vec!["date", "birth"],
            "tel" | "phone" | "telefon" | "telefono" | "telefoon" => vec!["telephone"],
            "zip" | "postcode" => vec!["postal", "code"],
            "e" => vec![],
            word => vec![word],
        })
        .filter(|word| !word.is_empty() && !FILLER.contains(word))
        .map(str::to_owned)
        .collect()
}

/// Lowercase words separated by single spaces: "Full_Name:" and "full name" are the same.
pub(super) fn normalized(text: &str) -> String {
    text.split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .map(str::to_lowercase)
        .collect::<Vec<_>>()
        .join(" ")
}

pub(super) fn checkbox_value(value: &str) -> Option<bool> {
    match normalized(value).as_str() {
        "yes" | "true" | "on" | "x" | "checked" | "1" => Some(true),
        "no" | "false" | "off" | "unchecked" | "0" | "" => Some(false),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::edit::labels::MIN_AGREEMENT;

    #[test]
    fn a_label_names_a_field_when_their_words_agree() {
        // Word order, punctuation, case, accents and filler words aside.
        assert!(agreement("Claimant", "Enter the name of the claimant") >= MIN_AGREEMENT);
        assert!(agreement("Name, first", "First name") >= MIN_AGREEMENT);
        assert!(agreement("Código Postal", "CODIGO POSTAL") >= MIN_AGREEMENT);
        // Common abbreviations read out.
        assert!(agreement("SSN", "Social security number") >= MIN_AGREEMENT);
        assert!(agreement("DOB", "Date of birth") >= MIN_AGREEMENT);
        assert!(agreement("Tel.", "Telephone") >= MIN_AGREEMENT);
        assert!(agreement("Account No.", "Account number") >= MIN_AGREEMENT);
        // Too few words in common is no match; a tighter name wins over a looser one.
        assert!(agreement("Employer identification number", "Name") < MIN_AGREEMENT);
        assert!(agreement("First name", "First name") > agreement("First name", "First name of the spouse"));
        // A caption that begins with the label is closer than one that mentions it.
        assert!(
            agreement("Address", "5 Address (number, street, and apt. or suite no.). See instructions.")
                > agreement("Address", "Requester's name and address (optional)")
        );
    }
}
