//! Turning `openMetadataServerConfig` into an [`Api`]: base URL, bearer token, extra headers,
//! TLS and timeouts as OpenMetadata's client sets them up, then the version check.

use std::path::Path;
use std::time::Duration;

use ferrometa_config::{
    AuthProvider, MetadataRestSinkConfig, OpenMetadataServerConfig, Secret, VerifySsl,
};
use ferrometa_core::ErrorChain;
use ferrometa_model::EntityType;
use reqwest::header::{ACCEPT, AUTHORIZATION, HeaderMap, HeaderName, HeaderValue};
use reqwest::{Certificate, Client, Identity, Method, redirect};
use serde::Deserialize;

use crate::error::RestSinkError;
use crate::http::Api;

/// Upstream's connect timeout.
const CONNECT_TIMEOUT: Duration = Duration::from_secs(10);
/// Upstream's read timeout: a bulk request of many tables can take a while on a busy server.
const READ_TIMEOUT: Duration = Duration::from_secs(300);
/// Server major versions whose API this sink speaks.
const SUPPORTED_MAJORS: [u64; 2] = [1, 2];

/// The base URL the sink talks to: `api_endpoint` if set, else `hostPort`, plus `/<apiVersion>`.
pub(crate) fn base_url(
    server: &OpenMetadataServerConfig,
    sink: &MetadataRestSinkConfig,
) -> Result<String, RestSinkError> {
    let host = sink.api_endpoint.as_deref().unwrap_or(&server.host_port);
    let invalid = |reason: &str| RestSinkError::InvalidUrl {
        url: host.to_string(),
        reason: reason.to_string(),
    };
    let url = reqwest::Url::parse(host).map_err(|e| invalid(&e.to_string()))?;
    if !matches!(url.scheme(), "http" | "https") {
        return Err(invalid("the scheme must be http or https"));
    }
    if url.query().is_some() || url.fragment().is_some() {
        return Err(invalid(
            "expected a base url without query or fragment, e.g. http://localhost:8585/api",
        ));
    }
    Ok(format!(
        "{}/{}",
        host.trim_end_matches('/'),
        server.api_version.trim_matches('/')
    ))
}

/// The authenticated client for `server` (as `sink` overrides it) and the server's version:
/// the version check, then one cheap authenticated read, since `/system/version` needs no
/// token and a bad one should fail before any work.
pub(crate) async fn connect(
    server: &OpenMetadataServerConfig,
    sink: &MetadataRestSinkConfig,
) -> Result<(Api, ServerVersion), RestSinkError> {
    let api = build_api(server, sink)?;
    let version = check_version(&api, server.enable_version_validation).await?;
    let url = api.url(EntityType::DatabaseService.collection(), &[("limit", "1")])?;
    let reply = api.send(Method::GET, url.clone(), None).await?;
    api.success(&Method::GET, &url, reply)?;
    Ok((api, version))
}

/// The HTTP client for `server`, with its headers and TLS settings.
pub(crate) fn build_api(
    server: &OpenMetadataServerConfig,
    sink: &MetadataRestSinkConfig,
) -> Result<Api, RestSinkError> {
    let base = base_url(server, sink)?;
    let mut headers = HeaderMap::new();
    headers.insert(ACCEPT, HeaderValue::from_static("application/json"));
    let mut secrets = Vec::new();

    if let Some(token) = token(server)? {
        headers.insert(
            AUTHORIZATION,
            sensitive(&format!("Bearer {}", token.expose()), "Authorization")?,
        );
        secrets.push(token);
    }
    for (name, value) in server.extra_headers.iter().flatten() {
        let invalid = |reason: String| RestSinkError::InvalidHeader {
            name: name.clone(),
            reason,
        };
        let header = HeaderName::from_bytes(name.as_bytes()).map_err(|e| invalid(e.to_string()))?;
        headers.insert(header, sensitive(value.expose(), name)?);
        secrets.push(value.clone());
    }

    let mut builder = Client::builder()
        .user_agent(concat!("ferrometa/", env!("CARGO_PKG_VERSION")))
        .default_headers(headers)
        .connect_timeout(CONNECT_TIMEOUT)
        .read_timeout(READ_TIMEOUT)
        // Like upstream: a redirect is an error, and the token never follows one.
        .redirect(redirect::Policy::none());
    builder = match server.verify_ssl {
        // Upstream's `no-ssl` leaves verification to the HTTP library's defaults: an `https`
        // host is still verified against the system's roots.
        VerifySsl::NoSsl => builder,
        VerifySsl::Ignore => {
            tracing::warn!(
                "verifySSL is `ignore`: the openmetadata server's certificate is not verified"
            );
            builder.tls_danger_accept_invalid_certs(true)
        }
        VerifySsl::Validate => {
            let ssl = server.ssl_config.as_ref();
            if let Some(ca) = ssl.and_then(|s| s.ca_certificate.as_deref()) {
                let pem = pem("sslConfig.caCertificate", ca)?;
                let certs = Certificate::from_pem_bundle(&pem)
                    .map_err(|e| tls("sslConfig.caCertificate", &e))?;
                builder = builder.tls_certs_merge(certs);
            }
            match ssl.map(|s| (s.ssl_certificate.as_deref(), s.ssl_key.as_deref())) {
                Some((Some(cert), Some(key))) => {
                    let mut pem_pair = pem("sslConfig.sslCertificate", cert)?;
                    pem_pair.push(b'\n');
                    pem_pair.extend(pem(SSL_KEY, key)?);
                    let identity = Identity::from_pem(&pem_pair)
                        .map_err(|e| tls("sslConfig client certificate", &e))?;
                    builder.identity(identity)
                }
                Some((Some(_), None) | (None, Some(_))) => {
                    return Err(RestSinkError::Tls {
                        what: "sslConfig",
                        reason: "a client certificate needs both sslCertificate and sslKey".into(),
                    });
                }
                _ => builder,
            }
        }
    };
    let client = builder
        .build()
        .map_err(|e| RestSinkError::Client(ErrorChain(&e).to_string()))?;
    Ok(Api::new(client, base, secrets))
}

