//! Authentication: the signing key kept beside the catalog, bot tokens, and the guard that
//! checks a request's token (the middleware applying it is in `http`).
//!
//! Tokens are HS256 JWTs with `sub` (the bot's name, which becomes `updatedBy`),
//! `iss: ferrometa`, `iat`, `isBot: true` and an optional `exp`. HS256 keeps the key a single
//! secret file: the server and `ferrometa token` are the only parties that sign or verify,
//! so no public key has to be published. Replacing the key ([`rotate_key`], `ferrometa token
//! --rotate`) invalidates every token signed with the old one: a running server notices the
//! file changed (its inode, size or mtime) at the next request and verifies with the new key,
//! without a restart.

use std::fs::OpenOptions;
use std::io::{ErrorKind, Write};
use std::path::{Path, PathBuf};
use std::sync::{Arc, PoisonError, RwLock};
use std::time::{Duration, SystemTime};

use axum::http::{HeaderMap, header};
use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use jsonwebtoken::errors::ErrorKind as JwtErrorKind;
use jsonwebtoken::{Algorithm, DecodingKey, EncodingKey, Header, Validation};
use serde::{Deserialize, Serialize};

use crate::error::ApiError;
use crate::error::ServerError;

/// The `iss` of every token, checked on every request.
const ISSUER: &str = "ferrometa";
/// Random bytes in a new key: HS256 wants at least the hash's size.
const KEY_BYTES: usize = 32;
/// `updatedBy` when authentication is off.
const OPEN_CALLER: &str = "admin";

/// The signing key beside a catalog: `<catalog>.jwt-key`.
pub fn default_key_file(catalog: &Path) -> PathBuf {
    let mut name = catalog.file_name().unwrap_or_default().to_os_string();
    name.push(".jwt-key");
    catalog.with_file_name(name)
}

/// A token for the bot `bot`, valid for `ttl` (forever without it), signed with the key in
/// `key_file`, which is created (readable by its owner only) when missing.
pub fn mint_token(
    key_file: &Path,
    bot: &str,
    ttl: Option<Duration>,
) -> Result<String, ServerError> {
    if bot.is_empty()
        || bot.chars().count() > 128
        || bot.chars().any(|c| c.is_whitespace() || c.is_control())
    {
        return Err(ServerError::BotName(bot.to_string()));
    }
    let key = load_or_create_key(key_file)?;
    let claims = Claims {
        sub: bot.to_string(),
        iss: ISSUER.to_string(),
        iat: (crate::now_ms() / 1000) as u64,
        exp: crate::expiry(ttl),
        is_bot: true,
    };
    Ok(jsonwebtoken::encode(
        &Header::new(Algorithm::HS256),
        &claims,
        &key.encoding,
    )?)
}

/// Replaces the key in `key_file` with a new random one (creating it when missing). Tokens
/// signed with the old key are refused from then on, by running servers too.
pub fn rotate_key(key_file: &Path) -> Result<(), ServerError> {
    let text = new_key_text()?;
    let mut staging = key_file.as_os_str().to_os_string();
    staging.push(".new");
    let staging = PathBuf::from(staging);
    let _ = std::fs::remove_file(&staging);
    write_private(&staging, &text)?;
    // A rename replaces the key at once: readers see the old key or the new one, whole.
    std::fs::rename(&staging, key_file).map_err(|source| ServerError::WriteKey {
        path: key_file.to_path_buf(),
        source,
    })
}

/// The claims of ferrometa's tokens.
#[derive(Debug, Serialize, Deserialize)]
struct Claims {
    sub: String,
    iss: String,
    iat: u64,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    exp: Option<u64>,
    /// OpenMetadata's claim for bot principals.
    #[serde(rename = "isBot", default)]
    is_bot: bool,
}

/// The key a server signs and verifies with.
pub(crate) struct SigningKey {
    encoding: EncodingKey,
    decoding: DecodingKey,
}

/// Reads the key in `path`, creating it first when missing.
fn load_or_create_key(path: &Path) -> Result<SigningKey, ServerError> {
    match read_key(path) {
        Err(ServerError::ReadKey { source, .. }) if source.kind() == ErrorKind::NotFound => {
            match write_private(path, &new_key_text()?) {
                Ok(()) => tracing::info!(path = %path.display(), "created a new token signing key"),
                // Another process created it meanwhile: use theirs.
                Err(ServerError::WriteKey { source, .. })
                    if source.kind() == ErrorKind::AlreadyExists => {}
                Err(e) => return Err(e),
            }
            read_key(path)
        }
        read => read,
    }
}

