//! The hash knead writes into its output: the search manifest's `hash`, which the
//! browser adds to the URLs of the index files (`?v=`) so caches never mix two builds.
//!
//! It is XXH3, 64 bits (`xxhash-rust`), of each piece of bytes with the previous hash as
//! the seed (0 for the first piece): `hash_bytes(hash_bytes(0, a), b)` for `a` then `b`.
//! XXH3 is a specified algorithm, so the same site hashes the same on every platform
//! and with every version of knead and Rust (std's `DefaultHasher` promises neither,
//! which is why it serves only hashes kept in memory, such as watch mode's fingerprints).

/// XXH3-64 of `bytes` seeded with `seed`: the hash of `bytes` after what `seed` hashed.
pub fn hash_bytes(seed: u64, bytes: &[u8]) -> u64 {
    xxhash_rust::xxh3::xxh3_64_with_seed(bytes, seed)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn is_xxh3_64_chained_by_seed() {
        // The reference vectors of XXH3-64 (xxHash's own test suite).
        assert_eq!(hash_bytes(0, b""), 0x2D06_8005_38D3_94C2);
        assert_eq!(hash_bytes(0, b"a"), 0xE6C6_32B6_1E96_4E1F);
        // Pieces are hashed one after another: the order and the cut between them count.
        let ab = hash_bytes(hash_bytes(0, b"a"), b"b");
        assert_eq!(ab, hash_bytes(hash_bytes(0, b"a"), b"b"));
        assert_ne!(ab, hash_bytes(hash_bytes(0, b"b"), b"a"));
        assert_ne!(ab, hash_bytes(0, b"ab"));
        assert_ne!(
            hash_bytes(hash_bytes(0, b"ab"), b""),
            hash_bytes(hash_bytes(0, b"a"), b"b")
        );
    }
}
