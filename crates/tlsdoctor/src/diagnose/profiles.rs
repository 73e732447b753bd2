//! What current TLS stacks accept by default as servers (data/stack-profiles.json, each
//! profile with its source), and a ClientHello judged against them: when a server
//! refused an offer and the capture shows nothing else about the server, the part of the
//! offer that the stacks refusing it lack most often is the likeliest cause.

use std::sync::OnceLock;

use serde::Deserialize;
use tlsdoctor_tls::registry::{CipherSuite, KeyExchange, NamedGroup, ProtocolVersion};

use super::story::ClientHelloInfo;

#[derive(Debug, Deserialize)]
pub struct Profile {
    pub name: String,
    #[allow(dead_code)] // Read by people, in the data file.
    pub source: String,
    versions: Vec<String>,
    cipher_suites: Vec<u16>,
    groups: Vec<u16>,
}

#[derive(Deserialize)]
struct ProfileFile {
    profiles: Vec<Profile>,
}

/// The profiles, read once from the data compiled in.
pub fn all() -> &'static [Profile] {
    static PROFILES: OnceLock<Vec<Profile>> = OnceLock::new();
    PROFILES.get_or_init(|| {
        let file: ProfileFile = serde_json::from_str(include_str!("../../data/stack-profiles.json"))
            .expect("data/stack-profiles.json is valid (checked by a test)");
        file.profiles
    })
}

/// The part of an offer a profile finds nothing acceptable in, in the order a server
/// checks them.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Lack {
    Version,
    CipherSuite,
    Group,
}

impl Profile {
    fn version_codes(&self) -> impl Iterator<Item = u16> + '_ {
        self.versions.iter().filter_map(|v| match v.as_str() {
            "TLSv1.0" => Some(0x0301),
            "TLSv1.1" => Some(0x0302),
            "TLSv1.2" => Some(0x0303),
            "TLSv1.3" => Some(0x0304),
            _ => None,
        })
    }

    /// What this profile finds nothing acceptable in, each part judged on its own (a
    /// profile may lack several); empty if it accepts the offer.
    pub fn refuses(&self, hello: &ClientHelloInfo) -> Vec<Lack> {
        let offered = offered_versions(hello);
        let mut lacks = Vec::new();
        if !self.version_codes().any(|v| offered.contains(&v)) {
            lacks.push(Lack::Version);
        }
        // Suites and groups are judged at the versions both sides have, or at the
        // profile's own when there are none.
        let common: Vec<u16> = self.version_codes().filter(|v| offered.contains(v)).collect();
        let versions: Vec<u16> = if common.is_empty() { self.version_codes().collect() } else { common };
        let usable: Vec<CipherSuite> = hello
            .cipher_suites
            .iter()
            .copied()
            .filter(|s| self.cipher_suites.contains(&s.0) && versions.iter().any(|v| usable_at(*s, *v)))
            .collect();
        if usable.is_empty() {
            lacks.push(Lack::CipherSuite);
        }
        // Without supported_groups a server may pick its own curve (RFC 8422, 4).
        let group_in_common =
            hello.groups.is_empty() || hello.groups.iter().any(|g: &NamedGroup| self.groups.contains(&g.0));
        if !group_in_common && !usable.is_empty() && usable.iter().all(|s| needs_group(*s)) {
            lacks.push(Lack::Group);
        }
        lacks
    }
}

/// The versions a client accepts: its supported_versions, or without it every version
/// up to its hello's.
fn offered_versions(hello: &ClientHelloInfo) -> Vec<u16> {
    match hello.versions.as_slice() {
        [only] if only.0 <= ProtocolVersion::TLS_1_2.0 => (0x0300..=only.0).collect(),
        versions => versions.iter().map(|v| v.0).collect(),
    }
}

/// TLS 1.3 suites only at TLS 1.3; the others below it, and their AEAD and SHA-2
/// variants at TLS 1.2 only.
fn usable_at(suite: CipherSuite, version: u16) -> bool {
    let Some(info) = suite.info() else { return false };
    if info.tls13 {
        return version == ProtocolVersion::TLS_1_3.0;
    }
    let tls12_only = ["GCM", "CCM", "CHACHA20", "SHA256", "SHA384"].iter().any(|m| info.bulk.contains(m));
    version <= ProtocolVersion::TLS_1_2.0 && (!tls12_only || version == ProtocolVersion::TLS_1_2.0)
}

