//! A TCP template -> a replica's packets: handshake with options, the flights cut to the
//! MSS, delayed ACKs (one per two segments), FIN/RST as in the seed, impairments, all
//! timed from the replica's path (the capture point is next to the client).

use crate::frame::{TcpFields, MSS};
use crate::impair::{Impairer, Impairments};
use crate::packet::{nanos, Body, IpIds, Packet};
use crate::schedule::PathProfile;
use crate::seed::{Side, TcpEvent, TcpFlow};

const FIN: u8 = 0x01;
const SYN: u8 = 0x02;
const RST: u8 = 0x04;
const PSH: u8 = 0x08;
const ACK: u8 = 0x10;

/// Packets of one replica in time order, and the impairments applied.
pub fn segment(flow: &TcpFlow, path: &PathProfile, impairer: &mut Impairer) -> (Vec<Packet>, Impairments) {
    let mut s = Segmenter {
        packets: Vec::with_capacity(estimated_packets(flow)),
        ip_ids: IpIds::new(path.first_ip_id),
        isn: path.isn,
        sent: [1, 1], // the SYNs take one sequence number each
    };
    let mut applied = Impairments::default();
    let rtt = path.rtt;
    let mut t = 0.0;
    s.push(t, Side::Client, s.isn[0], 0, SYN, None, true);
    t += rtt;
    s.push(t, Side::Server, s.isn[1], s.isn[0].wrapping_add(1), SYN | ACK, None, true);
    t += path.client_delay * 0.2;
    s.push(t, Side::Client, s.isn[0].wrapping_add(1), s.isn[1].wrapping_add(1), ACK, None, false);
    t += path.client_delay;

    let mut last_sender = Side::Client;
    for (i, step) in flow.steps.iter().enumerate() {
        let (me, peer) = (step.sender, step.sender.other());
        if me != last_sender {
            // The other side reacts once the last flight has reached it.
            t += match last_sender {
                Side::Client => rtt + path.server_delay,
                Side::Server => path.client_delay,
            };
            last_sender = me;
        }
        let next = flow.steps.get(i + 1);
        let ack = s.next_seq(peer);
        match step.event {
            TcpEvent::Data { start, end } => {
                let peer_answers_with_data =
                    next.is_some_and(|n| n.sender == peer && matches!(n.event, TcpEvent::Data { .. }));
                let flight = Flight { sender: me, start, end, ack, closing_ack: !peer_answers_with_data };
                t = s.flight(flight, t, path, impairer, &mut applied);
            }
            TcpEvent::Fin => {
                s.push(t, me, s.next_seq(me), ack, FIN | ACK, None, false);
                s.sent[me.index()] = s.sent[me.index()].wrapping_add(1);
                t += 5e-6;
                // The peer's own FIN acknowledges this one when it comes next.
                if next.map_or(true, |n| n.sender == me) {
                    let seen_after = match me {
                        Side::Server => path.client_delay,
                        Side::Client => rtt,
                    };
                    s.push(t + seen_after, peer, s.next_seq(peer), s.next_seq(me), ACK, None, false);
                }
            }
            TcpEvent::Rst => {
                s.push(t, me, s.next_seq(me), ack, RST | ACK, None, false);
                break;
            }
        }
    }
    // Stable: packets of the same instant keep the order they were made in.
    s.packets.sort_by_key(|p| p.at_ns);
    (s.packets, applied)
}

/// A rough packet count for the capacity of the packet list.
fn estimated_packets(flow: &TcpFlow) -> usize {
    let segments = (flow.streams[0].len() + flow.streams[1].len()) / MSS + flow.steps.len();
    3 + segments + segments / 2 + 6
}

struct Segmenter {
    packets: Vec<Packet>,
    ip_ids: IpIds,
    isn: [u32; 2],
    /// Sequence space used by each side so far, relative to its ISN.
    sent: [u32; 2],
}

