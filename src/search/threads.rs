//! Plain threads for building the index. The index is built inside a rayon task (the
//! first shard rendered), which must not wait on rayon work of its own, so its parallel
//! parts run on threads of their own, one part per core.

/// The size of each thread's part of `len` items, or `None` to do them all on this
/// thread (one core, or too few items to be worth threads).
fn part_size(len: usize) -> Option<usize> {
    let threads = rayon::current_num_threads().min(8);
    (threads > 1 && len >= 256).then(|| len.div_ceil(threads))
}

/// Runs `f` on each part (with the position of its first item), each on a plain thread
/// of its own (not rayon: the index is built inside a rayon task, which must not wait
/// on rayon work of its own), and returns the results in order.
fn on_threads<P: Send, R: Send>(parts: Vec<(usize, P)>, f: impl Fn(usize, P) -> R + Sync) -> Vec<R> {
    std::thread::scope(|s| {
        let f = &f;
        let handles: Vec<_> = parts
            .into_iter()
            .map(|(start, part)| s.spawn(move || f(start, part)))
            .collect();
        handles
            .into_iter()
            .map(|h| h.join().unwrap_or_else(|e| std::panic::resume_unwind(e)))
            .collect()
    })
}

/// Runs `f` over `items` in up to one chunk per core ([`on_threads`]).
pub(super) fn par_chunks<'t, T: Sync, R: Send>(items: &'t [T], f: impl Fn(usize, &'t [T]) -> R + Sync) -> Vec<R> {
    let Some(size) = part_size(items.len()) else {
        return vec![f(0, items)];
    };
    on_threads(items.chunks(size).enumerate().map(|(k, c)| (k * size, c)).collect(), f)
}

/// [`par_chunks`] for owned items: `f` gets each thread's part by value (and its start).
pub(super) fn par_parts<T: Send, R: Send>(mut items: Vec<T>, f: impl Fn(usize, Vec<T>) -> R + Sync) -> Vec<R> {
    let Some(size) = part_size(items.len()) else {
        return vec![f(0, items)];
    };
    let mut parts = Vec::new();
    let mut start = 0;
    while !items.is_empty() {
        let rest = items.split_off(size.min(items.len()));
        parts.push((start, items));
        start += size;
        items = rest;
    }
    on_threads(parts, f)
}
