//! Structural checks on workbook containers before calamine sees them, so that no field of a
//! damaged file can make the reader allocate more than the file holds.
//!
//! Why: calamine trusts the OLE/CFB (.xls) sector tables. A FAT cycle on the directory chain
//! (which calamine reads with no length limit) grows one buffer until the allocator aborts the
//! process, which `catch_unwind` cannot stop. Here every header field, DIFAT/FAT entry and
//! chain that calamine follows is checked against the real file size, chains must end within
//! the number of sectors the file holds (no loops, no sector claimed by two chains), and no
//! directory entry may declare a stream larger than the file. For zip containers (.xlsx, .ods)
//! the central directory is scanned and entries whose declared uncompressed size is absurd for
//! the file (a zip bomb) are refused.
//!
//! Deliberately not here: reading cells or streams, repairing files, and any check that
//! calamine does not need for bounded memory (CLSIDs, timestamps, red-black tree colours).

/// Why a container was refused (logged at debug level, tested; the caller only sees
/// `ReadError::DamagedWorkbook`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Damage {
    /// A header field with an impossible value.
    Header { field: &'static str, value: u64 },
    /// A sector index that the file cannot hold.
    SectorOutOfRange { chain: &'static str, sector: u32 },
    /// A chain that comes back to a sector already used (a loop or a cross-link).
    SectorReused { chain: &'static str, sector: u32 },
    /// A chain that stops on something other than ENDOFCHAIN (or a DIFAT sector without a link).
    ChainBroken { chain: &'static str, at: u32 },
    /// A directory entry (index) whose declared stream size exceeds the file.
    StreamTooLarge { entry: usize, size: u64 },
    /// A BIFF cell record beyond the last column a sheet can have.
    CellOutOfRange { row: u16, col: u16 },
    /// A BIFF DIMENSIONS record declaring more cells than a sheet can hold.
    Dimensions { rows: u64, cols: u64 },
    /// No usable directory (root entry missing).
    NoRootEntry,
    /// A zip entry (index in the central directory) claiming an absurd uncompressed size, or
    /// one that would inflate the archive past its total.
    ZipBomb { entry: usize, size: u64 },
    /// More than the reader's budgets allow (cells, text, strings): not damage, but refused
    /// the same way so that memory stays bounded.
    TooLarge { what: &'static str, value: u64 },
}

const ENDOFCHAIN: u32 = 0xFFFF_FFFE;
const FREESECT: u32 = 0xFFFF_FFFF;
const FATSECT: u32 = 0xFFFF_FFFD;
const DIFSECT: u32 = 0xFFFF_FFFC;
/// Values from here up are not sector indices.
const MAXREGSECT_END: u32 = 0xFFFF_FFFB;

const HEADER_LEN: usize = 512;
const DIR_ENTRY_LEN: usize = 128;
const MINI_SECTOR: u64 = 64;
const MINI_STREAM_CUTOFF: u64 = 4096;
const HEADER_DIFAT: std::ops::Range<usize> = 0x4C..0x200;

fn u16_at(b: &[u8], at: usize) -> u16 {
    b.get(at..at + 2)
        .map_or(0, |s| u16::from_le_bytes([s[0], s[1]]))
}

fn u32_at(b: &[u8], at: usize) -> u32 {
    b.get(at..at + 4)
        .map_or(0, |s| u32::from_le_bytes([s[0], s[1], s[2], s[3]]))
}

fn u64_at(b: &[u8], at: usize) -> u64 {
    b.get(at..at + 8).map_or(0, |s| {
        let mut a = [0u8; 8];
        a.copy_from_slice(s);
        u64::from_le_bytes(a)
    })
}

fn words(b: &[u8]) -> impl Iterator<Item = u32> + '_ {
    b.chunks_exact(4)
        .map(|s| u32::from_le_bytes([s[0], s[1], s[2], s[3]]))
}

/// Sector ownership across every chain of the file: each sector may belong to one chain once.
struct Claims {
    owner: Vec<bool>,
}

impl Claims {
    fn new(n: usize) -> Claims {
        Claims {
            owner: vec![false; n],
        }
    }

    /// Follows `start` through `table` until ENDOFCHAIN or until `size` bytes (in `unit`-byte
    /// sectors) are covered, as calamine's `get_chain` does; returns the sectors in order.
    fn walk(
        &mut self,
        chain: &'static str,
        table: &[u32],
        start: u32,
        unit: u64,
        size: Option<u64>,
    ) -> Result<Vec<u32>, Damage> {
        let limit = self.owner.len().min(table.len());
        let mut out = Vec::new();
        let mut id = start;
        let mut covered = 0u64;
        while id != ENDOFCHAIN {
            let i = id as usize;
            if i >= limit {
                return Err(if id >= MAXREGSECT_END {
                    Damage::ChainBroken { chain, at: id }
                } else {
                    Damage::SectorOutOfRange { chain, sector: id }
                });
            }
            if std::mem::replace(&mut self.owner[i], true) {
                return Err(Damage::SectorReused { chain, sector: id });
            }
            out.push(id);
            covered += unit;
            if size.is_some_and(|s| covered >= s) {
                break;
            }
            id = table[i];
        }
        // A chain shorter than its declared size is left alone: calamine returns what it has.
        Ok(out)
    }
}

/// An OLE compound file (MS-CFB) as calamine 0.38 reads it.
struct Cfb<'a> {
    bytes: &'a [u8],
    sector_size: usize,
    /// Sectors after the header, a partial last one included.
    sectors: usize,
}

impl Cfb<'_> {
    fn sector(&self, id: u32) -> &[u8] {
        let start = (id as usize + 1) * self.sector_size;
        let end = (start + self.sector_size).min(self.bytes.len());
        self.bytes.get(start..end).unwrap_or(&[])
    }

    /// The bytes of a chain of regular sectors, cut to `size`.
    fn chain_bytes(&self, chain: &[u32], size: u64) -> Vec<u8> {
        let mut out: Vec<u8> = chain
            .iter()
            .flat_map(|&s| self.sector(s).iter().copied())
            .collect();
        out.truncate(usize::try_from(size).unwrap_or(usize::MAX));
        out
    }

    /// A regular sector index (or a special value when `special` allows it) the file holds.
    fn check_index(&self, field: &'static str, id: u32, special: bool) -> Result<(), Damage> {
        let is_special = matches!(id, ENDOFCHAIN | FREESECT | FATSECT | DIFSECT);
        if (is_special && special) || (id as usize) < self.sectors {
            Ok(())
        } else {
            Err(Damage::SectorOutOfRange {
                chain: field,
                sector: id,
            })
        }
    }
}

/// Checks an OLE/CFB container (.xls) against its real size.
pub(crate) fn check_cfb(bytes: &[u8]) -> Result<(), Damage> {
    let len = bytes.len() as u64;
    let header = |field: &'static str, value: u64| Damage::Header { field, value };
    if bytes.len() < HEADER_LEN {
        return Err(header("file length", len));
    }
    let shift = u16_at(bytes, 0x1E);
    let sector_size: usize = match shift {
        9 => 512,
        12 => 4096,
        s => return Err(header("sector shift", u64::from(s))),
    };
    let mini_shift = u16_at(bytes, 0x20);
    if mini_shift != 6 {
        return Err(header("mini sector shift", u64::from(mini_shift)));
    }
    let cutoff = u32_at(bytes, 0x38);
    if u64::from(cutoff) != MINI_STREAM_CUTOFF {
        return Err(header("mini stream cutoff", u64::from(cutoff)));
    }
    if bytes.len() <= sector_size {
        return Err(header("file length", len));
    }
    let cfb = Cfb {
        bytes,
        sector_size,
        sectors: (bytes.len() - sector_size).div_ceil(sector_size),
    };
    let ss = sector_size as u64;
    let fat_count = u32_at(bytes, 0x2C);
    if u64::from(fat_count) * ss > len {
        return Err(header("FAT sector count", u64::from(fat_count)));
    }
    let dir_start = u32_at(bytes, 0x30);
    cfb.check_index("first directory sector", dir_start, false)?;
    let mini_fat_start = u32_at(bytes, 0x3C);
    let mini_fat_count = u32_at(bytes, 0x40);
    if u64::from(mini_fat_count) * ss > len {
        return Err(header("mini FAT sector count", u64::from(mini_fat_count)));
    }
    cfb.check_index("first mini FAT sector", mini_fat_start, mini_fat_count == 0)?;
    let difat_start = u32_at(bytes, 0x44);
    let difat_count = u32_at(bytes, 0x48);
    if u64::from(difat_count) * ss > len {
        return Err(header("DIFAT sector count", u64::from(difat_count)));
    }
    cfb.check_index("first DIFAT sector", difat_start, true)?;

    // The DIFAT: 109 entries in the header, then a chain of DIFAT sectors whose last word
    // links to the next one (calamine follows it while the link is below 0xFFFFFFFA).
    let mut claims = Claims::new(cfb.sectors);
    let mut difat: Vec<u32> = words(&bytes[HEADER_DIFAT]).collect();
    let mut id = difat_start;
    while id < 0xFFFF_FFFA {
        cfb.check_index("DIFAT chain", id, false)?;
        if std::mem::replace(&mut claims.owner[id as usize], true) {
            return Err(Damage::SectorReused {
                chain: "DIFAT chain",
                sector: id,
            });
        }
        let mut entries: Vec<u32> = words(cfb.sector(id)).collect();
        id = entries.pop().ok_or(Damage::ChainBroken {
            chain: "DIFAT chain",
            at: id,
        })?;
        difat.extend(entries);
    }
    let mut fat_sectors = Vec::new();
    for &entry in &difat {
        cfb.check_index("DIFAT entry", entry, true)?;
        if entry < DIFSECT {
            if std::mem::replace(&mut claims.owner[entry as usize], true) {
                return Err(Damage::SectorReused {
                    chain: "FAT sectors",
                    sector: entry,
                });
            }
            fat_sectors.push(entry);
        }
    }
    if fat_sectors.len() as u64 * ss > len {
        return Err(header("FAT sectors listed", fat_sectors.len() as u64));
    }
    let fat: Vec<u32> = fat_sectors
        .iter()
        .flat_map(|&s| words(cfb.sector(s)))
        .collect();

    // The directory: calamine reads its chain with no length limit, so it must end.
    let dir_chain = claims.walk("directory chain", &fat, dir_start, ss, None)?;
    let dir: Vec<u8> = dir_chain
        .iter()
        .flat_map(|&s| cfb.sector(s).iter().copied())
        .collect();
    let entries: Vec<&[u8]> = dir.chunks_exact(DIR_ENTRY_LEN).collect();
    let root = entries.first().ok_or(Damage::NoRootEntry)?;
    let stream_size = |e: &[u8]| {
        if sector_size == 512 {
            u64::from(u32_at(e, 120))
        } else {
            u64_at(e, 120)
        }
    };
    let root_size = stream_size(root);
    if root_size > len {
        return Err(Damage::StreamTooLarge {
            entry: 0,
            size: root_size,
        });
    }

    // The mini stream (root entry's chain) and the mini FAT, read only when a mini FAT exists.
    let mut mini_fat: Vec<u32> = Vec::new();
    let mut mini_stream: Vec<u8> = Vec::new();
    if mini_fat_count > 0 {
        let root_start = u32_at(root, 116);
        let chain = claims.walk("mini stream", &fat, root_start, ss, Some(root_size))?;
        mini_stream = cfb.chain_bytes(&chain, root_size);
        // A short mini stream would make calamine read mini sectors from wherever its reader is.
        if (mini_stream.len() as u64) < root_size {
            return Err(Damage::ChainBroken {
                chain: "mini stream",
                at: root_start,
            });
        }
        let chain = claims.walk(
            "mini FAT chain",
            &fat,
            mini_fat_start,
            ss,
            Some(u64::from(mini_fat_count) * ss),
        )?;
        mini_fat = chain.iter().flat_map(|&s| words(cfb.sector(s))).collect();
    }
    let mut mini_claims = Claims::new(root_size.div_ceil(MINI_SECTOR) as usize);

    // The stream calamine's xls reader takes: the first "Workbook", else the first "Book".
    let mut workbook: Option<Vec<u8>> = None;
    let mut book: Option<Vec<u8>> = None;
    for (i, e) in entries.iter().enumerate().skip(1) {
        let name = entry_name(e);
        // calamine finds streams by name; an entry without a name is never read.
        if name.is_empty() {
            continue;
        }
        let size = stream_size(e);
        if size > len {
            return Err(Damage::StreamTooLarge { entry: i, size });
        }
        let is_workbook = name.eq_ignore_ascii_case("Workbook");
        let is_book = name.eq_ignore_ascii_case("Book");
        // Streams (type 2) own sectors; storages and stale entries are only size-checked,
        // unless calamine would read them as the workbook.
        if (e[66] != 2 && !is_workbook && !is_book) || size == 0 {
            continue;
        }
        let start = u32_at(e, 116);
        let data = if size < MINI_STREAM_CUTOFF {
            let chain = mini_claims.walk(
                "mini stream chain",
                &mini_fat,
                start,
                MINI_SECTOR,
                Some(size),
            )?;
            let mut data: Vec<u8> = chain
                .iter()
                .flat_map(|&m| {
                    let at = m as usize * MINI_SECTOR as usize;
                    let end = (at + MINI_SECTOR as usize).min(mini_stream.len());
                    mini_stream.get(at..end).unwrap_or(&[]).iter().copied()
                })
                .collect();
            data.truncate(size as usize);
            data
        } else {
            let chain = claims.walk("stream chain", &fat, start, ss, Some(size))?;
            if is_workbook || is_book {
                cfb.chain_bytes(&chain, size)
            } else {
                Vec::new()
            }
        };
        if is_workbook && workbook.is_none() {
            workbook = Some(data);
        } else if is_book && book.is_none() {
            book = Some(data);
        }
    }
    match workbook.or(book) {
        Some(stream) => check_biff(&stream),
        None => Ok(()),
    }
}

/// A directory entry's name as calamine reads it: UTF-16LE up to the first NUL.
fn entry_name(e: &[u8]) -> String {
    let units: Vec<u16> = e[..64]
        .chunks_exact(2)
        .map(|c| u16::from_le_bytes([c[0], c[1]]))
        .take_while(|&u| u != 0)
        .collect();
    String::from_utf16_lossy(&units)
}

/// The last column a BIFF (2 to 8) sheet can have.
const BIFF_MAX_COL: u16 = 255;
/// Rows × columns of the largest BIFF8 sheet.
const BIFF_MAX_CELLS: u64 = 65_536 * 256;

/// BIFF records as calamine's `RecordIter` splits them: (type, data); stops where it would fail.
fn records(mut stream: &[u8]) -> impl Iterator<Item = (u16, &[u8])> {
    std::iter::from_fn(move || {
        if stream.len() < 4 {
            return None;
        }
        let typ = u16_at(stream, 0);
        let len = usize::from(u16_at(stream, 2));
        let data = stream.get(4..4 + len)?;
        stream = &stream[4 + len..];
        Some((typ, data))
    })
}

/// Cell positions and DIMENSIONS records of every sheet calamine will parse: calamine lays a
/// sheet out as the dense rectangle of its cells and reserves what DIMENSIONS declares, so one
/// cell at column 65535 (137 GB) or a DIMENSIONS of 4 billion rows aborts the process.
fn check_biff(stream: &[u8]) -> Result<(), Damage> {
    let mut sheets = Vec::new();
    for (typ, data) in records(stream) {
        match typ {
            // BoundSheet8: the sheet's offset in the stream
            0x0085 => sheets.push(u32_at(data, 0) as usize),
            // FilePass: calamine stops with a password error before reading any sheet, and
            // the sheets' cell records are encrypted (their positions are noise).
            0x002F if u16_at(data, 0) != 0 => return Ok(()),
            0x000A => break,
            _ => (),
        }
    }
    sheets.sort_unstable();
    sheets.dedup();
    let cell = |row: u16, col: u16| {
        if col > BIFF_MAX_COL {
            Err(Damage::CellOutOfRange { row, col })
        } else {
            Ok(())
        }
    };
    for pos in sheets {
        let Some(sheet) = stream.get(pos..) else {
            continue;
        };
        let (mut depth, mut seen_bof) = (0usize, false);
        // Cells and the rectangle calamine lays them out in (first row/col, last row/col).
        let mut count = 0u64;
        let mut rect: Option<(u16, u16, u16, u16)> = None;
        let mut seen = |row: u16, first: u16, last: u16| -> Result<(), Damage> {
            count += u64::from(last.saturating_sub(first)) + 1;
            let r = rect.get_or_insert((row, first, row, last));
            *r = (r.0.min(row), r.1.min(first), r.2.max(row), r.3.max(last));
            let area = (u64::from(r.2 - r.0) + 1) * (u64::from(r.3 - r.1) + 1);
            if count > CELL_BUDGET {
                return Err(Damage::TooLarge {
                    what: "cells",
                    value: count,
                });
            }
            if area > RECT_BUDGET {
                return Err(Damage::TooLarge {
                    what: "sheet rectangle",
                    value: area,
                });
            }
            Ok(())
        };
        for (typ, data) in records(sheet) {
            if depth > 0 {
                match typ {
                    0x0809 => depth += 1,
                    0x000A => depth -= 1,
                    _ => (),
                }
                continue;
            }
            match typ {
                0x0809 if seen_bof => depth += 1,
                0x0809 => seen_bof = true,
                0x000A => break,
                0x0200 => check_dimensions(data)?,
                // Number, Label, RString, BoolErr, Rk, LabelSst, Formula
                0x0203 | 0x0204 | 0x00D6 | 0x0205 | 0x027E | 0x00FD | 0x0006 => {
                    let (row, col) = (u16_at(data, 0), u16_at(data, 2));
                    cell(row, col)?;
                    seen(row, col, col)?;
                }
                // MulRk: first and last column
                0x00BD if data.len() >= 6 => {
                    let (row, first) = (u16_at(data, 0), u16_at(data, 2));
                    let last = u16_at(data, data.len() - 2);
                    cell(row, first)?;
                    cell(row, last)?;
                    seen(row, first.min(last), last.max(first))?;
                }
                _ => (),
            }
        }
    }
    Ok(())
}

/// A DIMENSIONS record as calamine's `parse_dimensions` reads it, refused when the rectangle it
/// would reserve exceeds the largest sheet BIFF can hold.
fn check_dimensions(r: &[u8]) -> Result<(), Damage> {
    let (rf, rl, mut cf, cl) = match r.len() {
        10 => (
            u32::from(u16_at(r, 0)),
            u32::from(u16_at(r, 2)),
            u32::from(u16_at(r, 4)),
            u32::from(u16_at(r, 6)),
        ),
        14 | 16 => (
            u32_at(r, 0),
            u32_at(r, 4),
            u32::from(u16_at(r, 8)),
            u32::from(u16_at(r, 10)),
        ),
        _ => return Ok(()),
    };
    if 0xFF < cf || cl < cf {
        cf = 0;
    }
    let (end_r, end_c) = if 1 <= rl && 1 <= cl {
        (rl - 1, cl - 1)
    } else {
        (rf, cf)
    };
    let rows = u64::from(end_r.wrapping_sub(rf).wrapping_add(1));
    let cols = u64::from(end_c.wrapping_sub(cf).wrapping_add(1));
    if rows * cols > BIFF_MAX_CELLS {
        return Err(Damage::Dimensions { rows, cols });
    }
    // calamine reserves the declared rectangle's cells before reading one.
    if rows * cols > RECT_BUDGET {
        return Err(Damage::TooLarge {
            what: "declared sheet rectangle",
            value: rows * cols,
        });
    }
    Ok(())
}

/// A workbook file larger than this is not read into memory at all (64 MiB: far more than the
/// cell budget needs; the file is held whole while calamine reads it).
pub(crate) const FILE_MAX: u64 = 64 << 20;
/// An .xls is held three times while calamine reads it (the file, its workbook stream, the
/// strings and cells decoded from it): half the limit.
pub(crate) const XLS_FILE_MAX: u64 = 32 << 20;
/// The sum of the declared uncompressed sizes of all zip entries.
const ZIP_TOTAL_MAX: u64 = 512 << 20;
/// An entry inflating more than this many times its compressed size…
const ZIP_RATIO: u64 = 150;
/// …is refused once it declares more than this (small parts compress as they like).
const ZIP_RATIO_FLOOR: u64 = 4 << 20;
/// The shared-strings part (.xlsx): calamine keeps every string it holds in memory.
const SST_MAX: u64 = 24 << 20;
/// The content part of an .ods: calamine parses it into memory whole.
const ODS_CONTENT_MAX: u64 = 64 << 20;
/// Shared strings a workbook may announce (`uniqueCount`, calamine reserves that many).
const SST_STRINGS_MAX: u64 = 1_500_000;
/// Cells a sheet may hold (every reader) and cells of the rectangle that calamine lays .xls
/// and .ods sheets out in.
pub(crate) const CELL_BUDGET: u64 = 1_500_000;
pub(crate) const RECT_BUDGET: u64 = 4_194_304;
/// Text held in cells (bytes of UTF-8), counted while a sheet loads.
pub(crate) const TEXT_BUDGET: u64 = 48 << 20;

/// Checks a zip container (.xlsx, .ods) before anything is inflated: declared sizes (which the
/// zip reader enforces while inflating) against [`ZIP_TOTAL_MAX`], [`ZIP_RATIO`] and the
/// per-part limits. A file whose central directory cannot be found is left to the zip reader
/// (which refuses it without allocating).
pub(crate) fn check_zip(bytes: &[u8]) -> Result<(), Damage> {
    let Some(eocd) = find_eocd(bytes) else {
        return Ok(());
    };
    let mut at = u32_at(bytes, eocd + 16) as usize;
    let mut count = u64::from(u16_at(bytes, eocd + 10));
    // Zip64: the locator sits just before the end record and points to the zip64 end record.
    if let Some(loc) = eocd.checked_sub(20)
        && u32_at(bytes, loc) == 0x0706_4b50
    {
        let rec = u64_at(bytes, loc + 8) as usize;
        if u32_at(bytes, rec) == 0x0606_4b50 {
            count = u64_at(bytes, rec + 32);
            at = usize::try_from(u64_at(bytes, rec + 48)).unwrap_or(usize::MAX);
        }
    }
    let mut index = 0usize;
    let mut total = 0u64;
    while (index as u64) < count && u32_at(bytes, at) == 0x0201_4b50 {
        let mut compressed = u64::from(u32_at(bytes, at + 20));
        let mut size = u64::from(u32_at(bytes, at + 24));
        let name_len = usize::from(u16_at(bytes, at + 28));
        let extra_len = usize::from(u16_at(bytes, at + 30));
        let comment_len = usize::from(u16_at(bytes, at + 32));
        let name = bytes.get(at + 46..at + 46 + name_len).unwrap_or(&[]);
        if size == u64::from(u32::MAX) || compressed == u64::from(u32::MAX) {
            let extra_start = at + 46 + name_len;
            let extra = bytes
                .get(extra_start..extra_start + extra_len)
                .unwrap_or(&[]);
            let (s, c) = zip64_sizes(extra, size == u64::from(u32::MAX));
            size = s.unwrap_or(size);
            if compressed == u64::from(u32::MAX) {
                compressed = c.unwrap_or(compressed);
            }
        }
        total = total.saturating_add(size);
        if size > ZIP_RATIO_FLOOR && size / compressed.max(1) > ZIP_RATIO {
            return Err(Damage::ZipBomb { entry: index, size });
        }
        if total > ZIP_TOTAL_MAX {
            return Err(Damage::ZipBomb { entry: index, size });
        }
        let lower = String::from_utf8_lossy(name).to_ascii_lowercase();
        if lower.ends_with("sharedstrings.xml") && size > SST_MAX {
            return Err(Damage::TooLarge {
                what: "shared strings",
                value: size,
            });
        }
        if lower == "content.xml" && size > ODS_CONTENT_MAX {
            return Err(Damage::TooLarge {
                what: "ods content",
                value: size,
            });
        }
        at += 46 + name_len + extra_len + comment_len;
        index += 1;
    }
    Ok(())
}

/// Reads the start of a part through the zip reader (which stops at the declared size).
fn part_head(
    archive: &mut zip::ZipArchive<std::io::Cursor<&[u8]>>,
    name: &str,
    max: u64,
) -> Option<Vec<u8>> {
    use std::io::Read;
    let mut head = Vec::new();
    let file = archive.by_name(name).ok()?;
    file.take(max).read_to_end(&mut head).ok()?;
    Some(head)
}

/// Checks the parts calamine sizes its allocations from (after [`check_zip`] passed): the
/// shared strings' `uniqueCount` (calamine reserves that many strings before reading one),
/// and for .ods the cells and rectangle that repeated rows and columns expand to.
pub(crate) fn check_zip_parts(bytes: &[u8], ods: bool) -> Result<(), Damage> {
    let Ok(mut archive) = zip::ZipArchive::new(std::io::Cursor::new(bytes)) else {
        // calamine will refuse it the same way, without allocating.
        return Ok(());
    };
    let parts: Vec<String> = archive
        .file_names()
        .filter_map(|n| n.ok().map(|n| n.into_owned()))
        .filter(|n| {
            let n = n.to_ascii_lowercase();
            n.ends_with(".xml")
                && (n == "content.xml" || n.contains("worksheets/") || n.contains("sharedstrings"))
        })
        .collect();
    // The XML readers hold one tag or one text run whole: none may be larger than a cell can be.
    for name in &parts {
        if let Ok(file) = archive.by_name(name) {
            check_runs(file)?;
        }
    }
    if ods {
        let Ok(file) = archive.by_name("content.xml") else {
            return Ok(());
        };
        return check_ods_content(std::io::BufReader::new(file));
    }
    let names: Vec<String> = parts
        .into_iter()
        .filter(|n| n.to_ascii_lowercase().ends_with("sharedstrings.xml"))
        .collect();
    for name in names {
        let size = archive.by_name(&name).map_or(0, |f| f.size());
        let Some(head) = part_head(&mut archive, &name, 64 * 1024) else {
            continue;
        };
        if let Some(n) = sst_unique_count(&head) {
            // Each string takes at least `<si></si>` (9 bytes) of the part.
            if n > SST_STRINGS_MAX || n.saturating_mul(9) > size.max(9) {
                return Err(Damage::TooLarge {
                    what: "shared strings count",
                    value: n,
                });
            }
        }
    }
    Ok(())
}

/// The longest tag or text run (bytes between `<` and `>` either way) an XML part may hold.
/// A cell holds at most 32 767 characters in Excel and LibreOffice; 1 MiB leaves room for
/// tags with many attributes while keeping what calamine and quick-xml buffer small.
const MAX_RUN: u64 = 1 << 20;

/// Streams a part (inflating it, the declared size enforced by the zip reader) and refuses a
/// tag or text run longer than [`MAX_RUN`].
fn check_runs(mut part: impl std::io::Read) -> Result<(), Damage> {
    let too_long = |value| Damage::TooLarge {
        what: "one tag or cell text",
        value,
    };
    let mut buf = vec![0u8; 64 * 1024];
    // Bytes since the last `<` or `>`.
    let mut run = 0u64;
    loop {
        let n = match part.read(&mut buf) {
            Ok(0) => return Ok(()),
            Ok(n) => n,
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => continue,
            // Broken data: calamine refuses it the same way.
            Err(_) => return Ok(()),
        };
        let mut from = 0;
        for at in memchr::memchr2_iter(b'<', b'>', &buf[..n]) {
            run += (at - from) as u64;
            if run > MAX_RUN {
                return Err(too_long(run));
            }
            run = 0;
            from = at + 1;
        }
        run += (n - from) as u64;
        if run > MAX_RUN {
            return Err(too_long(run));
        }
    }
}

/// The `uniqueCount` attribute of the `sst` element, as calamine reads it.
fn sst_unique_count(head: &[u8]) -> Option<u64> {
    let mut xml = quick_xml::Reader::from_reader(head);
    let mut buf = Vec::new();
    loop {
        match xml.read_event_into(&mut buf).ok()? {
            quick_xml::events::Event::Start(e) if e.local_name().as_ref() == "sst" => {
                let attr = e
                    .attributes()
                    .flatten()
                    .find(|a| a.key.local_name().as_ref() == "uniqueCount")?;
                return attr.value.trim().parse().ok();
            }
            quick_xml::events::Event::Eof => return None,
            _ => buf.clear(),
        }
    }
}

/// Streams an .ods `content.xml` and counts what calamine will expand: cells with a value
/// (repeats multiplied out) and the rectangle from A1 to the last valued cell.
fn check_ods_content(input: impl std::io::BufRead) -> Result<(), Damage> {
    use quick_xml::events::Event;
    let mut xml = quick_xml::Reader::from_reader(input);
    let mut buf = Vec::new();
    let repeat = |e: &quick_xml::events::BytesStart, key: &str| -> u64 {
        e.attributes()
            .flatten()
            .find(|a| a.key.as_ref() == key)
            .and_then(|a| a.value.trim().parse().ok())
            .unwrap_or(1u64)
            .max(1)
    };
    let (mut row, mut row_repeat, mut col) = (0u64, 1u64, 0u64);
    let (mut cells, mut row_cells, mut width, mut height) = (0u64, 0u64, 0u64, 0u64);
    // The cell being read: its column repeat and whether it holds a value.
    let mut open_cell: Option<(u64, bool)> = None;
    let too_large = |what, value| Err(Damage::TooLarge { what, value });
    loop {
        let event = match xml.read_event_into(&mut buf) {
            Ok(e) => e,
            // calamine refuses a broken document the same way.
            Err(_) => return Ok(()),
        };
        match event {
            Event::Eof => return Ok(()),
            Event::Start(e) if e.local_name().as_ref() == "table-row" => {
                row_repeat = repeat(&e, "table:number-rows-repeated");
                col = 0;
                row_cells = 0;
            }
            Event::Empty(e) if e.local_name().as_ref() == "table-row" => {
                row = row.saturating_add(repeat(&e, "table:number-rows-repeated"));
            }
            Event::Start(e)
                if matches!(e.local_name().as_ref(), "table-cell" | "covered-table-cell") =>
            {
                let valued = e
                    .attributes()
                    .flatten()
                    .any(|a| a.key.local_name().as_ref() == "value-type");
                open_cell = Some((repeat(&e, "table:number-columns-repeated"), valued));
            }
            Event::Empty(e)
                if matches!(e.local_name().as_ref(), "table-cell" | "covered-table-cell") =>
            {
                let n = repeat(&e, "table:number-columns-repeated");
                let valued = e
                    .attributes()
                    .flatten()
                    .any(|a| a.key.local_name().as_ref() == "value-type");
                if valued {
                    row_cells = row_cells.saturating_add(n);
                    width = width.max(col.saturating_add(n));
                }
                col = col.saturating_add(n);
            }
            Event::Text(_) if open_cell.is_some() => {
                if let Some((_, valued)) = open_cell.as_mut() {
                    *valued = true;
                }
            }
            Event::End(e)
                if matches!(e.local_name().as_ref(), "table-cell" | "covered-table-cell") =>
            {
                if let Some((n, valued)) = open_cell.take() {
                    if valued {
                        row_cells = row_cells.saturating_add(n);
                        width = width.max(col.saturating_add(n));
                    }
                    col = col.saturating_add(n);
                }
            }
            Event::End(e) if e.local_name().as_ref() == "table-row" => {
                if row_cells > 0 {
                    cells = cells.saturating_add(row_cells.saturating_mul(row_repeat));
                    height = row.saturating_add(row_repeat);
                }
                row = row.saturating_add(row_repeat);
                row_repeat = 1;
                if cells > CELL_BUDGET {
                    return too_large("cells", cells);
                }
                if width.saturating_mul(height) > RECT_BUDGET.max(CELL_BUDGET) {
                    return too_large("sheet rectangle", width.saturating_mul(height));
                }
            }
            Event::End(e) if e.local_name().as_ref() == "table" => {
                (row, width, height) = (0, 0, 0);
            }
            _ => (),
        }
        buf.clear();
    }
}

/// The end-of-central-directory record: the last `PK\x05\x06` in the final 64 KiB + 22 bytes.
fn find_eocd(bytes: &[u8]) -> Option<usize> {
    let from = bytes.len().saturating_sub(22 + 0xFFFF);
    let tail = bytes.get(from..bytes.len().checked_sub(18)?)?;
    memchr::memmem::rfind(tail, b"PK\x05\x06").map(|i| from + i)
}

/// The uncompressed and compressed sizes in a zip64 extended-information extra field (id
/// 0x0001); the compressed size follows the uncompressed one only when that one is there.
fn zip64_sizes(mut extra: &[u8], has_size: bool) -> (Option<u64>, Option<u64>) {
    while extra.len() >= 4 {
        let id = u16_at(extra, 0);
        let n = usize::from(u16_at(extra, 2));
        let Some(body) = extra.get(4..4 + n) else {
            break;
        };
        if id == 0x0001 {
            let word = |i: usize| (body.len() >= 8 * (i + 1)).then(|| u64_at(body, 8 * i));
            return if has_size {
                (word(0), word(1))
            } else {
                (None, word(0))
            };
        }
        extra = &extra[4 + n..];
    }
    (None, None)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A minimal valid 512-byte-sector CFB: header, FAT in sector 0, directory in sector 1,
    /// one 4096-byte "Workbook" stream in sectors 2..10.
    fn cfb() -> Vec<u8> {
        let mut b = vec![0u8; 512 + 10 * 512];
        b[..8].copy_from_slice(&[0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1]);
        b[0x18] = 0x3E;
        b[0x1A] = 3;
        b[0x1C..0x1E].copy_from_slice(&[0xFE, 0xFF]);
        b[0x1E] = 9;
        b[0x20] = 6;
        put(&mut b, 0x2C, 1);
        put(&mut b, 0x30, 1);
        put(&mut b, 0x38, 4096);
        put(&mut b, 0x3C, ENDOFCHAIN);
        put(&mut b, 0x40, 0);
        put(&mut b, 0x44, ENDOFCHAIN);
        put(&mut b, 0x48, 0);
        for i in 0..109 {
            put(&mut b, 0x4C + 4 * i, FREESECT);
        }
        put(&mut b, 0x4C, 0);
        // FAT (sector 0 at offset 512)
        let fat = 512;
        for i in 0..128 {
            put(&mut b, fat + 4 * i, FREESECT);
        }
        put(&mut b, fat, FATSECT);
        put(&mut b, fat + 4, ENDOFCHAIN);
        for s in 2..9 {
            put(&mut b, fat + 4 * s, s as u32 + 1);
        }
        put(&mut b, fat + 4 * 9, ENDOFCHAIN);
        // directory (sector 1 at offset 1024): root + Workbook
        let dir = 1024;
        for (i, c) in "Root Entry".encode_utf16().enumerate() {
            b[dir + 2 * i..dir + 2 * i + 2].copy_from_slice(&c.to_le_bytes());
        }
        b[dir + 66] = 5;
        put(&mut b, dir + 116, ENDOFCHAIN);
        let wb = dir + 128;
        for (i, c) in "Workbook".encode_utf16().enumerate() {
            b[wb + 2 * i..wb + 2 * i + 2].copy_from_slice(&c.to_le_bytes());
        }
        b[wb + 66] = 2;
        put(&mut b, wb + 116, 2);
        put(&mut b, wb + 120, 4096);
        b
    }

    fn put(b: &mut [u8], at: usize, v: u32) {
        b[at..at + 4].copy_from_slice(&v.to_le_bytes());
    }

    #[test]
    fn accepts_a_well_formed_compound_file() {
        assert_eq!(check_cfb(&cfb()), Ok(()));
    }

    #[test]
    fn accepts_the_xls_fixture() {
        let path = concat!(env!("CARGO_MANIFEST_DIR"), "/../../fixtures/dates.xls");
        assert_eq!(check_cfb(&std::fs::read(path).unwrap()), Ok(()));
    }

    #[test]
    fn the_saved_fuzz_crash_is_a_fat_cycle_on_the_directory_chain() {
        // Directory starts at sector 9; FAT[9] = 4, FAT[4] = 0, FAT[0] = 0: calamine reads the
        // directory chain with no length limit and grows one buffer until allocation fails.
        let path = concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/../../fixtures/damaged-cfb-huge-chain.xls"
        );
        assert_eq!(
            check_cfb(&std::fs::read(path).unwrap()),
            Err(Damage::SectorReused {
                chain: "directory chain",
                sector: 0
            })
        );
    }

    #[test]
    fn rejects_a_fat_loop_on_the_directory_chain() {
        let mut b = cfb();
        put(&mut b, 512 + 4, 1);
        assert_eq!(
            check_cfb(&b),
            Err(Damage::SectorReused {
                chain: "directory chain",
                sector: 1
            })
        );
    }

    #[test]
    fn rejects_bad_sector_shifts_and_cutoff() {
        let mut b = cfb();
        b[0x1E] = 10;
        assert!(matches!(
            check_cfb(&b),
            Err(Damage::Header {
                field: "sector shift",
                ..
            })
        ));
        let mut b = cfb();
        b[0x20] = 7;
        assert!(matches!(check_cfb(&b), Err(Damage::Header { .. })));
        let mut b = cfb();
        put(&mut b, 0x38, 8192);
        assert!(matches!(check_cfb(&b), Err(Damage::Header { .. })));
    }

    #[test]
    fn rejects_header_counts_larger_than_the_file() {
        for at in [0x2C, 0x40, 0x48] {
            let mut b = cfb();
            put(&mut b, at, 0x0100_0000);
            assert!(
                matches!(check_cfb(&b), Err(Damage::Header { .. })),
                "{at:#x}"
            );
        }
    }

    #[test]
    fn rejects_sector_indices_beyond_the_file() {
        for (at, v) in [(0x30, 10), (0x44, 500), (0x4C + 4, 11), (0x3C, 99)] {
            let mut b = cfb();
            put(&mut b, at, v);
            if at == 0x3C {
                put(&mut b, 0x40, 1);
            }
            assert!(
                matches!(check_cfb(&b), Err(Damage::SectorOutOfRange { .. })),
                "{at:#x}: {:?}",
                check_cfb(&b)
            );
        }
    }

    #[test]
    fn rejects_a_stream_declared_larger_than_the_file() {
        let mut b = cfb();
        put(&mut b, 1024 + 128 + 120, 0x7FFF_FFFF);
        assert_eq!(
            check_cfb(&b),
            Err(Damage::StreamTooLarge {
                entry: 1,
                size: 0x7FFF_FFFF
            })
        );
    }

    #[test]
    fn rejects_a_loop_inside_a_stream_chain() {
        let mut b = cfb();
        put(&mut b, 512 + 4 * 5, 3);
        assert!(matches!(check_cfb(&b), Err(Damage::SectorReused { .. })));
    }

    #[test]
    fn rejects_a_stream_chain_that_ends_early() {
        let mut b = cfb();
        put(&mut b, 512 + 4 * 5, FREESECT);
        assert!(matches!(check_cfb(&b), Err(Damage::ChainBroken { .. })));
    }

    /// dates.xls with its Workbook stream (sectors 0..8, offset 512) patched at the first
    /// record of type `typ`: `patch(data)` edits the record's data.
    fn dates_xls_with(typ: u16, patch: impl Fn(&mut [u8])) -> Vec<u8> {
        let path = concat!(env!("CARGO_MANIFEST_DIR"), "/../../fixtures/dates.xls");
        let mut b = std::fs::read(path).unwrap();
        let mut at = 512;
        let mut sheet_done = false;
        while at + 4 <= 512 + 4096 {
            let t = u16_at(&b, at);
            let len = usize::from(u16_at(&b, at + 2));
            // the second BOF starts the sheet; patch a record inside it
            if t == 0x0809 && at > 512 {
                sheet_done = true;
            }
            if t == typ && (sheet_done || typ == 0x0085) {
                patch(&mut b[at + 4..at + 4 + len]);
                return b;
            }
            at += 4 + len;
        }
        panic!("no record {typ:#x}");
    }

    #[test]
    fn rejects_an_xls_cell_beyond_column_255() {
        let b = dates_xls_with(0x00FD, |d| d[2..4].copy_from_slice(&[0xFF, 0xFF]));
        assert!(matches!(
            check_cfb(&b),
            Err(Damage::CellOutOfRange { col: 0xFFFF, .. })
        ));
        let b = dates_xls_with(0x00FD, |d| d[0..4].copy_from_slice(&[0xE8, 0x03, 0xFF, 0]));
        assert_eq!(
            check_cfb(&b),
            Ok(()),
            "row 1000, column 255 is a legal cell"
        );
        // Legal too, but calamine would lay out 65536 × 256 cells (536 MB) for it.
        let b = dates_xls_with(0x00FD, |d| d[0..4].copy_from_slice(&[0xFF, 0xFF, 0xFF, 0]));
        assert!(matches!(
            check_cfb(&b),
            Err(Damage::TooLarge {
                what: "sheet rectangle",
                ..
            })
        ));
    }

    #[test]
    fn rejects_an_xls_dimensions_record_larger_than_a_sheet() {
        let b = dates_xls_with(0x0200, |d| d[4..8].copy_from_slice(&[0xFF; 4]));
        assert!(matches!(check_cfb(&b), Err(Damage::Dimensions { .. })));
    }

    #[test]
    fn ods_repeats_are_multiplied_out_before_calamine_expands_them() {
        let doc = |rows: &str| {
            format!(
                "<office:document-content xmlns:office=\"o\" xmlns:table=\"t\" \
                 xmlns:text=\"x\"><office:body><office:spreadsheet><table:table>{rows}\
                 </table:table></office:spreadsheet></office:body></office:document-content>"
            )
        };
        let row = |rep: u64, cols: u64| {
            format!(
                "<table:table-row table:number-rows-repeated=\"{rep}\"><table:table-cell \
                 office:value-type=\"float\" table:number-columns-repeated=\"{cols}\">\
                 <text:p>1</text:p></table:table-cell><table:table-cell \
                 table:number-columns-repeated=\"16000\"/></table:table-row>"
            )
        };
        let check = |xml: String| check_ods_content(std::io::Cursor::new(xml.into_bytes()));
        assert_eq!(check(doc(&row(1000, 100))), Ok(()));
        // Empty trailing cells and rows (LibreOffice writes them) cost nothing.
        let tail = "<table:table-row table:number-rows-repeated=\"1048000\">\
                    <table:table-cell table:number-columns-repeated=\"1024\"/></table:table-row>";
        assert_eq!(check(doc(&format!("{}{tail}", row(1000, 100)))), Ok(()));
        assert!(matches!(
            check(doc(&row(990_000, 100))),
            Err(Damage::TooLarge { what: "cells", .. })
        ));
        // Few cells, but one far below and to the right: calamine lays out the rectangle.
        let far = format!(
            "{}<table:table-row table:number-rows-repeated=\"100000\"/>{}",
            row(1, 1),
            "<table:table-row><table:table-cell table:number-columns-repeated=\"1000\"/>\
             <table:table-cell office:value-type=\"string\"><text:p>far</text:p>\
             </table:table-cell></table:table-row>"
        );
        assert!(matches!(
            check(doc(&far)),
            Err(Damage::TooLarge {
                what: "sheet rectangle",
                ..
            })
        ));
    }

    #[test]
    fn a_text_run_longer_than_a_cell_can_hold_is_refused() {
        let xml = |run: usize| {
            let mut x = b"<row><c><v>".to_vec();
            x.extend(std::iter::repeat_n(b'7', run));
            x.extend_from_slice(b"</v></c></row>");
            x
        };
        assert_eq!(check_runs(&xml(MAX_RUN as usize)[..]), Ok(()));
        assert!(matches!(
            check_runs(&xml(MAX_RUN as usize + 1)[..]),
            Err(Damage::TooLarge { .. })
        ));
        // A run cut across reads is counted whole.
        let long = xml(3 << 20);
        let reader = std::io::Read::chain(&long[..100_000], &long[100_000..]);
        assert!(check_runs(reader).is_err());
        let many_short: Vec<u8> = xml(10).repeat(200_000);
        assert_eq!(check_runs(&many_short[..]), Ok(()));
    }

    #[test]
    fn a_shared_strings_count_the_part_cannot_hold_is_refused() {
        assert_eq!(
            sst_unique_count(
                b"<?xml version=\"1.0\"?><sst xmlns=\"m\" count=\"3\" uniqueCount=\"7\">"
            ),
            Some(7)
        );
        assert_eq!(sst_unique_count(b"<x:sst uniqueCount=\"12\"/>"), None);
        assert_eq!(sst_unique_count(b"<x:sst uniqueCount=\"12\">"), Some(12));
    }

    #[test]
    fn a_part_inflating_more_than_the_ratio_is_a_bomb() {
        let path = concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/../../fixtures/bombs/ratio-1000.xlsx"
        );
        assert!(matches!(
            check_zip(&std::fs::read(path).unwrap()),
            Err(Damage::ZipBomb { .. })
        ));
        let path = concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/../../fixtures/bombs/honest-small.xlsx"
        );
        let bytes = std::fs::read(path).unwrap();
        assert_eq!(check_zip(&bytes), Ok(()));
        assert_eq!(check_zip_parts(&bytes, false), Ok(()));
    }

    #[test]
    fn accepts_the_zip_fixtures() {
        for name in ["leading-zeros.xlsx", "simple.ods"] {
            let path = format!("{}/../../fixtures/{name}", env!("CARGO_MANIFEST_DIR"));
            let bytes = std::fs::read(path).unwrap();
            assert!(find_eocd(&bytes).is_some(), "{name}");
            assert_eq!(check_zip(&bytes), Ok(()), "{name}");
        }
    }

    #[test]
    fn rejects_a_zip_entry_claiming_a_huge_uncompressed_size() {
        let path = concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/../../fixtures/leading-zeros.xlsx"
        );
        let mut b = std::fs::read(path).unwrap();
        let eocd = find_eocd(&b).unwrap();
        let cd = u32_at(&b, eocd + 16) as usize;
        put(&mut b, cd + 24, 0xF000_0000);
        assert_eq!(
            check_zip(&b),
            Err(Damage::ZipBomb {
                entry: 0,
                size: 0xF000_0000
            })
        );
    }
}
