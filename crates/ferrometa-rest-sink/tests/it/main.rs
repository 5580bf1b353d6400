//! The sink against a real `ferrometa serve` on loopback, with a fault-injecting proxy in
//! between where a test needs what a healthy server never does.

mod bodies;
mod faults;
mod harness;
mod proxy;
mod secrets;
mod throughput;
mod workflow;
mod writes;
