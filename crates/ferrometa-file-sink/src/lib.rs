//! File sink: the Create* requests as a JSON array, as OpenMetadata's file sink writes
