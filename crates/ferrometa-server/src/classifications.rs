//! The classification the classifier's tags refer to: OpenMetadata's built-in `PII`, with its
//! `Sensitive` and `NonSensitive` tags, as fixed entities with stable ids (they are not stored
//! in the catalog and cannot be changed).
//!
//! | method and path | what it answers |
//! |---|---|
//! | `GET /api/v1/classifications`, `…/{id}`, `…/name/{name}` | the list, one classification |
//! | `GET /api/v1/tags` (`parent`), `…/{id}`, `…/name/{fqn}` | the list, one tag |

use axum::extract::{Path, State};
use axum::http::HeaderMap;
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::{Json, Router};
use serde_json::{Value, json};

use crate::error::ApiError;
use crate::params::Params;
use crate::state::AppState;

/// The id of the `PII` classification.
const PII_ID: &str = "5f2f3f0e-8d0a-4c1e-9a51-2d0b7e3c9a01";

/// One built-in tag of `PII`: id, name, description.
struct Tag {
    id: &'static str,
    name: &'static str,
    description: &'static str,
}

const TAGS: [Tag; 2] = [
    Tag {
        id: "5f2f3f0e-8d0a-4c1e-9a51-2d0b7e3c9a02",
        name: "Sensitive",
        description: "Personal data that identifies a person on its own or can cause harm when \
                      exposed, such as government ids, card and bank account numbers, email \
                      addresses or secrets.",
    },
    Tag {
        id: "5f2f3f0e-8d0a-4c1e-9a51-2d0b7e3c9a03",
        name: "NonSensitive",
        description: "Personal data that says something about a person without identifying them \
                      alone, such as dates, locations, phone numbers or nationalities.",
    },
];

const PII_DESCRIPTION: &str = "Personally identifiable information: data that relates to a \
                               person, directly or together with other data. Its tags say how \
                               sensitive the data is.";

pub(crate) fn routes() -> Router<AppState> {
    Router::new()
        .route("/api/v1/classifications", get(list_classifications))
        .route("/api/v1/classifications/{id}", get(classification_by_id))
        .route(
            "/api/v1/classifications/name/{name}",
            get(classification_by_name),
        )
        .route("/api/v1/tags", get(list_tags))
        .route("/api/v1/tags/{id}", get(tag_by_id))
        .route("/api/v1/tags/name/{fqn}", get(tag_by_name))
}

type Reply = Result<Response, ApiError>;

fn classification(state: &AppState, base: &str) -> Value {
    json!({
        "id": PII_ID,
        "name": "PII",
        "fullyQualifiedName": "PII",
        "displayName": "PII",
        "description": PII_DESCRIPTION,
        "version": 0.1,
        "termCount": TAGS.len(),
        "updatedAt": state.0.started_at,
        "updatedBy": "admin",
        "href": format!("{base}/api/v1/classifications/{PII_ID}"),
        "deleted": false,
        "provider": "system",
        "disabled": false,
        "mutuallyExclusive": true,
    })
}

fn tag(state: &AppState, base: &str, tag: &Tag) -> Value {
    json!({
        "id": tag.id,
        "name": tag.name,
        "displayName": tag.name,
        "fullyQualifiedName": format!("PII.{}", tag.name),
        "description": tag.description,
        "classification": {
            "id": PII_ID,
            "type": "classification",
            "name": "PII",
            "fullyQualifiedName": "PII",
            "description": PII_DESCRIPTION,
            "deleted": false,
            "href": format!("{base}/api/v1/classifications/{PII_ID}"),
        },
        "version": 0.1,
        "updatedAt": state.0.started_at,
        "updatedBy": "admin",
        "href": format!("{base}/api/v1/tags/{}", tag.id),
        "deprecated": false,
        "deleted": false,
        "provider": "system",
        "disabled": false,
        "mutuallyExclusive": false,
    })
}

fn page(data: Vec<Value>) -> Response {
    let total = data.len();
    Json(json!({"data": data, "paging": {"total": total}})).into_response()
}

async fn list_classifications(State(state): State<AppState>, headers: HeaderMap) -> Reply {
    Ok(page(vec![classification(
        &state,
        &state.base_url(&headers),
    )]))
}

async fn classification_by_id(
    State(state): State<AppState>,
    Path(id): Path<String>,
    headers: HeaderMap,
) -> Reply {
    if id != PII_ID {
        return Err(ApiError::not_found("classification", &id));
    }
    Ok(Json(classification(&state, &state.base_url(&headers))).into_response())
}

async fn classification_by_name(
    State(state): State<AppState>,
    Path(name): Path<String>,
    headers: HeaderMap,
) -> Reply {
    if name.trim_matches('"') != "PII" {
        return Err(ApiError::not_found("classification", &name));
    }
    Ok(Json(classification(&state, &state.base_url(&headers))).into_response())
}

async fn list_tags(State(state): State<AppState>, params: Params, headers: HeaderMap) -> Reply {
    let base = state.base_url(&headers);
    let data = match params.get("parent") {
        Some(parent) if parent.trim_matches('"') != "PII" => Vec::new(),
        _ => TAGS.iter().map(|t| tag(&state, &base, t)).collect(),
    };
    Ok(page(data))
}

async fn tag_by_id(
    State(state): State<AppState>,
    Path(id): Path<String>,
    headers: HeaderMap,
) -> Reply {
    let found = TAGS
        .iter()
        .find(|t| t.id == id)
        .ok_or_else(|| ApiError::not_found("tag", &id))?;
    Ok(Json(tag(&state, &state.base_url(&headers), found)).into_response())
}

async fn tag_by_name(
    State(state): State<AppState>,
    Path(fqn): Path<String>,
    headers: HeaderMap,
) -> Reply {
    let found = TAGS
        .iter()
        .find(|t| format!("PII.{}", t.name) == fqn || format!("\"PII\".{}", t.name) == fqn)
        .ok_or_else(|| ApiError::not_found("tag", &fqn))?;
    Ok(Json(tag(&state, &state.base_url(&headers), found)).into_response())
}
