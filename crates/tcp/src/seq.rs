//! Sequence-number arithmetic that wraps, and never panics.

/// A TCP sequence number (modulo 2^32).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct SeqNumber(pub u32);

impl SeqNumber {
    /// Signed distance from `self` to `other`, valid while the two are within 2^31.
    pub fn distance_to(self, other: SeqNumber) -> i64 {
        i64::from(other.0.wrapping_sub(self.0) as i32)
    }

    pub fn wrapping_add(self, n: u32) -> SeqNumber {
        SeqNumber(self.0.wrapping_add(n))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn distance_wraps_around_zero() {
        assert_eq!(SeqNumber(0xffff_fff0).distance_to(SeqNumber(0x10)), 0x20);
        assert_eq!(SeqNumber(0x10).distance_to(SeqNumber(0xffff_fff0)), -0x20);
        assert_eq!(SeqNumber(5).wrapping_add(u32::MAX), SeqNumber(4));
    }
}
