//! IP fragment reassembly with bounded memory: a cap on datagrams in progress, on the
//! bytes of one datagram, and a timeout in capture time.
//!
//! Each datagram in progress keeps one buffer and two lists of byte ranges: the ranges
//! the fragments announced (which decide completeness) and the ranges actually captured
//! (a snap length may cut fragments). Overlaps keep the bytes that arrived first.

use std::collections::HashMap;
use std::mem;
use std::net::IpAddr;

use crate::{DecoderConfig, NetStats};

/// Disjoint holes tolerated in one datagram before it is dropped as hostile.
const MAX_RANGES: usize = 64;
/// Spare buffers kept for new datagrams.
const MAX_SPARE: usize = 8;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub(crate) struct FragmentKey {
    pub src: IpAddr,
    pub dst: IpAddr,
    pub id: u32,
    /// The IPv4 protocol; 0 for IPv6, which keys on addresses and id only.
    pub protocol: u8,
}

/// One fragment as the IP layer found it.
pub(crate) struct Fragment<'a> {
    pub key: FragmentKey,
    pub offset: usize,
    pub more: bool,
    /// The protocol (IPv4) or next header (IPv6) of the fragmentable part.
    pub next: u8,
    pub data: &'a [u8],
    /// Announced bytes after `data` the frame does not hold.
    pub missing: usize,
}

/// A reassembled datagram, in [`Reassembler::datagram`].
pub(crate) struct Complete {
    pub next: u8,
    /// Announced bytes the fragments did not hold; the datagram is cut at the first hole.
    pub missing: usize,
}

struct FragmentSet {
    first_seen: i64,
    data: Vec<u8>,
    announced: Ranges,
    captured: Ranges,
    /// Known once the last fragment (no "more fragments" flag) arrived.
    total: Option<usize>,
    /// From the fragment at offset 0.
    next: Option<u8>,
}

pub(crate) struct Reassembler {
    config: DecoderConfig,
    sets: HashMap<FragmentKey, FragmentSet>,
    /// The last reassembled datagram, borrowed by the decoded segment.
    pub datagram: Vec<u8>,
    spare: Vec<Vec<u8>>,
    last_purge: Option<i64>,
}

impl Reassembler {
    pub fn new(config: DecoderConfig) -> Self {
        Reassembler { config, sets: HashMap::new(), datagram: Vec::new(), spare: Vec::new(), last_purge: None }
    }

    pub fn pending(&self) -> (usize, usize) {
        (self.sets.len(), self.sets.values().map(|s| s.data.len()).sum())
    }

    /// Drops the datagrams in progress for longer than the timeout; once per second of
    /// capture time. A clock that jumps back by more than the timeout expires them too.
    pub fn purge(&mut self, now: i64, stats: &mut NetStats) {
        if self.sets.is_empty() || self.last_purge == Some(now) {
            return;
        }
        self.last_purge = Some(now);
        let timeout = u64::from(self.config.fragment_timeout_secs);
        let spare = &mut self.spare;
        self.sets.retain(|_, set| {
            let keep = set.first_seen.abs_diff(now) <= timeout;
            if !keep {
                stats.fragment_sets_timed_out += 1;
                recycle(spare, mem::take(&mut set.data));
            }
            keep
        });
    }

    /// Stores a fragment. Ok(Some) when it completed its datagram, now in `self.datagram`;
    /// Err with the reason when the fragment was refused.
    pub fn add(&mut self, frag: Fragment<'_>, now: i64, stats: &mut NetStats) -> Result<Option<Complete>, String> {
        stats.fragments += 1;
        let start = frag.offset;
        let captured_end = start + frag.data.len();
        let end = captured_end + frag.missing;
        if end > self.config.max_fragment_bytes {
            self.drop_set(&frag.key, stats);
            return Err(format!(
                "fragment ends at byte {end}, beyond the {}-byte reassembly limit",
                self.config.max_fragment_bytes
            ));
        }
        if !self.sets.contains_key(&frag.key) {
            if self.config.max_fragment_sets == 0 {
                return Err("fragment reassembly is disabled".into());
            }
            if self.sets.len() >= self.config.max_fragment_sets {
                let oldest = self.sets.iter().min_by_key(|(_, s)| s.first_seen).map(|(k, _)| *k);
                if let Some(oldest) = oldest {
                    self.remove(&oldest);
                    stats.fragment_sets_evicted += 1;
                }
            }
            let mut data = self.spare.pop().unwrap_or_default();
            data.clear();
            let set = FragmentSet {
                first_seen: now,
                data,
                announced: Ranges::default(),
                captured: Ranges::default(),
                total: None,
                next: None,
            };
            self.sets.insert(frag.key, set);
        }
        let Some(set) = self.sets.get_mut(&frag.key) else {
            return Ok(None);
        };

        // Refuse what contradicts the fragments already held.
        let conflict = match set.total {
            Some(total) if end > total => Some(format!("fragment ends at byte {end}, past the datagram's end {total}")),
            Some(total) if !frag.more && end != total => {
                Some(format!("last fragment ends at byte {end}, another ended at {total}"))
            }
            None if !frag.more && set.announced.end() > end => {
                Some(format!("last fragment ends at byte {end}, before bytes already held"))
            }
            _ => None,
        };
        if let Some(conflict) = conflict {
            stats.fragments_invalid += 1;
            return Err(conflict);
        }
        if !frag.more {
            set.total = Some(end);
        }
        if start == 0 {
            set.next.get_or_insert(frag.next);
        }
        if start < end {
            if set.announced.contains(start, end) {
                stats.fragments_duplicate += 1;
            } else if set.announced.overlaps(start, end) {
                stats.fragments_overlapping += 1;
            }
        }

        // Copy the captured bytes not held yet.
        if set.data.len() < captured_end {
            set.data.resize(captured_end, 0);
        }
        let FragmentSet { data, captured, .. } = &mut *set;
        captured.for_each_gap(start, captured_end, |from, to| {
            if let (Some(dst), Some(src)) = (data.get_mut(from..to), frag.data.get(from - start..to - start)) {
                dst.copy_from_slice(src);
            }
        });
        set.captured.add(start, captured_end);
        set.announced.add(start, end);
        if set.captured.len() > MAX_RANGES || set.announced.len() > MAX_RANGES {
            self.drop_set(&frag.key, stats);
            return Err(format!("more than {MAX_RANGES} holes in one datagram"));
        }

        // Complete when the announced bytes cover 0..total.
        let (Some(total), Some(next)) = (set.total, set.next) else {
            return Ok(None);
        };
        if set.announced.0.as_slice() != [(0, total)] {
            return Ok(None);
        }
        let Some(mut set) = self.sets.remove(&frag.key) else {
            return Ok(None);
        };
        let held = match set.captured.0.first() {
            Some(&(0, e)) => e,
            _ => 0,
        };
        set.data.truncate(held);
        let old = mem::replace(&mut self.datagram, set.data);
        recycle(&mut self.spare, old);
        stats.datagrams_reassembled += 1;
        Ok(Some(Complete { next, missing: total.saturating_sub(held) }))
    }

