//! Text encodings of CSV sources: BOM detection, the valid-UTF-8 check, the chardetng guess on a
//! bounded prefix, and a streaming decoder that turns any other encoding into UTF-8.
//!
//! Deliberately not here: splitting into lines or fields (see `csv_source`), and any guess about
//! what the text means.

use std::io::{self, BufRead, Read};

use encoding_rs::{
    CoderResult, Decoder, Encoding, IBM866, KOI8_R, KOI8_U, UTF_8, UTF_16BE, UTF_16LE, WINDOWS_1251,
};

/// How many leading bytes the detectors look at.
pub(crate) const SNIFF_BYTES: usize = 64 * 1024;

/// The outcome of encoding detection (or of an override).
#[derive(Debug, Clone, Copy)]
pub(crate) struct Detected {
    pub encoding: &'static Encoding,
    /// Length of the byte-order mark at the start of the source (0 when none).
    pub bom_len: usize,
    pub detected: bool,
}

/// The encodings a person may choose for a file (the Russian exports' code pages and both
/// UTF-16s): each is a label [`detect`] takes, and the name the reader reports for it.
pub const ENCODINGS: &[&str] = &[
    "UTF-8",
    "windows-1251",
    "KOI8-R",
    "KOI8-U",
    "UTF-16LE",
    "UTF-16BE",
    "IBM866",
];

/// Picks the encoding of `prefix` (the first bytes of the source). `whole` says whether the
/// prefix is the entire source, so a multi-byte sequence cut at its end is not held against UTF-8.
pub(crate) fn detect(prefix: &[u8], whole: bool, label: Option<&str>) -> Result<Detected, String> {
    let bom = Encoding::for_bom(prefix);
    if let Some(label) = label {
        let encoding = Encoding::for_label(label.trim().as_bytes()).ok_or(label.to_owned())?;
        // A BOM of the forced encoding is still a BOM, not text.
        let bom_len = match bom {
            Some((enc, len)) if enc == encoding => len,
            _ => 0,
        };
        return Ok(Detected {
            encoding,
            bom_len,
            detected: false,
        });
    }
    if let Some((encoding, bom_len)) = bom {
        return Ok(Detected {
            encoding,
            bom_len,
            detected: true,
        });
    }
    let encoding = if let Some(enc) = utf16_without_bom(prefix) {
        enc
    } else if is_utf8_prefix(prefix, whole) || mostly_utf8(prefix) {
        // Mostly UTF-8 with a few broken bytes stays UTF-8: each broken line is then reported
        // (bad encoding, with its line) instead of the whole file turning into a single-byte
        // code page's mojibake that validates clean.
        UTF_8
    } else {
        let mut detector = chardetng::EncodingDetector::new(chardetng::Iso2022JpDetection::Deny);
        detector.feed(prefix, whole);
        // Files come from Russian shops: the `ru` hint makes chardetng weigh Cyrillic code
        // pages as a browser on a .ru site does.
        let guess = detector.guess(Some(b"ru"), chardetng::Utf8Detection::Deny);
        if ![WINDOWS_1251, KOI8_R, KOI8_U, IBM866].contains(&guess)
            && !reads_as_latin(guess, prefix)
        {
            // A short text (one row, «Яна Ли») is too little for chardetng, which then says
            // windows-1252 or ISO-8859-5: neither is what a Russian CRM, 1C or Excel writes.
            // Only the Cyrillic code pages in use here are candidates, scored on the text.
            cyrillic_code_page(prefix)
        } else if guess == KOI8_U
            && KOI8_R.decode_without_bom_handling(prefix).0
                == KOI8_U.decode_without_bom_handling(prefix).0
        {
            KOI8_R
        } else {
            guess
        }
    };
    Ok(Detected {
        encoding,
        bom_len: 0,
        detected: true,
    })
}