/// The bearer token. Every provider but `no-auth` authenticates with the bot's JWT, as
/// OpenMetadata's 2.x client does whatever `authProvider` says. Like upstream, `jwtToken`
/// may also name a file that holds the token.
fn token(server: &OpenMetadataServerConfig) -> Result<Option<Secret>, RestSinkError> {
    if server.auth_provider == AuthProvider::NoAuth {
        return Ok(None);
    }
    let Some(security) = &server.security_config else {
        let provider = serde_json::to_value(server.auth_provider)
            .ok()
            .and_then(|v| v.as_str().map(str::to_string));
        return Err(RestSinkError::MissingToken {
            provider: provider.unwrap_or_default(),
        });
    };
    let value = security.jwt_token.expose().trim();
    if Path::new(value).is_file() {
        let text = read("securityConfig.jwtToken file", value)?;
        return Ok(Some(Secret::new(text.trim())));
    }
    Ok(Some(Secret::new(value)))
}

/// A header value hidden from `Debug` output.
fn sensitive(value: &str, name: &str) -> Result<HeaderValue, RestSinkError> {
    let mut header = HeaderValue::from_str(value).map_err(|_| RestSinkError::InvalidHeader {
        name: name.to_string(),
        reason: "the value holds characters a header cannot carry".into(),
    })?;
    header.set_sensitive(true);
    Ok(header)
}

/// PEM text given inline or as a file path (upstream takes either).
fn pem(what: &'static str, value: &str) -> Result<Vec<u8>, RestSinkError> {
    if value.trim_start().starts_with("-----BEGIN") {
        return Ok(value.as_bytes().to_vec());
    }
    Ok(read(what, value)?.into_bytes())
}

/// The private key's setting: its value is never repeated in an error.
const SSL_KEY: &str = "sslConfig.sslKey";

/// The file at `path`. An error names the path, except for the private key: one pasted
/// without its `-----BEGIN` line is taken for a path and must not be repeated.
fn read(what: &'static str, path: &str) -> Result<String, RestSinkError> {
    std::fs::read_to_string(path).map_err(|e| RestSinkError::ReadFile {
        what,
        path: (what != SSL_KEY).then(|| path.to_string()),
        reason: e.to_string(),
    })
}

fn tls(what: &'static str, e: &reqwest::Error) -> RestSinkError {
    let reason = std::error::Error::source(e).map_or_else(|| e.to_string(), ToString::to_string);
    RestSinkError::Tls { what, reason }
}

/// `GET /system/version`. The server must answer (it is the reachability check, unauthenticated
/// on OpenMetadata); with `enableVersionValidation` its major version must be one this sink
/// speaks. Upstream requires the client's exact major.minor; the REST API used here is stable
/// across 1.x and 2.x, so any of those is accepted.
pub(crate) async fn check_version(
    api: &Api,
    validate: bool,
) -> Result<ServerVersion, RestSinkError> {
    let url = api.url("system/version", &[])?;
    let reply = api.send(Method::GET, url.clone(), None).await?;
    let reply = api
        .success(&Method::GET, &url, reply)
        .map_err(|e| RestSinkError::Version(Box::new(e)))?;
    let version: ServerVersion = api
        .json(&Method::GET, &url, &reply)
        .map_err(|e| RestSinkError::Version(Box::new(e)))?;
    if version.version.is_empty() {
        return Err(RestSinkError::VersionMissing);
    }
    if validate {
        let major = version
            .version
            .split('.')
            .next()
            .and_then(|m| m.trim().parse::<u64>().ok());
        if !major.is_some_and(|m| SUPPORTED_MAJORS.contains(&m)) {
            return Err(RestSinkError::UnsupportedVersion {
                found: version.version,
            });
        }
    }
    Ok(version)
}

