//! Capture files -> frames: pcap (both byte orders, micro/nanosecond), pcapng (sections,
//! interfaces, EPB/SPB/obsolete packet blocks, decryption-secrets blocks), gzip-wrapped.
#![forbid(unsafe_code)]

/// A capture timestamp (UTC), nanosecond resolution.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
pub struct Timestamp {
    pub secs: i64,
    pub nanos: u32,
}

/// A link-layer header type (LINKTYPE_* from the tcpdump registry); unknown values kept.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct LinkType(pub u32);

impl LinkType {
    pub const NULL: LinkType = LinkType(0);
    pub const ETHERNET: LinkType = LinkType(1);
    pub const RAW: LinkType = LinkType(101);
    pub const LOOP: LinkType = LinkType(108);
    pub const LINUX_SLL: LinkType = LinkType(113);
    pub const IPV4: LinkType = LinkType(228);
    pub const IPV6: LinkType = LinkType(229);
    pub const LINUX_SLL2: LinkType = LinkType(276);
}

/// One captured packet, borrowed from the reader's buffer until the next call.
#[derive(Debug, Clone, Copy)]
pub struct Frame<'a> {
    /// 1-based record number in the file, as Wireshark numbers frames.
    pub number: u64,
    pub timestamp: Timestamp,
    pub link_type: LinkType,
    /// The captured bytes (may be shorter than `original_len` when cut by the snap length).
    pub data: &'a [u8],
    pub original_len: u32,
    /// pcapng interface id (0 for pcap).
    pub interface: u32,
}

impl Frame<'_> {
    /// True when the capture kept fewer bytes than were on the wire.
    pub fn is_cut(&self) -> bool {
        (self.data.len() as u64) < u64::from(self.original_len)
    }
}