/// Reads and decodes the key in `path`.
fn read_key(path: &Path) -> Result<SigningKey, ServerError> {
    let text = std::fs::read_to_string(path).map_err(|source| ServerError::ReadKey {
        path: path.to_path_buf(),
        source,
    })?;
    warn_if_shared(path);
    let secret = URL_SAFE_NO_PAD
        .decode(text.trim())
        .ok()
        .filter(|secret| secret.len() >= KEY_BYTES)
        .ok_or_else(|| ServerError::InvalidKey(path.to_path_buf()))?;
    Ok(SigningKey {
        encoding: EncodingKey::from_secret(&secret),
        decoding: DecodingKey::from_secret(&secret),
    })
}

/// What tells one version of the key file from the next: [`rotate_key`] renames a new file
/// into place, so the inode changes even when size and mtime do not.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct FileIdentity {
    modified: Option<SystemTime>,
    len: u64,
    inode: u64,
}

impl FileIdentity {
    fn of(path: &Path) -> Result<FileIdentity, ServerError> {
        let metadata = std::fs::metadata(path).map_err(|source| ServerError::ReadKey {
            path: path.to_path_buf(),
            source,
        })?;
        #[cfg(unix)]
        let inode = std::os::unix::fs::MetadataExt::ino(&metadata);
        #[cfg(not(unix))]
        let inode = 0;
        Ok(FileIdentity {
            modified: metadata.modified().ok(),
            len: metadata.len(),
            inode,
        })
    }
}

/// A running server's key: the file is checked on every request (one `stat`) and re-read
/// when it changed, so that a rotation takes effect at once.
pub(crate) struct WatchedKey {
    path: PathBuf,
    loaded: RwLock<(FileIdentity, Arc<SigningKey>)>,
}

impl WatchedKey {
    /// Loads the key in `path`, creating it when missing.
    pub fn open(path: &Path) -> Result<WatchedKey, ServerError> {
        let key = load_or_create_key(path)?;
        // Taken after the read: a change in between only causes one needless re-read.
        let identity = FileIdentity::of(path)?;
        Ok(WatchedKey {
            path: path.to_path_buf(),
            loaded: RwLock::new((identity, Arc::new(key))),
        })
    }

    /// The key as the file holds it now. A file that cannot be read or decoded fails
    /// closed: no token is accepted until it is fixed.
    fn current(&self) -> Result<Arc<SigningKey>, ServerError> {
        // Taken before the read, so a rotation racing with it is seen next time.
        let identity = FileIdentity::of(&self.path)?;
        {
            let loaded = self.loaded.read().unwrap_or_else(PoisonError::into_inner);
            if loaded.0 == identity {
                return Ok(Arc::clone(&loaded.1));
            }
        }
        let key = Arc::new(read_key(&self.path)?);
        tracing::info!(path = %self.path.display(), "the token signing key changed: tokens signed with the previous key are refused");
        *self.loaded.write().unwrap_or_else(PoisonError::into_inner) = (identity, Arc::clone(&key));
        Ok(key)
    }
}

fn new_key_text() -> Result<String, ServerError> {
    let mut secret = [0u8; KEY_BYTES];
    getrandom::fill(&mut secret).map_err(ServerError::Random)?;
    Ok(format!("{}\n", URL_SAFE_NO_PAD.encode(secret)))
}

/// Creates `path` (which must not exist) readable and writable by its owner only.
fn write_private(path: &Path, text: &str) -> Result<(), ServerError> {
    let mut options = OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
    options
        .open(path)
        .and_then(|mut file| {
            file.write_all(text.as_bytes())?;
            file.sync_all()
        })
        .map_err(|source| ServerError::WriteKey {
            path: path.to_path_buf(),
            source,
        })
}

fn warn_if_shared(path: &Path) {
    #[cfg(unix)]
    if let Ok(metadata) = std::fs::metadata(path) {
        use std::os::unix::fs::PermissionsExt;
        if metadata.permissions().mode() & 0o077 != 0 {
            tracing::warn!(path = %path.display(), "the token signing key is readable by other users: chmod 600 it");
        }
    }
    #[cfg(not(unix))]
    let _ = path;
}

/// How requests are let in.
pub(crate) enum Guard {
    Jwt(WatchedKey),
    Open,
}

/// Who makes a request.
#[derive(Debug, Clone)]
pub(crate) struct Caller {
    pub name: String,
    /// Bots' PUTs keep curated fields (see `merge`).
    pub bot: bool,
}