/// `OpenMetadataServerVersion`.
#[derive(Deserialize)]
pub(crate) struct ServerVersion {
    #[serde(default)]
    pub version: String,
    #[serde(default)]
    pub revision: String,
}

impl ServerVersion {
    /// Whether the server is `ferrometa serve`, which stores a table's `extension` as it
    /// comes. OpenMetadata accepts only the custom properties declared for the type and
    /// refuses the whole table otherwise ("Unknown custom field").
    pub fn keeps_extensions(&self) -> bool {
        self.revision.starts_with("ferrometa-")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn server(yaml: serde_json::Value) -> OpenMetadataServerConfig {
        serde_json::from_value(yaml).unwrap()
    }

    #[test]
    fn base_url_appends_the_api_version() {
        let sink = MetadataRestSinkConfig::default();
        let s = server(serde_json::json!({"hostPort": "http://localhost:8585/api/"}));
        assert_eq!(base_url(&s, &sink).unwrap(), "http://localhost:8585/api/v1");
        let sink = MetadataRestSinkConfig {
            api_endpoint: Some("https://om.example.com/api".into()),
            ..sink
        };
        assert_eq!(
            base_url(&s, &sink).unwrap(),
            "https://om.example.com/api/v1"
        );
    }

    #[test]
    fn a_token_is_required_unless_no_auth() {
        let s =
            server(serde_json::json!({"hostPort": "http://h/api", "authProvider": "openmetadata"}));
        let err = token(&s).unwrap_err().to_string();
        assert!(
            err.contains("jwtToken is required with authProvider `openmetadata`"),
            "{err}"
        );
        let s = server(serde_json::json!({"hostPort": "http://h/api", "authProvider": "no-auth"}));
        assert!(token(&s).unwrap().is_none());
    }

    #[test]
    fn the_token_may_live_in_a_file() {
        let dir =
            std::env::temp_dir().join(format!("ferrometa-rest-sink-token-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let file = dir.join("jwt");
        std::fs::write(&file, "eyJ.file.token\n").unwrap();
        let s = server(serde_json::json!({
            "hostPort": "http://h/api",
            "authProvider": "openmetadata",
            "securityConfig": {"jwtToken": file.display().to_string()}
        }));
        assert_eq!(token(&s).unwrap().unwrap().expose(), "eyJ.file.token");
        std::fs::remove_dir_all(dir).unwrap();
    }

    #[test]
    fn half_a_client_identity_is_an_error() {
        let s = server(serde_json::json!({
            "hostPort": "https://h/api",
            "authProvider": "no-auth",
            "verifySSL": "validate",
            "sslConfig": {"sslCertificate": "-----BEGIN CERTIFICATE-----\n"}
        }));
        let err = build_api(&s, &MetadataRestSinkConfig::default())
            .err()
            .unwrap()
            .to_string();
        assert_eq!(
            err,
            "invalid sslConfig: a client certificate needs both sslCertificate and sslKey"
        );
    }

    #[test]
    fn an_unreadable_key_is_named_but_never_shown() {
        let body = "MIGHAgEAMBMGByqGSM49AgEGCCqGSM49AwEHBG0wawIBAQQg";
        let s = server(serde_json::json!({
            "hostPort": "https://h/api",
            "authProvider": "no-auth",
            "verifySSL": "validate",
            "sslConfig": {"sslCertificate": "-----BEGIN CERTIFICATE-----\n", "sslKey": body}
        }));
        let err = build_api(&s, &MetadataRestSinkConfig::default())
            .err()
            .unwrap()
            .to_string();
        assert!(
            err.starts_with("cannot read the sslConfig.sslKey: "),
            "{err}"
        );
        assert!(!err.contains(body), "{err}");
    }

    #[test]
    fn unreadable_certificates_name_the_file() {
        let s = server(serde_json::json!({
            "hostPort": "https://h/api",
            "authProvider": "no-auth",
            "verifySSL": "validate",
            "sslConfig": {"caCertificate": "/nonexistent/ca.pem"}
        }));
        let err = build_api(&s, &MetadataRestSinkConfig::default())
            .err()
            .unwrap()
            .to_string();
        assert!(
            err.starts_with("cannot read the sslConfig.caCertificate `/nonexistent/ca.pem`"),
            "{err}"
        );
    }
}