/// Whether `prefix` under `enc` reads as Latin-script text with accents («Müller», «José»):
/// most of its non-ASCII letters stand next to an ASCII letter. Cyrillic bytes read under a
/// Western code page come in runs of accented letters with no ASCII letter between them.
fn reads_as_latin(enc: &'static Encoding, prefix: &[u8]) -> bool {
    let (text, _) = enc.decode_without_bom_handling(prefix);
    let chars: Vec<char> = text.chars().collect();
    let (mut accented, mut mixed) = (0usize, 0usize);
    for (i, c) in chars.iter().enumerate() {
        if c.is_ascii() || !c.is_alphabetic() {
            continue;
        }
        accented += 1;
        let ascii_letter = |j: Option<usize>| {
            j.and_then(|j| chars.get(j))
                .is_some_and(|c| c.is_ascii_alphabetic())
        };
        if ascii_letter(i.checked_sub(1)) || ascii_letter(Some(i + 1)) {
            mixed += 1;
        }
    }
    accented > 0 && mixed * 2 > accented
}

/// The Cyrillic code page (windows-1251, KOI8-R or IBM866) under which `prefix` reads most
/// like Russian text: words start with a capital or a small letter and go on in small letters,
/// and there is no pseudo-graphics. The same bytes under a wrong one of these code pages turn
/// into words of inverted case («яНА лИ» for windows-1251 read as KOI8-R) or box-drawing
/// characters (IBM866). Ties go to windows-1251, by far the most common.
fn cyrillic_code_page(prefix: &[u8]) -> &'static Encoding {
    let score = |enc: &'static Encoding| {
        let (text, _) = enc.decode_without_bom_handling(prefix);
        let mut score = 0i64;
        // The previous character was a letter, a small letter.
        let (mut in_word, mut after_small) = (false, false);
        for c in text.chars() {
            let cyrillic = ('\u{400}'..='\u{4FF}').contains(&c);
            if cyrillic && c.is_alphabetic() {
                let small = c.is_lowercase();
                score += match (in_word, small) {
                    (false, _) => 0,
                    (true, true) => 1,
                    (true, false) if after_small => -2,
                    (true, false) => 0,
                };
                in_word = true;
                after_small = small;
            } else {
                if !c.is_ascii() {
                    score -= 2;
                }
                in_word = c.is_alphabetic();
                after_small = c.is_lowercase();
            }
        }
        score
    };
    let mut best = (WINDOWS_1251, score(WINDOWS_1251));
    for enc in [KOI8_R, IBM866] {
        let s = score(enc);
        if s > best.1 {
            best = (enc, s);
        }
    }
    best.0
}

fn is_utf8_prefix(prefix: &[u8], whole: bool) -> bool {
    match std::str::from_utf8(prefix) {
        Ok(_) => true,
        // `error_len() == None` means "ran out of input mid-character".
        Err(e) => !whole && e.error_len().is_none() && prefix.len() - e.valid_up_to() < 4,
    }
}

/// UTF-8 text with a few invalid sequences: at least 8 well-formed multi-byte characters and
/// no more than one invalid sequence per 20 of them. Single-byte Cyrillic (windows-1251,
/// KOI8-R) almost never forms valid multi-byte sequences, so it does not pass.
fn mostly_utf8(mut bytes: &[u8]) -> bool {
    // Lead bytes of multi-byte characters in a run already known to be valid UTF-8.
    let leads = |valid: &[u8]| valid.iter().filter(|&&b| b >= 0xC0).count();
    let (mut good, mut bad) = (0usize, 0usize);
    loop {
        match std::str::from_utf8(bytes) {
            Ok(_) => {
                good += leads(bytes);
                break;
            }
            Err(e) => {
                let (valid, rest) = bytes.split_at(e.valid_up_to());
                good += leads(valid);
                match e.error_len() {
                    Some(n) => {
                        bad += 1;
                        bytes = &rest[n..];
                    }
                    // A character cut at the end of the prefix.
                    None => break,
                }
            }
        }
    }
    good >= 8 && bad * 20 <= good
}

/// BOM-less UTF-16 shows itself by NUL bytes in every other position (ASCII text).
fn utf16_without_bom(prefix: &[u8]) -> Option<&'static Encoding> {
    let sample = &prefix[..prefix.len().min(4096) & !1];
    if sample.len() < 8 {
        return None;
    }
    let pairs = sample.len() / 2;
    let even_nul = sample.iter().step_by(2).filter(|&&b| b == 0).count();
    let odd_nul = sample
        .iter()
        .skip(1)
        .step_by(2)
        .filter(|&&b| b == 0)
        .count();
    if odd_nul * 10 >= pairs * 7 && even_nul * 10 <= pairs {
        Some(UTF_16LE)
    } else if even_nul * 10 >= pairs * 7 && odd_nul * 10 <= pairs {
        Some(UTF_16BE)
    } else {
        None
    }
}