impl Guard {
    /// The caller a request's `Authorization` header proves, or the 401 to answer.
    pub fn check(&self, headers: &HeaderMap) -> Result<Caller, ApiError> {
        let key = match self {
            Guard::Open => {
                return Ok(Caller {
                    name: OPEN_CALLER.to_string(),
                    bot: false,
                });
            }
            Guard::Jwt(watched) => watched.current().map_err(|e| {
                tracing::error!("{e}");
                ApiError::unavailable("the server cannot read its token signing key")
            })?,
        };
        let token = headers
            .get(header::AUTHORIZATION)
            .and_then(|value| value.to_str().ok())
            .and_then(|value| {
                let (scheme, token) = value.split_once(' ')?;
                scheme.eq_ignore_ascii_case("bearer").then(|| token.trim())
            })
            .ok_or_else(|| {
                ApiError::unauthorized(
                    "token not present: send `Authorization: Bearer <token>` (mint one with `ferrometa token`)",
                )
            })?;
        let mut validation = Validation::new(Algorithm::HS256);
        validation.set_issuer(&[ISSUER]);
        validation.set_required_spec_claims(&["sub", "iss"]);
        let claims = jsonwebtoken::decode::<Claims>(token, &key.decoding, &validation)
            .map_err(|e| {
                ApiError::unauthorized(match e.kind() {
                    JwtErrorKind::ExpiredSignature => "token expired",
                    JwtErrorKind::InvalidSignature => "token not signed with this server's key",
                    JwtErrorKind::InvalidIssuer => "token not issued by ferrometa",
                    JwtErrorKind::InvalidAlgorithm => "token not signed with HS256",
                    _ => "malformed token",
                })
            })?
            .claims;
        Ok(Caller {
            name: claims.sub,
            bot: claims.is_bot,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn key_files_sit_beside_the_catalog() {
        assert_eq!(
            default_key_file(Path::new("/data/catalog.db")),
            Path::new("/data/catalog.db.jwt-key")
        );
    }

    #[test]
    fn tokens_carry_the_bot_and_verify_with_their_key_only() {
        let dir = tempfile::tempdir().unwrap();
        let key_file = dir.path().join("k");
        let token = mint_token(&key_file, "ingestion-bot", None).unwrap();
        let guard = Guard::Jwt(WatchedKey::open(&key_file).unwrap());
        let mut headers = HeaderMap::new();
        headers.insert(
            header::AUTHORIZATION,
            format!("Bearer {token}").parse().unwrap(),
        );
        let caller = guard.check(&headers).unwrap();
        assert_eq!((caller.name.as_str(), caller.bot), ("ingestion-bot", true));

        // The same guard, as in a running server: the rotation is seen at the next check.
        rotate_key(&key_file).unwrap();
        let error = guard.check(&headers).unwrap_err();
        assert_eq!(error.message, "token not signed with this server's key");
        let fresh = mint_token(&key_file, "ingestion-bot", None).unwrap();
        headers.insert(
            header::AUTHORIZATION,
            format!("Bearer {fresh}").parse().unwrap(),
        );
        assert!(guard.check(&headers).is_ok());

        // A key file that goes missing or bad fails closed.
        std::fs::write(&key_file, "short\n").unwrap();
        assert_eq!(guard.check(&headers).unwrap_err().status.as_u16(), 503);
        std::fs::remove_file(&key_file).unwrap();
        assert_eq!(guard.check(&headers).unwrap_err().status.as_u16(), 503);
    }

    #[test]
    fn expired_tokens_and_bad_names_are_refused() {
        let dir = tempfile::tempdir().unwrap();
        let key_file = dir.path().join("k");
        assert!(matches!(
            mint_token(&key_file, "a b", None),
            Err(ServerError::BotName(_))
        ));
        let key = load_or_create_key(&key_file).unwrap();
        let claims = Claims {
            sub: "bot".into(),
            iss: ISSUER.into(),
            iat: 1,
            exp: Some(2),
            is_bot: true,
        };
        let token =
            jsonwebtoken::encode(&Header::new(Algorithm::HS256), &claims, &key.encoding).unwrap();
        let mut headers = HeaderMap::new();
        headers.insert(
            header::AUTHORIZATION,
            format!("Bearer {token}").parse().unwrap(),
        );
        assert_eq!(
            Guard::Jwt(WatchedKey::open(&key_file).unwrap())
                .check(&headers)
                .unwrap_err()
                .message,
            "token expired"
        );
    }

    #[cfg(unix)]
    #[test]
    fn new_keys_are_private() {
        use std::os::unix::fs::PermissionsExt;
        let dir = tempfile::tempdir().unwrap();
        let key_file = dir.path().join("k");
        mint_token(&key_file, "bot", Some(Duration::from_secs(60))).unwrap();
        let mode = std::fs::metadata(&key_file).unwrap().permissions().mode();
        assert_eq!(mode & 0o777, 0o600);
    }
}
