//! [`Api`]: requests to `<hostPort>/<apiVersion>/...` with bounded retries, and the
//! server's error bodies turned into [`RestSinkError`]s.
//!
//! Every request this sink sends is idempotent (GET, create-or-update PUT, soft DELETE), so
//! all of them are retried on connection errors, timeouts, 429 and 5xx answers, with
//! exponential backoff and jitter, honouring `Retry-After`. Other answers are returned at
//! once: a 4xx is about the request and would fail again.
//!
//! Until the server has answered, and again after a request ran out of retries, requests
//! get only a short retry cycle: a wrong `hostPort` fails in a few seconds, and a server
//! that went down fails each remaining request in a few seconds rather than a minute. The
//! next answer brings the patient cycle back.
//!
//! Every retry is counted, for the run's status.

use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::time::{Duration, Instant};

use backon::{ExponentialBuilder, Retryable};
use ferrometa_config::Secret;
use ferrometa_core::ErrorChain;
use reqwest::header::{CONTENT_TYPE, HeaderValue, RETRY_AFTER};
use reqwest::{Client, Method, StatusCode, Url};
use rustls::{AlertDescription, CertificateError};
use serde::Deserialize;

use crate::error::RestSinkError;

/// Shown instead of a secret found in a server message.
const MASK: &str = "**********";
/// The change header of OpenMetadata's create-or-update answers.
const CHANGE_HEADER: &str = "X-OpenMetadata-Change";
/// Longest `Retry-After` honoured: a server asking for more is treated as failing.
const MAX_RETRY_AFTER: Duration = Duration::from_secs(60);
/// Longest part of a non-JSON error body quoted in a message.
const MAX_QUOTED_BODY: usize = 300;

/// Retries while the server is not known to be up: at most about three seconds (0.05 s,
/// 0.1 s, ... 0.8 s, each plus jitter), enough that a flaky network rarely fails the first
/// request (six transient failures in a row at a 20 % fault rate: 0.006 %).
const QUICK_RETRY: ExponentialBuilder = ExponentialBuilder::new()
    .with_min_delay(Duration::from_millis(50))
    .with_factor(2.0)
    .with_max_times(5)
    .with_jitter();
/// Retries while the server answers: about a minute of backoff (0.25 s, 0.75 s, ... 30 s)
/// rides out a restart.
const PATIENT_RETRY: ExponentialBuilder = ExponentialBuilder::new()
    .with_min_delay(Duration::from_millis(250))
    .with_factor(3.0)
    .with_max_delay(Duration::from_secs(30))
    .with_max_times(6)
    .with_jitter();

/// A final answer: any status (after retries), with its body.
#[derive(Debug)]
pub(crate) struct Reply {
    pub status: StatusCode,
    /// `X-OpenMetadata-Change`: `entityCreated`, `entityUpdated` or `entityNoChange`.
    pub change: Option<String>,
    pub body: Vec<u8>,
}

/// The HTTP side of the sink: one client, one base URL.
pub(crate) struct Api {
    client: Client,
    /// `<hostPort>/<apiVersion>`, without a trailing slash.
    base: String,
    /// Values that must never appear in a message: the token and the extra headers.
    secrets: Vec<Secret>,
    /// Whether the last request got an answer (which earns the patient retries).
    answering: AtomicBool,
    /// Requests sent again so far.
    retries: AtomicU64,
}

/// One failed attempt, as the retry loop sees it.
enum Attempt {
    /// No answer: connection refused or reset, timeout, broken body.
    Transport(reqwest::Error),
    /// An answer worth asking again (429, 5xx), kept to report it if retries run out.
    Transient(Reply, Option<Duration>),
    /// No point in retrying (e.g. a TLS or request-building error).
    Fatal(reqwest::Error),
}

impl Api {
    pub fn new(client: Client, base: String, secrets: Vec<Secret>) -> Api {
        Api {
            client,
            base,
            secrets,
            answering: AtomicBool::new(false),
            retries: AtomicU64::new(0),
        }
    }

    /// Requests sent again after a transient failure so far.
    pub fn retries(&self) -> u64 {
        self.retries.load(Ordering::Relaxed)
    }

