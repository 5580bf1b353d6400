//! Recipe (workflow YAML/JSON) parsing, validation, filters and JSON Schema
