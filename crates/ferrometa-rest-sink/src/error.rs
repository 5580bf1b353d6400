//! [`RestSinkError`]. Every variant holds text (or another `RestSinkError`) only, so that one
//! failed bulk request can be reported against each of its entities (the error is `Clone`),
//! and no variant can carry a request header: the bearer token never reaches a message. The
//! reasons of transport and TLS failures are the rendered chain of the HTTP client's error,
//! which is neither `Clone` nor free of URLs, kept as text for those two reasons.

/// Everything that can go wrong talking to the OpenMetadata server.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum RestSinkError {
    #[error("invalid openmetadata server url `{url}`: {reason}")]
    InvalidUrl { url: String, reason: String },
    #[error(
        "openMetadataServerConfig.securityConfig.jwtToken is required with authProvider `{provider}` \
         (use `no-auth` for a server without authentication)"
    )]
    MissingToken { provider: String },
    /// `path` is `None` where the value may be a secret given in place of a path.
    #[error(
        "cannot read the {what}{}: {reason}",
        .path.as_ref().map(|p| format!(" `{p}`")).unwrap_or_default()
    )]
    ReadFile {
        what: &'static str,
        path: Option<String>,
        reason: String,
    },
    #[error("invalid {what}: {reason}")]
    Tls { what: &'static str, reason: String },
    #[error("the tls certificate of {host} is not trusted: {reason}")]
    UntrustedCertificate { host: String, reason: String },
    #[error(
        "the openmetadata server at {host} asks for a tls client certificate and none was given \
         (set sslConfig.sslCertificate and sslConfig.sslKey)"
    )]
    ClientCertificateRequired { host: String },
    #[error(
        "the openmetadata server at {host} refused the tls client certificate: {reason} \
         (set sslConfig.sslCertificate and sslConfig.sslKey to a certificate it accepts)"
    )]
    ClientCertificateRefused { host: String, reason: String },
    #[error("invalid header `{name}` in openMetadataServerConfig.extraHeaders: {reason}")]
    InvalidHeader { name: String, reason: String },
    #[error("cannot build the http client: {0}")]
    Client(String),
    #[error("cannot read the openmetadata server version")]
    Version(#[source] Box<RestSinkError>),
    #[error("the openmetadata server's version answer has no `version`")]
    VersionMissing,
    #[error(
        "openmetadata server version {found} is not supported: the metadata-rest sink supports 1.x and 2.x \
         (set enableVersionValidation: false to try anyway)"
    )]
    UnsupportedVersion { found: String },
    #[error("the openmetadata server refused the credentials ({status}): {message}")]
    Unauthorized { status: u16, message: String },
    #[error("{method} {target} failed: {reason}")]
    Transport {
        method: &'static str,
        target: String,
        reason: String,
    },
    #[error("{method} {target} answered {status}: {message}")]
    Status {
        method: &'static str,
        target: String,
        status: u16,
        message: String,
    },
    #[error("{method} {target} answered an unexpected body: {reason}")]
    InvalidResponse {
        method: &'static str,
        target: String,
        reason: String,
    },
    #[error("rejected by the server ({status}): {message}")]
    Rejected { status: u16, message: String },
    #[error(
        "table {fqn} is not on the openmetadata server: its profiler data and column tags have nowhere to go"
    )]
    TableNotFound { fqn: String },
    #[error("table {table} on the openmetadata server has no column {column}")]
    UnknownColumn { table: String, column: String },
    #[error("the server's bulk answer does not mention this entity{}", reason_suffix(.0))]
    NotReported(Option<String>),
}

fn reason_suffix(reason: &Option<String>) -> String {
    reason
        .as_ref()
        .map(|r| format!(": {r}"))
        .unwrap_or_default()
}

impl RestSinkError {
    /// The HTTP status the server answered, if the error is an answer.
    pub fn status(&self) -> Option<u16> {
        match self {
            RestSinkError::Unauthorized { status, .. }
            | RestSinkError::Status { status, .. }
            | RestSinkError::Rejected { status, .. } => Some(*status),
            _ => None,
        }
    }
}

#[cfg(test)]
mod tests {
    use std::error::Error;

    use super::*;

    #[test]
    fn a_version_failure_keeps_its_cause_out_of_its_message() {
        let cause = RestSinkError::Status {
            method: "GET",
            target: "/api/v1/system/version".into(),
            status: 503,
            message: "unavailable".into(),
        };
        let error = RestSinkError::Version(Box::new(cause.clone()));
        assert_eq!(
            error.to_string(),
            "cannot read the openmetadata server version"
        );
        assert_eq!(error.source().unwrap().to_string(), cause.to_string());
    }
}
