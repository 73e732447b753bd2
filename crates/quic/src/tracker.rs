//! Datagrams -> QUIC connections, identified by their connection IDs (not four-tuples:
//! a connection survives migration and NAT rebinding, and one four-tuple may carry
//! several). A connection ID is only unique at the server that routes by it, so IDs are
//! known together with the connection's server address: two servers' connections that
//! happen to use the same IDs stay apart. Each datagram is split into its coalesced
//! packets, each packet opened with the keys of its level, and its frames turned into
//! events.

use std::collections::{BTreeSet, HashMap, HashSet};
use std::net::SocketAddr;

use tlsdoctor_tcp::Side;

use crate::close::CloseCode;
use crate::crypto_stream::{CryptoStream, StreamProblem};
use crate::event::{Level, PacketStatus, QuicEvent, QuicEventKind};
use crate::frames::{parse_frames, Frame};
use crate::hello;
use crate::packet::{
    decode_packet_number, is_padding, open_payload, remove_header_protection, split_as_known, split_packet, unprotect,
    Opened, PacketType, RawPacket,
};
use crate::protection::{retry_tag_ok, PacketKeys, QuicSuite};
use crate::secrets::{QuicSecrets, TrafficSecret};
use crate::transport_params;
use crate::version;

/// A client's first Initial is in a datagram of at least 1200 bytes with a Destination
/// Connection ID of at least 8 (RFC 9000 §14.1, §7.2): what makes an unreadable long
/// header count as a connection attempt.
const MIN_INITIAL_DATAGRAM: usize = 1200;
const MIN_INITIAL_DCID: usize = 8;

/// foldhash, randomly seeded: the maps are looked up for every packet (about twice as
/// fast as SipHash), and no capture can be made to collide without this run's seed.
type Seeded = foldhash::fast::RandomState;

/// A server address's connection IDs: the connection, and the peer that chose the ID.
type CidMap = HashMap<Vec<u8>, (usize, Side), Seeded>;

#[derive(Default)]
pub struct QuicTracker {
    conns: Connections,
    /// The connection's server address -> connection ID -> connection, and the peer
    /// that chose the ID (the one that receives packets addressed to it).
    by_cid: HashMap<SocketAddr, CidMap, Seeded>,
    /// Lengths of the known connection IDs, to find a short header's.
    cid_lens: BTreeSet<usize>,
    /// Clients that chose a zero-length connection ID, by address.
    empty_cid_clients: HashMap<SocketAddr, usize, Seeded>,
    /// Stateless reset tokens (with the connection's server address), by the connection
    /// and the peer that would send the reset.
    reset_tokens: HashMap<([u8; 16], SocketAddr), (usize, Side)>,
    /// Address pairs already reported as carrying packets of no known connection (a
    /// capture started mid-connection would otherwise report every packet).
    unknown_reported: HashSet<(SocketAddr, SocketAddr)>,
}

/// The connection IDs known at a packet's two addresses.
struct KnownIds<'a> {
    at_dst: Option<&'a CidMap>,
    at_src: Option<&'a CidMap>,
}

impl KnownIds<'_> {
    fn is_empty(&self) -> bool {
        self.at_dst.is_none() && self.at_src.is_none()
    }

    /// A server's ID is known with the packet's destination, a client's with its source.
    fn find(&self, cid: &[u8]) -> Option<(usize, Side)> {
        let at =
            |ids: Option<&CidMap>, owner: Side| ids.and_then(|ids| ids.get(cid)).filter(|(_, o)| *o == owner).copied();
        at(self.at_dst, Side::Server).or_else(|| at(self.at_src, Side::Client))
    }
}

/// The connections being followed, by number. Numbers are never reused; a connection
/// that is over leaves the table, so it holds the open ones only, however long the
/// capture.
#[derive(Default)]
struct Connections {
    by_number: HashMap<usize, Connection, Seeded>,
    /// Connections opened so far: the next one's number.
    opened: usize,
}

impl Connections {
    fn open(&mut self, conn: Connection) -> usize {
        let number = self.opened;
        self.opened += 1;
        self.by_number.insert(number, conn);
        number
    }

    fn contains(&self, number: usize) -> bool {
        self.by_number.contains_key(&number)
    }
}

