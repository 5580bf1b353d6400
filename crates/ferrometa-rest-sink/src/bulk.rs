//! The answer of `PUT /{collection}/bulk` (`BulkOperationResult`) mapped back to the entities
//! of the request.
//!
//! OpenMetadata names each entity by its FQN in `request`; a request object (the create
//! request itself) is understood too. An entity the answer does not mention succeeded when
//! every failure the answer counts is accounted for, and is reported as unknown otherwise:
//! a lost failure must not pass for a success.

use std::collections::{HashMap, HashSet};

use ferrometa_model::CreateEntity;
use serde::Deserialize;
use serde_json::Value;

use crate::error::RestSinkError;

/// `type/bulkOperationResult.json`, read leniently (every field optional).
#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub(crate) struct BulkOperationResult {
    pub abort_reason: Option<String>,
    pub number_of_rows_failed: Option<u64>,
    pub success_request: Vec<BulkResponse>,
    pub failed_request: Vec<BulkResponse>,
}

/// One entry of `successRequest` / `failedRequest`.
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub(crate) struct BulkResponse {
    pub request: Option<Value>,
    pub message: Option<String>,
    pub status: Option<u16>,
}

impl BulkResponse {
    /// The FQN of the entity this entry is about.
    fn fqn(&self) -> Option<String> {
        match self.request.as_ref()? {
            Value::String(fqn) => Some(fqn.clone()),
            request @ Value::Object(_) => CreateEntity::deserialize(request).ok().map(|e| e.fqn()),
            _ => None,
        }
    }
}

impl BulkOperationResult {
    /// The body as a bulk result, or `None` when it is something else (an error body).
    pub fn parse(body: &[u8]) -> Option<BulkOperationResult> {
        let value: Value = serde_json::from_slice(body).ok()?;
        let object = value.as_object()?;
        let keys = [
            "successRequest",
            "failedRequest",
            "numberOfRowsProcessed",
            "numberOfRowsFailed",
        ];
        if !keys.iter().any(|k| object.contains_key(*k)) {
            return None;
        }
        BulkOperationResult::deserialize(value).ok()
    }

    /// One result per FQN of `sent`, in order; `redact` cleans the server's messages.
    pub fn outcomes(
        &self,
        sent: &[String],
        redact: impl Fn(String) -> String,
    ) -> Vec<Result<(), RestSinkError>> {
        let mut failed: HashMap<String, RestSinkError> = HashMap::new();
        let mut unattributed = 0u64;
        for entry in &self.failed_request {
            let error = RestSinkError::Rejected {
                status: entry.status.unwrap_or(400),
                message: redact(entry.message.clone().unwrap_or_else(|| "no message".into())),
            };
            match entry.fqn() {
                Some(fqn) => {
                    failed.insert(fqn, error);
                }
                None => unattributed += 1,
            }
        }
        let succeeded: HashSet<String> = self
            .success_request
            .iter()
            .filter_map(BulkResponse::fqn)
            .collect();
        let counted_failures = self
            .number_of_rows_failed
            .unwrap_or(0)
            .max(self.failed_request.len() as u64);
        let all_failures_named = unattributed == 0
            && counted_failures == failed.len() as u64
            && self.abort_reason.is_none();
        sent.iter()
            .map(|fqn| match failed.get(fqn) {
                Some(error) => Err(error.clone()),
                None if succeeded.contains(fqn) || all_failures_named => Ok(()),
                None => Err(RestSinkError::NotReported(
                    self.abort_reason.clone().map(&redact),
                )),
            })
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(json: &str) -> BulkOperationResult {
        BulkOperationResult::parse(json.as_bytes()).unwrap()
    }

    fn fqns(names: &[&str]) -> Vec<String> {
        names.iter().map(|n| n.to_string()).collect()
    }

    #[test]
    fn failures_are_mapped_by_fqn_and_the_rest_succeed() {
        let result = parse(
            r#"{"status":"partialSuccess","numberOfRowsProcessed":3,"numberOfRowsPassed":2,"numberOfRowsFailed":1,
                "successRequest":[{"request":"s.a","status":200},{"request":"s.c","status":200}],
                "failedRequest":[{"request":"s.b","message":"[name must match \"^((?!::).)*$\"]","status":400}]}"#,
        );
        let out = result.outcomes(&fqns(&["s.a", "s.b", "s.c"]), |m| m);
        assert!(out[0].is_ok() && out[2].is_ok());
        assert_eq!(
            out[1].as_ref().unwrap_err().to_string(),
            "rejected by the server (400): [name must match \"^((?!::).)*$\"]"
        );
    }

    #[test]
    fn request_objects_are_understood() {
        let result = parse(
            r#"{"numberOfRowsFailed":1,"failedRequest":[{"request":{"name":"t.x","columns":[],"tableType":"Regular",
                "databaseSchema":"svc.db.s"},"message":"bad","status":400}]}"#,
        );
        let out = result.outcomes(&fqns(&["svc.db.s.\"t.x\"", "svc.db.s.u"]), |m| m);
        assert!(out[0].is_err() && out[1].is_ok());
    }

    #[test]
    fn unnamed_failures_make_unmentioned_entities_unknown() {
        let result = parse(r#"{"numberOfRowsFailed":1,"successRequest":[{"request":"s.a"}]}"#);
        let out = result.outcomes(&fqns(&["s.a", "s.b"]), |m| m);
        assert!(out[0].is_ok());
        assert!(matches!(out[1], Err(RestSinkError::NotReported(None))));

        let aborted = parse(r#"{"abortReason":"token tkn expired","numberOfRowsProcessed":1}"#);
        let out = aborted.outcomes(&fqns(&["s.a"]), |m| m.replace("tkn", "***"));
        assert_eq!(
            out[0].as_ref().unwrap_err().to_string(),
            "the server's bulk answer does not mention this entity: token *** expired"
        );
    }

    #[test]
    fn error_bodies_are_not_bulk_results() {
        assert!(BulkOperationResult::parse(br#"{"code":404,"message":"not found"}"#).is_none());
        assert!(BulkOperationResult::parse(b"<html></html>").is_none());
    }

    #[test]
    fn a_bare_count_of_zero_failures_is_success() {
        let out = parse(r#"{"numberOfRowsFailed":0}"#).outcomes(&fqns(&["s.a"]), |m| m);
        assert!(out[0].is_ok());
    }
}
