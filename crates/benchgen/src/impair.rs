//! TCP impairments: which data segments of a flight are retransmitted, sent out of order
//! or missing from the capture. Draws come from the replica's own impairment stream, so
//! turning them on changes nothing else about the output.

use std::ops::AddAssign;

use crate::rng::Rng;

/// Per data segment probabilities.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct ImpairmentRates {
    /// Seen again max(200 ms, 2 RTT) later, followed by a duplicate ACK.
    pub retransmit: f64,
    /// Sent after the next 1-3 segments of its flight.
    pub reorder: f64,
    /// Never seen although acknowledged: a capture gap.
    pub drop: f64,
}

impl Default for ImpairmentRates {
    fn default() -> Self {
        ImpairmentRates { retransmit: 0.003, reorder: 0.003, drop: 0.000_02 }
    }
}

/// Impairments applied, as the manifest reports them.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Impairments {
    pub retransmitted: u64,
    /// Segments seen after a segment of the same flight that follows them in sequence.
    pub reordered: u64,
    pub dropped: u64,
}

impl AddAssign for Impairments {
    fn add_assign(&mut self, other: Self) {
        self.retransmitted += other.retransmitted;
        self.reordered += other.reordered;
        self.dropped += other.dropped;
    }
}

/// How one flight of `n` segments is sent.
#[derive(Debug, Clone, PartialEq)]
pub struct FlightPlan {
    /// Segment indexes in the order they are sent.
    pub order: Vec<usize>,
    /// For a retransmitted segment, the extra delay (seconds) added to its timeout.
    pub retransmit: Vec<Option<f64>>,
    pub dropped: Vec<bool>,
    pub applied: Impairments,
}

/// Plans flights: in order and intact unless rates are given.
#[derive(Debug, Clone)]
pub struct Impairer {
    rates: Option<ImpairmentRates>,
    rng: Rng,
}

impl Impairer {
    pub fn new(rates: Option<ImpairmentRates>, rng: Rng) -> Self {
        Impairer { rates, rng }
    }

    #[cfg(test)]
    pub fn none() -> Self {
        Impairer { rates: None, rng: Rng::new(0) }
    }

    pub fn plan_flight(&mut self, n: usize) -> FlightPlan {
        let mut plan = FlightPlan {
            order: (0..n).collect(),
            retransmit: vec![None; n],
            dropped: vec![false; n],
            applied: Impairments::default(),
        };
        let Some(rates) = self.rates else { return plan };
        for j in 0..n {
            let r = self.rng.unit();
            if r < rates.retransmit {
                plan.retransmit[j] = Some(self.rng.uniform(0.0, 0.05));
                plan.applied.retransmitted += 1;
            } else if r < rates.retransmit + rates.reorder {
                let k = (j + self.rng.between(1, 3) as usize).min(n - 1);
                move_after(&mut plan.order, j, k);
            } else if r < rates.retransmit + rates.reorder + rates.drop {
                plan.dropped[j] = true;
                plan.applied.dropped += 1;
            }
        }
        plan.applied.reordered = late_segments(&plan.order, &plan.dropped);
        plan
    }
}

/// Moves segment `j` to just after segment `k`, if it is sent before it.
fn move_after(order: &mut Vec<usize>, j: usize, k: usize) {
    let (Some(pj), Some(pk)) = (order.iter().position(|&x| x == j), order.iter().position(|&x| x == k)) else {
        return;
    };
    if pj < pk {
        order.remove(pj);
        order.insert(pk, j);
    }
}

/// Segments a capture shows out of order: sent after a later segment that is seen.
/// (Counting moves instead would overcount: a later move can undo an earlier one.)
fn late_segments(order: &[usize], dropped: &[bool]) -> u64 {
    let mut highest_seen = None;
    let mut late = 0;
    for &j in order {
        if dropped[j] {
            continue;
        }
        match highest_seen {
            Some(h) if h > j => late += 1,
            _ => highest_seen = Some(j),
        }
    }
    late
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn no_rates_no_draws_no_change() {
        let plan = Impairer::none().plan_flight(5);
        assert_eq!(plan.order, [0, 1, 2, 3, 4]);
        assert_eq!(plan.applied, Impairments::default());
    }

    #[test]
    fn move_after_and_late_count() {
        let mut order: Vec<usize> = (0..5).collect();
        move_after(&mut order, 0, 2);
        assert_eq!(order, [1, 2, 0, 3, 4]);
        assert_eq!(late_segments(&order, &[false; 5]), 1);
        // Moving 1 after 3 puts 0 back before every later segment but 2.
        move_after(&mut order, 1, 3);
        assert_eq!(order, [2, 0, 3, 1, 4]);
        assert_eq!(late_segments(&order, &[false; 5]), 2);
        // A late segment whose only later predecessor is missing does not look late.
        assert_eq!(late_segments(&[1, 0, 2], &[false, true, false]), 0);
        assert_eq!(late_segments(&[1, 0, 2], &[false, false, false]), 1);
    }

    #[test]
    fn rates_of_one_apply_to_every_segment() {
        let all_retransmitted = ImpairmentRates { retransmit: 1.0, reorder: 0.0, drop: 0.0 };
        let plan = Impairer::new(Some(all_retransmitted), Rng::new(1)).plan_flight(4);
        assert_eq!(plan.applied, Impairments { retransmitted: 4, reordered: 0, dropped: 0 });
        let all_dropped = ImpairmentRates { retransmit: 0.0, reorder: 0.0, drop: 1.0 };
        let plan = Impairer::new(Some(all_dropped), Rng::new(1)).plan_flight(4);
        assert_eq!(plan.dropped, [true; 4]);
        let all_reordered = ImpairmentRates { retransmit: 0.0, reorder: 1.0, drop: 0.0 };
        let plan = Impairer::new(Some(all_reordered), Rng::new(1)).plan_flight(6);
        assert!(plan.applied.reordered > 0);
        let mut sorted = plan.order.clone();
        sorted.sort();
        assert_eq!(sorted, [0, 1, 2, 3, 4, 5]);
    }
}