/// Decodes a complete byte slice (the sniffing prefix) without its BOM. A character cut at the
/// end of a partial prefix is dropped rather than turned into U+FFFD.
pub(crate) fn decode_prefix(det: &Detected, bytes: &[u8], whole: bool) -> String {
    let bytes = &bytes[det.bom_len.min(bytes.len())..];
    let mut decoder = det.encoding.new_decoder_without_bom_handling();
    let cap = decoder
        .max_utf8_buffer_length(bytes.len())
        .unwrap_or(bytes.len() * 3);
    let mut out = String::with_capacity(cap);
    let _ = decoder.decode_to_string(bytes, &mut out, whole);
    out
}

/// A line of a file read in a single-byte code page (windows-1251, KOI8-R, IBM866) that is
/// UTF-8 itself: two exports pasted into one file. Its bytes are got back from `text` (every
/// byte of these code pages decodes to its own character) and read as UTF-8. Russian text in
/// a single-byte code page is not valid UTF-8 (a letter's byte is never followed by the
/// continuation bytes UTF-8 needs), so a line that is valid UTF-8 with letters beyond ASCII
/// was written in UTF-8. None for an ASCII line, or one that is not UTF-8.
pub(crate) fn utf8_line(enc: &'static Encoding, text: &str, buf: &mut Vec<u8>) -> Option<String> {
    if !enc.is_single_byte() || text.is_ascii() {
        return None;
    }
    buf.clear();
    let mut encoder = enc.new_encoder();
    buf.reserve(encoder.max_buffer_length_from_utf8_without_replacement(text.len())?);
    let (res, _) = encoder.encode_from_utf8_to_vec_without_replacement(text, buf, true);
    if res != encoding_rs::EncoderResult::InputEmpty {
        return None;
    }
    let utf8 = std::str::from_utf8(buf).ok()?;
    // Cyrillic letters: what a Russian export pasted in UTF-8 holds. (Some short words of
    // IBM866 text are valid UTF-8 too, as letters of other scripts: «сад» reads «ᠤ».)
    utf8.chars()
        .any(|c| ('\u{400}'..='\u{4FF}').contains(&c))
        .then(|| utf8.to_owned())
}

/// The characters the lead bytes of UTF-8's Cyrillic letters (0xD0, 0xD1) decode to under a
/// single-byte code page: a line without either holds no UTF-8 Cyrillic, and is not looked
/// at again ([`utf8_line`]).
pub(crate) fn utf8_cyrillic_leads(enc: &'static Encoding) -> Option<[char; 2]> {
    if !enc.is_single_byte() {
        return None;
    }
    let one = |b: u8| enc.decode_without_bom_handling(&[b]).0.chars().next();
    Some([one(0xD0)?, one(0xD1)?])
}

/// The prefix's lines with each UTF-8 line among the code page's ones read as UTF-8 (see
/// [`utf8_line`]): a header written in UTF-8 is its own words, not mojibake.
pub(crate) fn recode_utf8_lines(enc: &'static Encoding, text: String) -> String {
    if !enc.is_single_byte() || text.is_ascii() {
        return text;
    }
    let mut buf = Vec::new();
    let mut out = String::with_capacity(text.len());
    for line in text.split_inclusive('\n') {
        let body = line.trim_end_matches(['\r', '\n']);
        match utf8_line(enc, body, &mut buf) {
            Some(u) => {
                out.push_str(&u);
                out.push_str(&line[body.len()..]);
            }
            None => out.push_str(line),
        }
    }
    out
}

/// A `BufRead` over UTF-8 produced by decoding `inner` chunk by chunk: memory stays bounded
/// whatever the size of the source. Undecodable bytes become U+FFFD.
pub(crate) struct DecodingReader<R> {
    inner: R,
    decoder: Decoder,
    raw: Vec<u8>,
    raw_start: usize,
    raw_end: usize,
    eof: bool,
    finished: bool,
    out: Vec<u8>,
    out_pos: usize,
    out_end: usize,
}

