//! A recipe given as Python objects (what `yaml.safe_load` or `json.load` returns) to the
//! JSON value the engine's recipe loader validates.

use pyo3::prelude::*;
use pyo3::types::{PyBool, PyDict, PyFloat, PyInt, PyList, PyString, PyTuple};
use serde_json::{Map, Number, Value};

/// Why a value cannot be part of a recipe, and where.
pub struct Unsupported {
    pub field_path: String,
    pub reason: String,
}

/// Converts `obj`; `path` is the dotted field path of `obj` (empty for the root).
pub fn to_json(obj: &Bound<'_, PyAny>, path: &str) -> Result<Value, Unsupported> {
    let unsupported = |reason: String| Unsupported {
        field_path: path.to_string(),
        reason,
    };
    // bool before int: Python's bool is a subclass of int.
    if obj.is_none() {
        Ok(Value::Null)
    } else if let Ok(b) = obj.cast::<PyBool>() {
        Ok(Value::Bool(b.is_true()))
    } else if let Ok(i) = obj.cast::<PyInt>() {
        if let Ok(n) = i.extract::<i64>() {
            Ok(Value::from(n))
        } else if let Ok(n) = i.extract::<u64>() {
            Ok(Value::from(n))
        } else {
            Err(unsupported("integer out of range".to_string()))
        }
    } else if let Ok(f) = obj.cast::<PyFloat>() {
        Number::from_f64(f.value())
            .map(Value::Number)
            .ok_or_else(|| unsupported("a number must be finite".to_string()))
    } else if let Ok(s) = obj.cast::<PyString>() {
        s.to_cow()
            .map(|s| Value::String(s.into_owned()))
            .map_err(|_| unsupported("a string must be valid Unicode".to_string()))
    } else if let Ok(dict) = obj.cast::<PyDict>() {
        let mut map = Map::with_capacity(dict.len());
        for (key, value) in dict.iter() {
            let Ok(key) = key.cast::<PyString>().map(|k| k.to_string()) else {
                return Err(unsupported(format!(
                    "keys must be strings, found a key of type `{}`",
                    type_name(&key)
                )));
            };
            let child = if path.is_empty() {
                key.clone()
            } else {
                format!("{path}.{key}")
            };
            map.insert(key, to_json(&value, &child)?);
        }
        Ok(Value::Object(map))
    } else if obj.is_instance_of::<PyList>() || obj.is_instance_of::<PyTuple>() {
        obj.try_iter()
            .map_err(|_| unsupported("cannot iterate over this list".to_string()))?
            .enumerate()
            .map(|(i, item)| {
                let item =
                    item.map_err(|_| unsupported("cannot iterate over this list".to_string()))?;
                to_json(&item, &format!("{path}[{i}]"))
            })
            .collect::<Result<Vec<_>, _>>()
            .map(Value::Array)
    } else {
        Err(unsupported(format!(
            "unsupported value of type `{}`: a recipe holds only dicts, lists, strings, numbers, booleans and None",
            type_name(obj)
        )))
    }
}

fn type_name(obj: &Bound<'_, PyAny>) -> String {
    obj.get_type()
        .name()
        .map_or_else(|_| "?".to_string(), |n| n.to_string())
}
