//! When replicas start, which template each replays and between which addresses, and
//! the path each one gets (RTT, bandwidth, ISNs). Everything here comes from the main
//! random stream, in planning order.

use std::collections::HashMap;
use std::net::{Ipv4Addr, SocketAddrV4};

use crate::frame::MSS;
use crate::rng::Rng;
use crate::seed::{Flow, Template};

const CLIENT_DRAWS: usize = 4000;
const SERVER_DRAWS_172_16: usize = 192;
const SERVER_DRAWS_198_18: usize = 64;
/// Ephemeral ports: 32768 .. 32768 + EPHEMERAL_PORTS.
const EPHEMERAL_FIRST: u16 = 32768;
const EPHEMERAL_PORTS: u16 = 28000;
/// UDP replicas' servers: 198.18.0.0/15 less its first and last address, a prime count.
const UDP_SERVER_SLOTS: u64 = (1 << 17) - 1;
const BANDWIDTHS: [f64; 6] = [20e6, 50e6, 100e6, 200e6, 500e6, 1e9];
const SERVER_TTLS: [u8; 5] = [52, 54, 57, 116, 245];

/// The network a replica's packets cross, as seen from next to the client.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct PathProfile {
    /// Round-trip time, seconds (log-normal, median ~15 ms, 0.3 ms .. 300 ms).
    pub rtt: f64,
    /// Seconds one full-size frame takes at the path's bandwidth.
    pub serialization: f64,
    /// The client's and the server's reaction times, seconds.
    pub client_delay: f64,
    pub server_delay: f64,
    pub server_ttl: u8,
    pub isn: [u32; 2],
    pub first_ip_id: [u16; 2],
}

impl PathProfile {
    fn draw(rng: &mut Rng) -> PathProfile {
        let rtt = rng.log_normal(-4.2, 1.0).clamp(0.0003, 0.3);
        let bandwidth = *rng.pick(&BANDWIDTHS);
        let client_delay = rng.uniform(20e-6, 400e-6);
        let server_delay = rng.uniform(50e-6, 1e-3);
        let client_ip_id = rng.below(65536) as u16;
        let client_isn = rng.next_u32();
        let server_ttl = *rng.pick(&SERVER_TTLS);
        let server_ip_id = rng.below(65536) as u16;
        let server_isn = rng.next_u32();
        PathProfile {
            rtt,
            serialization: (MSS + 54) as f64 * 8.0 / bandwidth,
            client_delay,
            server_delay,
            server_ttl,
            isn: [client_isn, server_isn],
            first_ip_id: [client_ip_id, server_ip_id],
        }
    }
}

/// One replica to build.
#[derive(Debug, Clone, PartialEq)]
pub struct ReplicaPlan {
    /// 0, 1, 2... in start order; names the replica's impairment stream.
    pub index: u64,
    pub template: usize,
    pub client: SocketAddrV4,
    pub server: SocketAddrV4,
    /// Nanoseconds after the capture's start.
    pub start_ns: u64,
    pub path: PathProfile,
}

/// Plans replicas one after the other: a Poisson process of starts.
#[derive(Debug)]
pub struct Schedule {
    rng: Rng,
    clients: Vec<Ipv4Addr>,
    servers: Vec<Ipv4Addr>,
    next_port: HashMap<Ipv4Addr, u16>,
    /// Replicas planned so far of each UDP template.
    udp_replicas: HashMap<usize, u64>,
    templates: usize,
    tcp_server_port: u16,
    starts_per_second: f64,
    next_start_ns: u64,
    planned: u64,
}

