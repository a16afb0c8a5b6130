//! Receiving an uploaded file: the multipart `file` part is streamed chunk by chunk into a
//! temporary file (never held in memory), with the size limit and the "drop the connection
//! after K bytes" fault applied on the way. Also small value checks shared by the offline and
//! CDP validators (decimals, currencies). It does not interpret CSV content.

use axum::extract::{FromRequest, Multipart, Request};
use tokio::io::AsyncWriteExt;

use crate::error::{ApiError, ErrorType};
use crate::{App, ConnCtl};

/// A file received from the `file` part.
pub(crate) struct Received {
    pub path: tempfile::TempPath,
    pub bytes: u64,
}

fn io_err(e: impl std::fmt::Display) -> ApiError {
    ApiError::new(
        ErrorType::BackendError,
        format!("Ошибка сохранения файла: {e}"),
    )
}

/// Start of Yandex's message for a body that is not a readable multipart request
/// (docs/metrika-api.md §1).
const NOT_MULTIPART: &str = "Некорректный формат multipart запроса.";
/// Start of Yandex's message for a multipart request without a `file` part (§1).
const NO_FILE_PART: &str = "Не найден параметр запроса.";

fn broken_multipart(e: impl std::fmt::Display) -> ApiError {
    ApiError::invalid(format!("{NOT_MULTIPART} {e}"))
}

/// Streams the `file` part to a temp file. Other parts are skipped.
pub(crate) async fn receive_file(app: &App, req: Request) -> Result<Received, ApiError> {
    let ctl = req.extensions().get::<ConnCtl>().cloned();
    let drop_after = app.faults.take_drop_upload();
    let throttle = app.faults.upload_throttle();
    let started = tokio::time::Instant::now();
    let mut mp = Multipart::from_request(req, &())
        .await
        .map_err(|_| ApiError::new(ErrorType::MissingParameter, NOT_MULTIPART))?;
    let max = app.cfg.max_upload_bytes;
    let mut seen: u64 = 0;
    loop {
        let field = mp.next_field().await.map_err(broken_multipart)?;
        let Some(mut field) = field else { break };
        if field.name() != Some("file") {
            // Read and discard: the count still feeds the drop-after fault.
            while let Some(chunk) = field.chunk().await.map_err(broken_multipart)? {
                seen += chunk.len() as u64;
                if let (Some(limit), Some(ctl)) = (drop_after, &ctl)
                    && seen >= limit
                {
                    ctl.drop_connection().await;
                }
            }
            continue;
        }
        let (file, path) = tempfile::NamedTempFile::new().map_err(io_err)?.into_parts();
        let mut out =
            tokio::io::BufWriter::with_capacity(256 << 10, tokio::fs::File::from_std(file));
        let mut bytes: u64 = 0;
        while let Some(chunk) = field.chunk().await.map_err(broken_multipart)? {
            if bytes == 0 {
                app.faults
                    .maybe_stall(crate::faults::StallPoint::BeforeStore)
                    .await;
            }
            bytes += chunk.len() as u64;
            seen += chunk.len() as u64;
            if let (Some(limit), Some(ctl)) = (drop_after, &ctl)
                && seen >= limit
            {
                ctl.drop_connection().await;
            }
            if bytes > max {
                return Err(ApiError::new(
                    ErrorType::InvalidUploading,
                    format!("Файл больше допустимого размера ({max} байт)"),
                ));
            }
            out.write_all(&chunk).await.map_err(io_err)?;
            if let Some(rate) = throttle {
                // Read no faster than `rate`: wait until this many bytes are due.
                let due = std::time::Duration::from_secs_f64(bytes as f64 / rate as f64);
                tokio::time::sleep_until(started + due).await;
            }
        }
        out.flush().await.map_err(io_err)?;
        // A body shorter than the scripted cut is still cut, at its end.
        if let (Some(_), Some(ctl)) = (drop_after, &ctl) {
            ctl.drop_connection().await;
        }
        return Ok(Received { path, bytes });
    }
    if let (Some(_), Some(ctl)) = (drop_after, &ctl) {
        ctl.drop_connection().await;
    }
    Err(ApiError::new(ErrorType::MissingParameter, NO_FILE_PART))
}

/// `123`, `123.45` — dot decimal, no sign, no exponent.
pub(crate) fn is_dot_decimal(s: &str) -> bool {
    let (int, frac) = match s.split_once('.') {
        Some((i, f)) => (i, Some(f)),
        None => (s, None),
    };
    !int.is_empty()
        && int.bytes().all(|b| b.is_ascii_digit())
        && frac.is_none_or(|f| !f.is_empty() && f.bytes().all(|b| b.is_ascii_digit()))
}

/// Active ISO 4217 alpha-3 codes (the fake's own list), sorted for binary search.
const ISO_4217: [&str; 156] = [
    "AED", "AFN", "ALL", "AMD", "ANG", "AOA", "ARS", "AUD", "AWG", "AZN", "BAM", "BBD", "BDT",
    "BGN", "BHD", "BIF", "BMD", "BND", "BOB", "BRL", "BSD", "BTN", "BWP", "BYN", "BZD", "CAD",
    "CDF", "CHF", "CLP", "CNY", "COP", "CRC", "CUP", "CVE", "CZK", "DJF", "DKK", "DOP", "DZD",
    "EGP", "ERN", "ETB", "EUR", "FJD", "FKP", "GBP", "GEL", "GHS", "GIP", "GMD", "GNF", "GTQ",
    "GYD", "HKD", "HNL", "HTG", "HUF", "IDR", "ILS", "INR", "IQD", "IRR", "ISK", "JMD", "JOD",
    "JPY", "KES", "KGS", "KHR", "KMF", "KPW", "KRW", "KWD", "KYD", "KZT", "LAK", "LBP", "LKR",
    "LRD", "LSL", "LYD", "MAD", "MDL", "MGA", "MKD", "MMK", "MNT", "MOP", "MRU", "MUR", "MVR",
    "MWK", "MXN", "MYR", "MZN", "NAD", "NGN", "NIO", "NOK", "NPR", "NZD", "OMR", "PAB", "PEN",
    "PGK", "PHP", "PKR", "PLN", "PYG", "QAR", "RON", "RSD", "RUB", "RWF", "SAR", "SBD", "SCR",
    "SDG", "SEK", "SGD", "SHP", "SLE", "SOS", "SRD", "SSP", "STN", "SVC", "SYP", "SZL", "THB",
    "TJS", "TMT", "TND", "TOP", "TRY", "TTD", "TWD", "TZS", "UAH", "UGX", "USD", "UYU", "UZS",
    "VES", "VND", "VUV", "WST", "XAF", "XCD", "XCG", "XOF", "XPF", "YER", "ZAR", "ZMW", "ZWG",
];

pub(crate) fn is_currency(s: &str) -> bool {
    ISO_4217.binary_search(&s).is_ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dot_decimal_rejects_commas_and_signs() {
        assert!(is_dot_decimal("18450.00"));
        assert!(is_dot_decimal("0"));
        assert!(!is_dot_decimal("349,9"));
        assert!(!is_dot_decimal("-5"));
        assert!(!is_dot_decimal("1e3"));
        assert!(!is_dot_decimal("1."));
    }

    #[test]
    fn currency_list_is_case_sensitive_and_knows_no_rur() {
        assert!(is_currency("RUB"));
        assert!(is_currency("KZT"));
        assert!(!is_currency("usd"));
        assert!(!is_currency("RUR"));
        assert!(!is_currency("XYZ"));
    }
}
