//! Least privilege, as `tcpdump -Z` does it: once the capture socket is open, the
//! process gives up every capability, for good (the bounding set too, and no exec can
//! get them back), so a parser bug in what a capture holds cannot be turned into the
//! capture privilege or root's others.

use caps::{CapSet, Capability};

/// Drops every capability of the process and sets no_new_privs.
pub fn drop_all() -> Result<(), String> {
    // The bounding set first: dropping from it takes CAP_SETPCAP, about to go.
    for cap in caps::all() {
        if caps::has_cap(None, CapSet::Bounding, cap).unwrap_or(false) {
            // Without CAP_SETPCAP (an unprivileged user given only CAP_NET_RAW) the bounding
            // set stays; no_new_privs below still keeps an exec from gaining anything.
            let _ = caps::drop(None, CapSet::Bounding, cap);
        }
    }
    for set in [CapSet::Ambient, CapSet::Inheritable, CapSet::Effective, CapSet::Permitted] {
        caps::clear(None, set).map_err(|e| format!("dropping capabilities ({set:?}): {e}"))?;
    }
    no_new_privs()
}

/// The capabilities the process still holds in its effective or permitted set.
pub fn held() -> Vec<Capability> {
    let mut held: Vec<Capability> = Vec::new();
    for set in [CapSet::Effective, CapSet::Permitted] {
        held.extend(caps::read(None, set).unwrap_or_default());
    }
    held.sort_by_key(|c| c.index());
    held.dedup();
    held
}

/// PR_SET_NO_NEW_PRIVS: no exec (setuid, file capabilities) grants privileges again.
#[allow(unsafe_code)]
fn no_new_privs() -> Result<(), String> {
    // SAFETY: prctl with PR_SET_NO_NEW_PRIVS takes integer arguments only and touches no
    // memory of the process.
    let r = unsafe { libc::prctl(libc::PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) };
    if r == 0 {
        Ok(())
    } else {
        Err(format!("prctl(PR_SET_NO_NEW_PRIVS): {}", std::io::Error::last_os_error()))
    }
}