/// Suites whose key exchange needs a named group both sides support (TLS 1.2 DHE falls
/// back to the server's own parameters).
fn needs_group(suite: CipherSuite) -> bool {
    suite.info().is_some_and(|i| i.tls13 || matches!(i.key_exchange, KeyExchange::Ecdhe | KeyExchange::EcdhePsk))
}

/// The offer judged against every profile.
#[derive(Default)]
pub struct Judgement {
    /// The most frequent reason among the profiles that refuse, if it stands out.
    pub likeliest: Option<Lack>,
    /// Profiles that refuse, with what each lacks.
    pub refused_by: Vec<(&'static str, Vec<Lack>)>,
    pub accepted_by: Vec<&'static str>,
}

pub fn judge(hello: &ClientHelloInfo) -> Judgement {
    let mut refused_by = Vec::new();
    let mut accepted_by = Vec::new();
    for profile in all() {
        match profile.refuses(hello) {
            lacks if lacks.is_empty() => accepted_by.push(profile.name.as_str()),
            lacks => refused_by.push((profile.name.as_str(), lacks)),
        }
    }
    let count = |lack: Lack| refused_by.iter().filter(|(_, lacks)| lacks.contains(&lack)).count();
    // A cause stands out when at least a third of the profiles refuse the offer for it:
    // with fewer, a server configured narrower than any default is as likely.
    let stands_out = all().len().div_ceil(3);
    let likeliest = [Lack::Version, Lack::CipherSuite, Lack::Group]
        .into_iter()
        .filter(|l| count(*l) >= stands_out)
        .max_by_key(|l| (count(*l), std::cmp::Reverse(*l as u8)));
    Judgement { likeliest, refused_by, accepted_by }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn hello(versions: &[u16], suites: &[u16], groups: &[u16]) -> ClientHelloInfo {
        ClientHelloInfo {
            versions: versions.iter().map(|v| ProtocolVersion(*v)).collect(),
            cipher_suites: suites.iter().map(|s| CipherSuite(*s)).collect(),
            groups: groups.iter().map(|g| NamedGroup(*g)).collect(),
            ..ClientHelloInfo::default()
        }
    }

    #[test]
    fn the_profiles_are_read_and_name_their_sources() {
        assert!(all().len() >= 8);
        for p in all() {
            assert!(!p.source.is_empty() && !p.cipher_suites.is_empty() && !p.groups.is_empty(), "{}", p.name);
            assert_eq!(p.version_codes().count(), p.versions.len(), "{}", p.name);
        }
    }

    #[test]
    fn a_static_rsa_only_offer_lacks_cipher_suites_for_the_stacks_that_refuse_it() {
        // TLS_RSA_WITH_AES_128_CBC_SHA alone, at TLS 1.2.
        let j = judge(&hello(&[0x0303], &[0x002f], &[0x001d, 0x0017]));
        assert_eq!(j.likeliest, Some(Lack::CipherSuite));
        let refusing: Vec<&str> = j.refused_by.iter().map(|(n, _)| *n).collect();
        assert!(
            refusing.contains(&"Mozilla intermediate") && refusing.iter().any(|n| n.starts_with("Go")),
            "{refusing:?}"
        );
        assert!(j.accepted_by.iter().any(|n| n.starts_with("OpenSSL")));
    }

    #[test]
    fn an_old_version_lacks_versions_and_a_modern_offer_is_accepted_by_all() {
        let tls10 = judge(&hello(&[0x0301], &[0xc013, 0x002f], &[0x0017]));
        assert_eq!(tls10.likeliest, Some(Lack::Version));
        let modern = judge(&hello(&[0x0304, 0x0303], &[0x1301, 0xc02f], &[0x001d]));
        assert_eq!((modern.likeliest, modern.refused_by.len()), (None, 0));
        // Refused by Mozilla's TLS 1.3-only "modern" profile alone: nothing stands out.
        let tls12 = judge(&hello(&[0x0303], &[0xc02f], &[0x001d]));
        assert_eq!((tls12.likeliest, tls12.refused_by.len()), (None, 1));
        // TLS 1.3 with only a group nobody enables by default.
        let odd_group = judge(&hello(&[0x0304], &[0x1301], &[0x0015]));
        assert_eq!(odd_group.likeliest, Some(Lack::Group));
    }
}
