//! DTLS 1.3's keys by epoch (RFC 9147 6.1): epoch 2 under the handshake traffic secrets,
//! epoch 3 under the first application traffic secrets, and each epoch after it under
//! the secret a KeyUpdate derives from the one before.

use tlsdoctor_keys::{next_traffic_secret, Dtls13Protection, HashAlg, Secret, Secrets, SuiteParams};
use tlsdoctor_tls::registry::{CipherSuite, ProtocolVersion};

/// Application epochs derived at most: a connection that updates its keys more often
/// is read up to there.
const MAX_APPLICATION_EPOCHS: usize = 64;

/// The first application epoch.
const FIRST_APPLICATION_EPOCH: u64 = 3;

pub(super) struct Dtls13Epochs {
    suite: CipherSuite,
    hash: HashAlg,
    /// Each side's epoch 2.
    handshake: [Option<Dtls13Protection>; 2],
    /// Each side's application epochs from 3 on, derived as they are needed: the secret
    /// and its keys.
    application: [Vec<(Secret, Option<Dtls13Protection>)>; 2],
}

impl Dtls13Epochs {
    /// The keys of a connection that chose `suite`, from its logged secrets.
    pub(super) fn new(suite: CipherSuite, secrets: &Secrets) -> Option<Dtls13Epochs> {
        let hash = SuiteParams::for_suite(suite).filter(|p| p.tls13)?.hash;
        let keys = |s: &Option<Secret>| s.as_ref().and_then(|s| Dtls13Protection::new(suite, s.as_bytes()).ok());
        let first = |s: &Option<Secret>| s.iter().map(|s| (s.clone(), None)).collect();
        Some(Dtls13Epochs {
            suite,
            hash,
            handshake: [keys(&secrets.client_handshake_traffic_secret), keys(&secrets.server_handshake_traffic_secret)],
            application: [first(&secrets.client_traffic_secret_0), first(&secrets.server_traffic_secret_0)],
        })
    }

    /// The keys of `side` (0: client, 1: server) in `epoch`, when its secret is known.
    pub(super) fn keys(&mut self, side: usize, epoch: u64) -> Option<&Dtls13Protection> {
        if epoch == 2 {
            return self.handshake.get(side)?.as_ref();
        }
        let index = usize::try_from(epoch.checked_sub(FIRST_APPLICATION_EPOCH)?).ok()?;
        if index >= MAX_APPLICATION_EPOCHS {
            return None;
        }
        let epochs = self.application.get_mut(side)?;
        while epochs.len() <= index {
            let (last, _) = epochs.last()?;
            let next = next_traffic_secret(ProtocolVersion(0xfefc), self.hash, last.as_bytes()).ok()?;
            epochs.push((next, None));
        }
        let (secret, keys) = &mut epochs[index];
        if keys.is_none() {
            *keys = Dtls13Protection::new(self.suite, secret.as_bytes()).ok();
        }
        keys.as_ref()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn secrets() -> Secrets {
        Secrets {
            client_handshake_traffic_secret: Some(Secret::new(vec![1; 32])),
            client_traffic_secret_0: Some(Secret::new(vec![3; 32])),
            ..Secrets::default()
        }
    }

    #[test]
    fn epochs_follow_the_logged_secrets_and_key_updates() {
        let mut epochs = Dtls13Epochs::new(CipherSuite(0x1301), &secrets()).unwrap();
        assert!(epochs.keys(0, 2).is_some());
        assert!(epochs.keys(1, 2).is_none(), "the server's handshake secret was not logged");
        assert!(epochs.keys(0, 1).is_none() && epochs.keys(0, 0).is_none());
        assert!(epochs.keys(0, 5).is_some());
        assert_eq!(epochs.application[0].len(), 3, "epochs 3, 4 and 5");
        let updated = next_traffic_secret(ProtocolVersion(0xfefc), HashAlg::Sha256, &[3; 32]).unwrap();
        assert_eq!(epochs.application[0][1].0, updated);
        assert!(epochs.keys(1, 3).is_none());
        assert!(epochs.keys(0, 3 + MAX_APPLICATION_EPOCHS as u64).is_none());
        assert!(Dtls13Epochs::new(CipherSuite(0xc02f), &secrets()).is_none(), "not a TLS 1.3 suite");
    }
}
