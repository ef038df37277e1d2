//! What each command adds on top of a build: [`check`] (every problem, nothing written),
//! [`scaffold`] (`knead new` and `knead init`), [`watch`] (rebuild on each edit),
//! [`serve`] (a local preview server that reloads pages) and [`report`] (what the last
//! two say after each build); [`cli`] is the command line and what each command prints.

pub mod check;
pub mod cli;
pub mod report;
pub mod scaffold;
pub mod serve;
pub mod watch;
