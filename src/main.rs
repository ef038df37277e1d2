//! The `knead` binary: the memory allocator, then the command line of
//! [`knead::commands::cli`]. Exit codes: 0 success, 1 content or template errors, 2
//! usage errors.

use std::process::ExitCode;

use clap::Parser;
use knead::commands::cli::{self, Cli};

/// jemalloc: faster than the system allocator for the build's many small allocations
/// from two threads, and it stays linear on very large sites (bench/README.md).
#[cfg(not(target_env = "msvc"))]
#[global_allocator]
static GLOBAL: tikv_jemallocator::Jemalloc = tikv_jemallocator::Jemalloc;

/// jemalloc's settings: one arena per CPU rather than four, for a lower peak in the same
/// time. Transparent huge pages made large sites scale worse (bench/README.md).
#[cfg(not(target_env = "msvc"))]
#[unsafe(export_name = "_rjem_malloc_conf")]
pub static MALLOC_CONF: &[u8; 20] = b"percpu_arena:percpu\0";

fn main() -> ExitCode {
    cli::run(Cli::parse())
}