impl<R: Read> DecodingReader<R> {
    pub(crate) fn new(inner: R, encoding: &'static Encoding) -> Self {
        const CHUNK: usize = 64 * 1024;
        let decoder = encoding.new_decoder_without_bom_handling();
        let out_len = decoder.max_utf8_buffer_length(CHUNK).unwrap_or(CHUNK * 3);
        DecodingReader {
            inner,
            decoder,
            raw: vec![0; CHUNK],
            raw_start: 0,
            raw_end: 0,
            eof: false,
            finished: false,
            out: vec![0; out_len],
            out_pos: 0,
            out_end: 0,
        }
    }

    fn refill(&mut self) -> io::Result<()> {
        self.out_pos = 0;
        self.out_end = 0;
        while !self.finished {
            if self.raw_start >= self.raw_end && !self.eof {
                let n = loop {
                    match self.inner.read(&mut self.raw) {
                        Ok(n) => break n,
                        Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
                        Err(e) => return Err(e),
                    }
                };
                self.raw_start = 0;
                self.raw_end = n;
                self.eof = n == 0;
            }
            let (result, read, written, _) = self.decoder.decode_to_utf8(
                &self.raw[self.raw_start..self.raw_end],
                &mut self.out,
                self.eof,
            );
            self.raw_start += read;
            self.out_end = written;
            self.finished = self.eof && result == CoderResult::InputEmpty;
            if written > 0 {
                break;
            }
        }
        Ok(())
    }
}

impl<R: Read> Read for DecodingReader<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let avail = self.fill_buf()?;
        let n = avail.len().min(buf.len());
        buf[..n].copy_from_slice(&avail[..n]);
        self.consume(n);
        Ok(n)
    }
}

impl<R: Read> BufRead for DecodingReader<R> {
    fn fill_buf(&mut self) -> io::Result<&[u8]> {
        if self.out_pos >= self.out_end {
            self.refill()?;
        }
        Ok(&self.out[self.out_pos..self.out_end])
    }

