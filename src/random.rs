//! The operating system's CSPRNG (getrandom).

pub fn fill(buf: &mut [u8]) {
    // getrandom only fails when the OS has no entropy source at all; there is no safe fallback.
    getrandom::fill(buf).expect("the operating system's random number generator is unavailable");
}

pub fn bytes(n: usize) -> Vec<u8> {
    let mut v = vec![0u8; n];
    fill(&mut v);
    v
}