    /// The URL of `path` (already percent-encoded, see [`quote`]) with `query` pairs.
    pub fn url(&self, path: &str, query: &[(&str, &str)]) -> Result<Url, RestSinkError> {
        let raw = format!("{}/{path}", self.base);
        let mut url = Url::parse(&raw).map_err(|e| RestSinkError::InvalidUrl {
            url: raw,
            reason: e.to_string(),
        })?;
        if !query.is_empty() {
            url.query_pairs_mut().extend_pairs(query);
        }
        Ok(url)
    }

    /// Sends a request (a JSON body), retrying transient failures; any final status is
    /// returned.
    pub async fn send(
        &self,
        method: Method,
        url: Url,
        body: Option<Vec<u8>>,
    ) -> Result<Reply, RestSinkError> {
        self.send_as(method, url, body, "application/json").await
    }

    /// [`Api::send`] with a body of the type `content_type`.
    pub async fn send_as(
        &self,
        method: Method,
        url: Url,
        body: Option<Vec<u8>>,
        content_type: &'static str,
    ) -> Result<Reply, RestSinkError> {
        let method_name = method_name(&method);
        let started = Instant::now();
        let attempt = || async {
            let mut request = self.client.request(method.clone(), url.clone());
            if let Some(body) = &body {
                request = request
                    .header(CONTENT_TYPE, HeaderValue::from_static(content_type))
                    .body(body.clone());
            }
            let response = request.send().await.map_err(classify)?;
            let status = response.status();
            let change = response
                .headers()
                .get(CHANGE_HEADER)
                .and_then(|v| v.to_str().ok())
                .map(str::to_string);
            let retry_after = response.headers().get(RETRY_AFTER).and_then(retry_after);
            let body = response.bytes().await.map_err(classify)?.to_vec();
            let reply = Reply {
                status,
                change,
                body,
            };
            if status == StatusCode::TOO_MANY_REQUESTS || status.is_server_error() {
                return Err(Attempt::Transient(reply, retry_after));
            }
            Ok(reply)
        };
        let policy = if self.answering.load(Ordering::Relaxed) {
            PATIENT_RETRY
        } else {
            QUICK_RETRY
        };
        let result = attempt
            .retry(policy)
            .when(|e| !matches!(e, Attempt::Fatal(_)))
            .adjust(|e, delay| match e {
                Attempt::Transient(_, Some(after)) if delay.is_some() => Some(*after),
                _ => delay,
            })
            .notify(|e, delay| {
                self.retries.fetch_add(1, Ordering::Relaxed);
                tracing::warn!(
                    "{method_name} {}: {}; retrying in {delay:.1?}",
                    target(&url),
                    self.describe(e)
                )
            })
            .await;
        self.answering.store(result.is_ok(), Ordering::Relaxed);
        let reply = match result {
            Ok(reply) | Err(Attempt::Transient(reply, _)) => reply,
            Err(Attempt::Transport(e) | Attempt::Fatal(e)) => {
                return Err(
                    refused_tls(&e, &url).unwrap_or_else(|| RestSinkError::Transport {
                        method: method_name,
                        target: target(&url),
                        reason: ErrorChain(&e).to_string(),
                    }),
                );
            }
        };
        tracing::debug!(
            "{method_name} {} -> {} in {:.0?}",
            target(&url),
            reply.status.as_u16(),
            started.elapsed()
        );
        Ok(reply)
    }

    /// `reply` if it is a success, else the server's complaint as an error.
    pub fn success(
        &self,
        method: &Method,
        url: &Url,
        reply: Reply,
    ) -> Result<Reply, RestSinkError> {
        if reply.status.is_success() {
            Ok(reply)
        } else {
            Err(self.failure(method, url, &reply))
        }
    }

    /// The server's complaint in a non-success answer, as an error.
    pub fn failure(&self, method: &Method, url: &Url, reply: &Reply) -> RestSinkError {
        let status = reply.status.as_u16();
        let message = self.message(reply);
        match reply.status {
            StatusCode::UNAUTHORIZED | StatusCode::FORBIDDEN => {
                RestSinkError::Unauthorized { status, message }
            }
            _ => RestSinkError::Status {
                method: method_name(method),
                target: target(url),
                status,
                message,
            },
        }
    }

