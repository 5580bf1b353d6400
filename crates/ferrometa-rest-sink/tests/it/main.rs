//! The sink against a real `ferrometa serve` on loopback, with the emulator crate's
//! fault-injecting proxy in between where a test needs what a healthy server never does.

mod bodies;
mod faults;
mod harness;
mod lister;
mod secrets;
mod tags;
mod throughput;
mod tls;
mod tls_front;
mod workflow;
mod writes;