/// Numbers come from the tracker's maps, from which `forget` takes a connection's
/// entries as it drops the connection: a number found is one held.
impl std::ops::Index<usize> for Connections {
    type Output = Connection;
    fn index(&self, number: usize) -> &Connection {
        &self.by_number[&number]
    }
}

impl std::ops::IndexMut<usize> for Connections {
    fn index_mut(&mut self, number: usize) -> &mut Connection {
        self.by_number.get_mut(&number).expect("a connection number found in the maps is held")
    }
}

/// Bounds on what hostile input can make the tracker keep.
const MAX_RESET_TOKENS: usize = 1 << 16;
const MAX_UNKNOWN_REPORTED: usize = 1 << 12;

struct Connection {
    /// The last frame with a packet of the connection.
    last_frame: u64,
    /// The version of the last long header opened: short headers carry none, and
    /// compatible version negotiation (RFC 9368) may change it during the handshake.
    version: u32,
    client: SocketAddr,
    server: SocketAddr,
    /// Destination Connection IDs the client's Initials used, newest first (a Retry adds
    /// one); Initial keys derive from them.
    initial_dcids: Vec<Vec<u8>>,
    initial_keys: Vec<(u32, Vec<u8>, [PacketKeys; 2])>,
    client_random: Option<[u8; 32]>,
    suite: Option<QuicSuite>,
    secret_keys: HashMap<(Level, Side), KeyPhases>,
    /// Largest packet number opened, by sender and packet number space.
    largest: [[Option<u64>; 3]; 2],
    /// CRYPTO streams by sender and level (Initial, Handshake, 1-RTT).
    crypto: [[CryptoStream; 3]; 2],
    /// The IDs and reset tokens registered for it, with their server address: what
    /// [`QuicTracker::forget`] takes out of the maps.
    registered: Vec<(SocketAddr, Vec<u8>)>,
    tokens: Vec<([u8; 16], SocketAddr)>,
}

impl Connection {
    /// A Version Negotiation packet ends the client's attempt: it starts again in
    /// another version, with a new ClientHello from CRYPTO offset 0 (RFC 9000 §6.2, RFC
    /// 9368 §4). Only before the server sent anything else: a client discards a Version
    /// Negotiation packet after it processed another packet (RFC 9000 §6.2).
    fn restart_attempt(&mut self) {
        if self.largest[Side::Server.index()].iter().any(Option::is_some) {
            return;
        }
        self.client_random = None;
        self.suite = None;
        self.secret_keys.clear();
        self.largest = Default::default();
        self.crypto = Default::default();
    }
}

/// The keys of one direction at a level; 1-RTT keys change at key updates.
struct KeyPhases {
    current: PacketKeys,
    phase: bool,
    previous: Option<PacketKeys>,
}

/// One datagram being read.
struct Datagram<'o, 'k> {
    src: SocketAddr,
    dst: SocketAddr,
    frame: u64,
    secrets: Option<&'k dyn QuicSecrets>,
    out: &'o mut dyn FnMut(QuicEvent<'_>),
}

impl Datagram<'_, '_> {
    fn emit(&mut self, connection: usize, side: Side, kind: QuicEventKind<'_>) {
        (self.out)(QuicEvent { frame: self.frame, connection: Some(connection as u64), side, kind });
    }
}

fn space(level: Level) -> usize {
    match level {
        Level::Initial => 0,
        Level::Handshake => 1,
        Level::ZeroRtt | Level::OneRtt => 2,
    }
}

fn level_of(typ: PacketType) -> Option<Level> {
    Some(match typ {
        PacketType::Initial => Level::Initial,
        PacketType::ZeroRtt => Level::ZeroRtt,
        PacketType::Handshake => Level::Handshake,
        PacketType::OneRtt => Level::OneRtt,
        _ => return None,
    })
}

impl QuicTracker {
    pub fn new() -> QuicTracker {
        QuicTracker::default()
    }

    /// Number of connections seen.
    pub fn connections(&self) -> usize {
        self.conns.opened
    }

    /// Number of connections followed now: seen and not forgotten.
    pub fn held(&self) -> usize {
        self.conns.by_number.len()
    }

