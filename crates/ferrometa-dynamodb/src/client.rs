//! AWS clients from the recipe's `awsConfig`: credentials, region, endpoint, retries (and
//! their count, for the status), timeouts, and client-side rate limits.
//!
//! Credentials, in order of precedence:
//! 1. `awsAccessKeyId` + `awsSecretAccessKey` (+ `awsSessionToken`) from the recipe;
//! 2. otherwise `profileName`, or the standard AWS chain (environment, shared files, SSO,
//!    web identity, ECS, EC2 instance metadata).
//!
//! With `assumeRoleArn`, those credentials assume the role (session name, external id, and
//! `assumeRoleSourceIdentity` when set); temporary credentials are refreshed before they
//! expire. STS is always called on its regional endpoint, never on `endPointURL`, which
//! only applies to DynamoDB and the tagging API.
//!
//! Secrets are never logged: only which kind of credentials is used.

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, SystemTime};

use aws_config::retry::RetryConfig;
use aws_config::timeout::TimeoutConfig;
use aws_config::{BehaviorVersion, Region, SdkConfig};
use aws_credential_types::Credentials;
use aws_credential_types::provider::{self, ProvideCredentials, SharedCredentialsProvider, future};
use aws_sdk_dynamodb::config::interceptors::BeforeTransmitInterceptorContextRef;
use aws_sdk_dynamodb::config::{ConfigBag, Intercept, RuntimeComponents};
use aws_smithy_types::config_bag::{Storable, StoreReplace};
use ferrometa_config::AwsConfig;
use tokio::time::Instant;

use crate::error::DynamoDbError;

/// The SDK behaviour version this crate was written against (pinned, so an SDK upgrade
/// cannot silently change defaults).
pub fn behavior_version() -> BehaviorVersion {
    BehaviorVersion::v2026_01_12()
}

/// Retries: the SDK's standard mode with exponential backoff and jitter. Throttling,
/// transient and 5xx errors are retried; access errors are not.
pub fn retry_config() -> RetryConfig {
    RetryConfig::standard()
        .with_max_attempts(6)
        .with_initial_backoff(Duration::from_millis(100))
        .with_max_backoff(Duration::from_secs(20))
}

/// Timeouts per attempt and per operation (retries included).
pub fn timeout_config() -> TimeoutConfig {
    TimeoutConfig::builder()
        .connect_timeout(Duration::from_millis(3100))
        .operation_attempt_timeout(Duration::from_secs(30))
        .operation_timeout(Duration::from_secs(120))
        .build()
}

/// The clients of one run.
#[derive(Debug, Clone)]
pub struct Clients {
    pub dynamodb: aws_sdk_dynamodb::Client,
    /// The Resource Groups Tagging API, for reading tags in bulk.
    pub tagging: aws_sdk_resourcegroupstagging::Client,
    /// The configured region (`awsRegion`).
    pub region: String,
    /// Whether the endpoint is AWS itself (no override, or an `amazonaws.com` / `api.aws`
    /// host such as a VPC endpoint), where AWS's per-API quotas apply.
    pub aws_endpoint: bool,
    /// The SDK's retries on both clients.
    pub retries: RetryCounter,
}

impl Clients {
    /// Builds the clients for `aws`. Makes no network call except, with `assumeRoleArn`,
    /// none either: the role is assumed on first use.
    pub async fn from_config(aws: &AwsConfig) -> Result<Clients, DynamoDbError> {
        let sdk = sdk_config(aws).await?;
        let retries = RetryCounter::default();
        let mut ddb = aws_sdk_dynamodb::config::Builder::from(&sdk).interceptor(retries.clone());
        let mut tagging =
            aws_sdk_resourcegroupstagging::config::Builder::from(&sdk).interceptor(retries.clone());
        if let Some(url) = aws.end_point_url.as_deref().filter(|u| !u.is_empty()) {
            ddb = ddb.endpoint_url(url);
            tagging = tagging.endpoint_url(url);
        }
        Ok(Clients {
            dynamodb: aws_sdk_dynamodb::Client::from_conf(ddb.build()),
            tagging: aws_sdk_resourcegroupstagging::Client::from_conf(tagging.build()),
            region: aws.aws_region.clone(),
            aws_endpoint: is_aws_endpoint(aws.end_point_url.as_deref()),
            retries,
        })
    }
}

