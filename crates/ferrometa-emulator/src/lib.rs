//! Embedded DynamoDB-compatible endpoint and seed datasets, for the demo, tests and benchmarks
