//! Rows as JSON objects (column → value) and back: reading any row of
//! either backend, and turning a JSON value into a bind of the kind the
//! target column holds.

use super::schema::Kind;
use crate::{StoreError, StoreResult};
use serde_json::{Map, Value};
use sqlx::{Column, Row, TypeInfo, ValueRef};

pub(crate) type JsonRow = Map<String, Value>;

/// A row read into JSON.
pub(crate) trait ToJson {
    fn to_json(&self) -> StoreResult<JsonRow>;
}

fn unsupported(column: &str, ty: &str) -> StoreError {
    StoreError::Other(format!(
        "column {column} holds {ty} values, which the export cannot write"
    ))
}

fn decode<T>(r: Result<T, sqlx::Error>) -> StoreResult<T> {
    r.map_err(|e| StoreError::Other(e.to_string()))
}

impl ToJson for sqlx::sqlite::SqliteRow {
    fn to_json(&self) -> StoreResult<JsonRow> {
        let mut out = Map::new();
        for (i, col) in self.columns().iter().enumerate() {
            let raw = decode(self.try_get_raw(i))?;
            // SQLite types values, not columns: read what is there.
            let value = if raw.is_null() {
                Value::Null
            } else {
                let ty = raw.type_info().name().to_string();
                match ty.as_str() {
                    "INTEGER" | "BOOLEAN" => {
                        Value::from(decode(self.try_get_unchecked::<i64, _>(i))?)
                    }
                    "REAL" => Value::from(decode(self.try_get_unchecked::<f64, _>(i))?),
                    "TEXT" => Value::from(decode(self.try_get_unchecked::<String, _>(i))?),
                    other => return Err(unsupported(col.name(), other)),
                }
            };
            out.insert(col.name().to_string(), value);
        }
        Ok(out)
    }
}

impl ToJson for sqlx::postgres::PgRow {
    fn to_json(&self) -> StoreResult<JsonRow> {
        let mut out = Map::new();
        for (i, col) in self.columns().iter().enumerate() {
            let ty = col.type_info().name().to_string();
            let value = match ty.as_str() {
                "INT8" => decode(self.try_get::<Option<i64>, _>(i))?.map(Value::from),
                "INT4" => decode(self.try_get::<Option<i32>, _>(i))?.map(Value::from),
                "INT2" => decode(self.try_get::<Option<i16>, _>(i))?.map(Value::from),
                "FLOAT8" => decode(self.try_get::<Option<f64>, _>(i))?.map(Value::from),
                "FLOAT4" => {
                    decode(self.try_get::<Option<f32>, _>(i))?.map(|f| Value::from(f64::from(f)))
                }
                "BOOL" => decode(self.try_get::<Option<bool>, _>(i))?.map(Value::from),
                "TEXT" | "VARCHAR" | "BPCHAR" | "NAME" => {
                    decode(self.try_get::<Option<String>, _>(i))?.map(Value::from)
                }
                other => return Err(unsupported(col.name(), other)),
            };
            out.insert(col.name().to_string(), value.unwrap_or(Value::Null));
        }
        Ok(out)
    }
}

/// One value to bind, typed for its column (a NULL is typed too:
/// PostgreSQL refuses a text NULL in a BIGINT column).
#[derive(Debug, Clone)]
pub(crate) enum Bind {
    Text(Option<String>),
    Int(Option<i64>),
    Float(Option<f64>),
    Bool(Option<bool>),
}

impl Bind {
    /// The bind for `value` in a column of `kind`, or what is wrong with it.
    pub(crate) fn of(kind: Kind, value: &Value) -> Result<Bind, &'static str> {
        Ok(match (kind, value) {
            (Kind::Text, Value::Null) => Bind::Text(None),
            (Kind::Int, Value::Null) => Bind::Int(None),
            (Kind::Float, Value::Null) => Bind::Float(None),
            (Kind::Bool, Value::Null) => Bind::Bool(None),
            (Kind::Text, Value::String(s)) => {
                if s.contains('\0') {
                    return Err("must not contain NUL characters");
                }
                Bind::Text(Some(s.clone()))
            }
            (Kind::Int, Value::Number(n)) => {
                Bind::Int(Some(n.as_i64().ok_or("must be a whole number")?))
            }
            (Kind::Int, Value::Bool(b)) => Bind::Int(Some(i64::from(*b))),
            (Kind::Float, Value::Number(n)) => {
                Bind::Float(Some(n.as_f64().ok_or("must be a number")?))
            }
            (Kind::Bool, Value::Bool(b)) => Bind::Bool(Some(*b)),
            (Kind::Bool, Value::Number(n)) => match n.as_i64() {
                Some(0) => Bind::Bool(Some(false)),
                Some(1) => Bind::Bool(Some(true)),
                _ => return Err("must be true or false"),
            },
            (Kind::Text, _) => return Err("must be a string or null"),
            (Kind::Int, _) => return Err("must be a whole number or null"),
            (Kind::Float, _) => return Err("must be a number or null"),
            (Kind::Bool, _) => return Err("must be true or false"),
            (Kind::Other, _) => return Err("is a column the import cannot write"),
        })
    }
}