    /// Parses a successful answer's JSON body.
    pub fn json<T: for<'de> Deserialize<'de>>(
        &self,
        method: &Method,
        url: &Url,
        reply: &Reply,
    ) -> Result<T, RestSinkError> {
        serde_json::from_slice(&reply.body).map_err(|e| RestSinkError::InvalidResponse {
            method: method_name(method),
            target: target(url),
            reason: e.to_string(),
        })
    }

    /// Every row of a cursor-paged listing of `collection` with `query` (`limit` included),
    /// each page's rows passed through `keep` as they arrive: what it returns is kept, so a
    /// caller holds only what it needs. Pages are read while the server answers a new
    /// `after` cursor.
    pub async fn list<T, U>(
        &self,
        collection: &str,
        query: &[(&str, &str)],
        mut keep: impl FnMut(T) -> Result<Option<U>, RestSinkError>,
    ) -> Result<Vec<U>, RestSinkError>
    where
        T: for<'de> Deserialize<'de>,
    {
        #[derive(Deserialize)]
        struct Page<T> {
            data: Vec<T>,
            #[serde(default)]
            paging: Option<Paging>,
        }
        #[derive(Deserialize)]
        struct Paging {
            #[serde(default)]
            after: Option<String>,
        }

        let mut rows = Vec::new();
        let mut after: Option<String> = None;
        loop {
            let mut query = query.to_vec();
            if let Some(cursor) = &after {
                query.push(("after", cursor));
            }
            let url = self.url(collection, &query)?;
            let reply = self.send(Method::GET, url.clone(), None).await?;
            let reply = self.success(&Method::GET, &url, reply)?;
            let page: Page<T> = self.json(&Method::GET, &url, &reply)?;
            for row in page.data {
                rows.extend(keep(row)?);
            }
            match page.paging.and_then(|p| p.after).filter(|a| !a.is_empty()) {
                Some(next) if Some(&next) != after.as_ref() => after = Some(next),
                _ => return Ok(rows),
            }
        }
    }

    /// The server's explanation in an error answer: the `message` of OpenMetadata's
    /// `{code, message}` bodies, else the start of the body; secrets masked either way.
    pub fn message(&self, reply: &Reply) -> String {
        #[derive(Deserialize)]
        struct ErrorBody {
            message: String,
        }
        let text = match serde_json::from_slice::<ErrorBody>(&reply.body) {
            Ok(body) => body.message,
            Err(_) => {
                let text = String::from_utf8_lossy(&reply.body);
                let text = text.trim();
                match text.char_indices().nth(MAX_QUOTED_BODY) {
                    Some((cut, _)) => format!("{}…", &text[..cut]),
                    None if text.is_empty() => reply
                        .status
                        .canonical_reason()
                        .unwrap_or("no message")
                        .to_string(),
                    None => text.to_string(),
                }
            }
        };
        self.redact(text)
    }

    /// `text` with every secret replaced by a mask.
    pub fn redact(&self, text: String) -> String {
        self.secrets
            .iter()
            .map(Secret::expose)
            .filter(|s| !s.is_empty())
            .fold(text, |text, secret| text.replace(secret, MASK))
    }

    fn describe(&self, attempt: &Attempt) -> String {
        match attempt {
            Attempt::Transport(e) | Attempt::Fatal(e) => ErrorChain(e).to_string(),
            Attempt::Transient(reply, _) => {
                format!("{} {}", reply.status.as_u16(), self.message(reply))
            }
        }
    }
}

