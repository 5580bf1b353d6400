//! Integration tests of the file sink on real files.

mod file_sink;
