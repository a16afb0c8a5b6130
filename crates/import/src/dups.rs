//! The exact in-file duplicate check, in bounded memory whatever the file size.
//!
//! Keys (an order id, a contact id, or a conversion's identifiers + goal + time) are compared
//! byte for byte: a row is reported as a repeat only when an earlier row has the very same
//! key; the 64-bit hash only picks slots and partitions. While the distinct keys fit in
//! [`MEM_BUDGET`] they live in memory and repeats are known at once. Past that, every key
//! seen so far and every later one goes to one of [`PARTS`] partition files on disk (by the
//! hash's top bits); at the end each partition is read back in file order with its own
//! in-memory set, so the memory then is that of one partition's distinct keys (about
//! 1/[`PARTS`] of them). Owns no rules: [`crate::validate`] decides what the key is and
//! reports the repeats.

use std::fs::File;
use std::io::{self, BufReader, BufWriter, Read, Write};
use std::path::PathBuf;

/// Bytes of keys and slots kept in memory before the check moves to partition files.
pub(crate) const MEM_BUDGET: usize = 16 << 20;
/// Partition files once spilled.
pub(crate) const PARTS: usize = 128;

/// A set of byte keys with their 64-bit hashes: open addressing over (hash, entry) slots,
/// keys in one arena. Exact: equal hashes are compared byte for byte.
#[derive(Default)]
pub(crate) struct KeyArena {
    hashes: Vec<u64>,
    /// Entry index + 1 (0 = empty slot).
    entries: Vec<u32>,
    arena: Vec<u8>,
    /// End offset of each entry's key in `arena`.
    ends: Vec<u32>,
}

impl KeyArena {
    fn key(&self, e: usize) -> &[u8] {
        let start = if e == 0 { 0 } else { self.ends[e - 1] as usize };
        &self.arena[start..self.ends[e] as usize]
    }

    /// Memory held (slots and keys).
    pub(crate) fn bytes(&self) -> usize {
        self.hashes.capacity() * 12 + self.arena.capacity() + self.ends.capacity() * 4
    }

    /// Whether the next insert doubles the slots, and the slot bytes it would then hold.
    fn next_grow(&self) -> Option<usize> {
        ((self.ends.len() + 1) * 4 > self.hashes.len() * 3)
            .then(|| (self.hashes.len() * 2).max(1024) * 12)
    }

    fn grow(&mut self) {
        let want = (self.hashes.len() * 2).max(1024);
        let old_h = std::mem::replace(&mut self.hashes, vec![0; want]);
        let old_e = std::mem::replace(&mut self.entries, vec![0; want]);
        let mask = want - 1;
        for (h, e) in old_h.into_iter().zip(old_e).filter(|(_, e)| *e != 0) {
            let mut i = (h as usize) & mask;
            while self.entries[i] != 0 {
                i = (i + 1) & mask;
            }
            self.hashes[i] = h;
            self.entries[i] = e;
        }
    }

    /// False when an equal key is already in the set.
    pub(crate) fn insert(&mut self, hash: u64, key: &[u8]) -> io::Result<bool> {
        if (self.ends.len() + 1) * 4 > self.hashes.len() * 3 {
            self.grow();
        }
        let mask = self.hashes.len() - 1;
        let mut i = (hash as usize) & mask;
        loop {
            let e = self.entries[i];
            if e == 0 {
                break;
            }
            if self.hashes[i] == hash && self.key(e as usize - 1) == key {
                return Ok(false);
            }
            i = (i + 1) & mask;
        }
        let too_big = || io::Error::other("duplicate key arena over 4 GB");
        self.arena.extend_from_slice(key);
        let end = u32::try_from(self.arena.len()).map_err(|_| too_big())?;
        self.ends.push(end);
        self.hashes[i] = hash;
        self.entries[i] = u32::try_from(self.ends.len()).map_err(|_| too_big())?;
        Ok(true)
    }

    /// Every (hash, key), in insertion order.
    fn iter(&self) -> impl Iterator<Item = (u64, &[u8])> + '_ {
        let mut hash_of = vec![0u64; self.ends.len()];
        for (h, e) in self.hashes.iter().zip(&self.entries) {
            if *e != 0 {
                hash_of[*e as usize - 1] = *h;
            }
        }
        (0..self.ends.len()).map(move |e| (hash_of[e], self.key(e)))
    }
}

/// Partition files of the spilled check; removed on drop.
struct Spill {
    dir: PathBuf,
    parts: Vec<BufWriter<File>>,
}

impl Drop for Spill {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}

fn part_of(hash: u64) -> usize {
    (hash >> 57) as usize % PARTS
}