struct Flight {
    sender: Side,
    start: usize,
    end: usize,
    /// The acknowledgment number the sender's segments carry.
    ack: u32,
    /// Whether the receiver acknowledges the end of the flight by itself (it does not
    /// when its reply carries the ACK).
    closing_ack: bool,
}

impl Segmenter {
    fn next_seq(&self, side: Side) -> u32 {
        self.isn[side.index()].wrapping_add(self.sent[side.index()])
    }

    #[allow(clippy::too_many_arguments)]
    fn push(
        &mut self,
        t: f64,
        sender: Side,
        seq: u32,
        ack: u32,
        flags: u8,
        payload: Option<(usize, usize)>,
        syn_options: bool,
    ) {
        let (payload_start, payload_len) = payload.unwrap_or((0, 0));
        self.packets.push(Packet {
            at_ns: nanos(t),
            sender,
            ip_id: self.ip_ids.next(sender),
            body: Body::Tcp {
                fields: TcpFields { seq, ack, flags, syn_options },
                payload_start: payload_start as u32,
                payload_len: payload_len as u32,
            },
        });
    }

    /// Sends one flight from time `t`; returns when its last segment has left.
    fn flight(
        &mut self,
        f: Flight,
        mut t: f64,
        path: &PathProfile,
        impairer: &mut Impairer,
        applied: &mut Impairments,
    ) -> f64 {
        let (me, peer) = (f.sender, f.sender.other());
        let len = f.end - f.start;
        let n = len.div_ceil(MSS);
        let plan = impairer.plan_flight(n);
        *applied += plan.applied;
        let base = self.next_seq(me);
        // The receiver's ACKs: seen at once when the client receives, one RTT later when
        // the server does.
        let ack_seen_after = match me {
            Side::Server => 0.0,
            Side::Client => path.rtt,
        };
        // The server's segments arrive at the link rate; the client's leave faster.
        let spacing = match me {
            Side::Server => path.serialization,
            Side::Client => path.serialization * 0.5,
        };
        let acked_bytes = |in_order: usize| (in_order * MSS).min(len) as u32;
        let mut received = vec![false; n];
        let mut in_order = 0; // leading segments the receiver holds
        let mut unacked = 0;
        let mut last_t = t;
        for (pos, &j) in plan.order.iter().enumerate() {
            let offset = j * MSS;
            let payload = Some((f.start + offset, MSS.min(len - offset)));
            let seq = base.wrapping_add(offset as u32);
            let flags = if j == n - 1 { ACK | PSH } else { ACK };
            last_t = t;
            if !plan.dropped[j] {
                self.push(t, me, seq, f.ack, flags, payload, false);
            }
            received[j] = true;
            let out_of_order = j != in_order;
            while in_order < n && received[in_order] {
                in_order += 1;
            }
            unacked += 1;
            let fills_hole = pos > 0 && plan.order[pos - 1] > j;
            if out_of_order || fills_hole || unacked >= 2 {
                let ack = base.wrapping_add(acked_bytes(in_order));
                self.push(t + ack_seen_after + 10e-6, peer, self.next_seq(peer), ack, ACK, None, false);
                unacked = 0;
            }
            if let Some(extra) = plan.retransmit[j] {
                let again = t + (2.0 * path.rtt).max(0.2) + extra;
                self.push(again, me, seq, f.ack, flags, payload, false);
                let ack = base.wrapping_add(acked_bytes(in_order));
                self.push(again + ack_seen_after + 10e-6, peer, self.next_seq(peer), ack, ACK, None, false);
            }
            t += spacing;
        }
        self.sent[me.index()] = self.sent[me.index()].wrapping_add(len as u32);
        if unacked > 0 && f.closing_ack {
            self.push(last_t + ack_seen_after + 5e-6, peer, self.next_seq(peer), self.next_seq(me), ACK, None, false);
        }
        t
    }
}