/// Counts the attempts of SDK calls beyond the first (the SDK retries on its own, so this is
/// the only place that sees them). Clones share the count.
#[derive(Debug, Clone, Default)]
pub struct RetryCounter(Arc<AtomicU64>);

/// Marks a call that has made its first attempt (the config bag's interceptor layer lives
/// for one call).
#[derive(Debug)]
struct Attempted;

impl Storable for Attempted {
    type Storer = StoreReplace<Self>;
}

impl RetryCounter {
    /// Retries so far.
    pub fn get(&self) -> u64 {
        self.0.load(Ordering::Relaxed)
    }
}

impl Intercept for RetryCounter {
    fn name(&self) -> &'static str {
        "RetryCounter"
    }

    fn read_before_attempt(
        &self,
        _context: &BeforeTransmitInterceptorContextRef<'_>,
        _components: &RuntimeComponents,
        cfg: &mut ConfigBag,
    ) -> Result<(), aws_sdk_dynamodb::error::BoxError> {
        if cfg.load::<Attempted>().is_some() {
            self.0.fetch_add(1, Ordering::Relaxed);
        } else {
            cfg.interceptor_state().store_put(Attempted);
        }
        Ok(())
    }
}

/// True without an endpoint override, or when it points at an AWS host.
pub fn is_aws_endpoint(url: Option<&str>) -> bool {
    let Some(url) = url.filter(|u| !u.is_empty()) else {
        return true;
    };
    let host = url.split("://").nth(1).unwrap_or(url);
    let host = host.split(['/', '?', '#']).next().unwrap_or("");
    let host = host.rsplit_once('@').map_or(host, |(_, h)| h);
    let host = match host.rsplit_once(':') {
        Some((h, port)) if port.bytes().all(|b| b.is_ascii_digit()) => h,
        _ => host,
    };
    let host = host.to_ascii_lowercase();
    ["amazonaws.com", "amazonaws.com.cn", "api.aws"]
        .iter()
        .any(|d| host == *d || host.ends_with(&format!(".{d}")))
}

/// The shared SDK configuration (without the endpoint override).
pub async fn sdk_config(aws: &AwsConfig) -> Result<SdkConfig, DynamoDbError> {
    if aws.aws_region.trim().is_empty() {
        return Err(DynamoDbError::Config("awsRegion is empty".into()));
    }
    let mut loader = aws_config::defaults(behavior_version())
        .region(Region::new(aws.aws_region.clone()))
        .retry_config(retry_config())
        .timeout_config(timeout_config());
    if let Some(profile) = aws.profile_name.as_deref().filter(|p| !p.is_empty()) {
        loader = loader.profile_name(profile);
    }
    let credentials = aws
        .static_credentials()
        .map_err(|message| DynamoDbError::Config(message.into()))?;
    match credentials {
        Some((id, secret)) => {
            let token = aws
                .aws_session_token
                .as_ref()
                .map(|t| t.expose().to_string())
                .filter(|t| !t.is_empty());
            tracing::debug!(
                session_token = token.is_some(),
                "using the recipe's static AWS credentials"
            );
            loader =
                loader.credentials_provider(Credentials::new(id, secret, token, None, "recipe"));
        }
        None => tracing::debug!("using the default AWS credential chain"),
    }
    let base = loader.load().await;
    let Some(role_arn) = aws.assume_role_arn.as_deref().filter(|r| !r.is_empty()) else {
        return Ok(base);
    };
    let session_name = if aws.assume_role_session_name.is_empty() {
        "OpenMetadataSession".to_string()
    } else {
        aws.assume_role_session_name.clone()
    };
    let external_id = aws
        .assume_role_external_id
        .clone()
        .filter(|e| !e.is_empty());
    let provider = match aws
        .assume_role_source_identity
        .as_deref()
        .filter(|s| !s.is_empty())
    {
        None => {
            tracing::debug!(role = role_arn, "assuming a role");
            let mut builder =
                aws_config::sts::AssumeRoleProvider::builder(role_arn).session_name(session_name);
            if let Some(id) = external_id {
                builder = builder.external_id(id);
            }
            SharedCredentialsProvider::new(builder.configure(&base).build().await)
        }
        Some(source_identity) => {
            tracing::debug!(role = role_arn, "assuming a role with a source identity");
            SharedCredentialsProvider::new(SourceIdentityProvider {
                sts: aws_sdk_sts::Client::new(&base),
                role_arn: role_arn.to_string(),
                session_name,
                external_id,
                source_identity: source_identity.to_string(),
            })
        }
    };
    Ok(base.into_builder().credentials_provider(provider).build())
}