    /// Reads one UDP datagram's payload. `keys` opens Handshake, 0-RTT and 1-RTT packets
    /// (Initial packets need none).
    pub fn datagram(
        &mut self,
        src: SocketAddr,
        dst: SocketAddr,
        payload: &[u8],
        frame: u64,
        keys: Option<&dyn QuicSecrets>,
        out: &mut dyn FnMut(QuicEvent<'_>),
    ) {
        let mut d = Datagram { src, dst, frame, secrets: keys, out };
        let mut rest = payload;
        let mut conn_of_datagram = None;
        while !rest.is_empty() {
            if conn_of_datagram.is_some() && is_padding(rest) {
                break;
            }
            let split = split_packet(rest, |after_first| self.short_dcid_len(after_first, src, dst));
            let (packet, next) = match split {
                Ok(s) => s,
                Err(e) => {
                    let reason = format!("frame {frame}: unreadable QUIC packet ({} bytes): {e}", rest.len());
                    let (connection, side) = conn_of_datagram.map_or((None, Side::Client), |(c, s)| (Some(c), s));
                    (d.out)(QuicEvent { frame, connection, side, kind: QuicEventKind::Anomaly { reason } });
                    break;
                }
            };
            // Coalesced packets all belong to one connection (RFC 9000 §12.2).
            if let Some((c, side)) = self.packet(&packet, &mut d) {
                conn_of_datagram = Some((c as u64, side));
            } else if conn_of_datagram.is_none() {
                break;
            }
            rest = next;
        }
    }

    /// Whether `payload`, sent from `src` to `dst`, is addressed to a connection followed
    /// here (by its Destination Connection ID, or a zero-length one's client address):
    /// how a packet whose fixed bit is greased (RFC 9287, ngtcp2 does it) is told from
    /// other UDP, which its first byte cannot do.
    pub fn carries(&self, src: SocketAddr, dst: SocketAddr, payload: &[u8]) -> bool {
        let Some(&first) = payload.first() else { return false };
        if first & 0x80 != 0 {
            // A long header: version (4 bytes), DCID length, DCID.
            let Some(&len) = payload.get(5) else { return false };
            return payload.get(6..6 + usize::from(len)).is_some_and(|cid| self.ids(src, dst).find(cid).is_some());
        }
        if self.empty_cid_clients.contains_key(&dst) {
            return true;
        }
        let ids = self.ids(src, dst);
        !ids.is_empty()
            && self.cid_lens.iter().any(|&len| payload.get(1..1 + len).is_some_and(|cid| ids.find(cid).is_some()))
    }

    /// Drops a connection that is over, with its IDs and reset tokens: a packet of it
    /// that comes anyway is one of an unknown connection.
    pub fn forget(&mut self, connection: usize) {
        let Some(conn) = self.conns.by_number.remove(&connection) else { return };
        for (server, cid) in conn.registered {
            if let Some(ids) = self.by_cid.get_mut(&server) {
                ids.remove(&cid);
                if ids.is_empty() {
                    self.by_cid.remove(&server);
                }
            }
        }
        for key in conn.tokens {
            self.reset_tokens.remove(&key);
        }
        let client = conn.client;
        if self.empty_cid_clients.get(&client) == Some(&connection) {
            self.empty_cid_clients.remove(&client);
        }
    }

    /// At the end of the capture: CRYPTO streams that stopped inside a handshake message
    /// or before a hole was filled (what the capture cannot tell), as anomalies.
    pub fn finish(&mut self, out: &mut dyn FnMut(QuicEvent<'_>)) {
        let mut numbers: Vec<usize> = self.conns.by_number.keys().copied().collect();
        numbers.sort_unstable();
        for c in numbers {
            let conn = &self.conns[c];
            for side in [Side::Client, Side::Server] {
                for (i, level) in [Level::Initial, Level::Handshake, Level::OneRtt].into_iter().enumerate() {
                    let stream = &conn.crypto[side.index()][i];
                    let reason = match (stream.partial(), stream.has_hole()) {
                        (0, false) => continue,
                        (n, false) => format!(
                            "capture ends inside a {side:?} {} handshake message ({n} bytes of it seen)",
                            level.name()
                        ),
                        (_, true) => format!(
                            "capture ends with {side:?} {} CRYPTO data missing before data that was seen",
                            level.name()
                        ),
                    };
                    let kind = QuicEventKind::Anomaly { reason };
                    out(QuicEvent { frame: conn.last_frame, connection: Some(c as u64), side, kind });
                }
            }
        }
    }

    /// A short header's DCID length: the longest known connection ID it starts with.
    fn short_dcid_len(&self, after_first: &[u8], src: SocketAddr, dst: SocketAddr) -> usize {
        let ids = self.ids(src, dst);
        for &len in self.cid_lens.iter().rev() {
            if after_first.get(..len).is_some_and(|cid| ids.find(cid).is_some()) {
                return len;
            }
        }
        if self.empty_cid_clients.contains_key(&dst) {
            return 0;
        }
        // Unknown: the most common length, to report something.
        self.cid_lens.iter().next_back().copied().unwrap_or(0)
    }

    fn register(&mut self, cid: &[u8], conn: usize, owner: Side) {
        if cid.is_empty() {
            return;
        }
        let server = self.conns[conn].server;
        let ids = self.by_cid.entry(server).or_default();
        if !ids.contains_key(cid) {
            ids.insert(cid.to_vec(), (conn, owner));
            self.cid_lens.insert(cid.len());
            self.conns[conn].registered.push((server, cid.to_vec()));
        }
    }

    /// The connection a packet between `src` and `dst` addressed to `cid` belongs to, and
    /// the ID's owner: a server's ID is known with the packet's destination, a client's
    /// with its source.
    fn find_cid(&self, cid: &[u8], src: SocketAddr, dst: SocketAddr) -> Option<(usize, Side)> {
        self.ids(src, dst).find(cid)
    }

    /// The IDs a packet from `src` to `dst` may be addressed to: those of `dst` as a
    /// server, and those its clients chose at `src` as a server (looked up once a packet).
    fn ids(&self, src: SocketAddr, dst: SocketAddr) -> KnownIds<'_> {
        KnownIds { at_dst: self.by_cid.get(&dst), at_src: self.by_cid.get(&src) }
    }

    fn add_reset_token(&mut self, token: [u8; 16], c: usize, issuer: Side) {
        let key = (token, self.conns[c].server);
        if self.reset_tokens.len() < MAX_RESET_TOKENS && !self.reset_tokens.contains_key(&key) {
            self.reset_tokens.insert(key, (c, issuer));
            self.conns[c].tokens.push(key);
        }
    }

    /// A short header packet ending with a known stateless reset token: its connection
    /// and the peer that sent it (a server's reset comes from its address, a client's
    /// goes to it).
    fn stateless_reset(&self, p: &RawPacket<'_>, src: SocketAddr, dst: SocketAddr) -> Option<(usize, Side)> {
        if p.typ != PacketType::OneRtt || p.bytes.len() < 21 {
            return None;
        }
        let tail: [u8; 16] = p.bytes[p.bytes.len() - 16..].try_into().ok()?;
        let from_server = self.reset_tokens.get(&(tail, src)).filter(|(_, issuer)| *issuer == Side::Server);
        let from_client = || self.reset_tokens.get(&(tail, dst)).filter(|(_, issuer)| *issuer == Side::Client);
        from_server.or_else(from_client).copied().filter(|&(c, _)| self.conns.contains(c))
    }

    /// The connection a packet belongs to and its sender. Every number the maps give
    /// is held (see [`Connections`]); checked all the same, so that no slip in that
    /// bookkeeping can make a capture crash the tracker.
    fn lookup(&self, p: &RawPacket<'_>, src: SocketAddr, dst: SocketAddr) -> Option<(usize, Side)> {
        let found = if p.dcid.is_empty() {
            self.empty_cid_clients.get(&dst).map(|&c| (c, Side::Server))
        } else {
            self.find_cid(p.dcid, src, dst).map(|(c, owner)| (c, owner.other()))
        };
        found.filter(|&(c, _)| self.conns.contains(c))
    }

    /// Handles one packet; returns its connection and sender when known. A long header
    /// of an unknown version is read as [`version::UNKNOWN_AS`] if it opens so.
    fn packet(&mut self, p: &RawPacket<'_>, d: &mut Datagram<'_, '_>) -> Option<(usize, Side)> {
        if p.typ == PacketType::UnsupportedVersion {
            if let Ok((as_known, _)) = split_as_known(p.bytes) {
                if as_known.typ == PacketType::Initial && self.opens_as_known(&as_known, d.src, d.dst) {
                    return self.packet_as_known(&as_known, d);
                }
            }
        }
        self.packet_as_known(p, d)
    }

    fn opens_as_known(&self, p: &RawPacket<'_>, src: SocketAddr, dst: SocketAddr) -> bool {
        let Some(known) = version::params(version::UNKNOWN_AS) else { return false };
        let dcid = match self.lookup(p, src, dst) {
            Some((c, _)) => self.conns[c].initial_dcids.first().cloned().unwrap_or_default(),
            None => p.dcid.to_vec(),
        };
        PacketKeys::initial(known, &dcid)
            .is_ok_and(|(client, server)| unprotect(p, &client, None).is_ok() || unprotect(p, &server, None).is_ok())
    }

    fn packet_as_known(&mut self, p: &RawPacket<'_>, d: &mut Datagram<'_, '_>) -> Option<(usize, Side)> {
        let (c, sender) = match self.lookup(p, d.src, d.dst) {
            Some(found) => found,
            None => match self.open_connection(p, d) {
                Some(c) => (c, Side::Client),
                None => {
                    if let Some((c, side)) = self.stateless_reset(p, d.src, d.dst) {
                        d.emit(c, side, QuicEventKind::StatelessReset);
                        return Some((c, side));
                    }
                    let fresh = self.unknown_reported.len() < MAX_UNKNOWN_REPORTED
                        && self.unknown_reported.insert((d.src, d.dst));
                    if !fresh {
                        return None;
                    }
                    let reason = format!(
                        "frame {}: {} packet for an unknown connection (DCID {}); further ones between these addresses are not reported",
                        d.frame,
                        p.typ.name(),
                        hex(p.dcid)
                    );
                    (d.out)(QuicEvent {
                        frame: d.frame,
                        connection: None,
                        side: Side::Client,
                        kind: QuicEventKind::Anomaly { reason },
                    });
                    return None;
                }
            },
        };
        self.conns[c].last_frame = d.frame;
        self.note_peer(c, sender, p, d);
        match p.typ {
            PacketType::VersionNegotiation => {
                self.emit_packet(c, sender, p, None, PacketStatus::NotProtected, &[], d);
                d.emit(c, sender, QuicEventKind::VersionNegotiation { versions: &p.supported_versions });
                self.conns[c].restart_attempt();
            }
            PacketType::Retry => self.retry(c, sender, p, d),
            PacketType::UnsupportedVersion => self.emit_packet(c, sender, p, None, PacketStatus::NotProtected, &[], d),
            _ => self.protected(c, sender, p, d),
        }
        Some((c, sender))
    }

    /// A client Initial for an unknown DCID starts a connection if it opens with the
    /// keys that DCID gives; an unreadable version's first datagram does if it looks like
    /// a client's first Initial.
    fn open_connection(&mut self, p: &RawPacket<'_>, d: &mut Datagram<'_, '_>) -> Option<usize> {
        let plausible = match p.typ {
            // An unknown version's Initial gets here only when it opened as UNKNOWN_AS.
            PacketType::Initial => {
                let params = version::params(p.version).or(version::params(version::UNKNOWN_AS))?;
                let (client, _) = PacketKeys::initial(params, p.dcid).ok()?;
                unprotect(p, &client, None).is_ok()
            }
            PacketType::UnsupportedVersion => p.bytes.len() >= MIN_INITIAL_DATAGRAM && p.dcid.len() >= MIN_INITIAL_DCID,
            _ => false,
        };
        if !plausible {
            return None;
        }
        let c = self.conns.open(Connection {
            last_frame: d.frame,
            version: p.version,
            client: d.src,
            server: d.dst,
            initial_dcids: vec![p.dcid.to_vec()],
            initial_keys: Vec::new(),
            client_random: None,
            suite: None,
            secret_keys: HashMap::new(),
            largest: Default::default(),
            crypto: Default::default(),
            registered: Vec::new(),
            tokens: Vec::new(),
        });
        self.register(p.dcid, c, Side::Server);
        d.emit(
            c,
            Side::Client,
            QuicEventKind::ConnectionOpened { version: p.version, client: d.src, server: d.dst, original_dcid: p.dcid },
        );
        Some(c)
    }

    /// Learns the sender's connection ID and notices a new address.
    fn note_peer(&mut self, c: usize, sender: Side, p: &RawPacket<'_>, d: &mut Datagram<'_, '_>) {
        if matches!(p.typ, PacketType::Initial | PacketType::Handshake | PacketType::ZeroRtt) {
            if p.scid.is_empty() && sender == Side::Client {
                self.empty_cid_clients.insert(d.src, c);
            }
            self.register(p.scid, c, sender);
        }
        let conn = &mut self.conns[c];
        let (addr, peer) = match sender {
            Side::Client => (&mut conn.client, &mut conn.server),
            Side::Server => (&mut conn.server, &mut conn.client),
        };
        if *addr != d.src && *peer == d.dst {
            let from = std::mem::replace(addr, d.src);
            if sender == Side::Client && self.empty_cid_clients.get(&from) == Some(&c) {
                self.empty_cid_clients.remove(&from);
                self.empty_cid_clients.insert(d.src, c);
            }
            d.emit(c, sender, QuicEventKind::PathChanged { from, to: d.src });
        }
    }

    fn retry(&mut self, c: usize, sender: Side, p: &RawPacket<'_>, d: &mut Datagram<'_, '_>) {
        let odcid = self.conns[c].initial_dcids.first().cloned().unwrap_or_default();
        let integrity_ok = version::params(p.version).map(|params| retry_tag_ok(&params, &odcid, p.bytes));
        self.emit_packet(c, sender, p, None, PacketStatus::NotProtected, &[], d);
        d.emit(c, sender, QuicEventKind::Retry { new_scid: p.scid, token: p.token, integrity_ok });
        // The client's next Initials go to the new ID, and keys derive from it.
        if integrity_ok != Some(false) && !p.scid.is_empty() {
            self.register(p.scid, c, Side::Server);
            let dcids = &mut self.conns[c].initial_dcids;
            if !dcids.iter().any(|x| x == p.scid) {
                dcids.insert(0, p.scid.to_vec());
            }
        }
    }

    #[allow(clippy::too_many_arguments)]
    fn emit_packet(
        &self,
        c: usize,
        sender: Side,
        p: &RawPacket<'_>,
        packet_number: Option<u64>,
        status: PacketStatus,
        frame_names: &[&'static str],
        d: &mut Datagram<'_, '_>,
    ) {
        d.emit(
            c,
            sender,
            QuicEventKind::Packet {
                typ: p.typ,
                version: p.version,
                dcid: p.dcid,
                scid: p.scid,
                packet_number,
                length: p.bytes.len(),
                status,
                frame_names,
            },
        );
    }

    fn protected(&mut self, c: usize, sender: Side, p: &RawPacket<'_>, d: &mut Datagram<'_, '_>) {
        let Some(level) = level_of(p.typ) else { return };
        let opened = match level {
            Level::Initial => self.open_initial(c, sender, p),
            _ => self.open_with_secrets(c, sender, level, p, d.secrets),
        };
        let opened = match opened {
            Ok(o) => o,
            Err(PacketStatus::Failed(_)) if self.stateless_reset(p, d.src, d.dst).is_some() => {
                d.emit(c, sender, QuicEventKind::StatelessReset);
                return;
            }
            Err(status) => {
                self.emit_packet(c, sender, p, None, status, &[], d);
                return;
            }
        };
        if p.typ != PacketType::OneRtt {
            self.conns[c].version = p.version;
        }
        let largest = &mut self.conns[c].largest[sender.index()][space(level)];
        *largest = Some(largest.map_or(opened.packet_number, |l| l.max(opened.packet_number)));
        let (frames, error) = parse_frames(&opened.payload);
        let names: Vec<&'static str> = frames.iter().map(Frame::name).collect();
        self.emit_packet(c, sender, p, Some(opened.packet_number), PacketStatus::Opened, &names, d);
        for f in &frames {
            self.frame(c, sender, level, f, d);
        }
        if let Some(e) = error {
            let reason = format!("frame {}: {} packet {}: {e}", d.frame, level.name(), opened.packet_number);
            d.emit(c, sender, QuicEventKind::Anomaly { reason });
        }
    }

    fn open_initial(&mut self, c: usize, sender: Side, p: &RawPacket<'_>) -> Result<Opened, PacketStatus> {
        // Unknown versions get here only when they open as UNKNOWN_AS.
        let params =
            version::params(p.version).or(version::params(version::UNKNOWN_AS)).ok_or(PacketStatus::NotProtected)?;
        let conn = &mut self.conns[c];
        let largest = conn.largest[sender.index()][0];
        for i in 0..conn.initial_dcids.len() {
            let dcid = &conn.initial_dcids[i];
            let cached = conn.initial_keys.iter().position(|(v, id, _)| *v == p.version && id == dcid);
            let at = match cached {
                Some(at) => at,
                None => {
                    let Ok((client, server)) = PacketKeys::initial(params, dcid) else { continue };
                    conn.initial_keys.push((p.version, dcid.clone(), [client, server]));
                    conn.initial_keys.len() - 1
                }
            };
            if let Ok(o) = unprotect(p, &conn.initial_keys[at].2[sender.index()], largest) {
                return Ok(o);
            }
        }
        Err(PacketStatus::Failed("does not open with the Initial keys of the client's connection IDs".into()))
    }

    fn open_with_secrets(
        &mut self,
        c: usize,
        sender: Side,
        level: Level,
        p: &RawPacket<'_>,
        secrets: Option<&dyn QuicSecrets>,
    ) -> Result<Opened, PacketStatus> {
        let conn = &mut self.conns[c];
        let largest = conn.largest[sender.index()][space(level)];
        if let Some(keys) = conn.secret_keys.get_mut(&(level, sender)) {
            return open_phased(keys, p, largest);
        }
        let which = match (level, sender) {
            (Level::ZeroRtt, _) => TrafficSecret::ClientEarly,
            (Level::Handshake, Side::Client) => TrafficSecret::ClientHandshake,
            (Level::Handshake, Side::Server) => TrafficSecret::ServerHandshake,
            (_, Side::Client) => TrafficSecret::ClientApplication0,
            (_, Side::Server) => TrafficSecret::ServerApplication0,
        };
        let secret = secrets.zip(conn.client_random.as_ref()).and_then(|(s, r)| s.secret(r, which));
        let version = if p.typ == PacketType::OneRtt { conn.version } else { p.version };
        let params = version::params(version).or(version::params(version::UNKNOWN_AS));
        let (Some(secret), Some(params)) = (secret, params) else {
            return Err(PacketStatus::NoKeys);
        };
        // Before the ServerHello is seen the suite is unknown: the AEAD tells which.
        let suites = match conn.suite {
            Some(s) if level != Level::ZeroRtt => vec![s],
            _ => vec![QuicSuite::Aes128Gcm, QuicSuite::Aes256Gcm, QuicSuite::ChaCha20Poly1305],
        };
        let mut last = "no usable cipher suite";
        for suite in suites {
            let keys = match PacketKeys::from_secret(suite, params, secret) {
                Ok(k) => k,
                Err(e) => {
                    last = e;
                    continue;
                }
            };
            let mut phases = KeyPhases { current: keys, phase: false, previous: None };
            match open_phased(&mut phases, p, largest) {
                Ok(o) => {
                    conn.secret_keys.insert((level, sender), phases);
                    return Ok(o);
                }
                Err(PacketStatus::Failed(_)) => last = "authentication failed with the key log's secret",
                Err(e) => return Err(e),
            }
        }
        Err(PacketStatus::Failed(last.into()))
    }

    fn frame(&mut self, c: usize, sender: Side, level: Level, f: &Frame<'_>, d: &mut Datagram<'_, '_>) {
        match *f {
            Frame::Crypto { offset, data } => self.crypto(c, sender, level, offset, data, d),
            Frame::ConnectionClose { application, error, frame_type, reason } => {
                let code = CloseCode::new(application, error);
                d.emit(c, sender, QuicEventKind::ConnectionClose { level, code, frame_type, reason });
            }
            Frame::Stream { stream_id, offset, fin, data } => {
                d.emit(c, sender, QuicEventKind::StreamData { stream_id, offset, fin, data });
            }
            // The peer will address the sender with it.
            Frame::NewConnectionId { cid, reset_token, .. } => {
                self.register(cid, c, sender);
                self.add_reset_token(reset_token, c, sender);
            }
            _ => {}
        }
    }

    fn crypto(&mut self, c: usize, sender: Side, level: Level, offset: u64, data: &[u8], d: &mut Datagram<'_, '_>) {
        let stream = match level {
            Level::Initial => 0,
            Level::Handshake => 1,
            Level::OneRtt => 2,
            Level::ZeroRtt => {
                let reason = format!("frame {}: CRYPTO frame in a 0-RTT packet (not allowed)", d.frame);
                d.emit(c, sender, QuicEventKind::Anomaly { reason });
                return;
            }
        };
        let messages = match self.conns[c].crypto[sender.index()][stream].push(offset, data, d.frame) {
            Ok(m) => m,
            Err(problem) => {
                let reason = match problem {
                    StreamProblem::TooFarAhead { offset } => {
                        format!(
                            "frame {}: {} CRYPTO data at offset {offset} far beyond a hole: dropped",
                            d.frame,
                            level.name()
                        )
                    }
                    StreamProblem::Oversized { typ, length } => format!(
                        "frame {}: {} handshake message type {typ} declares {length} bytes: CRYPTO stream given up",
                        d.frame,
                        level.name()
                    ),
                };
                d.emit(c, sender, QuicEventKind::Anomaly { reason });
                return;
            }
        };
        for m in messages {
            d.emit(c, sender, QuicEventKind::Handshake { level, typ: m.typ, raw: &m.raw, frames: &m.frames });
            self.learn_from_handshake(c, sender, &m.raw, d);
        }
    }

    /// Keys need the client random and the suite; transport parameters are reported.
    fn learn_from_handshake(&mut self, c: usize, sender: Side, raw: &[u8], d: &mut Datagram<'_, '_>) {
        let Ok(info) = hello::parse(raw) else { return };
        let conn = &mut self.conns[c];
        if let Some(random) = info.client_random {
            conn.client_random.get_or_insert(random);
        }
        if let Some(suite) = info.cipher_suite.and_then(QuicSuite::from_tls) {
            conn.suite = Some(suite);
        }
        let ext = info.extension(transport_params::EXTENSION).or(info.extension(transport_params::EXTENSION_DRAFT));
        if let Some(ext) = ext {
            match transport_params::parse(ext) {
                Ok(params) => {
                    let token = params.iter().find(|p| p.id == transport_params::STATELESS_RESET_TOKEN);
                    if let Some(transport_params::ParamValue::Bytes(t)) = token.map(|p| &p.value) {
                        if let Ok(t) = <[u8; 16]>::try_from(&t[..]) {
                            self.add_reset_token(t, c, sender);
                        }
                    }
                    d.emit(c, sender, QuicEventKind::TransportParameters { params: &params })
                }
                Err(e) => {
                    let reason = format!("frame {}: transport parameters: {e}", d.frame);
                    d.emit(c, sender, QuicEventKind::Anomaly { reason });
                }
            }
        }
    }
}

/// Opens with the current keys, or (1-RTT) the next phase's after a key update, or the
/// previous phase's for a packet sent before it.
fn open_phased(keys: &mut KeyPhases, p: &RawPacket<'_>, largest: Option<u64>) -> Result<Opened, PacketStatus> {
    let failed = |why: &str| PacketStatus::Failed(why.into());
    let (header, pn, pn_len) = remove_header_protection(p, &keys.current).map_err(failed)?;
    let packet_number = decode_packet_number(largest, pn, pn_len * 8);
    let phase = p.typ == PacketType::OneRtt && header[0] & 0x04 != 0;
    if phase == keys.phase {
        return open_payload(p, &header, packet_number, &keys.current)
            .ok_or_else(|| failed("authentication failed with the key log's secret"));
    }
    if let Some(o) = keys.previous.as_ref().and_then(|prev| open_payload(p, &header, packet_number, prev)) {
        return Ok(o);
    }
    let next = keys.current.next_phase().map_err(failed)?;
    let opened = open_payload(p, &header, packet_number, &next)
        .ok_or_else(|| failed("authentication failed after a key update"))?;
    keys.previous = Some(std::mem::replace(&mut keys.current, next));
    keys.phase = phase;
    Ok(opened)
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}
