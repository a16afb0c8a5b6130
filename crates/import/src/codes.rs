//! The stable issue codes of [`crate::report::Issue`]: one enum, the same snake_case words on
//! the wire as before (`future_datetime`, `excel_scientific_id`, …).
//!
//! Owns the list of codes only. Their texts (ru, en) are in [`crate::messages`]; the app's
//! TypeScript type `IssueCode` is generated from this enum (feature `ts`), so a code added here
//! and not translated fails a test on the Rust side and the type check on the UI side.

use serde::{Deserialize, Serialize};

macro_rules! issue_codes {
    ($($variant:ident => $wire:literal,)+) => {
        /// What an issue is about. Serialised as its snake_case word ([`IssueCode::as_str`]).
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
        #[cfg_attr(feature = "ts", derive(ts_rs::TS))]
        pub enum IssueCode {
            $(#[serde(rename = $wire)] $variant,)+
        }

        impl IssueCode {
    /// A line the reader could not split into cells (said at its line, counted by lines).
    pub const fn is_unreadable_line(self) -> bool {
        use IssueCode as C;
        matches!(
            self,
            C::UnclosedQuote
                | C::StrayQuote
                | C::BadEncoding
                | C::TooManyFields
                | C::CellsPastHeader
                | C::NulByte
        )
    }

            /// Every code, in catalogue order.
            pub const ALL: &'static [IssueCode] = &[$(IssueCode::$variant,)+];

            /// The wire word (`future_datetime`).
            pub const fn as_str(self) -> &'static str {
                match self {
                    $(IssueCode::$variant => $wire,)+
                }
            }

            /// The code of a wire word; `None` for a word no code has.
            pub fn parse(s: &str) -> Option<IssueCode> {
                match s {
                    $($wire => Some(IssueCode::$variant),)+
                    _ => None,
                }
            }
        }
    };
}

issue_codes! {
    FutureDatetime => "future_datetime",
    MillisecondsTimestamp => "milliseconds_timestamp",
    ExcelScientificId => "excel_scientific_id",
    ExcelRoundedId => "excel_rounded_id",
    IdTrailingZeros => "id_trailing_zeros",
    ExcelDamagedColumn => "excel_damaged_column",
    ExcelNumberId => "excel_number_id",
    UnknownCurrency => "unknown_currency",
    CurrencyLowercase => "currency_lowercase",
    CurrencyTrimmed => "currency_trimmed",
    CurrencyNamed => "currency_named",
    MixedCurrencies => "mixed_currencies",
    CrmRevenueInRubles => "crm_revenue_in_rubles",
    MissingRequiredColumn => "missing_required_column",
    MappedColumnNotFound => "mapped_column_not_found",
    NoVisitorId => "no_visitor_id",
    EmptyOrderId => "empty_order_id",
    NoOrderIdColumn => "no_order_id_column",
    StatusDefaultsToPaid => "status_defaults_to_paid",
    OrdersBeforeContacts => "orders_before_contacts",
    SummaryRowSkipped => "summary_row_skipped",
    NoteRowSkipped => "note_row_skipped",
    LineReadAsUtf8 => "line_read_as_utf8",
    AttributeNotOnCounter => "attribute_not_on_counter",
    UnclosedQuote => "unclosed_quote",
    StrayQuote => "stray_quote",
    TooManyFields => "too_many_fields",
    CellsPastHeader => "cells_past_header",
    TooFewFields => "too_few_fields",
    BadEncoding => "bad_encoding",
    NulByte => "nul_byte",
    EmptyFile => "empty_file",
    NoIdentifier => "no_identifier",
    MissingValue => "missing_value",
    InvalidDigitsId => "invalid_digits_id",
    IdTrimmed => "id_trimmed",
    InvalidDatetime => "invalid_datetime",
    DatetimeBefore1970 => "datetime_before_1970",
    DatetimeTooOld => "datetime_too_old",
    ExcelSerialDate => "excel_serial_date",
    DatetimeConverted => "datetime_converted",
    DatetimeNormalized => "datetime_normalized",
    DatetimeOffsetConverted => "datetime_offset_converted",
    DatetimeReformatted => "datetime_reformatted",
    DateOnly => "date_only",
    DateOnlyDayStart => "date_only_day_start",
    OutsideLinkingWindow => "outside_linking_window",
    BeforeCounterWindow => "before_counter_window",
    InvalidEmail => "invalid_email",
    EmailNormalized => "email_normalized",
    InvalidPhone => "invalid_phone",
    PhoneNormalized => "phone_normalized",
    InvalidMd5 => "invalid_md5",
    Md5Normalized => "md5_normalized",
    ListNormalized => "list_normalized",
    InvalidMoney => "invalid_money",
    NegativeMoney => "negative_money",
    MoneyNormalized => "money_normalized",
    MoneyThousandsLike => "money_thousands_like",
    InvalidNumber => "invalid_number",
    NumberNormalized => "number_normalized",
    NoRevenue => "no_revenue",
    UnknownStatus => "unknown_status",
    UnmappedStatus => "unmapped_status",
    StatusMapped => "status_mapped",
    StatusCase => "status_case",
    StatusGoalUnverified => "status_goal_unverified",
    StatusMappingUnverified => "status_mapping_unverified",
    GoalNameNotIdentifier => "goal_name_not_identifier",
    TargetNotIdentifier => "target_not_identifier",
    UnknownGoal => "unknown_goal",
    InvalidGoalList => "invalid_goal_list",
    InvalidProductList => "invalid_product_list",
    InvalidClientType => "invalid_client_type",
    ClientTypeCase => "client_type_case",
    DuplicateConversion => "duplicate_conversion",
    DuplicateCall => "duplicate_call",
    DuplicateOrderId => "duplicate_order_id",
    DuplicateContactId => "duplicate_contact_id",
    FractionalSecondsTruncated => "fractional_seconds_truncated",
    DuplicateCheckLimited => "duplicate_check_limited",
    DuplicateCheckFailed => "duplicate_check_failed",
    InvalidDuration => "invalid_duration",
    DurationNormalized => "duration_normalized",
    InvalidFlag => "invalid_flag",
    FlagNormalized => "flag_normalized",
    StaticCall => "static_call",
    AllStaticCalls => "all_static_calls",
    OnlyHashedIdentifiers => "only_hashed_identifiers",
    UserIdNeedsSetUserId => "user_id_needs_set_user_id",
}