    fn consume(&mut self, amt: usize) {
        self.out_pos = (self.out_pos + amt).min(self.out_end);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_choosable_encoding_is_read_and_named_as_chosen() {
        for name in ENCODINGS {
            let d = detect(b"a,b\n", true, Some(name)).unwrap();
            assert_eq!(d.encoding.name(), *name);
        }
    }

    #[test]
    fn mostly_utf8_text_with_a_few_broken_bytes_stays_utf8() {
        let mut text = "Имя,Телефон\nАнна,79161234567\nБорис,79161234568\n"
            .repeat(6)
            .into_bytes();
        text.extend_from_slice(b"\xc8\xe2\xe0\xed,79160000000\n");
        let det = detect(&text, true, None).unwrap();
        assert_eq!(det.encoding, UTF_8);
        // Real windows-1251 is still windows-1251.
        let cyrillic = "Имя,Телефон\nАнна,7916\n".repeat(5);
        let (cp, _, _) = encoding_rs::WINDOWS_1251.encode(&cyrillic);
        assert_ne!(detect(&cp, true, None).unwrap().encoding, UTF_8);
    }

    fn decode_all(bytes: &[u8], enc: &'static Encoding) -> String {
        let mut out = String::new();
        DecodingReader::new(bytes, enc)
            .read_to_string(&mut out)
            .unwrap();
        out
    }

    #[test]
    fn decodes_windows_1251_in_a_stream() {
        let (bytes, _, _) = WINDOWS_1251.encode("Оплачен;Отменён\r\n");
        assert_eq!(decode_all(&bytes, WINDOWS_1251), "Оплачен;Отменён\r\n");
    }

    #[test]
    fn decodes_across_chunk_boundaries() {
        let text = "Ёжик в тумане;".repeat(20_000);
        let bytes: Vec<u8> = text.encode_utf16().flat_map(|u| u.to_le_bytes()).collect();
        assert_eq!(decode_all(&bytes, UTF_16LE), text);
    }

    #[test]
    fn undecodable_bytes_become_replacement_characters() {
        // A lone high surrogate between "a" and "b".
        assert_eq!(
            decode_all(&[b'a', 0, 0x00, 0xD8, b'b', 0], UTF_16LE),
            "a\u{FFFD}b"
        );
    }

    #[test]
    fn bom_wins_over_content() {
        let d = detect(b"\xFF\xFEa\0", true, None).unwrap();
        assert_eq!((d.encoding, d.bom_len, d.detected), (UTF_16LE, 2, true));
        let d = detect(b"\xEF\xBB\xBFid", true, None).unwrap();
        assert_eq!((d.encoding, d.bom_len), (UTF_8, 3));
    }

    #[test]
    fn override_wins_and_is_reported_as_not_detected() {
        let d = detect(b"abc", true, Some("koi8-r")).unwrap();
        assert_eq!((d.encoding, d.detected), (KOI8_R, false));
        assert_eq!(
            detect(b"abc", true, Some("klingon")).unwrap_err(),
            "klingon"
        );
    }

    #[test]
    fn utf8_cut_mid_character_at_prefix_end_is_still_utf8() {
        let bytes = "ключ".as_bytes();
        let cut = &bytes[..bytes.len() - 1];
        assert_eq!(detect(cut, false, None).unwrap().encoding, UTF_8);
        assert_ne!(detect(cut, true, None).unwrap().encoding, UTF_8);
    }

    #[test]
    fn western_text_with_accents_keeps_its_western_code_page() {
        // «Müller» is Latin text with an accent, not Cyrillic bytes: no «Mьller».
        let (w, _, _) = encoding_rs::WINDOWS_1252.encode("Name;City\nMüller;Köln\nJosé;Málaga\n");
        assert_eq!(
            detect(&w, true, None).unwrap().encoding,
            encoding_rs::WINDOWS_1252
        );
    }

    #[test]
    fn a_short_cyrillic_windows_1251_file_is_windows_1251() {
        // One row: too little text for a context-free guess (it said windows-1252 or
        // ISO-8859-5); the Russian hint and the Cyrillic code pages decide.
        for text in [
            "Имя,Телефон\r\nЯна Ли,79161234567\r\n",
            "name;phone\nЯна Ли;79161234567\n",
            "ClientId,Target,DateTime,Comment\n1,paid,1794481200,Яна\n",
        ] {
            let (cp, _, _) = WINDOWS_1251.encode(text);
            assert_eq!(
                detect(&cp, true, None).unwrap().encoding,
                WINDOWS_1251,
                "{text}"
            );
        }
        // The same one row in KOI8-R and IBM866 is not taken for windows-1251.
        let (koi, _, _) = KOI8_R.encode("name;phone\nЯна Ли;79161234567\n");
        assert_eq!(detect(&koi, true, None).unwrap().encoding, KOI8_R);
        let (dos, _, _) = IBM866.encode("name;phone\nЯна Ли;79161234567\n");
        assert_eq!(detect(&dos, true, None).unwrap().encoding, IBM866);
        // KOI8-R and IBM866 of a longer text are still told apart.
        let text = "Имя,Телефон\nЯна Ли,79161234567\nОлег Иванов,79160000000\n";
        let (koi, _, _) = KOI8_R.encode(text);
        assert_eq!(detect(&koi, true, None).unwrap().encoding, KOI8_R);
        let (dos, _, _) = IBM866.encode(text);
        assert_eq!(detect(&dos, true, None).unwrap().encoding, IBM866);
    }

    #[test]
    fn bomless_utf16_is_recognised_by_its_nul_bytes() {
        let le: Vec<u8> = "id,name\n1,a\n"
            .encode_utf16()
            .flat_map(|u| u.to_le_bytes())
            .collect();
        let be: Vec<u8> = "id,name\n1,a\n"
            .encode_utf16()
            .flat_map(|u| u.to_be_bytes())
            .collect();
        assert_eq!(detect(&le, true, None).unwrap().encoding, UTF_16LE);
        assert_eq!(detect(&be, true, None).unwrap().encoding, UTF_16BE);
    }
}
