//! One replica in flight: its addresses, its packets (descriptors) and how far it has
//! been written. Frames are encoded one at a time, as the merge asks for them.

use std::io::{self, Write};

use crate::frame::{self, Endpoint, MAX_HEADER_LEN};
use crate::impair::{Impairer, Impairments};
use crate::packet::{Body, Packet};
use crate::schedule::ReplicaPlan;
use crate::seed::{Flow, Template};
use crate::tcp_segmenter;
use crate::udp_replay;
use crate::writer::CaptureWriter;

/// The capture is taken next to the client: its MAC, and the gateway's.
const CLIENT_MAC: [u8; 6] = [2, 0, 0, 0, 0, 1];
const GATEWAY_MAC: [u8; 6] = [2, 0, 0, 0, 0, 0xfe];
const CLIENT_TTL: u8 = 64;
const CLIENT_WINDOW: u16 = 2052;
const SERVER_WINDOW: u16 = 501;

pub struct Replica {
    pub plan: ReplicaPlan,
    /// The replica's manifest row.
    pub row: usize,
    pub impairments: Impairments,
    endpoints: [Endpoint; 2],
    packets: Vec<Packet>,
    next: usize,
}

impl Replica {
    pub fn new(plan: ReplicaPlan, template: &Template, impairer: &mut Impairer, row: usize) -> Replica {
        let path = &plan.path;
        let client = Endpoint { mac: CLIENT_MAC, addr: plan.client, ttl: CLIENT_TTL, window: CLIENT_WINDOW };
        let server = Endpoint { mac: GATEWAY_MAC, addr: plan.server, ttl: path.server_ttl, window: SERVER_WINDOW };
        let (packets, impairments) = match &template.flow {
            Flow::Tcp(tcp) => tcp_segmenter::segment(tcp, path, impairer),
            Flow::Udp(udp) => (udp_replay::replay(udp, path.first_ip_id), Impairments::default()),
        };
        Replica { plan, row, impairments, endpoints: [client, server], packets, next: 0 }
    }

    /// Bytes its records will take in the output.
    pub fn output_len<W: Write>(&self, template: &Template, writer: &CaptureWriter<W>) -> u64 {
        self.packets.iter().map(|p| writer.record_len(frame_len(p, template))).sum()
    }

    pub fn is_empty(&self) -> bool {
        self.packets.is_empty()
    }

    pub fn is_first_packet_next(&self) -> bool {
        self.next == 0
    }

    /// Nanoseconds after the capture's start of its next packet (`u64::MAX` when done).
    pub fn next_time(&self) -> u64 {
        self.packets.get(self.next).map_or(u64::MAX, |p| self.plan.start_ns + p.at_ns)
    }

    /// Writes the next packet; false once every packet is written.
    pub fn write_next<W: Write>(
        &mut self,
        template: &Template,
        base_ns: u64,
        writer: &mut CaptureWriter<W>,
    ) -> io::Result<bool> {
        let Some(p) = self.packets.get(self.next) else { return Ok(false) };
        let from = &self.endpoints[p.sender.index()];
        let to = &self.endpoints[p.sender.other().index()];
        let mut header = [0u8; MAX_HEADER_LEN];
        let (header_len, payload) = match (p.body, &template.flow) {
            (Body::Tcp { fields, payload_start, payload_len }, Flow::Tcp(tcp)) => {
                let start = payload_start as usize;
                let payload = &tcp.streams[p.sender.index()][start..start + payload_len as usize];
                (frame::tcp_headers(&mut header, from, to, p.ip_id, fields, payload), payload)
            }
            (Body::Datagram { index }, Flow::Udp(udp)) => {
                let payload = &udp.datagrams[index as usize].payload[..];
                (frame::udp_headers(&mut header, from, to, p.ip_id, payload), payload)
            }
            // Packets are made from their own template: a mismatch is a bug, reported
            // as an error rather than a panic.
            _ => return Err(io::Error::other("a packet does not match its template's transport")),
        };
        writer.frame(base_ns + self.plan.start_ns + p.at_ns, &header[..header_len], payload)?;
        self.next += 1;
        Ok(self.next < self.packets.len())
    }

    /// Frees the packet list once written.
    pub fn release(&mut self) {
        self.packets = Vec::new();
    }
}

fn frame_len(p: &Packet, template: &Template) -> usize {
    match (p.body, &template.flow) {
        (Body::Tcp { fields, payload_len, .. }, _) => frame::tcp_frame_len(fields.syn_options, payload_len as usize),
        (Body::Datagram { index }, Flow::Udp(udp)) => frame::udp_frame_len(udp.datagrams[index as usize].payload.len()),
        (Body::Datagram { .. }, Flow::Tcp(_)) => 0,
    }
}