/// Assumes a role with `SourceIdentity` set, which `AssumeRoleProvider` cannot do.
/// The SDK's identity cache calls it again shortly before the credentials expire.
#[derive(Debug)]
pub struct SourceIdentityProvider {
    sts: aws_sdk_sts::Client,
    role_arn: String,
    session_name: String,
    external_id: Option<String>,
    source_identity: String,
}

impl SourceIdentityProvider {
    async fn assume(&self) -> provider::Result {
        let out = self
            .sts
            .assume_role()
            .role_arn(&self.role_arn)
            .role_session_name(&self.session_name)
            .set_external_id(self.external_id.clone())
            .source_identity(&self.source_identity)
            .send()
            .await
            .map_err(|e| {
                let e = DynamoDbError::aws("sts:AssumeRole", None, e);
                provider::error::CredentialsError::provider_error(e.to_string())
            })?;
        let creds = out.credentials.ok_or_else(|| {
            provider::error::CredentialsError::provider_error(
                "sts:AssumeRole returned no credentials",
            )
        })?;
        let expiry = SystemTime::try_from(creds.expiration).ok();
        Ok(Credentials::new(
            creds.access_key_id,
            creds.secret_access_key,
            Some(creds.session_token),
            expiry,
            "assume-role-source-identity",
        ))
    }
}

impl ProvideCredentials for SourceIdentityProvider {
    fn provide_credentials<'a>(&'a self) -> future::ProvideCredentials<'a>
    where
        Self: 'a,
    {
        future::ProvideCredentials::new(self.assume())
    }
}

/// Spaces calls evenly: at most `rate` per second, no bursts.
#[derive(Debug)]
pub struct RateLimiter {
    interval: Duration,
    next: Mutex<Option<Instant>>,
}

impl RateLimiter {
    /// A limiter of `rate` calls per second (`rate > 0`).
    pub fn per_second(rate: f64) -> RateLimiter {
        let rate = if rate.is_finite() && rate > 0.0 {
            rate
        } else {
            1.0
        };
        RateLimiter {
            interval: Duration::from_secs_f64(1.0 / rate),
            next: Mutex::new(None),
        }
    }

    /// Waits for the next slot.
    pub async fn acquire(&self) {
        let at = {
            let mut next = self.next.lock().expect("rate limiter lock");
            let now = Instant::now();
            let at = next.map_or(now, |n| n.max(now));
            *next = Some(at + self.interval);
            at
        };
        tokio::time::sleep_until(at).await;
    }
}

/// The rate limits of one run.
#[derive(Debug, Default)]
pub struct Limiters {
    /// `requestsPerSecond`: every control-plane call.
    pub control: Option<RateLimiter>,
    /// ListTagsOfResource: AWS allows 10 calls per second per account.
    pub list_tags: Option<RateLimiter>,
}

/// AWS's quota for ListTagsOfResource, per second and account.
pub const LIST_TAGS_PER_SECOND: f64 = 10.0;
/// Control-plane calls per second on AWS when `requestsPerSecond` is absent: well under the
/// account's 2500, which other tools share.
pub const AWS_CONTROL_PER_SECOND: f64 = 1000.0;

impl Limiters {
    /// `requests_per_second` limits every control-plane call (by default, on AWS endpoints
    /// only); ListTagsOfResource is held to AWS's quota on AWS endpoints (an emulator has no
    /// such quotas).
    pub fn new(requests_per_second: Option<f64>, aws_endpoint: bool) -> Limiters {
        let control = requests_per_second.or(aws_endpoint.then_some(AWS_CONTROL_PER_SECOND));
        Limiters {
            control: control.map(RateLimiter::per_second),
            list_tags: aws_endpoint.then(|| RateLimiter::per_second(LIST_TAGS_PER_SECOND)),
        }
    }

