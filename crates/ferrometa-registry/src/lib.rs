//! The registry of sources and sinks: builds a workflow from a recipe
