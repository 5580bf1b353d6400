//! Embedded SQLite catalog of OpenMetadata-shaped entities, and its sink