/// One spilled key: hash, line, record, key length, key (little endian).
fn write_record(
    w: &mut impl Write,
    hash: u64,
    line: u64,
    record: u64,
    key: &[u8],
) -> io::Result<()> {
    let len = u32::try_from(key.len()).map_err(|_| io::Error::other("key over 4 GB"))?;
    w.write_all(&hash.to_le_bytes())?;
    w.write_all(&line.to_le_bytes())?;
    w.write_all(&record.to_le_bytes())?;
    w.write_all(&len.to_le_bytes())?;
    w.write_all(key)
}

/// The duplicate check of one file.
pub(crate) struct DupIndex {
    mem: KeyArena,
    budget: usize,
    spill: Option<Spill>,
}

/// What [`DupIndex::add`] knows about a key right away.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Seen {
    First,
    Repeat,
    /// Spilled: known at [`DupIndex::finish`].
    Later,
}

impl DupIndex {
    pub(crate) fn new(budget: usize) -> DupIndex {
        DupIndex {
            mem: KeyArena::default(),
            budget,
            spill: None,
        }
    }

    /// Whether the check moved to partition files.
    #[cfg(test)]
    pub(crate) fn spilled(&self) -> bool {
        self.spill.is_some()
    }

    /// Add one row's key (rows in file order).
    pub(crate) fn add(
        &mut self,
        hash: u64,
        key: &[u8],
        line: u64,
        record: u64,
    ) -> io::Result<Seen> {
        if let Some(s) = self.spill.as_mut() {
            write_record(&mut s.parts[part_of(hash)], hash, line, record, key)?;
            return Ok(Seen::Later);
        }
        // Spill rather than grow past the budget (a doubling briefly holds both slot arrays).
        let grown = self.mem.next_grow().map_or(0, |g| g + self.mem.bytes());
        if grown > self.budget || self.mem.bytes() + key.len() > self.budget {
            self.start_spill()?;
            return self.add(hash, key, line, record);
        }
        if !self.mem.insert(hash, key)? {
            return Ok(Seen::Repeat);
        }
        Ok(Seen::First)
    }

    /// Move the keys held in memory (each a first occurrence; line 0 marks them) to fresh
    /// partition files.
    fn start_spill(&mut self) -> io::Result<()> {
        use std::sync::atomic::{AtomicU64, Ordering};
        static N: AtomicU64 = AtomicU64::new(0);
        let stamp = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0, |d| d.as_nanos());
        let dir = std::env::temp_dir().join(format!(
            "mbridge-dups-{}-{stamp}-{}",
            std::process::id(),
            N.fetch_add(1, Ordering::Relaxed)
        ));
        std::fs::create_dir_all(&dir)?;
        let mut spill = Spill {
            dir,
            parts: Vec::with_capacity(PARTS),
        };
        for i in 0..PARTS {
            let f = mb_schema::fs::create_private(&spill.dir.join(format!("{i}.keys")))?;
            spill.parts.push(BufWriter::with_capacity(32 << 10, f));
        }
        let mem = std::mem::take(&mut self.mem);
        for (hash, key) in mem.iter() {
            write_record(&mut spill.parts[part_of(hash)], hash, 0, 0, key)?;
        }
        self.spill = Some(spill);
        Ok(())
    }

    /// Read the partitions back and call `repeat(line, record, key)` for every spilled row
    /// whose key an earlier row has (each partition in file order; the key is kept for the
    /// first [`KEYS_KEPT`] repeats of a partition, which a report can say, empty after). Two
    /// threads read partitions.
    pub(crate) fn finish(mut self, mut repeat: impl FnMut(u64, u64, &[u8])) -> io::Result<()> {
        let Some(mut spill) = self.spill.take() else {
            return Ok(());
        };
        for w in std::mem::take(&mut spill.parts) {
            w.into_inner().map_err(|e| e.into_error())?;
        }
        let dir = &spill.dir;
        let found: Vec<io::Result<Vec<Found>>> = std::thread::scope(|scope| {
            let workers: Vec<_> = (0..2)
                .map(|t| {
                    scope.spawn(move || {
                        let mut found = Vec::new();
                        for i in (t..PARTS).step_by(2) {
                            read_part(&dir.join(format!("{i}.keys")), &mut found)?;
                        }
                        Ok(found)
                    })
                })
                .collect();
            workers
                .into_iter()
                .map(|w| {
                    w.join()
                        .unwrap_or_else(|_| Err(io::Error::other("panicked")))
                })
                .collect()
        });
        for f in found {
            for (line, record, key) in f? {
                repeat(line, record, key.as_deref().unwrap_or_default());
            }
        }
        Ok(())
    }
}

