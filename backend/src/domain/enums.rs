//! How the domain declares its enumerations (a task's kind, a person's role, a round's state, ...): each value has
//! one short lowercase spelling, used by serde, `as_str`, `Display` and `FromStr` alike, so the representations
//! cannot drift. A spelling that names nothing is a [`ParseEnumError`] that tells the person what to choose
//! instead; a form field that must keep what was typed reads into a [`Choice`].
//!
//! Storage is not this module's business: `db` maps these types to columns.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// Declares a domain enumeration. The string in parentheses names the idea for people ("round kind"), as used
/// in the message for a value that is none of the enum's.
macro_rules! domain_enum {
    (
        $(#[$meta:meta])*
        pub enum $name:ident ($what:literal) {
            $( $(#[$vmeta:meta])* $variant:ident = $value:literal, )+
        }
    ) => {
        $(#[$meta])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
        pub enum $name {
            $( $(#[$vmeta])* $variant, )+
        }

        impl $name {
            /// Every value, in declaration order (handy for select boxes and filters).
            pub const ALL: &'static [Self] = &[$(Self::$variant),+];

            /// Every spelling, in the order of [`Self::ALL`].
            pub const SPELLINGS: &'static [&'static str] = &[$($value),+];

            pub fn as_str(&self) -> &'static str {
                match self {
                    $(Self::$variant => $value,)+
                }
            }
        }

        impl ::std::fmt::Display for $name {
            fn fmt(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
                f.write_str(self.as_str())
            }
        }

        impl ::std::str::FromStr for $name {
            type Err = $crate::domain::enums::ParseEnumError;

            fn from_str(s: &str) -> Result<Self, Self::Err> {
                match s {
                    $($value => Ok(Self::$variant),)+
                    _ => Err($crate::domain::enums::ParseEnumError {
                        what: $what,
                        choices: Self::SPELLINGS,
                        value: s.to_owned(),
                    }),
                }
            }
        }

        impl ::serde::Serialize for $name {
            fn serialize<S: ::serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
                s.serialize_str(self.as_str())
            }
        }

        // Through `FromStr`, so a form or a seed file with a wrong value gets the same message as anything else.
        impl<'de> ::serde::Deserialize<'de> for $name {
            fn deserialize<D: ::serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
                let s = <String as ::serde::Deserialize>::deserialize(d)?;
                s.parse().map_err(::serde::de::Error::custom)
            }
        }
    };
}

pub(crate) use domain_enum;

/// A string that is none of an enum's spellings.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ParseEnumError {
    /// What the enum is called for people ("round kind").
    pub what: &'static str,
    /// The spellings that would have been accepted.
    pub choices: &'static [&'static str],
    pub value: String,
}

impl fmt::Display for ParseEnumError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "There is no {} called {:?}: choose ",
            self.what, self.value
        )?;
        for (i, choice) in self.choices.iter().enumerate() {
            let sep = match i {
                0 => "",
                _ if i + 1 == self.choices.len() => " or ",
                _ => ", ",
            };
            write!(f, "{sep}{choice}")?;
        }
        f.write_str(".")
    }
}

impl std::error::Error for ParseEnumError {}

/// A form field that names one of `T`'s values, read without failing so that the form can be shown again with
/// what was typed and a message next to the field. Surrounding blanks are ignored; nothing at all is `Empty`.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub enum Choice<T> {
    #[default]
    Empty,
    Known(T),
    /// As typed.
    Unknown(String),
}

impl<T: FromStr<Err = ParseEnumError>> Choice<T> {
    pub fn parse(typed: &str) -> Self {
        match typed.trim() {
            "" => Choice::Empty,
            s => match s.parse() {
                Ok(value) => Choice::Known(value),
                Err(_) => Choice::Unknown(typed.to_owned()),
            },
        }
    }
}

impl<T: Copy> Choice<T> {
    /// The value, if one was chosen and it names something.
    pub fn known(&self) -> Option<T> {
        match self {
            Choice::Known(value) => Some(*value),
            _ => None,
        }
    }
}

impl<'de, T: FromStr<Err = ParseEnumError>> Deserialize<'de> for Choice<T> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        Ok(Choice::parse(&String::deserialize(d)?))
    }
}

/// Shown back as the string it came from.
impl<T: Serialize> Serialize for Choice<T> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        match self {
            Choice::Empty => s.serialize_str(""),
            Choice::Known(value) => value.serialize(s),
            Choice::Unknown(typed) => s.serialize_str(typed),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    domain_enum! {
        pub enum Fruit ("fruit") {
            Apple = "apple",
            Pear = "pear",
            Plum = "plum",
        }
    }

    #[test]
    fn a_wrong_spelling_says_what_to_choose() {
        let err = "kiwi".parse::<Fruit>().unwrap_err();
        assert_eq!(
            err.to_string(),
            "There is no fruit called \"kiwi\": choose apple, pear or plum."
        );
        let err = serde_json::from_value::<Fruit>(serde_json::json!("kiwi")).unwrap_err();
        assert!(
            err.to_string().contains("choose apple, pear or plum"),
            "{err}"
        );
    }

    #[test]
    fn spellings_round_trip() {
        for (fruit, spelling) in Fruit::ALL.iter().zip(Fruit::SPELLINGS) {
            assert_eq!(fruit.as_str(), *spelling);
            assert_eq!(spelling.parse::<Fruit>(), Ok(*fruit));
            assert_eq!(
                serde_json::to_value(fruit).unwrap(),
                serde_json::json!(spelling)
            );
        }
    }

    #[test]
    fn a_choice_keeps_what_was_typed() {
        assert_eq!(Choice::<Fruit>::parse("  "), Choice::Empty);
        assert_eq!(Choice::<Fruit>::parse(" pear "), Choice::Known(Fruit::Pear));
        let kiwi = Choice::<Fruit>::parse(" kiwi");
        assert_eq!(kiwi, Choice::Unknown(" kiwi".into()));
        assert_eq!(kiwi.known(), None);
        assert_eq!(
            serde_json::to_value(&kiwi).unwrap(),
            serde_json::json!(" kiwi")
        );
        let pear: Choice<Fruit> = serde_json::from_value(serde_json::json!("pear")).unwrap();
        assert_eq!(
            serde_json::to_value(pear).unwrap(),
            serde_json::json!("pear")
        );
    }
}
