//! From nodes to column types: the kinds seen at a path merged into one type (a scalar, a
//! STRUCT, an ARRAY, a SET) or a UNION of them, with its display text and children.

use ferrometa_model::{Column, DataType};

use super::MAX_DISPLAY_BYTES;
use super::display::{named_column, truncate_display};
use super::node::Node;
use super::presence::presence_text;

/// A union member kind, in display order.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub(super) enum Kind {
    String,
    Number,
    Binary,
    Boolean,
    Struct,
    Array,
    StringSet,
    NumberSet,
    BinarySet,
    Json,
    Unknown,
}

impl Kind {
    pub(super) fn member_name(self) -> &'static str {
        match self {
            Kind::String => "string",
            Kind::Number => "number",
            Kind::Binary => "binary",
            Kind::Boolean => "boolean",
            Kind::Struct => "struct",
            Kind::Array => "array",
            Kind::StringSet => "string_set",
            Kind::NumberSet => "number_set",
            Kind::BinarySet => "binary_set",
            Kind::Json => "json",
            Kind::Unknown => "unknown",
        }
    }
}

/// A column's type, before names and descriptions are attached.
#[derive(Debug, Clone)]
pub(super) struct Typed {
    pub(super) data_type: DataType,
    pub(super) array_data_type: Option<DataType>,
    pub(super) display: String,
    pub(super) children: Option<Vec<Column>>,
}

pub(super) fn kinds(node: &Node) -> Vec<Kind> {
    let mut k = Vec::new();
    if node.string {
        k.push(Kind::String);
    }
    if node.number.is_some() {
        k.push(Kind::Number);
    }
    if node.binary {
        k.push(Kind::Binary);
    }
    if node.boolean {
        k.push(Kind::Boolean);
    }
    if node.map.is_some() {
        k.push(Kind::Struct);
    }
    if node.list.is_some() {
        k.push(Kind::Array);
    }
    if node.string_set {
        k.push(Kind::StringSet);
    }
    if node.number_set.is_some() {
        k.push(Kind::NumberSet);
    }
    if node.binary_set {
        k.push(Kind::BinarySet);
    }
    if node.deep {
        k.push(Kind::Json);
    }
    if node.unknown {
        k.push(Kind::Unknown);
    }
    k
}

pub(super) fn scalar(data_type: DataType) -> Typed {
    Typed {
        data_type,
        array_data_type: None,
        display: data_type.as_str().to_lowercase(),
        children: None,
    }
}

/// The type of one member kind of a node.
pub(super) fn kind_type(node: &Node, kind: Kind, items: u64) -> Typed {
    match kind {
        Kind::String => scalar(DataType::String),
        Kind::Number => scalar(node.number.unwrap_or_default().data_type()),
        Kind::Binary => scalar(DataType::Bytes),
        Kind::Boolean => scalar(DataType::Boolean),
        Kind::Json => scalar(DataType::Json),
        Kind::Unknown => scalar(DataType::Unknown),
        Kind::StringSet => Typed {
            display: "set<string>".into(),
            ..scalar(DataType::Set)
        },
        Kind::BinarySet => Typed {
            display: "set<bytes>".into(),
            ..scalar(DataType::Set)
        },
        Kind::NumberSet => {
            let element = node
                .number_set
                .unwrap_or_default()
                .data_type()
                .as_str()
                .to_lowercase();
            Typed {
                display: format!("set<{element}>"),
                ..scalar(DataType::Set)
            }
        }
        Kind::Struct => {
            let fields = node.map.as_ref().expect("struct kind has fields");
            if fields.nodes.is_empty() {
                return Typed {
                    display: "map<string,unknown>".into(),
                    ..scalar(DataType::Map)
                };
            }
            let mut children = Vec::with_capacity(fields.nodes.len());
            let mut display = String::from("struct<");
            for (name, child_node) in &fields.nodes {
                let mut col = named_column(name);
                if children.iter().any(|c: &Column| c.name == col.name) {
                    continue;
                }
                let typed = node_type(child_node, items);
                // The display names the children as the columns do: encoded, so a `>` or a
                // newline in an attribute name cannot break the type text.
                if display.len() <= MAX_DISPLAY_BYTES {
                    if !children.is_empty() {
                        display.push(',');
                    }
                    display.push_str(&col.name);
                    display.push(':');
                    display.push_str(&typed.display);
                }
                col.data_type = typed.data_type;
                col.array_data_type = typed.array_data_type;
                col.data_type_display = Some(truncate_display(typed.display));
                col.children = typed.children;
                col.description = Some(presence_text(child_node.present, items));
                children.push(col);
            }
            display.push('>');
            Typed {
                data_type: DataType::Struct,
                array_data_type: None,
                display,
                children: Some(children),
            }
        }
        Kind::Array => {
            let element = node.list.as_ref().expect("array kind has an element");
            if kinds(element).is_empty() && !element.null {
                return Typed {
                    data_type: DataType::Array,
                    array_data_type: Some(DataType::Unknown),
                    display: "array<unknown>".into(),
                    children: None,
                };
            }
            let typed = node_type(element, items);
            Typed {
                data_type: DataType::Array,
                array_data_type: Some(typed.data_type),
                display: format!("array<{}>", typed.display),
                children: typed.children,
            }
        }
    }
}

/// The merged type of a node: one kind, NULL, or a UNION.
pub(super) fn node_type(node: &Node, items: u64) -> Typed {
    let kinds = kinds(node);
    match kinds.as_slice() {
        [] => scalar(if node.null {
            DataType::Null
        } else {
            DataType::Unknown
        }),
        [one] => kind_type(node, *one, items),
        many => {
            let mut children = Vec::with_capacity(many.len());
            let mut display = String::from("union<");
            for (i, kind) in many.iter().enumerate() {
                let typed = kind_type(node, *kind, items);
                if i > 0 {
                    display.push(',');
                }
                if display.len() <= MAX_DISPLAY_BYTES {
                    display.push_str(&typed.display);
                }
                let mut col = Column::new(kind.member_name(), typed.data_type);
                col.array_data_type = typed.array_data_type;
                col.data_type_display = Some(truncate_display(typed.display));
                col.children = typed.children;
                children.push(col);
            }
            display.push('>');
            Typed {
                data_type: DataType::Union,
                array_data_type: None,
                display,
                children: Some(children),
            }
        }
    }
}