impl Schedule {
    /// `concurrency`: the mean number of replicas open at once.
    pub fn new(random_seed: u64, templates: &[Template], concurrency: f64, tcp_server_port: u16) -> Schedule {
        let mut rng = Rng::new(random_seed);
        let clients = distinct(
            (0..CLIENT_DRAWS)
                .map(|_| Ipv4Addr::new(10, rng.below(256) as u8, rng.below(256) as u8, rng.between(1, 254) as u8)),
        );
        let servers_a: Vec<Ipv4Addr> = (0..SERVER_DRAWS_172_16)
            .map(|_| Ipv4Addr::new(172, 16 + rng.below(16) as u8, rng.below(256) as u8, rng.between(1, 254) as u8))
            .collect();
        let servers_b: Vec<Ipv4Addr> = (0..SERVER_DRAWS_198_18)
            .map(|_| Ipv4Addr::new(198, 18 + rng.below(2) as u8, rng.below(256) as u8, rng.between(1, 254) as u8))
            .collect();
        let servers = distinct(servers_a.into_iter().chain(servers_b));
        let mean_duration = templates.iter().map(expected_duration).sum::<f64>() / templates.len().max(1) as f64;
        Schedule {
            rng,
            clients,
            servers,
            next_port: HashMap::new(),
            udp_replicas: HashMap::new(),
            templates: templates.len(),
            tcp_server_port,
            starts_per_second: concurrency / mean_duration,
            next_start_ns: 0,
            planned: 0,
        }
    }

    /// When the next replica starts (nanoseconds after the capture's start).
    pub fn next_start_ns(&self) -> u64 {
        self.next_start_ns
    }

    pub fn plan(&mut self, templates: &[Template]) -> ReplicaPlan {
        let template = &templates[self.rng.below(templates.len() as u64) as usize];
        let client_ip = *self.rng.pick(&self.clients);
        let client_port = self.client_port(client_ip);
        let (server_ip, server_port) = match template.flow {
            Flow::Tcp(_) => (*self.rng.pick(&self.servers), self.tcp_server_port),
            // UDP protocols are found by their port (QUIC 443, DTLS 4433...): keep the seed's.
            Flow::Udp(_) => (self.udp_server(template.index), template.server.port()),
        };
        let path = PathProfile::draw(&mut self.rng);
        let plan = ReplicaPlan {
            index: self.planned,
            template: template.index,
            client: SocketAddrV4::new(client_ip, client_port),
            server: SocketAddrV4::new(server_ip, server_port),
            start_ns: self.next_start_ns,
            path,
        };
        self.planned += 1;
        let gap = self.rng.exponential(self.starts_per_second);
        self.next_start_ns += (gap * 1e9).round().max(1.0) as u64;
        plan
    }

    /// A UDP replica's server: never the server of another replica of the same template
    /// (for its first 131070 / templates replicas). A QUIC replica keeps its seed
    /// connection's connection IDs, and an ID is unique only at its server: two replicas
    /// of one template at one server would be one connection to any analyser, as they
    /// would be to the server.
    fn udp_server(&mut self, template: usize) -> Ipv4Addr {
        let n = self.udp_replicas.entry(template).or_insert(0);
        let slot = (*n * self.templates as u64 + template as u64) % (UDP_SERVER_SLOTS - 1) + 1;
        *n += 1;
        // A permutation of 1..SLOTS (the count is prime): servers spread over the range.
        let spread = slot * 48271 % UDP_SERVER_SLOTS;
        Ipv4Addr::from(u32::from(Ipv4Addr::new(198, 18, 0, 0)) + spread as u32)
    }

    /// A client's ports climb by 1-7 from a random first one, as an OS hands them out:
    /// distinct until the client has used thousands.
    fn client_port(&mut self, client: Ipv4Addr) -> u16 {
        let first = EPHEMERAL_FIRST + self.rng.below(20000) as u16;
        let port = *self.next_port.get(&client).unwrap_or(&first);
        let step = self.rng.between(1, 7) as u16;
        self.next_port.insert(client, EPHEMERAL_FIRST + (port - EPHEMERAL_FIRST + step) % EPHEMERAL_PORTS);
        port
    }
}

