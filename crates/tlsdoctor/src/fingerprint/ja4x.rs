//! JA4X (FoxIO, technical_details/JA4X.md): a certificate's shape, not its contents.
//! Three hashes of the OIDs, in DER hex and in the order they come: the issuer's name
//! attributes, the subject's, and the extensions. An empty list hashes as the empty
//! string (`e3b0c44298fc`), as the reference implementations do.

use x509_parser::prelude::{FromDer, X509Certificate};

use super::digest::{push_hex, sha256_12};
use super::Fingerprint;

/// None when the bytes are not a certificate.
pub fn ja4x(der: &[u8]) -> Option<Fingerprint> {
    let (_, cert) = X509Certificate::from_der(der).ok()?;
    let oids = |oids: &mut dyn Iterator<Item = &[u8]>| {
        let mut out = String::new();
        for (i, oid) in oids.enumerate() {
            if i > 0 {
                out.push(',');
            }
            push_hex(&mut out, oid);
        }
        out
    };
    let issuer = oids(&mut cert.issuer().iter_attributes().map(|a| a.attr_type().as_bytes()));
    let subject = oids(&mut cert.subject().iter_attributes().map(|a| a.attr_type().as_bytes()));
    let extensions = oids(&mut cert.extensions().iter().map(|e| e.oid.as_bytes()));
    Some(Fingerprint {
        hash: format!("{}_{}_{}", sha256_12(&issuer), sha256_12(&subject), sha256_12(&extensions)),
        raw: format!("{issuer}_{subject}_{extensions}"),
    })
}
