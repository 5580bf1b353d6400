//! Integration tests of the emulator over HTTP with the real SDK.

mod emulator;
mod single_table;