fn distinct(addrs: impl Iterator<Item = Ipv4Addr>) -> Vec<Ipv4Addr> {
    let mut v: Vec<Ipv4Addr> = addrs.collect();
    v.sort();
    v.dedup();
    v
}

/// Seconds a replica of `template` stays open, roughly: what the start rate is sized by.
pub fn expected_duration(template: &Template) -> f64 {
    match &template.flow {
        Flow::Tcp(t) => {
            let segments: usize = t
                .steps
                .iter()
                .map(|s| match s.event {
                    crate::seed::TcpEvent::Data { start, end } => (end - start).div_ceil(MSS),
                    _ => 0,
                })
                .sum();
            let packets = 3 + segments + segments / 2 + 6;
            let wire_bytes = t.streams[0].len() + t.streams[1].len() + packets * (54 + 16);
            0.06 + wire_bytes as f64 * 8.0 / 200e6
        }
        Flow::Udp(u) => 0.06 + u.datagrams.last().map_or(0.0, |d| d.at),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::seed::{Side, TcpEvent, TcpFlow, TcpStep};

    fn template() -> Template {
        let flow = TcpFlow {
            streams: [vec![1; 100], vec![2; 5000]],
            steps: vec![
                TcpStep { sender: Side::Client, event: TcpEvent::Data { start: 0, end: 100 }, at: 0.0 },
                TcpStep { sender: Side::Server, event: TcpEvent::Data { start: 0, end: 5000 }, at: 0.0 },
            ],
        };
        Template {
            index: 0,
            label: None,
            client: "127.0.0.1:1".parse().unwrap(),
            server: "127.0.0.1:2".parse().unwrap(),
            flow: Flow::Tcp(flow),
        }
    }

    #[test]
    fn addresses_ports_and_paths_are_in_their_ranges() {
        let templates = [template()];
        let mut s = Schedule::new(1, &templates, 200.0, 443);
        assert!(s.clients.len() > 3900 && s.clients.len() <= CLIENT_DRAWS);
        assert!(s.servers.len() > 200 && s.servers.len() <= 256);
        let mut last_start = 0;
        for i in 0..2000 {
            let p = s.plan(&templates);
            assert_eq!(p.index, i);
            assert_eq!(p.client.ip().octets()[0], 10);
            assert!(p.client.port() >= EPHEMERAL_FIRST && p.client.port() < EPHEMERAL_FIRST + EPHEMERAL_PORTS);
            let o = p.server.ip().octets();
            assert!((o[0] == 172 && (16..32).contains(&o[1])) || (o[0] == 198 && (18..20).contains(&o[1])), "{o:?}");
            assert_eq!(p.server.port(), 443);
            assert!((0.0003..=0.3).contains(&p.path.rtt));
            assert!(p.start_ns > last_start || i == 0);
            last_start = p.start_ns;
        }
    }

    #[test]
    fn replicas_of_one_udp_template_never_share_a_server() {
        let udp = |index| Template {
            index,
            label: None,
            client: "127.0.0.1:1".parse().unwrap(),
            server: "127.0.0.1:443".parse().unwrap(),
            flow: Flow::Udp(crate::seed::UdpFlow::default()),
        };
        let templates = [udp(0), udp(1), udp(2)];
        let mut s = Schedule::new(1, &templates, 200.0, 443);
        let mut seen = std::collections::HashSet::new();
        for _ in 0..30_000 {
            let p = s.plan(&templates);
            assert_eq!(p.server.port(), 443);
            let o = p.server.ip().octets();
            assert!(o[0] == 198 && (18..20).contains(&o[1]), "{o:?}");
            assert!(seen.insert((p.template, *p.server.ip())), "{p:?}");
        }
    }

    #[test]
    fn same_seed_same_plans() {
        let templates = [template()];
        let (mut a, mut b) = (Schedule::new(5, &templates, 50.0, 443), Schedule::new(5, &templates, 50.0, 443));
        for _ in 0..100 {
            assert_eq!(a.plan(&templates), b.plan(&templates));
        }
    }
}
