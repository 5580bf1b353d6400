//! DynamoDB source: credentials, listing, describing, sampling and schema inference
