//! A UDP template -> a replica's packets: the seed's datagrams, verbatim, at their
//! relative times (DTLS and QUIC carry their own retransmissions and ordering).

use crate::packet::{nanos, Body, IpIds, Packet};
use crate::seed::UdpFlow;

pub fn replay(flow: &UdpFlow, first_ip_id: [u16; 2]) -> Vec<Packet> {
    let mut ip_ids = IpIds::new(first_ip_id);
    let mut not_before = 0;
    flow.datagrams
        .iter()
        .enumerate()
        .map(|(index, d)| {
            // A seed's clock may step back; the output's may not, and the order stays.
            not_before = nanos(d.at).max(not_before);
            Packet {
                at_ns: not_before,
                sender: d.sender,
                ip_id: ip_ids.next(d.sender),
                body: Body::Datagram { index: index as u32 },
            }
        })
        .collect()
}
