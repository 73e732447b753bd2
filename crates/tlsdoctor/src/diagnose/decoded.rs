//! Certificates decoded once per thread: a capture shows the same few server and CA
//! certificates in connection after connection, and each connection's checks look at
//! them several times (chain, names, signatures, negotiation, summary).

use std::cell::RefCell;
use std::collections::HashMap;
use std::hash::BuildHasher;
use std::rc::Rc;

use tlsdoctor_tls::x509::{self, CertificateSummary};
use tlsdoctor_verify::PublicKey;

/// A certificate as the checks use it.
pub struct Decoded {
    pub summary: CertificateSummary,
    /// The subject public key, when tlsdoctor can verify signatures with it.
    pub key: Option<PublicKey>,
}

/// Certificates remembered per thread; past it the memo starts over, which bounds it
/// whatever a hostile capture holds (certificates are at most 64 KiB each here).
const REMEMBERED: usize = 512;

type Memo = HashMap<u64, (Box<[u8]>, Result<Rc<Decoded>, String>)>;

thread_local! {
    /// foldhash, randomly seeded: a certificate is hashed whole at every look-up, and
    /// SipHash over a kilobyte was a visible part of a run. The bytes are compared too.
    static MEMO: (foldhash::quality::RandomState, RefCell<Memo>) = Default::default();
}

/// The certificate `der` decoded, or why it does not decode.
pub fn certificate(der: &[u8]) -> Result<Rc<Decoded>, String> {
    if der.len() > 1 << 16 {
        return decode(der);
    }
    MEMO.with(|(hasher, memo)| {
        let key = hasher.hash_one(der);
        if let Some((seen, decoded)) = memo.borrow().get(&key) {
            if **seen == *der {
                return decoded.clone();
            }
        }
        let decoded = decode(der);
        let mut memo = memo.borrow_mut();
        if memo.len() >= REMEMBERED {
            memo.clear();
        }
        memo.insert(key, (der.into(), decoded.clone()));
        decoded
    })
}

fn decode(der: &[u8]) -> Result<Rc<Decoded>, String> {
    let summary = x509::summarize(der).map_err(|e| e.to_string())?;
    let key = PublicKey::from_spki_der(&summary.spki_der).ok();
    Ok(Rc::new(Decoded { summary, key }))
}