/// Whether a request error is worth another attempt. TLS failures (an untrusted or invalid
/// certificate) surface as `InvalidData` I/O errors and will not heal by themselves.
fn classify(e: reqwest::Error) -> Attempt {
    // Named by its path in messages instead: a `hostPort` may carry credentials.
    let e = e.without_url();
    let mut source: Option<&(dyn std::error::Error + 'static)> = Some(&e);
    while let Some(err) = source {
        if err
            .downcast_ref::<std::io::Error>()
            .is_some_and(|io| io.kind() == std::io::ErrorKind::InvalidData)
        {
            return Attempt::Fatal(e);
        }
        source = err.source();
    }
    if e.is_builder() || e.is_redirect() {
        Attempt::Fatal(e)
    } else {
        Attempt::Transport(e)
    }
}

/// The TLS refusal that failed `e`, if that is what happened, told in words with what to do:
/// the server's certificate refused here (rustls's own text, "invalid peer certificate:
/// UnknownIssuer", says neither), or ours refused by the server (mutual TLS).
fn refused_tls(e: &reqwest::Error, url: &Url) -> Option<RestSinkError> {
    let mut next: Option<&(dyn std::error::Error + 'static)> = Some(e);
    while let Some(err) = next {
        match err.downcast_ref() {
            Some(rustls::Error::InvalidCertificate(problem)) => {
                return Some(RestSinkError::UntrustedCertificate {
                    host: host(url),
                    reason: certificate_problem(problem),
                });
            }
            Some(rustls::Error::AlertReceived(alert)) => return client_certificate(*alert, url),
            _ => {}
        }
        next = match err.downcast_ref::<std::io::Error>() {
            // The handshake's error travels inside I/O errors, whose `source` skips it.
            Some(io) => io
                .get_ref()
                .map(|inner| inner as &(dyn std::error::Error + 'static)),
            None => err.source(),
        };
    }
    None
}

/// The server's TLS alert, if it is about our client certificate: it asked for one and got
/// none, or refused the one given. A handshake failure may be about anything: left as it is.
fn client_certificate(alert: AlertDescription, url: &Url) -> Option<RestSinkError> {
    let reason = match alert {
        AlertDescription::CertificateRequired => {
            return Some(RestSinkError::ClientCertificateRequired { host: host(url) });
        }
        AlertDescription::UnknownCA => {
            "it is not signed by a certificate authority the server trusts"
        }
        AlertDescription::UnsupportedCertificate => {
            "it is not made for client authentication (extendedKeyUsage clientAuth)"
        }
        AlertDescription::CertificateExpired => "it has expired or is not valid yet",
        AlertDescription::CertificateRevoked => "it has been revoked",
        AlertDescription::AccessDenied => "it is valid, but not allowed in",
        AlertDescription::BadCertificate | AlertDescription::CertificateUnknown => "it is invalid",
        _ => return None,
    };
    Some(RestSinkError::ClientCertificateRefused {
        host: host(url),
        reason: reason.into(),
    })
}

fn certificate_problem(problem: &CertificateError) -> String {
    match problem {
        CertificateError::UnknownIssuer => "it is not signed by a trusted certificate authority \
            (give the authority's certificate in sslConfig.caCertificate)"
            .into(),
        CertificateError::NotValidForNameContext {
            expected,
            presented,
        } if !presented.is_empty() => {
            // rustls shows each name as `DnsName("host")` or `IpAddress(1.2.3.4)`.
            let names: Vec<&str> = presented
                .iter()
                .map(|name| {
                    name.split_once('(')
                        .and_then(|(_, inner)| inner.strip_suffix(')'))
                        .map_or(name.as_str(), |inner| inner.trim_matches('"'))
                })
                .collect();
            format!("it is for {}, not {}", names.join(", "), expected.to_str())
        }
        CertificateError::NotValidForName | CertificateError::NotValidForNameContext { .. } => {
            "it is for another host name".into()
        }
        CertificateError::ExpiredContext { time, not_after } => format!(
            "it expired {} days ago",
            time.as_secs().saturating_sub(not_after.as_secs()) / 86_400
        ),
        CertificateError::Expired => "it has expired".into(),
        CertificateError::NotValidYet | CertificateError::NotValidYetContext { .. } => {
            "it is not valid yet (is this machine's clock right?)".into()
        }
        CertificateError::Revoked => "it has been revoked".into(),
        other => format!("it is invalid ({other:?})"),
    }
}

/// How the server is named in messages about its certificate: `host:port`, without any
/// credentials the URL may carry.
fn host(url: &Url) -> String {
    let host = url.host_str().unwrap_or_default();
    match url.port_or_known_default() {
        Some(port) => format!("{host}:{port}"),
        None => host.to_string(),
    }
}

/// `Retry-After` in seconds (the HTTP-date form is not worth parsing here), if short enough.
fn retry_after(value: &HeaderValue) -> Option<Duration> {
    let seconds: u64 = value.to_str().ok()?.trim().parse().ok()?;
    Some(Duration::from_secs(seconds)).filter(|d| *d <= MAX_RETRY_AFTER)
}

/// How a URL is named in messages: its path and query.
pub(crate) fn target(url: &Url) -> String {
    match url.query() {
        Some(query) => format!("{}?{query}", url.path()),
        None => url.path().to_string(),
    }
}

pub(crate) fn method_name(method: &Method) -> &'static str {
    match *method {
        Method::GET => "GET",
        Method::PUT => "PUT",
        Method::DELETE => "DELETE",
        Method::POST => "POST",
        _ => "request",
    }
}

/// Percent-encodes an FQN as one path segment, as OpenMetadata's client does with
/// `urllib.parse.quote(fqn, safe="")`: everything but letters, digits and `_.-~`.
pub(crate) fn quote(fqn: &str) -> String {
    let mut out = String::with_capacity(fqn.len());
    for byte in fqn.bytes() {
        if byte.is_ascii_alphanumeric() || b"_.-~".contains(&byte) {
            out.push(char::from(byte));
        } else {
            out.push_str(&format!("%{byte:02X}"));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quote_matches_python_quote_with_no_safe_characters() {
        assert_eq!(quote("\"my.dyn\".default"), "%22my.dyn%22.default");
        assert_eq!(quote("a/b c:d"), "a%2Fb%20c%3Ad");
        assert_eq!(quote("ünï"), "%C3%BCn%C3%AF");
        assert_eq!(quote("a_b-c~d.e"), "a_b-c~d.e");
    }

    #[test]
    fn only_alerts_about_the_client_certificate_are_told_as_such() {
        let url = Url::parse("https://om.example.com/api/v1/system/version").unwrap();
        assert_eq!(
            client_certificate(AlertDescription::CertificateRequired, &url),
            Some(RestSinkError::ClientCertificateRequired {
                host: "om.example.com:443".into()
            })
        );
        assert!(matches!(
            client_certificate(AlertDescription::UnknownCA, &url),
            Some(RestSinkError::ClientCertificateRefused { .. })
        ));
        // A handshake failure may be about anything; other alerts are not about certificates.
        for alert in [
            AlertDescription::HandshakeFailure,
            AlertDescription::ProtocolVersion,
            AlertDescription::InternalError,
        ] {
            assert_eq!(client_certificate(alert, &url), None, "{alert:?}");
        }
    }

    #[test]
    fn retry_after_is_bounded() {
        assert_eq!(
            retry_after(&HeaderValue::from_static("2")),
            Some(Duration::from_secs(2))
        );
        assert_eq!(retry_after(&HeaderValue::from_static("3600")), None);
        assert_eq!(
            retry_after(&HeaderValue::from_static("Wed, 21 Oct 2015 07:28:00 GMT")),
            None
        );
    }

    fn api(secret: &str) -> Api {
        Api::new(
            Client::new(),
            "http://localhost:8585/api/v1".into(),
            vec![Secret::new(secret)],
        )
    }

    fn reply(status: u16, body: &str) -> Reply {
        Reply {
            status: StatusCode::from_u16(status).unwrap(),
            change: None,
            body: body.as_bytes().to_vec(),
        }
    }

    #[test]
    fn messages_come_from_json_bodies_and_hide_secrets() {
        let api = api("s3cr3t");
        assert_eq!(
            api.message(&reply(
                404,
                r#"{"code":404,"message":"table instance for a.b not found"}"#
            )),
            "table instance for a.b not found"
        );
        assert_eq!(
            api.message(&reply(401, r#"{"code":401,"message":"bad token s3cr3t"}"#)),
            "bad token **********"
        );
        assert_eq!(
            api.message(&reply(502, "<html>bad gateway</html>")),
            "<html>bad gateway</html>"
        );
        assert_eq!(api.message(&reply(503, "")), "Service Unavailable");
        assert!(api.message(&reply(500, &"x".repeat(1000))).ends_with("x…"));
    }

    #[test]
    fn urls_keep_encoded_paths_and_encode_queries() {
        let api = api("t");
        let url = api
            .url(
                &format!("tables/name/{}", quote("s.\"a.b\"")),
                &[("fields", "sourceHash"), ("databaseSchema", "s.d e")],
            )
            .unwrap();
        assert_eq!(
            url.as_str(),
            "http://localhost:8585/api/v1/tables/name/s.%22a.b%22?fields=sourceHash&databaseSchema=s.d+e"
        );
        assert_eq!(
            target(&url),
            "/api/v1/tables/name/s.%22a.b%22?fields=sourceHash&databaseSchema=s.d+e"
        );
    }
}
