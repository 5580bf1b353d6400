//! [`DynamoDbError`], and short, secret-free messages from AWS SDK errors.

use std::error::Error as StdError;

use aws_sdk_dynamodb::config::http::HttpResponse;
use aws_sdk_dynamodb::error::{ProvideErrorMetadata, SdkError};
use ferrometa_core::ErrorChain;

/// Longest error message kept, in bytes.
const MAX_MESSAGE: usize = 400;

/// Errors of the DynamoDB source.
#[derive(Debug, thiserror::Error)]
pub enum DynamoDbError {
    /// The recipe's AWS settings cannot be used.
    #[error("invalid aws configuration: {0}")]
    Config(String),
    /// An AWS call failed (after the SDK's retries).
    #[error("{operation}{} failed: {message}", table_suffix(.table))]
    Aws {
        operation: &'static str,
        table: Option<String>,
        /// The AWS error code, e.g. `AccessDeniedException`.
        code: Option<String>,
        message: String,
        kind: ErrorKind,
    },
    /// The workflow stopped receiving events.
    #[error("the workflow stopped receiving")]
    Closed,
    /// A table's task panicked.
    #[error("reading a table failed unexpectedly")]
    Task(#[source] tokio::task::JoinError),
}

fn table_suffix(table: &Option<String>) -> String {
    table
        .as_ref()
        .map(|t| format!(" for table `{t}`"))
        .unwrap_or_default()
}

/// A coarse classification of AWS errors, for deciding what to do next.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ErrorKind {
    /// The caller lacks an IAM permission.
    AccessDenied,
    /// The endpoint does not implement the operation (emulators).
    Unsupported,
    /// The table does not exist (any more).
    NotFound,
    /// Throttled even after retries.
    Throttled,
    /// No response: connection, timeout, credentials.
    Transport,
    Other,
}

impl DynamoDbError {
    /// The classification of an AWS error; `None` for other errors.
    pub fn kind(&self) -> Option<ErrorKind> {
        match self {
            DynamoDbError::Aws { kind, .. } => Some(*kind),
            _ => None,
        }
    }

    /// An error from an SDK call.
    pub fn aws<E>(
        operation: &'static str,
        table: Option<&str>,
        err: SdkError<E, HttpResponse>,
    ) -> Self
    where
        E: ProvideErrorMetadata + StdError + Send + Sync + 'static,
    {
        // The SDK's own Display says only "service error" or "dispatch failure": the message
        // is the service's code and text, or the error rendered with its sources.
        let (code, message, kind) = match &err {
            SdkError::ServiceError(service) => {
                let e = service.err();
                let code = e.code().map(str::to_string);
                let text = match (e.code(), e.message()) {
                    (Some(c), Some(m)) if !m.is_empty() => format!("{c}: {m}"),
                    (Some(c), _) => c.to_string(),
                    (None, Some(m)) => m.to_string(),
                    (None, None) => ErrorChain(e).to_string(),
                };
                let status = service.raw().status().as_u16();
                let kind = classify(code.as_deref(), Some(status));
                (code, text, kind)
            }
            SdkError::TimeoutError(_) | SdkError::DispatchFailure(_) => {
                (None, ErrorChain(&err).to_string(), ErrorKind::Transport)
            }
            // A response that is not the API's (an emulator's 404 page for an operation it
            // lacks) is classified by its status alone.
            SdkError::ResponseError(response) => {
                let kind = classify(None, Some(response.raw().status().as_u16()));
                (None, ErrorChain(&err).to_string(), kind)
            }
            _ => (None, ErrorChain(&err).to_string(), ErrorKind::Other),
        };
        DynamoDbError::Aws {
            operation,
            table: table.map(str::to_string),
            code,
            message: shorten(message),
            kind,
        }
    }
}

/// Classifies an AWS error code (and HTTP status).
pub fn classify(code: Option<&str>, status: Option<u16>) -> ErrorKind {
    match code.unwrap_or("") {
        "AccessDeniedException"
        | "AccessDenied"
        | "UnauthorizedOperation"
        | "UnrecognizedClientException"
        | "NotAuthorized" => ErrorKind::AccessDenied,
        "UnknownOperationException"
        | "UnknownOperation"
        | "NotImplemented"
        | "NotImplementedError"
        | "InvalidAction" => ErrorKind::Unsupported,
        "ResourceNotFoundException" | "TableNotFoundException" => ErrorKind::NotFound,
        "ThrottlingException"
        | "ProvisionedThroughputExceededException"
        | "RequestLimitExceeded"
        | "LimitExceededException"
        | "Throttling" => ErrorKind::Throttled,
        _ if status == Some(501) || status == Some(404) => ErrorKind::Unsupported,
        _ if status == Some(403) => ErrorKind::AccessDenied,
        _ => ErrorKind::Other,
    }
}

fn shorten(mut s: String) -> String {
    if s.len() > MAX_MESSAGE {
        let mut cut = MAX_MESSAGE;
        while !s.is_char_boundary(cut) {
            cut -= 1;
        }
        s.truncate(cut);
        s.push('…');
    }
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn classifies_codes() {
        assert_eq!(
            classify(Some("AccessDeniedException"), Some(400)),
            ErrorKind::AccessDenied
        );
        assert_eq!(
            classify(Some("UnknownOperationException"), Some(400)),
            ErrorKind::Unsupported
        );
        assert_eq!(classify(None, Some(501)), ErrorKind::Unsupported);
        assert_eq!(
            classify(Some("ResourceNotFoundException"), Some(400)),
            ErrorKind::NotFound
        );
        assert_eq!(classify(Some("Whatever"), Some(500)), ErrorKind::Other);
    }

    #[test]
    fn messages_are_short_and_lower_case() {
        let e = DynamoDbError::Aws {
            operation: "DescribeTable",
            table: Some("orders".into()),
            code: None,
            message: shorten("x".repeat(1000)),
            kind: ErrorKind::Other,
        };
        let text = e.to_string();
        assert!(text.starts_with("DescribeTable for table `orders` failed: "));
        assert!(text.len() < 500);
        assert_eq!(
            DynamoDbError::Config("bad".into()).to_string(),
            "invalid aws configuration: bad"
        );
    }

    #[tokio::test]
    async fn a_failed_task_keeps_its_cause_out_of_its_message() {
        let join = tokio::spawn(std::future::pending::<()>());
        join.abort();
        let cause = join.await.unwrap_err();
        let cause_text = cause.to_string();
        let e = DynamoDbError::Task(cause);
        assert_eq!(e.to_string(), "reading a table failed unexpectedly");
        assert!(!e.to_string().contains(&cause_text));
        assert_eq!(e.source().unwrap().to_string(), cause_text);
    }
}