/// A spilled repeat: its line, record and key (none past [`KEYS_KEPT`]).
type Found = (u64, u64, Option<Box<[u8]>>);

/// Repeats of one partition whose key is kept for the report (which keeps the texts of its
/// first 1000 warnings).
const KEYS_KEPT: usize = 1024;

/// Read one partition file in order; push (line, record, key) of each key seen before in it.
fn read_part(path: &std::path::Path, found: &mut Vec<Found>) -> io::Result<()> {
    let mut kept = 0;
    let mut r = BufReader::with_capacity(64 << 10, File::open(path)?);
    let mut set = KeyArena::default();
    let mut head = [0u8; 28];
    let mut key = Vec::new();
    loop {
        match r.read_exact(&mut head) {
            Ok(()) => {}
            Err(e) if e.kind() == io::ErrorKind::UnexpectedEof => break,
            Err(e) => return Err(e),
        }
        let word = |at: usize| {
            let mut b = [0u8; 8];
            b.copy_from_slice(&head[at..at + 8]);
            u64::from_le_bytes(b)
        };
        let (hash, line, record) = (word(0), word(8), word(16));
        let mut lb = [0u8; 4];
        lb.copy_from_slice(&head[24..28]);
        key.resize(u32::from_le_bytes(lb) as usize, 0);
        r.read_exact(&mut key)?;
        if !set.insert(hash, &key)? && line != 0 {
            // The key of the first repeats only (all a report says): past them, none is held.
            kept += 1;
            found.push((
                line,
                record,
                (kept <= KEYS_KEPT).then(|| key.clone().into()),
            ));
        }
    }
    drop(r);
    let _ = std::fs::remove_file(path);
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashSet;

    /// A deliberately poor hash: many distinct keys share it, so only the byte comparison
    /// keeps the check exact.
    fn weak(key: &[u8]) -> u64 {
        (key.len() as u64).wrapping_mul(0x9e37_79b9_7f4a_7c15)
    }

    fn run(keys: &[Vec<u8>], budget: usize, hash: fn(&[u8]) -> u64) -> (Vec<u64>, bool) {
        let mut d = DupIndex::new(budget);
        let mut rep = Vec::new();
        for (i, k) in keys.iter().enumerate() {
            let line = i as u64 + 2;
            if d.add(hash(k), k, line, line - 1).unwrap() == Seen::Repeat {
                rep.push(line);
            }
        }
        let spilled = d.spilled();
        d.finish(|line, _, _| rep.push(line)).unwrap();
        rep.sort_unstable();
        (rep, spilled)
    }

    fn expected(keys: &[Vec<u8>]) -> Vec<u64> {
        let mut seen = HashSet::new();
        keys.iter()
            .enumerate()
            .filter(|(_, k)| !seen.insert(k.to_vec()))
            .map(|(i, _)| i as u64 + 2)
            .collect()
    }

    fn keys() -> Vec<Vec<u8>> {
        let mut x = 0x1234_5678u64;
        (0..20_000)
            .map(|i| {
                x ^= x << 13;
                x ^= x >> 7;
                x ^= x << 17;
                if i % 7 == 3 {
                    format!("ORD-{}", x % 3000).into_bytes()
                } else {
                    format!("ORD-{i}").into_bytes()
                }
            })
            .collect()
    }

    #[test]
    fn in_memory_check_is_exact_even_when_hashes_collide() {
        let k = keys();
        let (rep, spilled) = run(&k, usize::MAX, weak);
        assert!(!spilled);
        assert_eq!(rep, expected(&k));
    }

    #[test]
    fn spilled_check_finds_exactly_the_same_repeats() {
        let k = keys();
        // A tiny budget: spills after a few hundred keys, old keys go to the partitions.
        let (rep, spilled) = run(&k, 16 << 10, weak);
        assert!(spilled);
        assert_eq!(rep, expected(&k));
        // And with a well-spread hash (FNV-1a), so keys land in every partition.
        let fnv = |key: &[u8]| {
            key.iter().fold(0xcbf2_9ce4_8422_2325u64, |h, b| {
                (h ^ u64::from(*b)).wrapping_mul(0x100_0000_01b3)
            })
        };
        let (rep, spilled) = run(&k, 16 << 10, fnv);
        assert!(spilled);
        assert_eq!(rep, expected(&k));
    }

    #[test]
    fn spill_files_are_removed() {
        let mut d = DupIndex::new(0);
        d.add(1, b"a", 2, 1).unwrap();
        let dir = d.spill.as_ref().unwrap().dir.clone();
        assert!(dir.exists());
        d.finish(|_, _, _| {}).unwrap();
        assert!(!dir.exists());
    }
}