    /// Waits for a control-plane slot.
    pub async fn control(&self) {
        if let Some(l) = &self.control {
            l.acquire().await;
        }
    }

    /// Waits for a ListTagsOfResource slot.
    pub async fn list_tags(&self) {
        self.control().await;
        if let Some(l) = &self.list_tags {
            l.acquire().await;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn aws_endpoints_get_a_control_plane_limit_by_default() {
        assert!(Limiters::new(None, true).control.is_some());
        assert!(Limiters::new(None, false).control.is_none());
        assert!(Limiters::new(Some(5.0), false).control.is_some());
        assert!(Limiters::new(None, false).list_tags.is_none());
    }
    use tokio::io::{AsyncBufReadExt, AsyncReadExt, AsyncWriteExt, BufReader};

    fn aws(extra: serde_json::Value) -> AwsConfig {
        let mut v = serde_json::json!({"awsRegion": "eu-west-1"});
        for (k, val) in extra.as_object().unwrap() {
            v[k] = val.clone();
        }
        serde_json::from_value(v).unwrap()
    }

    #[tokio::test]
    async fn partial_static_keys_are_rejected_without_echoing_them() {
        let err = sdk_config(&aws(
            serde_json::json!({"awsAccessKeyId": "AKIDSECRETLOOKING"}),
        ))
        .await
        .unwrap_err();
        let message = err.to_string();
        assert!(
            message.contains("awsAccessKeyId is set but awsSecretAccessKey is not"),
            "{message}"
        );
        assert!(!message.contains("AKIDSECRETLOOKING"), "{message}");
        let err = sdk_config(&aws(serde_json::json!({"awsSecretAccessKey": "s3cr3t"})))
            .await
            .unwrap_err();
        assert!(!err.to_string().contains("s3cr3t"));
    }

    #[tokio::test]
    async fn static_keys_region_and_endpoint() {
        let cfg = aws(serde_json::json!({
            "awsAccessKeyId": "AKID", "awsSecretAccessKey": "SECRET", "awsSessionToken": "TOKEN",
            "endPointURL": "http://127.0.0.1:9"
        }));
        let sdk = sdk_config(&cfg).await.unwrap();
        assert_eq!(sdk.region().unwrap().as_ref(), "eu-west-1");
        assert!(
            sdk.endpoint_url().is_none(),
            "the override is applied per service, never to STS"
        );
        let creds = sdk
            .credentials_provider()
            .unwrap()
            .provide_credentials()
            .await
            .unwrap();
        assert_eq!(
            (creds.access_key_id(), creds.secret_access_key()),
            ("AKID", "SECRET")
        );
        assert_eq!(creds.session_token(), Some("TOKEN"));
        assert_eq!(sdk.retry_config().unwrap().max_attempts(), 6);
        let clients = Clients::from_config(&cfg).await.unwrap();
        assert!(!clients.aws_endpoint);
        assert!(!format!("{clients:?}").contains("SECRET"));
    }

    #[tokio::test]
    async fn assume_role_builds_without_network() {
        let cfg = aws(serde_json::json!({
            "awsAccessKeyId": "AKID", "awsSecretAccessKey": "SECRET",
            "assumeRoleArn": "arn:aws:iam::123456789012:role/reader",
            "assumeRoleExternalId": "ext"
        }));
        let sdk = sdk_config(&cfg).await.unwrap();
        assert!(sdk.credentials_provider().is_some());
        let with_identity = aws(serde_json::json!({
            "assumeRoleArn": "arn:aws:iam::123456789012:role/reader",
            "assumeRoleSourceIdentity": "alice"
        }));
        assert!(sdk_config(&with_identity).await.is_ok());
    }

    /// Serves one STS request: returns the request body and answers with credentials.
    async fn fake_sts() -> (String, tokio::sync::oneshot::Receiver<String>) {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let endpoint = format!("http://{}", listener.local_addr().unwrap());
        let (tx, rx) = tokio::sync::oneshot::channel();
        tokio::spawn(async move {
            let (conn, _) = listener.accept().await.unwrap();
            let (r, mut w) = conn.into_split();
            let mut r = BufReader::new(r);
            let mut length = 0usize;
            loop {
                let mut line = String::new();
                r.read_line(&mut line).await.unwrap();
                if line == "\r\n" {
                    break;
                }
                if let Some((k, v)) = line.split_once(':')
                    && k.eq_ignore_ascii_case("content-length")
                {
                    length = v.trim().parse().unwrap();
                }
            }
            let mut body = vec![0u8; length];
            r.read_exact(&mut body).await.unwrap();
            let xml = "<AssumeRoleResponse xmlns=\"https://sts.amazonaws.com/doc/2011-06-15/\"><AssumeRoleResult>\
                <Credentials><AccessKeyId>ASIATEMP</AccessKeyId><SecretAccessKey>TEMPSECRET</SecretAccessKey>\
                <SessionToken>TEMPTOKEN</SessionToken><Expiration>2030-01-01T00:00:00Z</Expiration></Credentials>\
                <AssumedRoleUser><Arn>arn:aws:sts::123456789012:assumed-role/reader/s</Arn>\
                <AssumedRoleId>AROA:s</AssumedRoleId></AssumedRoleUser><SourceIdentity>alice</SourceIdentity>\
                </AssumeRoleResult><ResponseMetadata><RequestId>r</RequestId></ResponseMetadata></AssumeRoleResponse>";
            let response = format!(
                "HTTP/1.1 200 OK\r\ncontent-type: text/xml\r\ncontent-length: {}\r\nconnection: close\r\n\r\n{xml}",
                xml.len()
            );
            w.write_all(response.as_bytes()).await.unwrap();
            let _ = tx.send(String::from_utf8_lossy(&body).into_owned());
        });
        (endpoint, rx)
    }

    #[tokio::test]
    async fn source_identity_is_sent_and_credentials_expire() {
        let (endpoint, body) = fake_sts().await;
        let sts = aws_sdk_sts::Client::from_conf(
            aws_sdk_sts::Config::builder()
                .behavior_version(behavior_version())
                .region(Region::new("us-east-1"))
                .endpoint_url(endpoint)
                .credentials_provider(Credentials::new("AKID", "SECRET", None, None, "test"))
                .build(),
        );
        let provider = SourceIdentityProvider {
            sts,
            role_arn: "arn:aws:iam::123456789012:role/reader".into(),
            session_name: "OpenMetadataSession".into(),
            external_id: Some("ext-42".into()),
            source_identity: "alice".into(),
        };
        let creds = provider.provide_credentials().await.unwrap();
        assert_eq!(creds.access_key_id(), "ASIATEMP");
        assert_eq!(creds.session_token(), Some("TEMPTOKEN"));
        assert!(
            creds.expiry().is_some(),
            "expiring credentials are refreshed by the identity cache"
        );
        let body = body.await.unwrap();
        for part in [
            "Action=AssumeRole",
            "SourceIdentity=alice",
            "ExternalId=ext-42",
            "RoleSessionName=OpenMetadataSession",
        ] {
            assert!(body.contains(part), "{part} missing from {body}");
        }
    }

    #[test]
    fn aws_endpoints() {
        assert!(is_aws_endpoint(None));
        assert!(is_aws_endpoint(Some("")));
        assert!(is_aws_endpoint(Some(
            "https://dynamodb.us-east-1.amazonaws.com"
        )));
        assert!(is_aws_endpoint(Some(
            "https://vpce-1.dynamodb.us-east-1.vpce.amazonaws.com:443/"
        )));
        assert!(is_aws_endpoint(Some(
            "https://dynamodb.cn-north-1.amazonaws.com.cn"
        )));
        assert!(!is_aws_endpoint(Some("http://127.0.0.1:8000")));
        assert!(!is_aws_endpoint(Some("http://localhost:4566")));
        assert!(!is_aws_endpoint(Some("http://amazonaws.com.evil.example")));
    }

    #[tokio::test]
    async fn rate_limiter_spaces_calls() {
        let limiter = std::sync::Arc::new(RateLimiter::per_second(100.0));
        let start = Instant::now();
        let tasks: Vec<_> = (0..11)
            .map(|_| {
                let limiter = limiter.clone();
                tokio::spawn(async move { limiter.acquire().await })
            })
            .collect();
        for t in tasks {
            t.await.unwrap();
        }
        let elapsed = start.elapsed();
        assert!(elapsed >= Duration::from_millis(95), "{elapsed:?}");
    }
}
