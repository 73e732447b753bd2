//! Certificate signatures: did the issuer's key sign this certificate?

use der::asn1::{AnyRef, BitStringRef};
use der::{Decode, Reader, SliceReader};
use rsa::pkcs1::RsaPssParams;
use spki::{AlgorithmIdentifierRef, ObjectIdentifier};
use tlsdoctor_tls::x509::{self, CertificateSummary};

use crate::{verify, Hash, PublicKey, SignatureAlgorithm, Verified, VerifyError};

const RSASSA_PSS: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.2.840.113549.1.1.10");
const MGF1: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.2.840.113549.1.1.8");

/// Check that the key in `issuer_spki_der` signed the certificate `cert_der` (its
/// tbsCertificate, with the certificate's signature algorithm). A mathematical check
/// only: SHA-1 and MD5 verify here; see [`crate::weak_algorithm`] for policy.
pub fn verify_certificate_signature(cert_der: &[u8], issuer_spki_der: &[u8]) -> Result<Verified, VerifyError> {
    let summary = x509::summarize(cert_der).map_err(|e| VerifyError::Malformed(format!("certificate: {e}")))?;
    let issuer = PublicKey::from_spki_der(issuer_spki_der)?;
    verify_certificate_with_key(cert_der, &summary, &issuer)
}

/// [`verify_certificate_signature`] for a certificate already summarized (`summary`
/// must be `x509::summarize(cert_der)`) and an issuer key already parsed.
pub fn verify_certificate_with_key(
    cert_der: &[u8],
    summary: &CertificateSummary,
    issuer: &PublicKey,
) -> Result<Verified, VerifyError> {
    let alg = certificate_algorithm(cert_der, summary)?;
    let tbs = cert_der
        .get(summary.tbs_der_range.clone())
        .ok_or_else(|| VerifyError::Malformed("tbsCertificate range".to_string()))?;
    verify(issuer, alg, &[tbs], &summary.signature_value)
}

/// The certificate's signature algorithm, with RSA-PSS's salt length read from the
/// parameters (`summary` must be `x509::summarize(cert_der)`).
pub fn certificate_algorithm(cert_der: &[u8], summary: &CertificateSummary) -> Result<SignatureAlgorithm, VerifyError> {
    let unsupported = || VerifyError::AlgorithmUnsupported(summary.signature_algorithm.to_string());
    let alg = SignatureAlgorithm::from_x509(&summary.signature_algorithm).ok_or_else(unsupported)?;
    let SignatureAlgorithm::RsaPss { hash, .. } = alg else {
        return Ok(alg);
    };
    let outer = outer_algorithm(cert_der).map_err(|e| VerifyError::Malformed(format!("certificate: {e}")))?;
    if outer.oid != RSASSA_PSS {
        return Err(unsupported());
    }
    // Absent parameters: SHA-1, MGF1-SHA-1, salt 20 (RFC 4055 3.1).
    let params = match outer.parameters {
        None => RsaPssParams::default(),
        Some(p) => {
            p.decode_as::<RsaPssParams>().map_err(|e| VerifyError::Malformed(format!("RSASSA-PSS parameters: {e}")))?
        }
    };
    let mgf_hash = params.mask_gen.parameters.map(|a| a.oid);
    let hash_oid = params.hash.oid;
    if params.mask_gen.oid != MGF1 || mgf_hash != Some(hash_oid) {
        return Err(VerifyError::AlgorithmUnsupported(format!(
            "RSASSA-PSS with {hash} and a mask generation other than MGF1-{hash}"
        )));
    }
    if Hash::ALL.into_iter().find(|h| h.oid_der() == Some(hash_oid.as_bytes())) != Some(hash) {
        return Err(unsupported());
    }
    Ok(SignatureAlgorithm::RsaPss { hash, salt_len: params.salt_len.into() })
}

/// Certificate ::= SEQUENCE { tbsCertificate, signatureAlgorithm, signatureValue }.
fn outer_algorithm(cert_der: &[u8]) -> der::Result<AlgorithmIdentifierRef<'_>> {
    let mut reader = SliceReader::new(cert_der)?;
    let alg = reader.sequence(|r| {
        let _tbs = AnyRef::decode(r)?;
        let alg = AlgorithmIdentifierRef::decode(r)?;
        let _sig = BitStringRef::decode(r)?;
        Ok(alg)
    })?;
    reader.finish(alg)
}
