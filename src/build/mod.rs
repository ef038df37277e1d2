//! Running the stages: [`pipeline`] for a clean build (and `knead check`),
//! [`incremental`] for the rebuilds of `knead watch` and `knead serve`, and [`output`]
//! for the output folder (a staging folder swapped in whole).

pub mod incremental;
mod inputs;
pub mod lock;
pub mod output;
pub mod pipeline;
pub mod stages;
mod written;
