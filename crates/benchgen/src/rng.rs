//! A small deterministic PRNG (xoshiro256**, seeded through splitmix64), so the output
//! depends on no dependency's stream and stays byte-identical across versions.

/// splitmix64: expands one `u64` into well-mixed state words (and derives sub-seeds).
pub fn splitmix64(state: &mut u64) -> u64 {
    *state = state.wrapping_add(0x9e37_79b9_7f4a_7c15);
    let mut z = *state;
    z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
    z ^ (z >> 31)
}

/// xoshiro256** with the draws the generator needs.
#[derive(Debug, Clone)]
pub struct Rng {
    s: [u64; 4],
}

impl Rng {
    pub fn new(seed: u64) -> Rng {
        let mut sm = seed;
        Rng { s: [splitmix64(&mut sm), splitmix64(&mut sm), splitmix64(&mut sm), splitmix64(&mut sm)] }
    }

    /// An independent stream for `(seed, salt, index)`: per-replica streams do not depend
    /// on how many draws other replicas made.
    pub fn derived(seed: u64, salt: u64, index: u64) -> Rng {
        let mut sm = seed ^ salt.rotate_left(17);
        let a = splitmix64(&mut sm);
        let mut sm = a ^ index.wrapping_mul(0xd134_2543_de82_ef95);
        Rng::new(splitmix64(&mut sm))
    }

    pub fn next_u64(&mut self) -> u64 {
        let result = self.s[1].wrapping_mul(5).rotate_left(7).wrapping_mul(9);
        let t = self.s[1] << 17;
        self.s[2] ^= self.s[0];
        self.s[3] ^= self.s[1];
        self.s[1] ^= self.s[2];
        self.s[0] ^= self.s[3];
        self.s[2] ^= t;
        self.s[3] = self.s[3].rotate_left(45);
        result
    }

    pub fn next_u32(&mut self) -> u32 {
        (self.next_u64() >> 32) as u32
    }

    /// Uniform in [0, 1), 53 bits.
    pub fn unit(&mut self) -> f64 {
        (self.next_u64() >> 11) as f64 * (1.0 / (1u64 << 53) as f64)
    }

    /// Uniform in [0, n); 0 when n is 0. Lemire's multiply-shift (bias below 2^-32 for
    /// the small n used here).
    pub fn below(&mut self, n: u64) -> u64 {
        ((u128::from(self.next_u64()) * u128::from(n)) >> 64) as u64
    }

    /// Uniform in [lo, hi] (inclusive).
    pub fn between(&mut self, lo: u64, hi: u64) -> u64 {
        lo + self.below(hi - lo + 1)
    }

    pub fn uniform(&mut self, lo: f64, hi: f64) -> f64 {
        lo + (hi - lo) * self.unit()
    }

    pub fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[self.below(items.len() as u64) as usize]
    }

    /// Standard normal (Box-Muller; one value per call keeps the stream simple).
    pub fn normal(&mut self) -> f64 {
        let u1 = 1.0 - self.unit(); // (0, 1]: ln is finite
        let u2 = self.unit();
        (-2.0 * u1.ln()).sqrt() * (std::f64::consts::TAU * u2).cos()
    }

    pub fn log_normal(&mut self, mu: f64, sigma: f64) -> f64 {
        (mu + sigma * self.normal()).exp()
    }

    /// Exponential with the given rate (events per unit of time).
    pub fn exponential(&mut self, rate: f64) -> f64 {
        -(1.0 - self.unit()).ln() / rate
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn same_seed_same_stream_other_seed_other_stream() {
        let a: Vec<u64> = (0..8)
            .map({
                let mut r = Rng::new(1);
                move |_| r.next_u64()
            })
            .collect();
        let mut r = Rng::new(1);
        assert!(a.iter().all(|&x| x == r.next_u64()));
        let mut other = Rng::new(2);
        assert_ne!(a[0], other.next_u64());
    }

    #[test]
    fn draws_stay_in_range() {
        let mut r = Rng::new(7);
        for _ in 0..10_000 {
            assert!(r.below(10) < 10);
            assert!((3..=9).contains(&r.between(3, 9)));
            let u = r.unit();
            assert!((0.0..1.0).contains(&u));
            assert!(r.exponential(5.0) >= 0.0);
        }
    }

    #[test]
    fn log_normal_median_is_exp_mu() {
        let mut r = Rng::new(3);
        let mut v: Vec<f64> = (0..20_001).map(|_| r.log_normal(-4.2, 1.0)).collect();
        v.sort_by(f64::total_cmp);
        let median = v[10_000];
        assert!((median - (-4.2f64).exp()).abs() < 0.002, "{median}");
    }

    #[test]
    fn derived_streams_differ_by_index() {
        assert_ne!(Rng::derived(1, 9, 0).next_u64(), Rng::derived(1, 9, 1).next_u64());
        assert_eq!(Rng::derived(1, 9, 5).next_u64(), Rng::derived(1, 9, 5).next_u64());
    }
}