impl IssueCode {
    /// A notice that says what we changed ourselves (a value written the way Metrica reads
    /// it, a note row left out): the app lists these under «Поправили сами», the CLI under
    /// «Поправлено автоматически». Other notices (rows without a sum, several currencies)
    /// change nothing and are told apart (a date without a time is a remark: Metrica looks
    /// for the visit all that day).
    pub const fn is_change(self) -> bool {
        use IssueCode as C;
        matches!(
            self,
            C::CurrencyLowercase
                | C::CurrencyTrimmed
                | C::CurrencyNamed
                | C::SummaryRowSkipped
                | C::NoteRowSkipped
                | C::LineReadAsUtf8
                | C::IdTrimmed
                | C::DatetimeConverted
                | C::DatetimeNormalized
                | C::DatetimeOffsetConverted
                | C::DatetimeReformatted
                | C::EmailNormalized
                | C::PhoneNormalized
                | C::Md5Normalized
                | C::ListNormalized
                | C::MoneyNormalized
                | C::NumberNormalized
                | C::StatusMapped
                | C::StatusCase
                | C::ClientTypeCase
                | C::DurationNormalized
                | C::FlagNormalized
        )
    }
}

impl std::fmt::Display for IssueCode {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

impl std::str::FromStr for IssueCode {
    type Err = String;
    fn from_str(s: &str) -> Result<IssueCode, String> {
        IssueCode::parse(s).ok_or_else(|| format!("unknown issue code `{s}`"))
    }
}

/// Compares with the wire word, so `issue.code == "future_datetime"` reads as before.
impl PartialEq<str> for IssueCode {
    fn eq(&self, other: &str) -> bool {
        self.as_str() == other
    }
}

impl PartialEq<&str> for IssueCode {
    fn eq(&self, other: &&str) -> bool {
        self.as_str() == *other
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_wire_word_is_the_serde_word_and_parses_back() {
        for &c in IssueCode::ALL {
            let json = serde_json::to_string(&c).unwrap();
            assert_eq!(json, format!("\"{}\"", c.as_str()));
            assert_eq!(serde_json::from_str::<IssueCode>(&json).unwrap(), c);
            assert_eq!(IssueCode::parse(c.as_str()), Some(c));
            assert!(
                c.as_str()
                    .bytes()
                    .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_'),
                "{c}"
            );
        }
        assert_eq!(IssueCode::parse("no_such_code"), None);
    }

    #[test]
    fn codes_are_distinct() {
        let mut words: Vec<_> = IssueCode::ALL.iter().map(|c| c.as_str()).collect();
        words.sort_unstable();
        let n = words.len();
        words.dedup();
        assert_eq!(words.len(), n);
    }
}
