//! Closed vocabularies (task status, feedback source, …): an enum per
//! vocabulary with its wire names. Unknown names are rejected with the list
//! of accepted ones, naming the field.

/// Declares a vocabulary enum with `ALL`, `as_str` and `parse`.
macro_rules! vocabulary {
    ($(#[$doc:meta])* $name:ident { $($variant:ident => $text:literal),+ $(,)? }) => {
        $(#[$doc])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
        pub enum $name { $($variant),+ }

        impl $name {
            pub const ALL: &'static [$name] = &[$($name::$variant),+];

            pub fn as_str(&self) -> &'static str {
                match self { $($name::$variant => $text),+ }
            }

            pub fn parse(field: &str, s: &str) -> Result<Self, $crate::FieldError> {
                match s {
                    $($text => Ok($name::$variant),)+
                    _ => Err($crate::FieldError::new(
                        field,
                        format!("must be one of {}", [$($text),+].join(", ")),
                    )),
                }
            }
        }
    };
}