    fn drop_set(&mut self, key: &FragmentKey, stats: &mut NetStats) {
        if self.remove(key) {
            stats.fragment_sets_dropped += 1;
        }
    }

    fn remove(&mut self, key: &FragmentKey) -> bool {
        match self.sets.remove(key) {
            Some(set) => {
                recycle(&mut self.spare, set.data);
                true
            }
            None => false,
        }
    }
}

fn recycle(spare: &mut Vec<Vec<u8>>, mut buf: Vec<u8>) {
    if spare.len() < MAX_SPARE && buf.capacity() > 0 {
        buf.clear();
        spare.push(buf);
    }
}

/// Sorted, disjoint, non-adjacent half-open byte ranges.
#[derive(Debug, Default)]
struct Ranges(Vec<(usize, usize)>);

impl Ranges {
    fn len(&self) -> usize {
        self.0.len()
    }

    fn end(&self) -> usize {
        self.0.last().map_or(0, |r| r.1)
    }

    fn add(&mut self, mut start: usize, mut end: usize) {
        if start >= end {
            return;
        }
        let first = self.0.partition_point(|r| r.1 < start);
        let mut last = first;
        while let Some(&(s, e)) = self.0.get(last) {
            if s > end {
                break;
            }
            start = start.min(s);
            end = end.max(e);
            last += 1;
        }
        self.0.splice(first..last, [(start, end)]);
    }

    fn contains(&self, start: usize, end: usize) -> bool {
        self.0.iter().any(|&(s, e)| s <= start && end <= e)
    }

    fn overlaps(&self, start: usize, end: usize) -> bool {
        self.0.iter().any(|&(s, e)| s < end && start < e)
    }

    /// Calls `f` for each part of `start..end` no range covers.
    fn for_each_gap(&self, start: usize, end: usize, mut f: impl FnMut(usize, usize)) {
        let mut at = start;
        for &(s, e) in &self.0 {
            if at >= end {
                return;
            }
            if e <= at {
                continue;
            }
            if s > at {
                f(at, s.min(end));
            }
            at = at.max(e);
        }
        if at < end {
            f(at, end);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::Ranges;

    fn gaps(r: &Ranges, s: usize, e: usize) -> Vec<(usize, usize)> {
        let mut v = Vec::new();
        r.for_each_gap(s, e, |a, b| v.push((a, b)));
        v
    }

    #[test]
    fn ranges_merge_and_gaps() {
        let mut r = Ranges::default();
        r.add(10, 20);
        r.add(30, 40);
        r.add(0, 0);
        assert_eq!(r.0, [(10, 20), (30, 40)]);
        assert_eq!(gaps(&r, 0, 50), [(0, 10), (20, 30), (40, 50)]);
        assert_eq!(gaps(&r, 12, 35), [(20, 30)]);
        assert_eq!(gaps(&r, 12, 18), []);
        r.add(20, 30); // adjacent on both sides
        assert_eq!(r.0, [(10, 40)]);
        r.add(0, 5);
        r.add(45, 50);
        r.add(3, 47);
        assert_eq!(r.0, [(0, 50)]);
        assert!(r.contains(0, 50) && !r.contains(0, 51));
        assert!(r.overlaps(49, 60) && !r.overlaps(50, 60));
    }
}
